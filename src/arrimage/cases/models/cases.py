"""The case, the base of the records it owns, its access log and the calendar feeds."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrimage.cases import vocabularies as v
from arrimage.cases.models.persons import Person
from arrimage.cases.references import reference_new
from arrimage.coalition.models import Organisation
from arrimage.privacy.categories import Category
from arrimage.privacy.sealing import sealed_field_register


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_cases",
        verbose_name=_("lead organisation"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=v.CaseStatus.choices, default=v.CaseStatus.ACTIVE
    )
    # What workers read, write and type (``cases/references.py``): unique, drawn at random.
    reference = models.CharField(
        _("reference"), max_length=16, unique=True, default=reference_new, editable=False
    )
    # Set when the person is detained: urgent for the lead organisation. The reason stays in
    # the immigration category.
    is_urgent = models.BooleanField(default=False)
    assigned_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned worker"),
    )
    legal_sealed = models.BinaryField(null=True)
    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {
        "status": Category.COORDINATION,
        "assigned_worker": Category.COORDINATION,
        "opened_at": Category.COORDINATION,
        "closed_at": Category.COORDINATION,
        "police_report_filed": Category.LEGAL,
        "proceedings": Category.LEGAL,
        "lawyer": Category.LEGAL,
    }
    SEALED_COLUMNS: ClassVar[dict[Category, str]] = {Category.LEGAL: "legal_sealed"}

    class Meta:
        indexes = [
            models.Index(
                fields=["lead_organisation", "-is_urgent", "-updated_at"], name="case_worklist"
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"


class CaseOwned(models.Model):
    """A record of a case, sealed with the key of the case's lead organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class CaseAccess(models.Model):
    """The access log of a case: who saw or changed which categories, when, by which path.
    Visible to the lead organisation. Ids and codes only."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    path = models.CharField(max_length=16)
    categories = models.CharField(max_length=160, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-occurred_at"], name="case_access_case"),
            # The recent changes of the listed cases (the worklist): reads, which every page
            # adds, are not read again.
            models.Index(fields=["case", "path", "-occurred_at"], name="case_access_path"),
        ]

    def __str__(self) -> str:
        return f"CaseAccess {self.pk}"


class CalendarFeed(models.Model):
    """A secret feed address for one user acting for one organisation. Only the token's
    SHA-256 digest is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    membership = models.OneToOneField(
        "accounts.Membership", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"CalendarFeed {self.pk}"


def of_case_row(row: models.Model) -> tuple[str, str]:
    """The subject of a record that belongs to a case (its ``case_id``)."""
    return ("case", str(row.case_id))  # type: ignore[attr-defined]


sealed_field_register(
    Case,
    "legal_sealed",
    category=Category.LEGAL,
    subject=lambda case: ("case", str(case.pk)),
    organisation_field="lead_organisation_id",
)
