"""Availability: one tap on the phone page or one API call; history kept; every change
audited; only the owning organisation's service staff and administrators. Two organisations
with identical data: each side changes only its own."""

import json

import pytest

from arrimage.core.models import AuditEvent
from arrimage.directory.models import CapacityChange, SearchEntry, ServiceCapacity
from tests.conftest import login

pytestmark = pytest.mark.django_db


def capacity_of(service) -> ServiceCapacity:
    return ServiceCapacity.objects.get(service=service)


def tap(client, capacity, **data):
    return client.post(f"/repertoire/disponibilites/{capacity.pk}/", data)


def test_staff_page_lists_only_own_capacities(client, side_a, two_shelters):
    login(client, side_a.user("service_staff"))
    html = client.get("/repertoire/disponibilites/").content.decode()
    assert "Hébergement d&#x27;urgence A" in html
    assert "urgence B" not in html


def test_one_tap_plus_minus_and_set_with_history_and_audit(client, side_a, two_shelters):
    login(client, side_a.user("service_staff"))
    capacity = capacity_of(two_shelters["a"])
    before = capacity.updated
    assert tap(client, capacity, action="plus").status_code == 302
    assert tap(client, capacity, action="minus").status_code == 302
    assert tap(client, capacity, action="minus").status_code == 302
    assert tap(client, capacity, action="set", available="7").status_code == 302
    capacity.refresh_from_db()
    assert capacity.available == 7 and capacity.updated > before
    history = list(
        CapacityChange.objects.filter(capacity=capacity)
        .order_by("id")
        .values_list("previous", "available")
    )
    assert history == [(3, 4), (4, 3), (3, 2), (2, 7)]
    assert CapacityChange.objects.filter(actor_id=side_a.user("service_staff").pk).count() == 4
    events = AuditEvent.objects.filter(
        action="directory_capacity_updated", target_id=str(capacity.pk)
    )
    assert events.count() == 4
    assert events.order_by("pk").last().details["available"] == 7
    # Search shows the new figure at once.
    assert SearchEntry.objects.get(service=two_shelters["a"]).available == 7


def test_cannot_go_below_zero_or_above_the_maximum(client, side_a, two_shelters):
    login(client, side_a.user("service_staff"))
    capacity = capacity_of(two_shelters["a"])
    tap(client, capacity, action="set", available="0")
    response = tap(client, capacity, action="minus")
    assert response.status_code == 302
    tap(client, capacity, action="set", available="11")
    capacity.refresh_from_db()
    assert capacity.available == 0
    assert CapacityChange.objects.filter(capacity=capacity).count() == 1


@pytest.mark.parametrize("role", ["service_staff", "organisation_admin"])
def test_other_organisation_gets_404_and_nothing_changes(client, side_b, two_shelters, role):
    login(client, side_b.user(role))
    theirs = capacity_of(two_shelters["a"])
    assert tap(client, theirs, action="plus").status_code == 404
    assert tap(client, theirs, action="set", available="9").status_code == 404
    theirs.refresh_from_db()
    assert theirs.available == 3
    assert not CapacityChange.objects.exists()
    assert not AuditEvent.objects.filter(action="directory_capacity_updated").exists()
    # The same request on side B's own identical service works.
    assert tap(client, capacity_of(two_shelters["b"]), action="plus").status_code == 302
    assert capacity_of(two_shelters["b"]).available == 4


@pytest.mark.parametrize("role", ["caseworker", "coordinator", "analyst"])
def test_other_roles_of_the_owner_get_404(client, side_a, two_shelters, role):
    login(client, side_a.user(role))
    assert client.get("/repertoire/disponibilites/").status_code == 404
    assert tap(client, capacity_of(two_shelters["a"]), action="plus").status_code == 404
    assert capacity_of(two_shelters["a"]).available == 3


def test_api_lists_and_updates_own_capacities(client, side_a, two_shelters):
    login(client, side_a.user("service_staff"))
    listed = client.get("/api/directory/capacities").json()
    assert [c["service_name"] for c in listed] == ["Hébergement d'urgence A"]
    capacity = capacity_of(two_shelters["a"])
    response = client.post(
        f"/api/directory/capacities/{capacity.pk}",
        json.dumps({"delta": -1}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["available"] == 2
    response = client.post(
        f"/api/directory/capacities/{capacity.pk}",
        json.dumps({"available": 10}),
        content_type="application/json",
    )
    assert response.json()["available"] == 10
    too_many = client.post(
        f"/api/directory/capacities/{capacity.pk}",
        json.dumps({"available": 11}),
        content_type="application/json",
    )
    assert too_many.status_code == 422
    both = client.post(
        f"/api/directory/capacities/{capacity.pk}",
        json.dumps({"available": 1, "delta": 1}),
        content_type="application/json",
    )
    assert both.status_code == 422
    assert CapacityChange.objects.filter(capacity=capacity, source="api").count() == 2


def test_api_refuses_other_organisation_and_anonymous(client, side_b, two_shelters):
    capacity = capacity_of(two_shelters["a"])
    anonymous = client.post(
        f"/api/directory/capacities/{capacity.pk}",
        json.dumps({"delta": 1}),
        content_type="application/json",
    )
    assert anonymous.status_code == 401
    login(client, side_b.user("service_staff"))
    assert [c["service_name"] for c in client.get("/api/directory/capacities").json()] == [
        "Hébergement d'urgence B"
    ]
    response = client.post(
        f"/api/directory/capacities/{capacity.pk}",
        json.dumps({"delta": 1}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert capacity_of(two_shelters["a"]).available == 3
    assert not CapacityChange.objects.exists()


def test_api_needs_the_csrf_token(side_a, two_shelters):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(side_a.user("service_staff"))
    capacity = capacity_of(two_shelters["a"])
    response = strict.post(
        f"/api/directory/capacities/{capacity.pk}",
        json.dumps({"delta": 1}),
        content_type="application/json",
    )
    assert response.status_code in {401, 403}
    assert capacity_of(two_shelters["a"]).available == 3


def test_search_page_links_staff_to_their_tools(client, side_a):
    login(client, side_a.user("service_staff"))
    html = client.get("/repertoire/").content.decode()
    assert "/repertoire/disponibilites/" in html and "/repertoire/echange/" not in html
    client.logout()
    login(client, side_a.user("coordinator"))
    html = client.get("/repertoire/").content.decode()
    assert "/repertoire/echange/" in html and "/repertoire/partage/" in html
    assert "/repertoire/disponibilites/" not in html
