"""The worklist, the case page and case search cost as many queries with 30 items as with 3.

Counts, not timings. Each side (A and B, identical data, each in its own coalition) leads
cases that carry a note, a task assigned to the worker, a need and a referral sent to a shelter
of its coalition; then one case carries 3, then 30, of every kind of record the case page shows
(notes, tasks, goals, needs, documents, health follow-ups) and of referrals. A query per item
(a relation read lazily, a grant asked row by row, a field opened one query at a time) makes the
second count larger.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases import document_services, plan_services, services, track_services
from arrimage.cases.models import Case
from arrimage.coalition.models import Coalition
from arrimage.orientation.referrals import referral_create_and_send
from tests.cases.conftest import agreement_allowing_all, consent_for, membership
from tests.conftest import Side, login, make_side
from tests.orientation.conftest import agreement_for_referrals, consent_to, make_service

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _world(side: Side, coalition: Coalition, label: str):
    """A shelter in the side's coalition, with a service, and an agreement for referrals."""
    shelter = make_side(f"Refuge{label}", org_type="shelter", coalition=coalition)
    agreement_for_referrals(coalition, membership(side, Role.COORDINATOR))
    service = make_service(
        shelter.organisation, name_fr=f"Refuge {label}", terms=("housing_emergency",)
    )
    return shelter, service


def _referred(side: Side, case: Case, shelter: Side, service, count: int) -> None:
    full = Case.objects.select_related("person", "lead_organisation").get(pk=case.pk)
    if not full.person.consents.exists():
        consent_to(full, shelter.organisation, ["identity", "coordination"])
    for _ in range(count):
        referral_create_and_send(
            actor=membership(side),
            case_id=case.pk,
            service_id=service.pk,
            categories=["identity", "coordination"],
        )


def _cases(side: Side, label: str, start: int, stop: int, shelter: Side, service) -> None:
    actor = membership(side)
    for index in range(start, stop):
        case = services.case_create(
            actor_membership=actor, identity={"alias": f"{label}-alias-{index}"}
        )
        plan_services.note_add(
            actor_membership=actor, case_id=case.pk, category="coordination", body="Note"
        )
        plan_services.task_add(
            actor_membership=actor,
            case_id=case.pk,
            title=f"{label}-task-{index}",
            due_on=timezone.localdate() + timedelta(days=2),
            assignee_id=actor.user_id,
        )
        plan_services.need_add(
            actor_membership=actor, case_id=case.pk, need_type="housing", urgency="high"
        )
        _referred(side, case, shelter, service, 1)


def _records(side: Side, case: Case, label: str, start: int, stop: int, shelter, service) -> None:
    actor = membership(side)
    for index in range(start, stop):
        plan_services.note_add(
            actor_membership=actor,
            case_id=case.pk,
            category="health",
            body=f"{label}-note-{index}",
        )
        plan_services.task_add(
            actor_membership=actor,
            case_id=case.pk,
            title=f"{label}-task-{index}",
            due_on=timezone.localdate() + timedelta(days=index % 20),
            category="immigration",
            assignee_id=actor.user_id,
        )
        plan_services.goal_add(
            actor_membership=actor, case_id=case.pk, text=f"{label}-goal-{index}"
        )
        plan_services.need_add(
            actor_membership=actor,
            case_id=case.pk,
            need_type="mental_health" if index % 2 else "housing",
            urgency="medium",
        )
        document_services.document_add(
            actor_membership=actor,
            case_id=case.pk,
            category="legal",
            filename=f"{label}-document-{index}.pdf",
            content=PDF,
        )
        track_services.health_follow_up_add(
            actor_membership=actor,
            case_id=case.pk,
            data={
                "kind": "appointment",
                "service": f"{label}-clinic-{index}",
                "coverage": "ifhp",
            },
        )
    _referred(side, case, shelter, service, stop - start)


