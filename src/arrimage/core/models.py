"""Core tables: the audit log and the data keys (every layer reaches them here), and what the
background workers keep beside django-tasks-db's task table (``core/background.py``).

None of these rows holds personal data: ids, codes, counts, times and ciphertext.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One running ``arrimage worker``: it rewrites ``beat_at`` every few seconds. A task whose
    worker stopped beating is taken again by another worker; ``/sante/`` checks that some
    worker beats."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.worker_id


class TaskKey(models.Model):
    """A task that must be queued once only: one run of a periodic job per period, one
    reminder per referral."""

    key = models.CharField(max_length=200, primary_key=True)
    task_id = models.UUIDField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.key


class TaskProgress(models.Model):
    """A task a user started from a page, which shows its progress and then its result. Only
    that user, acting for that organisation, sees it."""

    task_id = models.UUIDField(primary_key=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    organisation_id = models.UUIDField(null=True)
    # What it is, as a code: the page names it in the reader's language.
    kind = models.CharField(max_length=64)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} {self.task_id}"


class TaskFile(models.Model):
    """A file a background task made for the user who started it (an export). Kept in the
    database, so that any app server serves it; deleted with its task after a month."""

    task_id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.name


class RateWindow(models.Model):
    """Requests counted for one client in one fixed window of time, for throttling
    (``core/throttling.py``). Kept in the database so that every app server counts into the
    same row; a row is deleted once its window is over."""

    # The scope and the client: "api_user:<user id>", "hsds:<address>".
    client_key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()  # seconds since the epoch
    window_end = models.BigIntegerField(db_index=True)
    hits = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client_key", "window_start"], name="core_ratewindow_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_key} @{self.window_start}: {self.hits}"


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
    """One event of the append-only, hash-chained audit log. Ids only, never personal data.
    ``sequence`` numbers the events of one ``chain`` (core/audit.py); ``id`` orders them all."""

    chain = models.PositiveSmallIntegerField(default=1)
    sequence = models.BigIntegerField()
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
        ordering = ["id"]
        verbose_name = _("audit event")
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_event_chain_sequence")
        ]
        indexes = [
            models.Index(
                fields=["target_type", "target_id"], name="privacy_aud_target__837504_idx"
            ),
            models.Index(fields=["actor_id", "occurred_at"], name="privacy_aud_actor_i_87b7dc_idx"),
        ]

    def __str__(self) -> str:
        return f"audit event {self.chain}.{self.sequence}: {self.action}"


class AuditHead(models.Model):
    """One chain's last sequence number and hash (pk = the chain); updating it first
    serialises the appends to that chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        db_table = "privacy_audithead"  # created by the privacy app

    def __str__(self) -> str:
        return f"audit chain {self.pk} at {self.sequence}"
