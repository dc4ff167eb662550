"""Picklists of the immigration track (status, applications, the official IRCC pages) and of
the health track (coverage, mental-health follow-up); the labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImmigrationStatus(models.TextChoices):
    CITIZEN = "citizen", _("Canadian citizen")
    PERMANENT_RESIDENT = "permanent_resident", _("Permanent resident")
    TRP_VICTIM = "trp_victim", _("Temporary resident permit for victims of trafficking")
    WORK_PERMIT = "work_permit", _("Work permit")
    STUDY_PERMIT = "study_permit", _("Study permit")
    VISITOR = "visitor", _("Visitor")
    ASYLUM_CLAIMANT = "asylum_claimant", _("Refugee claimant")
    PROTECTED_PERSON = "protected_person", _("Protected person")
    NO_STATUS = "no_status", _("No status")
    UNKNOWN = "unknown", _("Unknown")


class ApplicationStatus(models.TextChoices):
    NONE = "none", pgettext_lazy("application", "None")
    PLANNED = "planned", pgettext_lazy("application", "Being prepared")
    FILED = "filed", pgettext_lazy("application", "Filed")
    ACCEPTED = "accepted", pgettext_lazy("application", "Accepted")
    REFUSED = "refused", pgettext_lazy("application", "Refused")


class Coverage(models.TextChoices):
    IFHP = "ifhp", _("Interim Federal Health Program (IFHP)")
    RAMQ = "ramq", _("RAMQ")
    COMMUNITY = "community", _("Community-funded")
    NONE = "none", _("No coverage")


class FollowUpKind(models.TextChoices):
    REFERRAL = "referral", pgettext_lazy("health", "Referral")
    APPOINTMENT = "appointment", pgettext_lazy("health", "Appointment")


class FollowUpStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("follow-up", "Planned")
    DONE = "done", pgettext_lazy("follow-up", "Done")
    MISSED = "missed", pgettext_lazy("follow-up", "Missed")
    CANCELLED = "cancelled", pgettext_lazy("follow-up", "Cancelled")


# Official pages: Arrimage links them rather than restating rules that change.
IRCC_LINKS = {
    "trp_victims": (
        "https://www.canada.ca/en/immigration-refugees-citizenship/services/"
        "refugees/victims-human-trafficking.html"
    ),
    "asylum": (
        "https://www.canada.ca/en/immigration-refugees-citizenship/services/"
        "refugees/claim-protection-inside-canada.html"
    ),
    "humanitarian": (
        "https://www.canada.ca/en/immigration-refugees-citizenship/services/"
        "immigrate-canada/humanitarian-compassionate-grounds.html"
    ),
    "ifhp": (
        "https://www.canada.ca/en/immigration-refugees-citizenship/services/"
        "refugees/help-within-canada/health-care/interim-federal-health-program.html"
    ),
}
