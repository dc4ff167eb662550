"""The tracks of a case, one category each: exploitation (HTCDS 2.0), immigration (the
person's citizenship included) and health follow-ups."""

from typing import ClassVar

from django.db import models

from arrimage.cases.models.cases import Case, CaseOwned, of_case_row
from arrimage.privacy.categories import Category
from arrimage.privacy.sealing import sealed_field_register


class Exploitation(CaseOwned):
    """Exploitation information (HTCDS 2.0). Optional, never required to get help."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="exploitation")
    exploitation_sealed = models.BinaryField(null=True)
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {
        "sex_exploitation_types": Category.EXPLOITATION,
        "labour_exploitation_types": Category.EXPLOITATION,
        "methods_of_control": Category.EXPLOITATION,
        "methods_of_recruitment": Category.EXPLOITATION,
        "trafficking_status": Category.EXPLOITATION,
        "status_decided_by": Category.EXPLOITATION,
        "status_decided_on": Category.EXPLOITATION,
        "details": Category.EXPLOITATION,
    }
    SEALED_COLUMNS: ClassVar[dict[Category, str]] = {Category.EXPLOITATION: "exploitation_sealed"}

    def __str__(self) -> str:
        return f"Exploitation {self.pk}"


class ImmigrationTrack(CaseOwned):
    """The immigration category of a case, the person's citizenship included: a foreign
    citizenship on a trafficking case is a proxy of immigration status (``docs/policy.md``)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="immigration")
    immigration_sealed = models.BinaryField(null=True)
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {
        "citizenship": Category.IMMIGRATION,
        "status": Category.IMMIGRATION,
        "trp_issued_on": Category.IMMIGRATION,
        "trp_expires_on": Category.IMMIGRATION,
        "trp_renewal_due_on": Category.IMMIGRATION,
        "asylum_claim": Category.IMMIGRATION,
        "humanitarian_application": Category.IMMIGRATION,
        "ifhp_covered_until": Category.IMMIGRATION,
        "legal_representative": Category.IMMIGRATION,
        "is_detained": Category.IMMIGRATION,
    }
    SEALED_COLUMNS: ClassVar[dict[Category, str]] = {Category.IMMIGRATION: "immigration_sealed"}

    def __str__(self) -> str:
        return f"ImmigrationTrack {self.pk}"


class HealthFollowUp(CaseOwned):
    """A mental-health (or health) referral or appointment, with its coverage."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="health_follow_ups")
    health_sealed = models.BinaryField()
    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {
        "kind": Category.HEALTH,
        "service": Category.HEALTH,
        "scheduled_on": Category.HEALTH,
        "coverage": Category.HEALTH,
        "status": Category.HEALTH,
        "details": Category.HEALTH,
    }
    SEALED_COLUMNS: ClassVar[dict[Category, str]] = {Category.HEALTH: "health_sealed"}

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"HealthFollowUp {self.pk}"


for _sealed_model in (Exploitation, ImmigrationTrack, HealthFollowUp):
    for _category, _field in _sealed_model.SEALED_COLUMNS.items():
        sealed_field_register(
            _sealed_model,
            _field,
            category=_category,
            subject=of_case_row,
            organisation_field="owner_organisation_id",
        )
