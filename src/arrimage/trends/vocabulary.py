"""The coarse sharing categories (CTDC style) that statistics count, and how the full HTCDS
detail of a case maps onto them. The detail stays inside the owning organisation: only these
codes reach a count.

Every dimension has a fixed, public list of keys. Differential privacy relies on it: the keys
of a table never depend on the data, so no key can reveal that a rare value exists.
"""

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from arrimage.coalition.models import Region
from arrimage.orientation.needs import NEED_LABELS
from arrimage.screening.questions import TOOL as SCREENING_TOOL

UNKNOWN = "unknown"

GENDERS: dict[str, object] = {
    "female": pgettext_lazy("statistics", "Women and girls"),
    "male": pgettext_lazy("statistics", "Men and boys"),
    "gender_diverse": pgettext_lazy("statistics", "Trans or gender-diverse people"),
    UNKNOWN: pgettext_lazy("statistics", "Not stated"),
}

# Canadian justice statistics: under 18, 18 to 24, 25 and over.
AGE_BANDS: dict[str, object] = {
    "under_18": pgettext_lazy("statistics", "Under 18"),
    "18_24": pgettext_lazy("statistics", "18 to 24"),
    "25_plus": pgettext_lazy("statistics", "25 and over"),
    UNKNOWN: pgettext_lazy("statistics", "Not stated"),
}

IMMIGRATION_BUCKETS: dict[str, object] = {
    "citizen_or_permanent": pgettext_lazy("statistics", "Citizen or permanent resident"),
    "temporary": pgettext_lazy("statistics", "Temporary status (permit or visa)"),
    "protection": pgettext_lazy("statistics", "Refugee claimant or protected person"),
    "no_status": pgettext_lazy("statistics", "No status"),
    UNKNOWN: pgettext_lazy("statistics", "Not stated"),
}

# Bits of the exploitation code, in the order a per-person bound keeps them.
EXPLOITATION_BITS: dict[str, int] = {"sexual": 1, "labour": 2, "other": 4}
EXPLOITATION_TYPES: dict[str, object] = {
    "sexual": pgettext_lazy("statistics", "Sexual exploitation"),
    "labour": pgettext_lazy("statistics", "Forced labour"),
    "other": pgettext_lazy("statistics", "Other exploitation (begging, forced crime)"),
    "not_recorded": pgettext_lazy("statistics", "Not recorded"),
}

# How long after the case opened the temporary resident permit for victims (TRP) was issued.
TRP_DELAYS: dict[str, object] = {
    "within_3_months": pgettext_lazy("statistics", "Within 3 months"),
    "3_to_6_months": pgettext_lazy("statistics", "3 to 6 months"),
    "6_to_12_months": pgettext_lazy("statistics", "6 to 12 months"),
    "over_12_months": pgettext_lazy("statistics", "More than 12 months"),
    "no_permit": pgettext_lazy("statistics", "No permit issued yet"),
    UNKNOWN: pgettext_lazy("statistics", "Not stated"),
}

APPLICATIONS: dict[str, object] = {
    "asylum": pgettext_lazy("statistics", "Refugee claim"),
    "humanitarian": pgettext_lazy("statistics", "Humanitarian application"),
}
APPLICATION_STATUSES: dict[str, object] = {
    "none": pgettext_lazy("statistics", "None"),
    "planned": pgettext_lazy("statistics", "Being prepared"),
    "filed": pgettext_lazy("statistics", "Filed, waiting"),
    "accepted": pgettext_lazy("statistics", "Accepted"),
    "refused": pgettext_lazy("statistics", "Refused"),
    UNKNOWN: pgettext_lazy("statistics", "Not stated"),
}

# The person's mental-health need, at its furthest point, and the coverage of their latest
# health follow-up.
MENTAL_HEALTH: dict[str, object] = {
    "met": pgettext_lazy("statistics", "Need met"),
    "in_progress": pgettext_lazy("statistics", "Care under way"),
    "open": pgettext_lazy("statistics", "Waiting"),
    "unmet": pgettext_lazy("statistics", "Could not be met"),
    "no_need": pgettext_lazy("statistics", "No mental-health need recorded"),
    UNKNOWN: pgettext_lazy("statistics", "Not stated"),
}
COVERAGES: dict[str, object] = {
    "ifhp": pgettext_lazy("statistics", "IFHP"),
    "ramq": pgettext_lazy("statistics", "RAMQ"),
    "community": pgettext_lazy("statistics", "Community-funded"),
    "none": pgettext_lazy("statistics", "No coverage"),
    UNKNOWN: pgettext_lazy("statistics", "Not stated"),
}

