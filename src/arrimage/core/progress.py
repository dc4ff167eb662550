"""Background tasks a user started from a page: what the page shows while they run, and their
result. Only the user who started a task, acting for the same organisation, sees it; for
anyone else it does not exist (404).

A task of this kind returns ``{"url": "/..."}`` (the page of its result), ``{"message": "..."}``
(what it did) or ``{"error": "..."}`` (a refusal it met when it ran), texts already in the
user's language."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from arrimage.core.background import TaskResultStatus
from arrimage.core.errors import NotFound
from arrimage.core.models import TaskFile, TaskProgress


@dataclass(frozen=True)
class TaskKind:
    label: Promise | str
    done_text: Promise | str


# Kind code -> what the page calls it and says when it is done; each app registers its own.
TASK_KINDS: dict[str, TaskKind] = {}

WAITING = "waiting"
RUNNING = "running"
DONE = "done"
REFUSED = "refused"
FAILED = "failed"


def task_kind_register(code: str, *, label: Promise | str, done_text: Promise | str) -> None:
    TASK_KINDS[code] = TaskKind(label, done_text)


def task_track(*, task_id: str, user_id: Any, organisation_id: Any, kind: str) -> None:
    """Remember who started ``task_id`` (in the transaction that queued it)."""
    if kind not in TASK_KINDS:
        raise ValueError(f"register the task kind {kind!r} first")
    with transaction.atomic():
        TaskProgress.objects.create(
            task_id=task_id, started_by_id=user_id, organisation_id=organisation_id, kind=kind
        )


@dataclass(frozen=True)
class TaskView:
    task_id: UUID
    label: str
    done_text: str
    status: str
    done: int
    total: int
    result_url: str
    error: str

    @property
    def finished(self) -> bool:
        return self.status in {DONE, REFUSED, FAILED}

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def text(self) -> str:
        if self.status == WAITING:
            return _("Waiting for a background worker to take it.")
        if self.status == RUNNING:
            if self.total:
                return _("In progress: step %(done)s of %(total)s.") % {
                    "done": self.done,
                    "total": self.total,
                }
            return _("In progress.")
        if self.status == DONE:
            return self.done_text or _("Done.")
        if self.status == REFUSED:
            return self.error
        return _(
            "This work failed. Nothing half-done was kept. Try again; if it fails again, tell "
            "your administrator."
        )


def _result(value: object) -> tuple[str, str, str]:
    """The result's page (an absolute path on this site), refusal and message, from a return
    value."""
    if not isinstance(value, dict):
        return "", "", ""
    url, error, message = value.get("url"), value.get("error"), value.get("message")
    safe_url = url if isinstance(url, str) and url.startswith("/") and "//" not in url else ""
    return (
        safe_url,
        error if isinstance(error, str) else "",
        message if isinstance(message, str) else "",
    )


def task_view_get(*, user_id: Any, organisation_id: Any, task_id: UUID) -> TaskView:
    """The task ``task_id`` as its page shows it to the user who started it."""
    progress = TaskProgress.objects.filter(
        task_id=task_id, started_by_id=user_id, organisation_id=organisation_id
    ).first()
    row = (
        DBTaskResult.objects.filter(pk=task_id).only("status", "return_value").first()
        if progress is not None
        else None
    )
    if progress is None or row is None:
        raise NotFound
    url, error, message = _result(row.return_value)
    if row.status == TaskResultStatus.SUCCESSFUL:
        status = REFUSED if error else DONE
    elif row.status == TaskResultStatus.FAILED:
        status = FAILED
    elif row.status == TaskResultStatus.RUNNING:
        status = RUNNING
    else:
        status = WAITING
    kind = TASK_KINDS.get(progress.kind)
    return TaskView(
        task_id=task_id,
        label=str(kind.label) if kind else progress.kind,
        done_text=message or (str(kind.done_text) if kind else ""),
        status=status,
        done=progress.done,
        total=progress.total,
        result_url=url if status == DONE else "",
        error=error,
    )


def task_file_store(*, task_id: Any, name: str, content_type: str, content: bytes) -> None:
    """Keep the file a task made (in its transaction); its page offers it for download."""
    TaskFile.objects.update_or_create(
        task_id=task_id,
        defaults={"name": name, "content_type": content_type, "content": content},
    )


def task_file_get(*, user_id: Any, organisation_id: Any, task_id: UUID) -> TaskFile:
    """The file of a finished task, for the user who started it only."""
    task = task_view_get(user_id=user_id, organisation_id=organisation_id, task_id=task_id)
    found = TaskFile.objects.filter(task_id=task_id).first() if task.status == DONE else None
    if found is None:
        raise NotFound
    return found
