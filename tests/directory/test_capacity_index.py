"""A change of availability rewrites only what it changes in the service's search row (not
its text), and the row is then exactly what a full rebuild writes: the count, its date, the
summary, and the document's full/open token that matching and the "available now" filter read.
Two organisations with identical data: a change on one side leaves the other's row as it was."""

import pytest

from arrimage.directory.indexing import search_entries_refresh
from arrimage.directory.models import SearchEntry, ServiceCapacity
from tests.conftest import login

pytestmark = pytest.mark.django_db

COLUMNS = (
    "doc",
    "rank_terms",
    "sort_name",
    "name_fr",
    "name_en",
    "summary",
    "minimum_age",
    "maximum_age",
    "available",
    "capacity_updated",
    "is_active",
    "owner_id",
)


def row(service) -> dict:
    return SearchEntry.objects.filter(service=service).values(*COLUMNS).get()


def rebuilt(service) -> dict:
    search_entries_refresh(service_ids=[service.pk])
    return row(service)


@pytest.mark.parametrize(
    "taps",
    [
        [{"action": "set", "available": "0"}, {"action": "plus"}, {"action": "minus"}],
        [{"action": "minus"}, {"action": "set", "available": "10"}, {"action": "plus"}],
    ],
)
def test_each_tap_writes_the_row_a_full_rebuild_writes(client, side_a, two_shelters, taps):
    login(client, side_a.user("service_staff"))
    service, other = two_shelters["a"], two_shelters["b"]
    capacity = ServiceCapacity.objects.get(service=service)
    untouched = row(other)
    for data in taps:
        answer = client.post(f"/repertoire/disponibilites/{capacity.pk}/", data)
        assert answer.status_code == 302
        after_tap = row(service)
        assert after_tap == rebuilt(service)
        capacity.refresh_from_db()
        assert after_tap["available"] == capacity.available
        full = capacity.available == 0
        assert ("xafull" in after_tap["doc"].split()) is full
        assert ("xaopen" in after_tap["doc"].split()) is not full
    assert row(other) == untouched


def test_the_available_now_filter_follows_the_taps(client, side_a, two_shelters):
    login(client, side_a.user("service_staff"))
    capacity = ServiceCapacity.objects.get(service=two_shelters["a"])

    def found() -> bool:
        page = client.get("/repertoire/", {"q": "hébergement", "available": "on"})
        return f"/repertoire/services/{two_shelters['a'].pk}/" in page.content.decode()

    assert found()
    client.post(f"/repertoire/disponibilites/{capacity.pk}/", {"action": "set", "available": "0"})
    assert not found()
    client.post(f"/repertoire/disponibilites/{capacity.pk}/", {"action": "plus"})
    assert found()
