"""Reminders look at every case, not a window of the newest 500 (issue 11): a task due
tomorrow on an older case, and an older detained case, still appear once the organisation has
more recent cases than any such window. B holds the same: none of it reaches A."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.cases import plan_services, services, track_services
from arrimage.cases.models import Case, Person
from tests.cases.conftest import membership
from tests.conftest import login

pytestmark = pytest.mark.django_db

NEWER = 600  # more recent cases than the old window held


def _recent_cases(side) -> None:
    """Plain recent cases (no personal data needed for this test), in one query each."""
    people = Person.objects.bulk_create(
        [Person(organisation=side.organisation) for _ in range(NEWER)]
    )
    Case.objects.bulk_create(
        [
            Case(person=p, lead_organisation=side.organisation, updated_at=timezone.now())
            for p in people
        ]
    )


def _old_case(side, title: str, *, detained: bool = False) -> Case:
    """A case last updated long ago: with a task due tomorrow, or detained."""
    actor = membership(side)
    case = services.case_create(actor_membership=actor, identity={"alias": title}, location={})
    if detained:
        track_services.immigration_update(
            actor_membership=actor,
            case_id=case.pk,
            data={"status": "no_status", "is_detained": "1"},
        )
    else:
        plan_services.task_add(
            actor_membership=actor,
            case_id=case.pk,
            title=title,
            due_on=(timezone.localdate() + timedelta(days=1)).isoformat(),
            assignee_id=actor.user_id,
        )
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now() - timedelta(days=400))
    return case


def test_a_task_and_an_urgent_case_behind_600_newer_cases_are_reminded(client, side_a, side_b):
    old_a = _old_case(side_a, "Appeler l'avocate A")
    detained_a = _old_case(side_a, "Détenue A", detained=True)
    old_b = _old_case(side_b, "Appeler l'avocate B")
    _old_case(side_b, "Détenue B", detained=True)
    _recent_cases(side_a)
    _recent_cases(side_b)
    login(client, side_a.user("caseworker"))
    items = client.get("/api/cases/notifications").json()
    assert [(i["kind"], i["case_id"]) for i in items] == [
        ("urgent_case", str(detained_a.pk)),
        ("task_due", str(old_a.pk)),
    ]
    assert items[1]["title"] == "Appeler l'avocate A"
    page = client.get("/dossiers/rappels/").content.decode()
    assert "Appeler l&#x27;avocate A" in page or "Appeler l'avocate A" in page
    assert "avocate B" not in page and str(old_b.pk) not in page
