"""The coarse sharing categories (CTDC style) that statistics count, and how the full HTCDS
detail of a case maps onto them. The detail stays inside the owning organisation: only these
codes reach a count.

Every dimension has a fixed, public list of keys. Differential privacy relies on it: the keys
of a table never depend on the data, so no key can reveal that a rare value exists.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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

# Bits of StatisticsRecord.exploitation, in the order a per-person bound keeps them.
EXPLOITATION_BITS: dict[str, int] = {"sexual": 1, "labour": 2, "other": 4}
EXPLOITATION_TYPES: dict[str, object] = {
    "sexual": pgettext_lazy("statistics", "Sexual exploitation"),
    "labour": pgettext_lazy("statistics", "Forced labour"),
    "other": pgettext_lazy("statistics", "Other exploitation (begging, forced crime)"),
    "not_recorded": pgettext_lazy("statistics", "Not recorded"),
}

MONTHS = [str(m) for m in range(1, 13)]
QUARTERS = ["Q1", "Q2", "Q3", "Q4"]
YEAR_TOTAL = "year"
TOTAL = "total"

_GENDER_FROM_HTCDS = {
    "Female": "female",
    "Male": "male",
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


def exploitation_keys(mask: int, *, bound: int) -> list[str]:
    """The coarse types of a case, at most ``bound`` of them (the per-person contribution
    bound), in the fixed order of ``EXPLOITATION_BITS``; a case with none counts once as not
    recorded."""
    keys = [key for key, bit in EXPLOITATION_BITS.items() if mask & bit]
    return keys[:bound] if keys else ["not_recorded"]


def quarter_of(month: int) -> str:
    return QUARTERS[(month - 1) // 3]


def label(dimension: str, code: str) -> str:
    """The translated label of a key, for pages, PDF and spreadsheets."""
    from datetime import date

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
        from arrimage.coalition.models import Region

        region = Region.objects.filter(code=code).first()
        return region.name if region else code
    if dimension == "need":
        from arrimage.orientation.needs import NEED_LABELS

        return str(NEED_LABELS.get(code, code))
    vocabularies: dict[str, dict[str, object]] = {
        "gender": GENDERS,
        "age": AGE_BANDS,
        "immigration": IMMIGRATION_BUCKETS,
        "exploitation": EXPLOITATION_TYPES,
    }
    return str(vocabularies.get(dimension, {}).get(code, code))
