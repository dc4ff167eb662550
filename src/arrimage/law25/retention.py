"""The retention schedule: closed records are anonymised once their retention time has passed.

The instance keeps closed cases ``ARRIMAGE_RETENTION_DAYS`` days (seven years unless set); an
organisation admin may set another time for their organisation (:class:`RetentionOverride`).
Every day the queue runs ``retention_anonymise`` (registered in ``law25/tasks.py``), which
calls each registered anonymiser once per organisation, in batches.

An anonymiser is written by the part of Arrimage that owns the records::

    def case_anonymise(*, organisation_id: UUID, closed_before: datetime, limit: int) -> list[UUID]:
        '''Anonymise at most ``limit`` cases of this lead organisation closed before
        ``closed_before`` and not yet anonymised; return their ids.'''

    register_anonymiser(case_anonymise, target_type="case")

It must erase every identifying field and keep what statistics count (period, region, types,
gender, age band), and must skip records it has already anonymised. Each batch runs in one
transaction with its audit events (``retention_anonymised``, ids only): both or neither.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Organisation
from arrimage.core.audit import audit_record
from arrimage.core.background import tasks_discover
from arrimage.core.errors import NotFound
from arrimage.law25.retention_models import (
    MAXIMUM_RETENTION_DAYS,
    MINIMUM_RETENTION_DAYS,
    RetentionOverride,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 200


class Anonymiser(Protocol):
    def __call__(
        self, *, organisation_id: UUID, closed_before: datetime, limit: int
    ) -> Sequence[object]: ...


class Counter(Protocol):
    """How many records an anonymiser would anonymise now, reading only."""

    def __call__(self, *, organisation_id: UUID, closed_before: datetime) -> int: ...


@dataclass(frozen=True)
class AnonymiserSpec:
    target_type: str
    anonymise: Anonymiser
    count: Counter | None = None


ANONYMISERS: dict[str, AnonymiserSpec] = {}


def register_anonymiser(
    anonymiser: Anonymiser, *, target_type: str, count: Counter | None = None
) -> Anonymiser:
    """Add an anonymiser for the records of ``target_type`` (the audit's target type), with
    the function that counts what it would do (for the dry run)."""
    existing = ANONYMISERS.get(target_type)
    if existing is not None and existing.anonymise is not anonymiser:
        raise ValueError(f"an anonymiser for {target_type!r} is already registered")
    ANONYMISERS[target_type] = AnonymiserSpec(target_type, anonymiser, count)
    return anonymiser


def retention_default_days() -> int:
    return int(settings.ARRIMAGE_RETENTION_DAYS)


def retention_days_for(*, organisation_id: UUID) -> int:
    override = RetentionOverride.objects.filter(organisation_id=organisation_id).first()
    return override.days if override else retention_default_days()


class RetentionIncomplete(RuntimeError):
    """Some organisations' records could not be anonymised this time; the others were."""


@dataclass
class RetentionReport:
    anonymised: dict[str, int] = field(default_factory=dict)
    failed_organisations: list[UUID] = field(default_factory=list)
    # (target type, organisation id) -> records; filled by the dry run.
    by_organisation: dict[tuple[str, UUID], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.anonymised.values())


def _anonymise_organisation(
    spec: AnonymiserSpec, *, organisation_id: UUID, days: int, now: datetime, batch_size: int
) -> int:
    closed_before = now - timedelta(days=days)
    seen: set[str] = set()
    while True:
        with transaction.atomic():
            ids = [
                str(record_id)
                for record_id in spec.anonymise(
                    organisation_id=organisation_id, closed_before=closed_before, limit=batch_size
                )
            ]
            repeated = seen.intersection(ids)
            if repeated:
                raise RuntimeError(
                    f"the {spec.target_type} anonymiser returned records it had already anonymised"
                )
            for record_id in ids:
                audit_record(
                    action="retention_anonymised",
                    organisation_id=organisation_id,
                    target_type=spec.target_type,
                    target_id=record_id,
                    details={"retention_days": days},
                )
        seen.update(ids)
        if len(ids) < batch_size:
            return len(seen)


def retention_run(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> RetentionReport:
    """Anonymise every record past its organisation's retention time.

    One organisation's failure does not stop the others; it is logged (ids only) and the run
    ends with :class:`RetentionIncomplete` so that the queue retries it and keeps the error.
    """
    tasks_discover()
    now = now or timezone.now()
    default_days = retention_default_days()
    overrides = dict(RetentionOverride.objects.values_list("organisation_id", "days"))
    report = RetentionReport()
    for spec in list(ANONYMISERS.values()):
        report.anonymised[spec.target_type] = 0
        for organisation_id in Organisation.objects.order_by("id").values_list("id", flat=True):
            days = overrides.get(organisation_id, default_days)
            try:
                count = _anonymise_organisation(
                    spec,
                    organisation_id=organisation_id,
                    days=days,
                    now=now,
                    batch_size=batch_size,
                )
            except Exception:
                logger.exception(
                    "retention: %s anonymiser failed for organisation %s",
                    spec.target_type,
                    organisation_id,
                )
                report.failed_organisations.append(organisation_id)
                continue
            report.anonymised[spec.target_type] += count
    audit_record(
        action="retention_run",
        target_type="retention",
        details={
            **{f"anonymised_{name}": count for name, count in report.anonymised.items()},
            "failed_organisations": len(report.failed_organisations),
        },
    )
    if report.failed_organisations:
        raise RetentionIncomplete(
            f"{len(report.failed_organisations)} organisations could not be processed"
        )
    return report


def retention_preview(
    *, now: datetime | None = None, organisation_id: UUID | None = None
) -> RetentionReport:
    """The dry run: what :func:`retention_run` would anonymise now, per record type and per
    organisation (only ``organisation_id``'s, if given). Reads only: no record, no audit
    event, no task is written."""
    tasks_discover()
    now = now or timezone.now()
    default_days = retention_default_days()
    overrides = dict(RetentionOverride.objects.values_list("organisation_id", "days"))
    organisations = Organisation.objects.order_by("id")
    if organisation_id is not None:
        organisations = organisations.filter(pk=organisation_id)
    report = RetentionReport()
    for spec in list(ANONYMISERS.values()):
        report.anonymised[spec.target_type] = 0
        if spec.count is None:
            continue
        for organisation_id in organisations.values_list("id", flat=True):
            days = overrides.get(organisation_id, default_days)
            count = spec.count(
                organisation_id=organisation_id, closed_before=now - timedelta(days=days)
            )
            if count:
                report.by_organisation[(spec.target_type, organisation_id)] = count
                report.anonymised[spec.target_type] += count
    return report


@dataclass(frozen=True)
class RetentionPreviewLine:
    target_type: str
    count: int


@dataclass(frozen=True)
class OrganisationRetentionPreview:
    """What the next run would do to the acting organisation's records."""

    days: int
    closed_before: datetime
    lines: list[RetentionPreviewLine]

    @property
    def total(self) -> int:
        return sum(line.count for line in self.lines)


def retention_preview_for(
    *, actor: Membership | None, now: datetime | None = None
) -> OrganisationRetentionPreview:
    """The dry run of the acting organisation, for its admins (who answer for the privacy
    officer's duties): its retention time, the closing date before which records are
    anonymised, and how many records of each type the next run would anonymise. Counts only,
    and reads only."""
    if actor is None:
        raise NotFound
    _require_admin(actor)
    now = now or timezone.now()
    days = retention_days_for(organisation_id=actor.organisation_id)
    report = retention_preview(now=now, organisation_id=actor.organisation_id)
    return OrganisationRetentionPreview(
        days=days,
        closed_before=now - timedelta(days=days),
        lines=[
            RetentionPreviewLine(target_type, count)
            for target_type, count in sorted(report.anonymised.items())
        ],
    )


def _require_admin(actor: Membership) -> None:
    if actor.role != Role.ORGANISATION_ADMIN:
        raise NotFound


def retention_override_set(*, actor: Membership, days: int | None) -> RetentionOverride | None:
    """Set the acting organisation's retention time, or go back to the instance's (None)."""
    _require_admin(actor)
    if days is not None and not MINIMUM_RETENTION_DAYS <= days <= MAXIMUM_RETENTION_DAYS:
        raise ValidationError(
            _("Choose between %(minimum)s and %(maximum)s days.")
            % {"minimum": MINIMUM_RETENTION_DAYS, "maximum": MAXIMUM_RETENTION_DAYS},
            code="retention_range",
        )
    with transaction.atomic():
        if days is None:
            RetentionOverride.objects.filter(organisation_id=actor.organisation_id).delete()
            result = None
        else:
            result, _created = RetentionOverride.objects.update_or_create(
                organisation_id=actor.organisation_id,
                defaults={
                    "days": days,
                    "updated_by_id": actor.user_id,
                    "updated_at": timezone.now(),
                },
            )
        audit_record(
            action="retention_changed",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="organisation",
            target_id=actor.organisation_id,
            details={"days": days},
        )
    return result
