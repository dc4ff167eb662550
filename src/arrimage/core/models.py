from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Task(models.Model):
    """One unit of background work on the database-backed queue (see ``core/queue.py``).

    The payload holds ids and codes only, never personal data: a task names the rows it works
    on and reads them itself when it runs.
    """

    name = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    run_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    locked_until = models.DateTimeField(null=True, blank=True)
    locked_by = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    # Set for work that must exist once only, such as one run of a periodic job per period.
    unique_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "run_after"], name="core_task_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "running", "done", "failed"]),
                name="core_task_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"


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
        db_table = "privacy_datakey"  # created by the privacy app
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
        db_table = "privacy_auditevent"  # created by the privacy app
        ordering = ["sequence"]
        verbose_name = _("audit event")
        indexes = [
            models.Index(
                fields=["target_type", "target_id"], name="privacy_aud_target__837504_idx"
            ),
            models.Index(fields=["actor_id", "occurred_at"], name="privacy_aud_actor_i_87b7dc_idx"),
        ]

    def __str__(self) -> str:
        return f"audit event {self.sequence}: {self.action}"


class AuditHead(models.Model):
    """The last sequence number and hash; updating it first serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        db_table = "privacy_audithead"  # created by the privacy app

    def __str__(self) -> str:
        return f"audit head at {self.sequence}"
