"""Bed holds: one unit, never held or given twice; expiry by the queue and on read; staff accept
or release; every change audited. Two organisations with identical data."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.core.errors import NotFound
from arrimage.core.models import AuditEvent
from arrimage.directory.indexing import search_entries_refresh
from arrimage.directory.models import CapacityChange, SearchEntry, ServiceCapacity
from arrimage.orientation.holds import (
    bed_hold_accept,
    bed_hold_create,
    bed_hold_expire,
    bed_hold_get,
    bed_hold_release,
    bed_holds_for,
)
from arrimage.orientation.models import BedHold, HoldStatus
from arrimage.orientation.tasks import holds_expire
from tests.orientation.conftest import (
    database_for_threads,  # noqa: F401  (fixture)
    make_service,
    membership,
    run_in_threads,
    thread_query,
)

H = timedelta(hours=1)


@pytest.fixture
def shelters(side_a, side_b):
    """Each side runs an identical shelter with one bed left."""
    return {
        label: make_service(
            side.organisation,
            name_fr=f"Refuge {label}",
            terms=("housing_emergency",),
            capacities=(("bed", 1, 5, H), ("family_unit", 2, 2, H)),
        )
        for label, side in (("a", side_a), ("b", side_b))
    }


def capacity(service, unit="bed") -> ServiceCapacity:
    return ServiceCapacity.objects.get(service=service, unit=unit)


@pytest.mark.django_db
def test_hold_takes_the_unit_and_expires_by_default_after_4_hours(side_a, side_b, shelters):
    actor = membership(side_b)
    before = timezone.now()
    hold = bed_hold_create(actor=actor, service_id=shelters["a"].pk, unit="bed")
    assert hold.status == HoldStatus.ACTIVE
    assert before + timedelta(hours=4) <= hold.expires_at <= timezone.now() + timedelta(hours=4)
    assert capacity(shelters["a"]).available == 0
    assert SearchEntry.objects.get(service=shelters["a"]).available == 2  # 0 beds + 2 family
    assert (
        CapacityChange.objects.filter(
            capacity=capacity(shelters["a"]), source="hold", previous=1, available=0
        ).count()
        == 1
    )
    event = AuditEvent.objects.filter(action="bed_hold_created").get()
    assert event.target_id == str(hold.pk)
    # The other side's identical shelter is untouched.
    assert capacity(shelters["b"]).available == 1


@pytest.mark.django_db
def test_last_bed_cannot_be_held_twice(side_a, side_b, shelters):
    bed_hold_create(actor=membership(side_b), service_id=shelters["a"].pk, unit="bed")
    with pytest.raises(ValidationError) as error:
        bed_hold_create(actor=membership(side_b), service_id=shelters["a"].pk, unit="bed")
    assert error.value.code == "full"
    assert BedHold.objects.count() == 1
    assert capacity(shelters["a"]).available == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.SERVICE_STAFF, Role.COORDINATOR, Role.ANALYST, Role.ORGANISATION_ADMIN]
)
def test_only_caseworkers_hold(side_a, side_b, shelters, role):
    with pytest.raises(NotFound):
        bed_hold_create(actor=membership(side_b, role), service_id=shelters["a"].pk, unit="bed")
    assert capacity(shelters["a"]).available == 1
    assert not BedHold.objects.exists()


@pytest.mark.django_db
def test_duration_is_configurable_within_bounds(side_a, side_b, shelters, settings):
    settings.ARRIMAGE_HOLD_HOURS = 2
    hold = bed_hold_create(
        actor=membership(side_b), service_id=shelters["a"].pk, unit="family_unit"
    )
    assert hold.expires_at - hold.created_at == timedelta(hours=2)
    with pytest.raises(ValidationError):
        bed_hold_create(
            actor=membership(side_b),
            service_id=shelters["a"].pk,
            unit="family_unit",
            duration=timedelta(days=5),
        )
    assert capacity(shelters["a"], "family_unit").available == 1


@pytest.mark.django_db
def test_owner_staff_accept_other_staff_see_nothing(side_a, side_b, shelters):
    hold = bed_hold_create(actor=membership(side_b), service_id=shelters["a"].pk, unit="bed")
    # Side B's staff run an identical shelter, but not this one.
    with pytest.raises(NotFound):
        bed_hold_accept(actor=membership(side_b, Role.SERVICE_STAFF), hold_id=hold.pk)
    assert bed_holds_for(actor=membership(side_b, Role.SERVICE_STAFF)).at_our_services == []
    # The holder may not accept its own hold.
    with pytest.raises(NotFound):
        bed_hold_accept(actor=membership(side_b), hold_id=hold.pk)
    assert BedHold.objects.get(pk=hold.pk).status == HoldStatus.ACTIVE
    staff = membership(side_a, Role.SERVICE_STAFF)
    assert [h.pk for h in bed_holds_for(actor=staff).at_our_services] == [hold.pk]
    accepted = bed_hold_accept(actor=staff, hold_id=hold.pk)
    assert accepted.status == HoldStatus.ACCEPTED
    assert capacity(shelters["a"]).available == 0  # occupied
    with pytest.raises(ValidationError):
        bed_hold_release(actor=staff, hold_id=hold.pk)
    assert capacity(shelters["a"]).available == 0
    assert (
        AuditEvent.objects.filter(action="bed_hold_accepted", target_id=str(hold.pk)).count() == 1
    )


@pytest.mark.django_db
def test_holder_or_owner_releases_and_the_unit_comes_back(side_a, side_b, shelters):
    hold = bed_hold_create(actor=membership(side_b), service_id=shelters["a"].pk, unit="bed")
    with pytest.raises(NotFound):
        bed_hold_release(actor=membership(side_a), hold_id=hold.pk)  # a caseworker elsewhere
    bed_hold_release(actor=membership(side_b), hold_id=hold.pk)
    assert BedHold.objects.get(pk=hold.pk).status == HoldStatus.RELEASED
    assert capacity(shelters["a"]).available == 1
    second = bed_hold_create(actor=membership(side_b), service_id=shelters["a"].pk, unit="bed")
    bed_hold_release(actor=membership(side_a, Role.SERVICE_STAFF), hold_id=second.pk)
    assert capacity(shelters["a"]).available == 1
    assert AuditEvent.objects.filter(action="bed_hold_released").count() == 2


@pytest.mark.django_db
def test_expired_holds_are_released_by_the_scheduled_task_not_on_read(side_a, side_b, shelters):
    hold = bed_hold_create(actor=membership(side_b), service_id=shelters["a"].pk, unit="bed")
    BedHold.objects.filter(pk=hold.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    lists = bed_holds_for(actor=membership(side_a, Role.SERVICE_STAFF))
    assert lists.at_our_services == [], "a hold past its end is no longer listed as active"
    assert bed_hold_get(actor=membership(side_b), hold_id=hold.pk).pk == hold.pk
    assert BedHold.objects.get(pk=hold.pk).status == HoldStatus.ACTIVE, "reads never write"
    assert not AuditEvent.objects.filter(action="bed_hold_expired").exists()
    holds_expire.call()  # the periodic job, every minute
    assert BedHold.objects.get(pk=hold.pk).status == HoldStatus.EXPIRED
    assert capacity(shelters["a"]).available == 1
    assert AuditEvent.objects.filter(action="bed_hold_expired").count() == 1


@pytest.mark.django_db
def test_an_expired_hold_cannot_be_accepted(side_a, side_b, shelters):
    hold = bed_hold_create(actor=membership(side_b), service_id=shelters["a"].pk, unit="bed")
    with pytest.raises(ValidationError):
        bed_hold_accept(
            actor=membership(side_a, Role.SERVICE_STAFF),
            hold_id=hold.pk,
            now=hold.expires_at + timedelta(seconds=1),
        )
    assert BedHold.objects.get(pk=hold.pk).status == HoldStatus.ACTIVE


@pytest.mark.django_db
def test_giving_back_never_exceeds_the_maximum(side_a, side_b, shelters):
    hold = bed_hold_create(
        actor=membership(side_b), service_id=shelters["a"].pk, unit="family_unit"
    )
    # Meanwhile staff set the count back to the maximum.
    ServiceCapacity.objects.filter(pk=capacity(shelters["a"], "family_unit").pk).update(available=2)
    bed_hold_release(actor=membership(side_b), hold_id=hold.pk)
    assert capacity(shelters["a"], "family_unit").available == 2


# Races, on a real database file (SQLite) or PostgreSQL ------------------------------------------

RACERS = 64


@pytest.fixture
def race_ready(database_for_threads):  # noqa: F811
    """Transactional tests: tests/conftest.py empties the tables past the audit triggers and
    loads the migrations' data back."""
    return database_for_threads


