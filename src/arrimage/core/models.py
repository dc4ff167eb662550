"""What the background workers keep beside django-tasks-db's task table (``core/background.py``).

None of these rows holds personal data: ids, codes, counts and times.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
