"""The needs profile: what a caseworker types in under a minute, with no name.

Every value is a code; the person is described only by the attributes matching needs. The same
profile can be built from a case, from the fields of the case the user may see
(:func:`arrimage.orientation.matching.profile_from_case`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from arrimage.cases.models import Need
from arrimage.privacy.categories import Category

# Need -> the directory categories that meet it (arrimage.directory.taxonomy.CATEGORIES).
NEED_CATEGORIES: dict[str, tuple[str, ...]] = {
    "emergency_housing": ("housing_emergency",),
    "long_term_housing": ("housing_long_term", "housing_transitional"),
    "immigration_legal": ("legal_immigration",),
    "mental_health": ("mental_health",),
    "physical_health": ("physical_health",),
    "legal": ("legal_criminal", "legal_labour", "legal_family"),
    "income": ("income",),
    "employment": ("employment",),
    "language": ("language_interpretation",),
}
NEED_LABELS = {
    "emergency_housing": _("Emergency housing"),
    "long_term_housing": _("Long-term housing"),
    "immigration_legal": _("Immigration legal help"),
    "mental_health": _("Mental health"),
    "physical_health": _("Physical health"),
    "legal": _("Legal help"),
    "income": _("Income"),
    "employment": _("Employment"),
    "language": _("Language and interpretation"),
}
NEEDS = tuple(NEED_CATEGORIES)
# A need of matching -> the need of the case it is recorded as.
CASE_NEED_TYPES = {
    "emergency_housing": "housing",
    "long_term_housing": "housing",
    "immigration_legal": "immigration",
    "mental_health": "mental_health",
    "physical_health": "health",
    "legal": "legal",
    "income": "income",
    "employment": "employment",
    "language": "language",
}
HOUSING_NEEDS = frozenset({"emergency_housing", "long_term_housing"})

GENDERS = {
    "woman": (pgettext_lazy("gender", "Woman"), "gender_women"),
    "man": (pgettext_lazy("gender", "Man"), "gender_men"),
    "trans_nonbinary": (pgettext_lazy("gender", "Trans or non-binary"), "gender_trans_nonbinary"),
}
STATUSES = {
    "citizen": (_("Canadian citizen"), "status_citizen"),
    "permanent_resident": (_("Permanent resident"), "status_permanent_resident"),
    "temporary_permit": (_("Work or study permit"), "status_temporary_permit"),
    "trp": (_("Temporary resident permit (trafficking victims)"), "status_trp"),
    "asylum": (_("Asylum claimant"), "status_asylum"),
    "none": (_("No immigration status"), "status_none"),
}
STATUS_BUCKETS = {
    "citizen": "citizen_pr",
    "permanent_resident": "citizen_pr",
    "temporary_permit": "temporary",
    "trp": "temporary",
    "asylum": "temporary",
    "none": "none",
}
STATUS_BUCKET_LABELS = {
    "citizen_pr": _("Citizen or permanent resident"),
    "temporary": _("Temporary status or claim"),
    "none": _("No status"),
    "unknown": pgettext_lazy("status bucket", "Not given"),
}
EXPLOITATION_TYPES = {
    "sexual": (_("Sexual exploitation"), "exploitation_sexual"),
    "labour": (_("Labour exploitation"), "exploitation_labour"),
    "other": (_("Other exploitation"), "exploitation_other"),
}
AGE_BANDS = (
    (0, 17, "0-17"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 49, "35-49"),
    (50, 200, "50+"),
)


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for low, high, band in AGE_BANDS:
        if low <= age <= high:
            return band
    return "unknown"


def status_bucket(status: str) -> str:
    return STATUS_BUCKETS.get(status, "unknown")


@dataclass(frozen=True)
class NeedsProfile:
    """The needs and the attributes that decide eligibility and ranking. Empty means not
    given: no filter on it."""

    needs: tuple[str, ...]
    gender: str = ""
    age: int | None = None
    languages: tuple[str, ...] = ()
    status: str = ""
    children: int = 0
    exploitation: str = ""
    must_be_confidential: bool = False
    staff_24_7: bool = False
    wheelchair: bool = False
    region: str = ""
    municipality: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        unknown = [n for n in self.needs if n not in NEED_CATEGORIES]
        if unknown:
            raise ValueError(f"unknown needs: {unknown}")
        if self.gender and self.gender not in GENDERS:
            raise ValueError("unknown gender")
        if self.status and self.status not in STATUSES:
            raise ValueError("unknown status")
        if self.exploitation and self.exploitation not in EXPLOITATION_TYPES:
            raise ValueError("unknown exploitation type")
        if self.age is not None and not 0 <= self.age <= 120:
            raise ValueError("age out of range")
        if self.children < 0:
            raise ValueError("children cannot be negative")


def need_category(need: str) -> Category:
    """The category a need belongs to: a health need is health, an immigration need is
    immigration (``cases.models.Need.category_of``); any other need is coordination."""
    if need not in CASE_NEED_TYPES:
        return Category.COORDINATION
    return Category(Need.category_of(CASE_NEED_TYPES[need]))


def need_readable(need: str, readable: Iterable[Category | str]) -> bool:
    """Whether a reader holding ``readable`` (the categories the policy granted for the case)
    may see the need: it is coordination data about the person, and of its own category."""
    codes = {str(c) for c in readable}
    return bool(need) and Category.COORDINATION in codes and need_category(need) in codes


def need_shown(need: str, readable: Iterable[Category | str]) -> str:
    """The need's code if the reader may see it, else empty."""
    return need if need_readable(need, readable) else ""
