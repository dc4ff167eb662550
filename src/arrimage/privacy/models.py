from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKey(models.Model):
    """An AES-256-GCM data key, wrapped by the master key.

    One active key per organisation; the scope ``instance`` names the key that seals
    account secrets (TOTP seeds), which belong to a user rather than to an organisation.
    """

    # The organisation's id as text, or "instance".
    scope = models.CharField(max_length=36)
    version = models.PositiveIntegerField()
    wrapped_key = models.BinaryField()
    master_key_id = models.CharField(max_length=16)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "version"], name="data_key_unique_version")
        ]

    def __str__(self) -> str:
        return f"data key {self.scope} v{self.version}"


class AuditEvent(models.Model):
    """One event of the append-only, hash-chained audit log. Ids only, never personal data."""

    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    action = models.CharField(max_length=64)
    actor_id = models.UUIDField(null=True)
    organisation_id = models.UUIDField(null=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit event")
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor_id", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"audit event {self.sequence}: {self.action}"


class AuditHead(models.Model):
    """The last sequence number and hash; updating it first serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head at {self.sequence}"


# Consent records and information-sharing agreements (issue 4, cases and policy).
from arrimage.privacy.sharing_models import (  # noqa: E402, F401
    ConsentMethod,
    ConsentRecord,
    SharingAgreement,
    SharingRule,
)