def _count(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.fixture
def sides(side_a: Side, side_b: Side, coalition: Coalition) -> dict[str, tuple[Side, Coalition]]:
    return {
        "a": (side_a, coalition),
        "b": (side_b, Coalition.objects.get(organisations=side_b.organisation)),
    }


def test_the_worklist_costs_as_many_queries_with_30_cases_as_with_3(client, sides):
    counts = {}
    for label, (side, coalition) in sides.items():
        shelter, service = _world(side, coalition, label)
        _cases(side, label, 0, 3, shelter, service)
        login(client, side.user("caseworker"))
        client.get("/dossiers/")  # the session's first page records the acting organisation
        three, body = _count(client, "/dossiers/")
        assert f"{label}-alias-2" in body
        assert f"{label}-task-2" in body

        _cases(side, label, 3, 30, shelter, service)
        thirty, body = _count(client, "/dossiers/")
        client.logout()
        assert f"{label}-alias-29" in body
        assert thirty == three, "the worklist makes a query per case"
        counts[label] = thirty
    assert counts["a"] == counts["b"]


def test_the_case_page_costs_as_many_queries_with_30_records_as_with_3(client, sides):
    counts = {}
    for label, (side, coalition) in sides.items():
        shelter, service = _world(side, coalition, label)
        case = services.case_create(
            actor_membership=membership(side), identity={"alias": f"{label}-person"}
        )
        _records(side, case, label, 0, 3, shelter, service)
        login(client, side.user("caseworker"))
        client.get("/dossiers/")
        url = f"/dossiers/{case.pk}/"
        three, body = _count(client, url)
        for shown in ("note", "task", "goal", "document", "clinic"):
            assert f"{label}-{shown}-2" in body

        _records(side, case, label, 3, 30, shelter, service)
        thirty, body = _count(client, url)
        client.logout()
        for shown in ("note", "task", "goal", "document", "clinic"):
            assert f"{label}-{shown}-29" in body
        assert thirty == three, "the case page makes a query per record"
        counts[label] = thirty
    assert counts["a"] == counts["b"]


def _named(side: Side, partner: Side, label: str, start: int, stop: int) -> None:
    """Cases whose alias begins with « Zéphirine »: the side's own, then (newest, so on the
    first page of results) one that its partner shares with it by consent."""
    for index in range(start, stop - 1):
        services.case_create(
            actor_membership=membership(side), identity={"alias": f"Zéphirine {label}{index}"}
        )
    shared = services.case_create(
        actor_membership=membership(partner), identity={"alias": f"Zéphirine {label}{stop}"}
    )
    consent_for(shared, side.organisation)


def _searched(client, query: str) -> tuple[int, int, str]:
    """The queries of the search (POST) and of its results page (GET), and the page."""
    with CaptureQueriesContext(connection) as posted:
        response = client.post("/dossiers/recherche/", {"q": query})
    assert response.status_code == 302
    location = response["Location"]
    shown, body = _count(client, location)
    return len(posted), shown, body


def test_case_search_costs_as_many_queries_with_30_matches_as_with_3(client, sides):
    counts = {}
    for label, (side, coalition) in sides.items():
        partner = make_side(f"Partenaire{label}", coalition=coalition)
        agreement_allowing_all(coalition)
        _named(side, partner, label, 0, 3)
        login(client, side.user("caseworker"))
        client.get("/dossiers/")
        posted_three, shown_three, body = _searched(client, "zéphirine")
        assert body.count("Zéphirine") == 3
        assert f"Zéphirine {label}3" in body  # the shared case

        _named(side, partner, label, 3, 30)
        posted_thirty, shown_thirty, body = _searched(client, "zéphirine")
        client.logout()
        assert f"Zéphirine {label}30" in body
        assert posted_thirty == posted_three, "the search makes a query per matching case"
        assert shown_thirty == shown_three, "the results page makes a query per case"
        counts[label] = (posted_thirty, shown_thirty)
    assert counts["a"] == counts["b"]
