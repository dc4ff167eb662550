"""The worklist and the case page cost a fixed, small number of queries, whatever the data.

Counts, not timings: a count cannot be flaky, and a query added per listed case (a grant
checked row by row, an access-log line inserted one by one, a relation read lazily) shows at
once. The bench (``bench/cases.py``) measures the time.

Organisations A and B hold identical data, each in its own coalition under an agreement: cases
of their own (more than one page of the worklist, each with a task assigned to the worker and a
note) and cases a partner of the coalition shares with them by consent.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arrimage.cases import plan_services, services, track_services
from arrimage.cases.models import Case, CaseAccess
from arrimage.coalition.models import Coalition
from arrimage.core.audit_check import audit_verify
from arrimage.core.models import AuditEvent
from tests.cases.conftest import agreement_allowing_all, consent_for, membership
from tests.conftest import Side, login, make_side

pytestmark = pytest.mark.django_db

# Session, user, memberships; own cases, shared cases, their consents, the coalitions and the
# agreement; the next tasks, my tasks, recent events; one access-log INSERT and three audit
# statements (and their savepoints inside the test's transaction). The session is not saved:
# its expiry moves at most once a minute (accounts.middleware.SessionRenewalMiddleware).
WORKLIST_MAX_QUERIES = 16
# Session, user, memberships; the case with its person, worker, exploitation and immigration
# records; needs, health, goals, tasks, notes, documents; the colleagues of the task form; the
# access-log line and three audit statements. The session is not saved.
CASE_PAGE_MAX_QUERIES = 16
PAGE_SIZE = 25


def _cases(side: Side, label: str, start: int, count: int) -> list[Case]:
    actor = membership(side)
    due = timezone.localdate() + timedelta(days=3)
    made = []
    for index in range(start, start + count):
        case = services.case_create(
            actor_membership=actor,
            identity={"alias": f"{label}-alias-{index}", "gender": "Female"},
            contact={"phone": "+1 514 555 0100"},
            location={"city": "Montréal"},
        )
        plan_services.task_add(
            actor_membership=actor,
            case_id=case.pk,
            title=f"{label}-task-{index}",
            due_on=due,
            assignee_id=actor.user_id,
        )
        plan_services.note_add(
            actor_membership=actor,
            case_id=case.pk,
            category="coordination",
            body=f"{label}-note-{index}",
        )
        made.append(case)
    return made


def _shared_with(side: Side, label: str, coalition: Coalition) -> None:
    """A partner in the side's coalition shares three cases with it, under an agreement."""
    partner = make_side(f"Partner{label}", coalition=coalition)
    agreement_allowing_all(coalition)
    for case in _cases(partner, f"p{label}", 0, 3):
        consent_for(
            Case.objects.select_related("person", "lead_organisation").get(pk=case.pk),
            side.organisation,
        )


def _get(client, url: str) -> tuple[int, str, list[dict[str, str]]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    session_writes = [
        q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]
    ]
    assert session_writes == [], "a read saved the session"
    return len(queries), response.content.decode(), queries.captured_queries


@pytest.fixture
def sides(side_a: Side, side_b: Side, coalition: Coalition) -> dict[str, tuple[Side, Coalition]]:
    return {
        "a": (side_a, coalition),
        "b": (side_b, Coalition.objects.get(organisations=side_b.organisation)),
    }


def test_the_worklist_costs_the_same_few_queries_however_many_cases(client, sides):
    counts = {}
    for label, (side, coalition) in sides.items():
        other = "b" if label == "a" else "a"
        _shared_with(side, label, coalition)
        _cases(side, label, 0, 2)
        login(client, side.user("caseworker"))
        client.get("/dossiers/")  # the session's first page also records the acting organisation
        few, body, _queries = _get(client, "/dossiers/")
        assert f"{label}-alias-0" in body
        assert f"p{label}-alias-0" in body  # shared by consent

        _cases(side, label, 2, PAGE_SIZE + 5)
        read_before = CaseAccess.objects.filter(
            action="case_list_read", organisation=side.organisation
        ).count()
        events_before = AuditEvent.objects.filter(action="case_list_read").count()
        many, body, queries = _get(client, "/dossiers/")
        client.logout()

        # Fewer, not more: the first page now holds own cases only, and the policy looks up
        # consents and agreements only for the shared cases a page shows.
        assert many <= few, "a query per listed case"
        assert many <= WORKLIST_MAX_QUERIES, [q["sql"][:120] for q in queries]
        counts[label] = many
        assert f"{label}-alias-" in body
        assert f"{other}-alias-" not in body
        assert f"p{other}-alias-" not in body
        # One access-log line per case shown, written by one INSERT; one audit event.
        assert (
            CaseAccess.objects.filter(
                action="case_list_read", organisation=side.organisation
            ).count()
            == read_before + PAGE_SIZE
        )
        access_inserts = [
            q for q in queries if "INSERT INTO" in q["sql"] and "caseaccess" in q["sql"]
        ]
        assert len(access_inserts) == 1
        assert AuditEvent.objects.filter(action="case_list_read").count() == events_before + 1
    assert counts["a"] == counts["b"]
    assert audit_verify() == (AuditEvent.objects.count(), None)


def test_the_case_page_costs_the_same_few_queries_however_much_it_holds(client, sides):
    counts = {}
    for label, (side, coalition) in sides.items():
        _shared_with(side, label, coalition)
        case = _cases(side, label, 0, 1)[0]
        actor = membership(side)
        track_services.exploitation_update(
            actor_membership=actor, case_id=case.pk, data={"details": f"{label}-exploitation"}
        )
        track_services.immigration_update(
            actor_membership=actor,
            case_id=case.pk,
            data={"status": "trp_victim", "legal_representative": f"{label}-representative"},
        )
        login(client, side.user("caseworker"))
        client.get("/dossiers/")
        url = f"/dossiers/{case.pk}/"
        few, _body, _queries = _get(client, url)
        for index in range(5):
            plan_services.note_add(
                actor_membership=actor,
                case_id=case.pk,
                category="health",
                body=f"{label}-more-{index}",
            )
        read_before = CaseAccess.objects.filter(case=case, action="case_read").count()
        many, body, queries = _get(client, url)
        client.logout()

        assert many == few, "a query per note"
        assert many <= CASE_PAGE_MAX_QUERIES, [q["sql"][:120] for q in queries]
        counts[label] = many
        assert f"{label}-exploitation" in body
        assert f"{label}-representative" in body
        assert f"{label}-more-4" in body
        assert CaseAccess.objects.filter(case=case, action="case_read").count() == read_before + 1
    assert counts["a"] == counts["b"]
    assert audit_verify() == (AuditEvent.objects.count(), None)
