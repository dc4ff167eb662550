"""Unmet needs: the anonymised record matching leaves when a need has no eligible option, or
when every eligible option is full. Coordinators and analysts read them by region and need,
with small cells suppressed, in the trends part (:mod:`arrimage.trends.unmet`).

Recording is de-duplicated: a need is recorded at most once a day for one subject (the case,
or without a case the profile within the organisation), so that reloads, retries and polling
do not count one person's need again."""

import hashlib
from datetime import date
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from arrimage.accounts.models import Membership
from arrimage.core.audit import audit_record
from arrimage.directory import geo
from arrimage.orientation.matching import MatchResult
from arrimage.orientation.models import UnmetNeed, UnmetNeedMark
from arrimage.orientation.needs import NeedsProfile, age_band, status_bucket

_MARK_SALT = "arrimage.orientation.unmet_need_mark"


def _region_code(profile_region: str, municipality: str) -> str:
    if profile_region:
        return profile_region
    found = geo.municipality_find(municipality) if municipality else None
    return found.region_code if found else ""


def unmet_subject(*, actor: Membership, case_id: UUID | None, profile: NeedsProfile) -> str:
    """Who an unmet need belongs to, for de-duplication only: the case when matching starts
    from one (whoever matches it), otherwise the profile (every attribute but the needs)
    within the acting organisation."""
    if case_id is not None:
        return f"case:{case_id}"
    attributes = repr(
        (
            profile.gender,
            profile.age,
            tuple(sorted(profile.languages)),
            profile.status,
            profile.children,
            profile.exploitation,
            profile.must_be_confidential,
            profile.staff_24_7,
            profile.wheelchair,
            profile.region,
            profile.municipality,
        )
    )
    return f"profile:{actor.organisation_id}:{hashlib.sha256(attributes.encode()).hexdigest()}"


def _mark_digest(subject: str, need: str, on: date) -> str:
    return salted_hmac(
        _MARK_SALT, f"{subject}|{need}|{on.isoformat()}", algorithm="sha256"
    ).hexdigest()


def _first_today(subject: str, need: str, on: date) -> bool:
    """True for the first recording of this need for this subject on this day. The primary
    key decides between concurrent requests: only one creates the mark."""
    _mark, created = UnmetNeedMark.objects.get_or_create(
        digest=_mark_digest(subject, need, on), defaults={"recorded_on": on}
    )
    return created


def unmet_needs_record(
    *, result: MatchResult, subject: str | None = None, on: date | None = None
) -> list[UnmetNeed]:
    """Keep one anonymised row per need of the result that could not be met. Nothing that
    points to the person, the case, the user or the organisation is kept. With a ``subject``
    (:func:`unmet_subject`), a need already recorded for it on the same day is not recorded
    again."""
    profile = result.profile
    on = on or timezone.localdate()
    region = _region_code(profile.region, profile.municipality)
    with transaction.atomic():
        unmet = [(need.need, need.unmet_reason) for need in result.needs if need.unmet_reason]
        if subject is not None and unmet:
            UnmetNeedMark.objects.filter(recorded_on__lt=on).delete()
            unmet = [(need, why) for need, why in unmet if _first_today(subject, need, on)]
        rows = [
            UnmetNeed(
                need=need,
                region_code=region,
                age_band=age_band(profile.age),
                gender=profile.gender or "unknown",
                status_bucket=status_bucket(profile.status),
                reason=reason,
                recorded_on=on,
            )
            for need, reason in unmet
        ]
        if rows:
            UnmetNeed.objects.bulk_create(rows)
            audit_record(
                action="unmet_needs_recorded",
                target_type="unmet_need",
                details={"count": len(rows)},
            )
    return rows