# Referrals sent for the counted cases.
REFERRAL_OUTCOMES: dict[str, object] = {
    "completed": pgettext_lazy("statistics", "Completed"),
    "ongoing": pgettext_lazy("statistics", "Accepted, under way"),
    "waitlisted": pgettext_lazy("statistics", "Waitlisted"),
    "not_completed": pgettext_lazy("statistics", "Not completed"),
    "declined": pgettext_lazy("statistics", "Declined"),
    "expired": pgettext_lazy("statistics", "No answer in time"),
    "awaiting": pgettext_lazy("statistics", "Awaiting an answer"),
    "cancelled": pgettext_lazy("statistics", "Cancelled by the sender"),
}
# Referrals are counted by group of needs, not by each of Orientation's needs: fewer cells,
# each less noisy.
NEED_GROUPS: dict[str, object] = {
    "housing": pgettext_lazy("statistics", "Housing"),
    "legal": pgettext_lazy("statistics", "Legal and immigration help"),
    "health": pgettext_lazy("statistics", "Physical and mental health"),
    "other": pgettext_lazy("statistics", "Income, work, language and other"),
    UNKNOWN: pgettext_lazy("statistics", "Not stated"),
}
_NEED_GROUP = {
    "emergency_housing": "housing",
    "long_term_housing": "housing",
    "immigration_legal": "legal",
    "legal": "legal",
    "mental_health": "health",
    "physical_health": "health",
}


def need_group(need: str) -> str:
    if not need:
        return UNKNOWN
    return _NEED_GROUP.get(need, "other")


DECLINE_REASONS: dict[str, object] = {
    "at_capacity": pgettext_lazy("statistics", "At capacity"),
    "not_eligible": pgettext_lazy("statistics", "Not eligible"),
    "safety": pgettext_lazy("statistics", "Safety"),
    "other": pgettext_lazy("statistics", "Other reason"),
}
RESPONSE_TIMES: dict[str, object] = {
    "within_1_day": pgettext_lazy("statistics", "Within a day"),
    "1_to_2_days": pgettext_lazy("statistics", "1 to 2 days"),
    "2_to_7_days": pgettext_lazy("statistics", "2 to 7 days"),
    "over_7_days": pgettext_lazy("statistics", "More than 7 days"),
    "no_answer": pgettext_lazy("statistics", "No answer in time"),
}

# Screening indicators (screening/data/questions.json), one bit each in the tool's order; a
# new indicator is added at the end of the tool, so that stored masks keep their meaning.
# A person screened with no indicator present counts once as "none"; -1: no screening counted.
NO_SCREENING = -1
SCREENING_INDICATORS: dict[str, object] = {
    **{code: indicator.label for code, indicator in SCREENING_TOOL.indicators.items()},
    "none": pgettext_lazy("statistics", "Screened, no indicator present"),
}


def screening_mask(codes: Iterable[str] | None) -> int:
    """The bits of these indicator codes; ``NO_SCREENING`` for no completed screening."""
    if codes is None:
        return NO_SCREENING
    order = list(SCREENING_TOOL.indicators)
    mask = 0
    for code in codes:
        if code in SCREENING_TOOL.indicators:
            mask |= 1 << order.index(code)
    return mask


def screening_keys(mask: int, *, bound: int) -> list[str]:
    """The indicators of a person, at most ``bound`` of them (the per-person contribution
    bound), in the tool's order; none for no screening, "none" for no indicator present."""
    if mask < 0:
        return []
    keys = [code for i, code in enumerate(SCREENING_TOOL.indicators) if mask & (1 << i)]
    return keys[:bound] if keys else ["none"]


MONTHS = [str(m) for m in range(1, 13)]
QUARTERS = ["Q1", "Q2", "Q3", "Q4"]
YEAR_TOTAL = "year"
TOTAL = "total"

_GENDER_FROM_HTCDS = {
    "Female": "female",
    "Male": "male",
    "TransgenderFeminine": "gender_diverse",
    "TransgenderMasculine": "gender_diverse",
    "NonConforming": "gender_diverse",
    "TransgenderNonConforming": "gender_diverse",
}
_AGE_FROM_BAND = {
    "0-17": "under_18",
    "18-24": "18_24",
    "25-34": "25_plus",
    "35-44": "25_plus",
    "45-59": "25_plus",
    "60+": "25_plus",
}
_IMMIGRATION_FROM_STATUS = {
    "citizen": "citizen_or_permanent",
    "permanent_resident": "citizen_or_permanent",
    "trp_victim": "temporary",
    "work_permit": "temporary",
    "study_permit": "temporary",
    "visitor": "temporary",
    "asylum_claimant": "protection",
    "protected_person": "protection",
    "no_status": "no_status",
}
# HTCDS labour types that CTDC counts as other forms of exploitation.
_OTHER_LABOUR = {"Begging", "IllicitActivities"}


def gender_code(value: object) -> str:
    return _GENDER_FROM_HTCDS.get(str(value or ""), UNKNOWN)


def age_code(*, age_band: object, year_of_birth: object, year: int) -> str:
    """From the recorded band, or from the year of birth at the year the case opened."""
    if age_band:
        return _AGE_FROM_BAND.get(str(age_band), UNKNOWN)
    try:
        born = int(str(year_of_birth))
    except ValueError:
        return UNKNOWN
    age = year - born
    if age < 0 or age > 120:
        return UNKNOWN
    if age < 18:
        return "under_18"
    return "18_24" if age < 25 else "25_plus"


def immigration_code(status: object) -> str:
    return _IMMIGRATION_FROM_STATUS.get(str(status or ""), UNKNOWN)


