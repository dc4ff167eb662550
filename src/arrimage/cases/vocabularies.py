"""Picklists of the person, the case and its plan; those of the protected tracks are in
``exploitation_vocabularies.py`` and ``immigration_health_vocabularies.py``, the languages in
``languages.py``. Those marked HTCDS come from the IOM Human Trafficking Case Data Standard
(``standards/htcds-2.0/``); the labels are translated.

Some codes were stored before HTCDS 2.0 renamed or reshaped their lists: they stay valid for
what was recorded, are no longer offered (``*_RETIRED``, left out by :func:`offered`), and
``HTCDS_*`` maps every stored code onto its HTCDS 2.0 value name where one means exactly the
same (the HTCDS export, ``trends/exports.py``). A code without an exact match maps to nothing:
the export leaves the HTCDS column empty rather than guess, and gives the recorded code beside
it."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    """HTCDS prs_Gender."""

    FEMALE = "Female", _("Female")
    MALE = "Male", _("Male")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Trans woman or transfeminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Trans man or transmasculine")
    NON_CONFORMING = "NonConforming", _("Gender non-conforming or non-binary")
    TRANSGENDER_NONCONFORMING = (
        "TransgenderNonConforming",
        _("Transgender or gender non-conforming"),
    )
    UNKNOWN = "Unknown", _("Unknown or prefers not to say")


# HTCDS 2.0 split "transgender or non-conforming" in three.
GENDERS_RETIRED = frozenset({Gender.TRANSGENDER_NONCONFORMING.value})
HTCDS_GENDER: dict[str, str] = {
    Gender.FEMALE: "Feminine",
    Gender.MALE: "Masculine",
    Gender.TRANSGENDER_FEMININE: "TransgenderFeminine",
    Gender.TRANSGENDER_MASCULINE: "TransgenderMasculine",
    Gender.NON_CONFORMING: "NonConforming",
    Gender.UNKNOWN: "NonSpecifiedUnknown",
}


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", _("Under 18")
    AGE_18_24 = "18-24", _("18 to 24")
    AGE_25_34 = "25-34", _("25 to 34")
    AGE_35_44 = "35-44", _("35 to 44")
    AGE_45_59 = "45-59", _("45 to 59")
    AGE_60_PLUS = "60+", _("60 and over")


def age_band_for(year_of_birth: int, year: int) -> str:
    age = year - year_of_birth
    for band, low in (("60+", 60), ("45-59", 45), ("35-44", 35), ("25-34", 25), ("18-24", 18)):
        if age >= low:
            return band
    return "0-17"


class CaseStatus(models.TextChoices):
    """HTCDS cas_Status."""

    ACTIVE = "Active", pgettext_lazy("case status", "Active")
    FOLLOW_UP = "FollowUp", pgettext_lazy("case status", "Follow-up")
    CLOSED = "Closed", pgettext_lazy("case status", "Closed")
    CLOSED_REFERRED = "ClosedReferred", pgettext_lazy("case status", "Closed, referred")


class NeedType(models.TextChoices):
    SAFETY = "safety", _("Safety")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Physical health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    LEGAL = "legal", _("Legal help")
    IMMIGRATION = "immigration", _("Immigration help")
    INCOME = "income", _("Income and benefits")
    EMPLOYMENT = "employment", _("Work and training")
    LANGUAGE = "language", _("Interpretation and language")
    CHILDREN = "children", _("Children and family")
    OTHER = "other", pgettext_lazy("need", "Other")


class Urgency(models.TextChoices):
    HIGH = "high", pgettext_lazy("urgency", "High")
    MEDIUM = "medium", pgettext_lazy("urgency", "Medium")
    LOW = "low", pgettext_lazy("urgency", "Low")


class NeedStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("need status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("need status", "In progress")
    MET = "met", pgettext_lazy("need status", "Met")
    UNMET = "unmet", pgettext_lazy("need status", "Could not be met")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("goal status", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("goal status", "In progress")
    REACHED = "reached", pgettext_lazy("goal status", "Reached")
    DROPPED = "dropped", pgettext_lazy("goal status", "Set aside")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task status", "To do")
    DONE = "done", pgettext_lazy("task status", "Done")


class TaskKind(models.TextChoices):
    MANUAL = "manual", pgettext_lazy("task kind", "Task")
    PERMIT_RENEWAL = "permit_renewal", _("Permit renewal")
    HEALTH_FOLLOW_UP = "health_follow_up", _("Health follow-up")


def offered(
    choices: list[tuple[str, Any]], retired: frozenset[str], *, recorded: Any = ()
) -> list[tuple[str, Any]]:
    """A picklist without its retired codes, but those already ``recorded`` (so that saving
    the form again keeps them)."""
    kept = set(recorded or ())
    return [(code, label) for code, label in choices if code not in retired or code in kept]
