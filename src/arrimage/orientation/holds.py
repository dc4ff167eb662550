"""Bed holds: a caseworker holds one unit of a shelter for a few hours, without double booking.

Concurrency is the database's job. Every change of a unit or a hold is one conditional
``UPDATE`` in a small ``lock_*`` helper, inside a transaction:

- taking a unit: ``UPDATE capacity SET available = available - 1 WHERE id = ? AND available > 0``
  changes one row or none; none means no unit is free, whoever got there first;
- ending a hold (accept, release, expire): ``UPDATE hold SET status = ? WHERE id = ? AND
  status = 'active'`` changes one row for exactly one of the racing callers; only that caller
  gives the unit back (release, expiry) or keeps it occupied (accept).

On SQLite every transaction starts ``IMMEDIATE`` (settings), so writers queue for the write
lock; on PostgreSQL the row lock and the re-checked ``WHERE`` of READ COMMITTED do the same.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership, Role
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.directory.indexing import search_entries_capacity_refresh
from arrimage.directory.models import CapacityChange, Service, ServiceCapacity
from arrimage.orientation.models import BedHold, HoldStatus

HOLD_ROLES = frozenset({Role.CASEWORKER})
SHELTER_ROLES = frozenset({Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN})
MINIMUM_HOLD = timedelta(minutes=15)
MAXIMUM_HOLD = timedelta(hours=72)


def default_hold_duration() -> timedelta:
    hours = float(settings.ARRIMAGE_HOLD_HOURS)
    return timedelta(hours=hours)


# Lock helpers: one conditional UPDATE each -----------------------------------------------------


def lock_capacity_take(*, capacity_id: UUID) -> bool:
    """Take one free unit; False if none is free."""
    return (
        ServiceCapacity.objects.filter(pk=capacity_id, available__gt=0).update(
            available=F("available") - 1
        )
        == 1
    )


def lock_capacity_give_back(*, capacity_id: UUID) -> bool:
    """Give one unit back, never above the maximum (staff may have lowered it meanwhile)."""
    return (
        ServiceCapacity.objects.filter(pk=capacity_id)
        .filter(Q(maximum__isnull=True) | Q(available__lt=F("maximum")))
        .update(available=F("available") + 1)
        == 1
    )


def lock_hold_end(
    *,
    hold_id: UUID,
    status: str,
    actor_id: UUID | None,
    now: datetime,
    require_unexpired: bool = False,
    require_expired: bool = False,
) -> bool:
    """Move an active hold to ``status``; True for exactly one caller."""
    queryset = BedHold.objects.filter(pk=hold_id, status=HoldStatus.ACTIVE)
    if require_unexpired:
        queryset = queryset.filter(expires_at__gt=now)
    if require_expired:
        queryset = queryset.filter(expires_at__lte=now)
    return queryset.update(status=status, ended_at=now, ended_by_id=actor_id) == 1


def _history(
    capacity_id: UUID, *, source: str, delta: int, actor: Membership | None, now: datetime
) -> None:
    available = (
        ServiceCapacity.objects.filter(pk=capacity_id).values_list("available", flat=True).first()
    )
    if available is None:
        return
    CapacityChange.objects.create(
        capacity_id=capacity_id,
        previous=available - delta,
        available=available,
        changed_at=now,
        actor_id=actor.user_id if actor else None,
        organisation_id=actor.organisation_id if actor else None,
        source=source,
    )


def _audit(action: str, hold: BedHold, actor: Membership | None) -> None:
    audit_record(
        action=action,
        actor_id=actor.user_id if actor else None,
        organisation_id=actor.organisation_id if actor else None,
        target_type="bed_hold",
        target_id=hold.pk,
        details={
            "service_id": str(hold.service_id),
            "capacity_id": str(hold.capacity_id),
            "holder_organisation_id": str(hold.organisation_id),
            "status": hold.status,
        },
    )


# Services ------------------------------------------------------------------------------------


def bed_hold_create(
    *,
    actor: Membership | None,
    service_id: UUID,
    unit: str,
    duration: timedelta | None = None,
    now: datetime | None = None,
) -> BedHold:
    """Hold one unit of this kind at the service for ``duration`` (default 4 h). Raises
    ``ValidationError`` when no unit is free, ``NotFound`` when the actor may not hold."""
    if actor is None or actor.role not in HOLD_ROLES:
        raise NotFound
    duration = duration or default_hold_duration()
    if not MINIMUM_HOLD <= duration <= MAXIMUM_HOLD:
        raise ValidationError(_("A hold lasts between 15 minutes and 72 hours."), code="duration")
    capacity = ServiceCapacity.objects.filter(
        service_id=service_id, unit=unit, service__status="active"
    ).first()
    if capacity is None:
        raise NotFound
    now = now or timezone.now()
    with transaction.atomic():
        bed_holds_expire(now=now, capacity_ids=[capacity.pk])
        if not lock_capacity_take(capacity_id=capacity.pk):
            raise ValidationError(_("No unit of this kind is free any more."), code="full")
        hold = BedHold.objects.create(
            capacity_id=capacity.pk,
            service_id=service_id,
            unit=unit,
            organisation_id=actor.organisation_id,
            created_by_id=actor.user_id,
            created_at=now,
            expires_at=now + duration,
        )
        _history(capacity.pk, source="hold", delta=-1, actor=actor, now=now)
        _audit("bed_hold_created", hold, actor)
        search_entries_capacity_refresh(service_ids=[service_id])
    return hold


def _may_answer(actor: Membership | None, hold: BedHold) -> bool:
    """Staff of the organisation that owns the service."""
    if actor is None or actor.role not in SHELTER_ROLES:
        return False
    owner = (
        Service.objects.filter(pk=hold.service_id)
        .values_list("organization__owner_id", flat=True)
        .first()
    )
    return owner is not None and owner == actor.organisation_id


def _may_release(actor: Membership | None, hold: BedHold) -> bool:
    if actor is None:
        return False
    if actor.organisation_id == hold.organisation_id and actor.role in HOLD_ROLES:
        return True
    return _may_answer(actor, hold)


def _visible_hold(actor: Membership | None, hold_id: UUID) -> BedHold:
    hold = BedHold.objects.filter(pk=hold_id).first()
    if hold is None:
        raise NotFound
    if not (
        _may_release(actor, hold)
        or (actor is not None and actor.organisation_id == hold.organisation_id)
    ):
        raise NotFound
    return hold


def bed_hold_accept(
    *, actor: Membership | None, hold_id: UUID, now: datetime | None = None
) -> BedHold:
    """Shelter staff accept the held unit: it becomes occupied (it stays taken)."""
    hold = _visible_hold(actor, hold_id)
    if not _may_answer(actor, hold):
        raise NotFound
    now = now or timezone.now()
    with transaction.atomic():
        if not lock_hold_end(
            hold_id=hold.pk,
            status=HoldStatus.ACCEPTED,
            actor_id=actor.user_id if actor else None,
            now=now,
            require_unexpired=True,
        ):
            raise ValidationError(_("This hold has already ended."), code="ended")
        hold.refresh_from_db()
        _audit("bed_hold_accepted", hold, actor)
    return hold


def bed_hold_release(
    *, actor: Membership | None, hold_id: UUID, now: datetime | None = None
) -> BedHold:
    """The holder or the shelter gives the unit back."""
    hold = _visible_hold(actor, hold_id)
    if not _may_release(actor, hold):
        raise NotFound
    now = now or timezone.now()
    with transaction.atomic():
        if not lock_hold_end(
            hold_id=hold.pk,
            status=HoldStatus.RELEASED,
            actor_id=actor.user_id if actor else None,
            now=now,
        ):
            raise ValidationError(_("This hold has already ended."), code="ended")
        if lock_capacity_give_back(capacity_id=hold.capacity_id):
            _history(hold.capacity_id, source="hold_released", delta=1, actor=actor, now=now)
        hold.refresh_from_db()
        _audit("bed_hold_released", hold, actor)
        search_entries_capacity_refresh(service_ids=[hold.service_id])
    return hold


def bed_hold_expire(*, hold_id: UUID, now: datetime | None = None) -> bool:
    """Expire one hold past its time and give its unit back. True if this call did it."""
    now = now or timezone.now()
    with transaction.atomic():
        if not lock_hold_end(
            hold_id=hold_id, status=HoldStatus.EXPIRED, actor_id=None, now=now, require_expired=True
        ):
            return False
        hold = BedHold.objects.get(pk=hold_id)
        if lock_capacity_give_back(capacity_id=hold.capacity_id):
            _history(hold.capacity_id, source="hold_expired", delta=1, actor=None, now=now)
        _audit("bed_hold_expired", hold, None)
        search_entries_capacity_refresh(service_ids=[hold.service_id])
    return True


def bed_holds_expire(
    *,
    now: datetime | None = None,
    capacity_ids: list[UUID] | None = None,
    service_ids: list[UUID] | None = None,
    organisation_id: UUID | None = None,
) -> int:
    """Expire every active hold past its time (within the given scope). Run by the queue and
    before every read of holds."""
    now = now or timezone.now()
    due = BedHold.objects.filter(status=HoldStatus.ACTIVE, expires_at__lte=now)
    if capacity_ids is not None:
        due = due.filter(capacity_id__in=capacity_ids)
    if service_ids is not None:
        due = due.filter(service_id__in=service_ids)
    if organisation_id is not None:
        due = due.filter(organisation_id=organisation_id)
    return sum(
        1
        for hold_id in list(due.values_list("pk", flat=True)[:500])
        if bed_hold_expire(hold_id=hold_id, now=now)
    )


# Selectors -----------------------------------------------------------------------------------


@dataclass
class HoldLists:
    held_by_us: list[BedHold]
    at_our_services: list[BedHold]


def bed_holds_for(*, actor: Membership | None, include_ended: bool = False) -> HoldLists:
    """The holds the acting organisation made, and the holds at its own services (for staff).
    A hold past its end is no longer listed as active; the scheduled task releases its unit
    (reads never write)."""
    if actor is None:
        raise NotFound
    now = timezone.now()
    own_services = (
        list(
            Service.objects.filter(organization__owner_id=actor.organisation_id).values_list(
                "pk", flat=True
            )
        )
        if actor.role in SHELTER_ROLES
        else []
    )
    base: QuerySet[BedHold] = BedHold.objects.select_related(
        "service", "organisation", "created_by"
    )
    if not include_ended:
        base = base.filter(status=HoldStatus.ACTIVE, expires_at__gt=now)
    held = (
        list(base.filter(organisation_id=actor.organisation_id)[:200])
        if actor.role in HOLD_ROLES
        else []
    )
    at_ours = list(base.filter(service_id__in=own_services)[:200]) if own_services else []
    return HoldLists(held_by_us=held, at_our_services=at_ours)


def bed_hold_get(*, actor: Membership | None, hold_id: UUID) -> BedHold:
    return _visible_hold(actor, hold_id)


def bed_hold_may_answer(*, actor: Membership | None, hold: BedHold) -> bool:
    return _may_answer(actor, hold)