def exploitation_mask(*, sex_types: object, labour_types: object) -> int:
    mask = 0
    if sex_types:
        mask |= EXPLOITATION_BITS["sexual"]
    for item in labour_types or []:  # type: ignore[attr-defined]
        mask |= EXPLOITATION_BITS["other" if item in _OTHER_LABOUR else "labour"]
    return mask


@lru_cache(maxsize=1024)
def exploitation_keys(mask: int, *, bound: int) -> tuple[str, ...]:
    """The coarse types of a case, at most ``bound`` of them (the per-person contribution
    bound), in the fixed order of ``EXPLOITATION_BITS``; a case with none counts once as not
    recorded."""
    keys = tuple(key for key, bit in EXPLOITATION_BITS.items() if mask & bit)
    return keys[:bound] if keys else ("not_recorded",)


def trp_delay_code(*, status: object, issued_on: object, opened: date) -> str:
    """How long after the case opened the victims' permit was issued, in coarse bands."""
    issued = _as_date(issued_on)
    if issued is None:
        return "no_permit"
    months = (issued - opened).days / 30.4
    if months < 3:
        return "within_3_months"
    if months < 6:
        return "3_to_6_months"
    return "6_to_12_months" if months < 12 else "over_12_months"


def application_code(value: object) -> str:
    code = str(value or "none")
    return code if code in APPLICATION_STATUSES else UNKNOWN


# The furthest point reached by any of the person's mental-health needs, best first.
_MENTAL_HEALTH_ORDER = ("met", "in_progress", "open", "unmet")


def mental_health_code(statuses: Iterable[str]) -> str:
    found = set(statuses)
    for code in _MENTAL_HEALTH_ORDER:
        if code in found:
            return code
    return "no_need"


def coverage_code(value: object) -> str:
    code = str(value or "")
    return code if code in COVERAGES else UNKNOWN


def referral_outcome_code(status: str) -> str | None:
    """The outcome of a referral sent; a draft was never sent and is not counted."""
    if status in ("accepted", "in_progress"):
        return "ongoing"
    if status == "sent":
        return "awaiting"
    return status if status in REFERRAL_OUTCOMES else None


def response_time_code(
    *, status: str, sent_at: datetime | None, answered_at: datetime | None
) -> str:
    """How long the recipient took to answer; a referral still waiting, or cancelled before an
    answer, has no response time ("")."""
    if sent_at is not None and answered_at is not None:
        hours = (answered_at - sent_at).total_seconds() / 3600
        if hours <= 24:
            return "within_1_day"
        if hours <= 48:
            return "1_to_2_days"
        return "2_to_7_days" if hours <= 24 * 7 else "over_7_days"
    return "no_answer" if status == "expired" else ""


def referral_code(
    need: str,
    status: str,
    decline_reason: str,
    sent_at: datetime | None,
    answered_at: datetime | None,
) -> str:
    """One referral in coarse codes, "need group|outcome|decline reason|response time", kept
    in the statistics projection; "" for a referral that was never sent."""
    outcome = referral_outcome_code(status)
    if outcome is None:
        return ""
    reason = ""
    if outcome == "declined":
        reason = decline_reason if decline_reason in DECLINE_REASONS else "other"
    response = response_time_code(status=status, sent_at=sent_at, answered_at=answered_at)
    return "|".join((need_group(need), outcome, reason, response))


def referral_key(code: str) -> tuple[str, str, str, str]:
    group, outcome, reason, response = code.split("|")
    return group, outcome, reason, response


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def quarter_of(month: int) -> str:
    return QUARTERS[(month - 1) // 3]


def label(dimension: str, code: str) -> str:
    """The translated label of a key, for pages, PDF and spreadsheets."""
    from django.utils import formats

    if code in (TOTAL, YEAR_TOTAL):
        return str(_("Total"))
    if code in QUARTERS:
        return str(pgettext_lazy("quarter", "Q%(number)s") % {"number": code[1:]})
    if dimension == "month":
        return formats.date_format(date(2000, int(code), 1), "F")
    if dimension == "quarter":
        return str(pgettext_lazy("quarter", "Q%(number)s") % {"number": code[1:]})
    if dimension == "region":
        region = Region.objects.filter(code=code).first()
        return region.name if region else code
    if dimension == "need":
        return str(NEED_LABELS.get(code, pgettext_lazy("statistics", "Not stated")))
    vocabularies: dict[str, dict[str, object]] = {
        "gender": GENDERS,
        "age": AGE_BANDS,
        "immigration": IMMIGRATION_BUCKETS,
        "exploitation": EXPLOITATION_TYPES,
        "trp_delay": TRP_DELAYS,
        "application": APPLICATIONS,
        "application_status": APPLICATION_STATUSES,
        "mental_health": MENTAL_HEALTH,
        "coverage": COVERAGES,
        "outcome": REFERRAL_OUTCOMES,
        "decline_reason": DECLINE_REASONS,
        "response_time": RESPONSE_TIMES,
        "need_group": NEED_GROUPS,
        "screening_indicator": SCREENING_INDICATORS,
    }
    return str(vocabularies.get(dimension, {}).get(code, code))