@pytest.mark.django_db(transaction=True)
def test_64_threads_race_for_the_last_bed_exactly_one_wins(race_ready, side_a, side_b, shelters):
    service_id = shelters["a"].pk
    actor = membership(side_b)
    race_ready()

    def attempt(_n: int) -> str:
        try:
            bed_hold_create(actor=actor, service_id=service_id, unit="bed")
            return "won"
        except ValidationError as error:
            return str(error.code)

    results, errors = run_in_threads(RACERS, attempt)
    assert errors == []
    assert sorted(results) == ["full"] * (RACERS - 1) + ["won"]
    holds, available, vendor = thread_query(
        lambda: (
            BedHold.objects.filter(service_id=service_id).count(),
            ServiceCapacity.objects.get(service_id=service_id, unit="bed").available,
            connection.vendor,
        )
    )
    assert (holds, available) == (1, 0)
    if vendor == "sqlite":  # the threads wrote to the file, not to the in-memory database
        assert not BedHold.objects.filter(service_id=service_id).exists()


@pytest.mark.django_db(transaction=True)
def test_accept_racing_expiry_exactly_one_ends_the_hold(race_ready, side_a, side_b, shelters):
    staff = membership(side_a, Role.SERVICE_STAFF)
    hold = bed_hold_create(actor=membership(side_b), service_id=shelters["a"].pk, unit="bed")
    before, after = hold.expires_at - timedelta(seconds=1), hold.expires_at
    race_ready()

    def attempt(n: int) -> str:
        if n % 2:
            return "expired" if bed_hold_expire(hold_id=hold.pk, now=after) else "late"
        try:
            bed_hold_accept(actor=staff, hold_id=hold.pk, now=before)
            return "accepted"
        except ValidationError:
            return "late"

    results, errors = run_in_threads(RACERS, attempt)
    assert errors == []
    winners = [r for r in results if r != "late"]
    assert len(winners) == 1
    status, available = thread_query(
        lambda: (
            BedHold.objects.get(pk=hold.pk).status,
            ServiceCapacity.objects.get(service=shelters["a"], unit="bed").available,
        )
    )
    assert status == winners[0]
    assert available == (0 if status == "accepted" else 1)


@pytest.mark.django_db
def test_hold_and_release_write_the_search_row_a_full_rebuild_writes(side_a, side_b, shelters):
    """Holds rewrite only what availability changes in the search row; the row is then the
    one a full rebuild writes, full when the last unit is held, open again when released."""
    columns = ("doc", "rank_terms", "summary", "available", "capacity_updated", "is_active")

    def row(service):
        return SearchEntry.objects.filter(service=service).values(*columns).get()

    def rebuilt(service):
        search_entries_refresh(service_ids=[service.pk])
        return row(service)

    service, other = shelters["a"], shelters["b"]
    untouched = row(other)
    holds = [
        bed_hold_create(actor=membership(side_b), service_id=service.pk, unit=unit)
        for unit in ("bed", "family_unit", "family_unit")
    ]
    full = row(service)
    assert full == rebuilt(service)
    assert full["available"] == 0 and "xafull" in full["doc"].split()
    bed_hold_release(actor=membership(side_b), hold_id=holds[0].pk)
    opened = row(service)
    assert opened == rebuilt(service)
    assert opened["available"] == 1 and "xaopen" in opened["doc"].split()
    assert row(other) == untouched
