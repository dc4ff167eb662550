"""The urgency a detention gives is immigration (issue 11, item 0): the banner "Urgent — the
person is detained", the worklist's "Urgent" mark and order, the urgent-case reminder and the
API's ``is_urgent`` reach only the lead organisation's readers of immigration (the
caseworker), never its coordinator, shelter staff, analyst or admin. Organisation B holds an
identical detained case: none of it reaches A."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases import services, track_services
from arrimage.cases.models import Case
from tests.cases.conftest import membership
from tests.conftest import login

pytestmark = pytest.mark.django_db

BANNER = ("the person is detained", "la personne est en détention")
NOT_IMMIGRATION = [Role.COORDINATOR, Role.SERVICE_STAFF]


def _detain(world) -> None:
    for side, case in ((world.a, world.case_a), (world.b, world.case_b)):
        track_services.immigration_update(
            actor_membership=membership(side),
            case_id=case.pk,
            data={"status": "no_status", "is_detained": "1"},
        )
    # The detained case is the older one: urgent first would put it on top.
    Case.objects.filter(pk=world.case_a.pk).update(updated_at=timezone.now() - timedelta(days=3))


def _later_case(side) -> Case:
    return services.case_create(
        actor_membership=membership(side),
        identity={"alias": "Plus récent"},
        location={},
    )


def _pages(client, user, case) -> dict[str, str]:
    client.logout()
    login(client, user)
    found = {}
    for url in (f"/dossiers/{case.pk}/", "/dossiers/", "/dossiers/rappels/"):
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = response.content.decode()
    return found


@pytest.mark.parametrize("role", NOT_IMMIGRATION)
def test_no_urgency_for_lead_users_who_may_not_read_immigration(client, world, role):
    _detain(world)
    later = _later_case(world.a)
    pages = _pages(client, world.a.user(role), world.case_a)
    for url, body in pages.items():
        assert not any(text in body for text in BANNER), url
        assert "Urgent" not in body, url
    detail = client.get(f"/api/cases/{world.case_a.pk}").json()
    assert "is_urgent" not in detail
    listed = client.get("/api/cases/").json()
    assert all("is_urgent" not in c for c in listed["cases"])
    # The order says nothing either: the later case comes first.
    assert [c["id"] for c in listed["cases"]][:2] == [str(later.pk), str(world.case_a.pk)]
    reminders = client.get("/api/cases/notifications").json()
    assert all(item["kind"] != "urgent_case" for item in reminders)


def test_the_caseworker_who_reads_immigration_sees_it(client, world):
    _detain(world)
    later = _later_case(world.a)
    pages = _pages(client, world.a.user(Role.CASEWORKER), world.case_a)
    assert any(text in pages[f"/dossiers/{world.case_a.pk}/"] for text in BANNER)
    assert "Urgent" in pages["/dossiers/"]
    assert client.get(f"/api/cases/{world.case_a.pk}").json()["is_urgent"] is True
    listed = client.get("/api/cases/").json()["cases"]
    assert [c["id"] for c in listed][:2] == [str(world.case_a.pk), str(later.pk)]
    assert str(world.case_b.pk) not in {c["id"] for c in listed}
    reminders = client.get("/api/cases/notifications").json()
    assert [i["case_id"] for i in reminders if i["kind"] == "urgent_case"] == [str(world.case_a.pk)]
