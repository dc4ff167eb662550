"""Unmet needs: the anonymised record matching leaves when a need has no eligible option, or
when every eligible option is full. Coordinators read them by region and need."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Region
from arrimage.core.errors import NotFound
from arrimage.directory import geo
from arrimage.orientation.matching import MatchResult
from arrimage.orientation.models import UnmetNeed
from arrimage.orientation.needs import NEED_LABELS, age_band, status_bucket
from arrimage.privacy.audit import audit_record

UNMET_READER_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST})


def _region_code(profile_region: str, municipality: str) -> str:
    if profile_region:
        return profile_region
    found = geo.municipality_find(municipality) if municipality else None
    return found.region_code if found else ""


def unmet_needs_record(*, result: MatchResult, on: date | None = None) -> list[UnmetNeed]:
    """Keep one anonymised row per need of the result that could not be met. Nothing that
    points to the person, the case, the user or the organisation is kept."""
    profile = result.profile
    on = on or timezone.localdate()
    region = _region_code(profile.region, profile.municipality)
    rows = [
        UnmetNeed(
            need=need.need,
            region_code=region,
            age_band=age_band(profile.age),
            gender=profile.gender or "unknown",
            status_bucket=status_bucket(profile.status),
            reason=need.unmet_reason,
            recorded_on=on,
        )
        for need in result.needs
        if need.unmet_reason
    ]
    if rows:
        UnmetNeed.objects.bulk_create(rows)
        audit_record(
            action="unmet_needs_recorded", target_type="unmet_need", details={"count": len(rows)}
        )
    return rows


@dataclass
class UnmetSummary:
    since: date
    regions: list[tuple[str, str]]
    needs: list[tuple[str, str]]
    counts: dict[tuple[str, str], int]
    by_gender: dict[str, dict[str, int]]
    by_reason: dict[str, dict[str, int]]
    total: int


def unmet_needs_summary(*, actor: Membership | None, days: int = 90) -> UnmetSummary:
    """Counts of unmet needs by region and need (and by gender and reason for each need) over
    the last ``days``. Coordinators and analysts only; the rows are anonymised already."""
    if actor is None or actor.role not in UNMET_READER_ROLES:
        raise NotFound
    days = max(1, min(days, 3660))
    since = timezone.localdate() - timedelta(days=days)
    base = UnmetNeed.objects.filter(recorded_on__gte=since)
    counts: dict[tuple[str, str], int] = {}
    for row in base.values("region_code", "need").annotate(n=Count("id")):
        counts[(row["region_code"], row["need"])] = row["n"]
    by_gender: dict[str, dict[str, int]] = defaultdict(dict)
    for by_g in base.values("need", "gender").annotate(n=Count("id")):
        by_gender[by_g["need"]][by_g["gender"]] = by_g["n"]
    by_reason: dict[str, dict[str, int]] = defaultdict(dict)
    for by_r in base.values("need", "reason").annotate(n=Count("id")):
        by_reason[by_r["need"]][by_r["reason"]] = by_r["n"]
    names = {
        r.code: r.name for r in Region.objects.filter(code__in={code for code, _need in counts})
    }
    regions = sorted(
        {(code, names.get(code, code) or "—") for code, _need in counts}, key=lambda r: r[0]
    )
    needs = [
        (code, str(label))
        for code, label in NEED_LABELS.items()
        if any(need == code for _region, need in counts)
    ]
    audit_record(
        action="unmet_needs_read",
        actor_id=actor.user_id,
        organisation_id=actor.organisation_id,
        target_type="unmet_need",
        details={"days": days},
    )
    return UnmetSummary(
        since=since,
        regions=regions,
        needs=needs,
        counts=counts,
        by_gender=dict(by_gender),
        by_reason=dict(by_reason),
        total=sum(counts.values()),
    )
