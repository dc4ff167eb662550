"""What one case adds to the statistics: its coarse codes, read under the policy.

:func:`case_codes` opens a case's sealed fields with the statistics grant the kernel issues
(``privacy.grants.statistics_grants``: the categories the person's live consents for the
purpose statistics cover). The grant is checked before anything is decrypted: a category
outside it is not even read, and its codes are "not stated". Nothing identifying comes out:
codes, the month and year the case opened, the region of the lead organisation.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.utils import timezone

from arrimage.cases.models import Case, Exploitation, HealthFollowUp, ImmigrationTrack, Need
from arrimage.cases.sealing import category_data
from arrimage.cases.vocabularies import NeedType
from arrimage.orientation.models import Referral, ReferralStatus
from arrimage.privacy.categories import Category
from arrimage.privacy.grants import Grant
from arrimage.screening.selectors import screening_indicators_of_persons
from arrimage.trends import vocabulary as vocab

# At most this many referrals of a person are counted in each referral table: the
# sensitivity of those tables (the codes keep two referral slots).
REFERRAL_SLOTS = 2


# What each code of a record is about: it is kept only if the person's statistics consent
# covers that category. The case itself (month, region) is counted with any such consent.
SCOPES: dict[Category, tuple[str, ...]] = {
    Category.IDENTITY: ("gender", "age"),
    Category.EXPLOITATION: ("exploitation", "screening_indicators"),
    Category.IMMIGRATION: ("immigration", "trp_delay", "asylum", "humanitarian"),
    Category.HEALTH: ("mental_health", "health_coverage"),
}
NOT_COVERED: dict[str, object] = {
    "gender": vocab.UNKNOWN,
    "age": vocab.UNKNOWN,
    "exploitation": 0,
    "screening_indicators": vocab.NO_SCREENING,
    "immigration": vocab.UNKNOWN,
    "trp_delay": vocab.UNKNOWN,
    "asylum": vocab.UNKNOWN,
    "humanitarian": vocab.UNKNOWN,
    "mental_health": vocab.UNKNOWN,
    "health_coverage": vocab.UNKNOWN,
}


@dataclass
class _Rows:
    """What a batch of cases needs besides the case and person, loaded once per batch and
    only for the cases whose grant covers the category (no grant, not even read)."""

    exploitation: dict[UUID, Exploitation] = field(default_factory=dict)
    immigration: dict[UUID, ImmigrationTrack] = field(default_factory=dict)
    mental_health: dict[UUID, list[str]] = field(default_factory=dict)
    health_latest: dict[UUID, HealthFollowUp] = field(default_factory=dict)
    referrals: dict[UUID, list[tuple[str, str, str, datetime, datetime | None]]] = field(
        default_factory=dict
    )
    # By person: the indicator codes of their completed screenings (screening.selectors).
    screening: dict[UUID, frozenset[str]] = field(default_factory=dict)


def _rows(cases: Sequence[Case], grants: Sequence[Grant]) -> _Rows:
    def covered(category: Category) -> list[UUID]:
        return [case.pk for case, grant in zip(cases, grants, strict=True) if grant.may(category)]

    rows = _Rows()
    for exploitation in Exploitation.objects.filter(
        case_id__in=covered(Category.EXPLOITATION)
    ).order_by("pk"):
        rows.exploitation.setdefault(exploitation.case_id, exploitation)
    screened = {
        case.person_id
        for case, grant in zip(cases, grants, strict=True)
        if grant.may(Category.EXPLOITATION)
    }
    if screened:
        # The screenings' own statistics grants, from the same consents of the person.
        rows.screening = screening_indicators_of_persons(person_ids=screened, at=timezone.now())
    for track in ImmigrationTrack.objects.filter(
        case_id__in=covered(Category.IMMIGRATION)
    ).order_by("pk"):
        rows.immigration.setdefault(track.case_id, track)
    health = covered(Category.HEALTH)
    for case_id, status in Need.objects.filter(
        case_id__in=health, need_type=NeedType.MENTAL_HEALTH
    ).values_list("case_id", "status"):
        rows.mental_health.setdefault(case_id, []).append(status)
    for follow_up in HealthFollowUp.objects.filter(case_id__in=health).order_by("-created_at"):
        rows.health_latest.setdefault(follow_up.case_id, follow_up)
    if unmet_needs_available():
        for case_id, *referral in (
            Referral.objects.filter(
                case_id__in=covered(Category.COORDINATION), sent_at__isnull=False
            )
            .exclude(status=ReferralStatus.DRAFT)
            .order_by("sent_at", "id")
            .values_list("case_id", "need", "status", "decline_reason", "sent_at", "answered_at")
        ):
            rows.referrals.setdefault(case_id, []).append(tuple(referral))  # type: ignore[arg-type]
    return rows


def cases_codes(cases: Sequence[Case], grants: Sequence[Grant]) -> list[dict[str, object]]:
    """The coarse codes of each case, opened with its statistics grant: a category the
    person's consents do not cover is neither read nor opened, and its codes are "not
    stated". Needs ``lead_organisation__region`` and ``person`` loaded. A few queries for
    the whole batch."""
    rows = _rows(cases, grants)
    return [_codes(case, grant, rows) for case, grant in zip(cases, grants, strict=True)]


def _codes(case: Case, grant: Grant, rows: _Rows) -> dict[str, object]:
    scope = grant.categories
    identity = (
        category_data(grant, case.person, Category.IDENTITY)
        if grant.may(Category.IDENTITY) and case.person.identity_sealed
        else {}
    )
    exploitation = rows.exploitation.get(case.pk) if grant.may(Category.EXPLOITATION) else None
    detail = (
        category_data(grant, exploitation, Category.EXPLOITATION)
        if exploitation is not None and exploitation.exploitation_sealed
        else {}
    )
    track = rows.immigration.get(case.pk) if grant.may(Category.IMMIGRATION) else None
    immigration = (
        category_data(grant, track, Category.IMMIGRATION)
        if track is not None and track.immigration_sealed
        else {}
    )
    opened = case.opened_at
    values: dict[str, object] = {
        "month": opened.month,
        "region": case.lead_organisation.region.code,
        "gender": vocab.gender_code(identity.get("gender")),
        "age": vocab.age_code(
            age_band=identity.get("age_band"),
            year_of_birth=identity.get("year_of_birth"),
            year=opened.year,
        ),
        "immigration": vocab.immigration_code(immigration.get("status")),
        "exploitation": vocab.exploitation_mask(
            sex_types=detail.get("sex_exploitation_types"),
            labour_types=detail.get("labour_exploitation_types"),
        ),
        "trp_delay": vocab.trp_delay_code(
            status=immigration.get("status"),
            issued_on=immigration.get("trp_issued_on"),
            opened=opened.date(),
        ),
        "asylum": vocab.application_code(immigration.get("asylum_claim")),
        "humanitarian": vocab.application_code(immigration.get("humanitarian_application")),
        "mental_health": "",
        "health_coverage": "",
        "screening_indicators": vocab.screening_mask(rows.screening.get(case.person_id)),
    }
    counts_referrals = Category.COORDINATION in scope and unmet_needs_available()
    first, second = (
        _referral_slots(rows.referrals.get(case.pk, []), scope) if counts_referrals else ("", "")
    )
    values.update(referral_first=first, referral_second=second)
    if Category.HEALTH in scope:
        latest = rows.health_latest.get(case.pk)
        coverage = category_data(grant, latest, Category.HEALTH).get("coverage") if latest else None
        values.update(
            mental_health=vocab.mental_health_code(rows.mental_health.get(case.pk, [])),
            health_coverage=vocab.coverage_code(coverage),
        )
    for category, fields in SCOPES.items():
        if category not in scope:
            values.update({field: NOT_COVERED[field] for field in fields})
    return values


# A referral's need says as much as the case's need of that type (cases.Need.TYPE_CATEGORIES):
# it is stated only if the consent covers that category too.
REFERRAL_NEED_CATEGORIES = {
    "mental_health": Category.HEALTH,
    "physical_health": Category.HEALTH,
    "immigration_legal": Category.IMMIGRATION,
}


def _referral_slots(
    referrals: list[tuple[str, str, str, datetime, datetime | None]],
    scope: frozenset[Category],
) -> tuple[str, str]:
    """The case's first two referrals sent (drafts never count), coded."""
    codes = []
    for need, status, reason, sent_at, answered_at in referrals[:REFERRAL_SLOTS]:
        covered = REFERRAL_NEED_CATEGORIES.get(need, Category.COORDINATION) in scope
        codes.append(
            vocab.referral_code(need if covered else "", status, reason, sent_at, answered_at)
        )
    codes += [""] * (REFERRAL_SLOTS - len(codes))
    return codes[0], codes[1]


def unmet_needs_available() -> bool:
    """Orientation (issue 5) records anonymised unmet needs when it is installed."""
    from django.apps import apps

    return apps.is_installed("arrimage.orientation")
