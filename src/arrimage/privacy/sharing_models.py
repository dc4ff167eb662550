"""Consent records and information-sharing agreements: the inputs of the policy's steps 3 and 4.

Defined here and imported by ``privacy/models.py``. Both implement the protocols of
:mod:`arrimage.privacy.policy` (``Consent.covers`` and ``Agreement.allows``).
"""

import uuid
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from arrimage.privacy.categories import Category, Purpose


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", pgettext_lazy("consent given", "Verbally")
    WRITTEN = "written", pgettext_lazy("consent given", "In writing")


class ConsentRecord(models.Model):
    """An express consent of a person: this recipient organisation may receive these
    categories for this purpose, until it expires or is withdrawn. Never edited: a change is a
    withdrawal and a new record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="consents")
    # The organisation that recorded it (the lead organisation of the person's case).
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        "coalition.Organisation",
        on_delete=models.PROTECT,
        related_name="consents_received",
        verbose_name=_("recipient organisation"),
    )
    categories = models.JSONField(_("categories"), default=list)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    method = models.CharField(_("how it was given"), max_length=8, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [
            models.Index(fields=["recipient", "purpose", "expires_at"], name="consent_recipient"),
            models.Index(fields=["person", "recipient"], name="consent_person"),
            # What changed since a moment, by kind (trends' statistics projection).
            models.Index(fields=["purpose", "recorded_at"], name="consent_recorded"),
            models.Index(fields=["purpose", "withdrawn_at"], name="consent_withdrawn"),
            models.Index(fields=["purpose", "expires_at"], name="consent_expires"),
        ]

    def __str__(self) -> str:
        return f"ConsentRecord {self.pk}"

    def is_active(self, at: datetime) -> bool:
        if self.withdrawn_at is not None and self.withdrawn_at <= at:
            return False
        return self.recorded_at <= at < self.expires_at

    def covers(
        self, *, recipient_id: UUID, category: Category, purpose: Purpose, at: datetime
    ) -> bool:
        if self.recipient_id != recipient_id:
            return False
        if self.purpose != purpose:
            return False
        if category not in self.categories:
            return False
        return self.is_active(at)


class SharingAgreement(models.Model):
    """One version of a coalition's information-sharing agreement. Versions are never
    edited: a change makes the next version, and the highest version is in force."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coalition = models.ForeignKey(
        "coalition.Coalition", on_delete=models.CASCADE, related_name="sharing_agreements"
    )
    version = models.PositiveIntegerField()
    summary = models.CharField(_("summary of the change"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["coalition", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["coalition", "version"], name="sharing_agreement_version"
            )
        ]

    def __str__(self) -> str:
        return f"SharingAgreement {self.pk}"

    def rule_keys(self) -> frozenset[tuple[str, str, str, str]]:
        cached = getattr(self, "_rule_keys", None)
        if cached is None:
            cached = frozenset(
                (r.from_type, r.to_type, r.category, r.purpose) for r in self.rules.all()
            )
            self._rule_keys = cached
        return cached

    def allows(self, *, from_type: str, to_type: str, category: Category, purpose: Purpose) -> bool:
        return (from_type, to_type, str(category), str(purpose)) in self.rule_keys()


class SharingRule(models.Model):
    """Category may pass from organisations of one type to organisations of another type,
    for one purpose."""

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="rules")
    from_type = models.CharField(max_length=32)
    to_type = models.CharField(max_length=32)
    category = models.CharField(max_length=16, choices=Category.choices)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "from_type", "to_type", "category", "purpose"],
                name="sharing_rule_unique",
            )
        ]

    def __str__(self) -> str:
        return f"SharingRule {self.pk}"
