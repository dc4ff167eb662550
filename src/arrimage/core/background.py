"""Background work on Django's Tasks API, with its database backend: no extra server.

Django 5.2 gets the API from ``django-tasks``, the backport of Django 6's ``django.tasks``, and
stores tasks with ``django-tasks-db`` (table ``django_tasks_database_dbtaskresult``). The move
to Django 6 changes the one import below (``django_tasks`` becomes ``django.tasks``) and drops
the ``django-tasks`` dependency; ``django-tasks-db`` already works with both.

Writing work
    Each app declares its tasks in ``<app>/tasks.py``, Django's ``@task`` through
    :func:`background_task`, which adds a number of attempts::

        @background_task(max_attempts=3)
        def referral_remind(*, referral_id: str) -> None: ...

        periodic(retention_anonymise, every=timedelta(days=1), offset=timedelta(hours=7))

Queueing work
    ``referral_remind.enqueue(referral_id=...)`` inserts the task row in the caller's
    transaction: it exists only if the caller's data was committed, and a crash right after the
    commit cannot lose it. Arguments are keywords holding ids and short codes only, never
    personal data (:class:`DatabaseBackend` refuses anything else); the task reads the rows it
    needs when it runs. :func:`enqueue_once` queues once per key (one reminder per referral).

What Django's API and django-tasks-db lack, and this module and ``core/worker.py`` add
    - **Periodic jobs** (:func:`periodic`): one task per period, whatever the number of workers,
      through a unique :class:`~arrimage.core.models.TaskKey`.
    - **Retries**: a failed task is tried again with exponential backoff up to its
      ``max_attempts``; django-tasks-db marks it failed at the first exception.
    - **Heartbeat**: django-tasks-db leaves a task ``RUNNING`` for ever when its worker dies.
      Each ``arrimage worker`` writes a heartbeat every few seconds; a running task whose
      worker's heartbeat is older than ``ARRIMAGE_WORKER_HEARTBEAT_TIMEOUT`` seconds (30) is
      made ready again (or failed after its last attempt) by any other worker.
    - **Progress** (:func:`progress_report`): a long task says how far it is; the worker's
      heartbeat thread writes it to :class:`~arrimage.core.models.TaskProgress`, which the page
      that started the task reads.
    - **No personal data in errors**: django-tasks-db keeps the exception's traceback, whose
      message may quote data. A task's exception is replaced by :class:`TaskFailed`, which holds
      the original's type and place only; the full traceback goes to the worker's log.
"""

import functools
import logging
import math
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import django_tasks as tasks_api  # Django 6: from django import tasks as tasks_api
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks_db.backend import DatabaseBackend as DjangoTasksDatabaseBackend

from arrimage.core.models import TaskKey, TaskProgress

logger = logging.getLogger(__name__)

Task = tasks_api.base.Task
TaskContext = tasks_api.TaskContext
TaskResultStatus = tasks_api.TaskResultStatus

DEFAULT_MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
# Ids are UUIDs (36 characters) or integers; codes are short. Anything longer is refused, so
# that no free text, and so no personal data, travels in a task's arguments.
MAX_PAYLOAD_TEXT = 64
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class PayloadError(ValueError):
    """A task's arguments held something other than ids and codes."""


class TaskFailed(Exception):
    """A task raised: this holds the error's type and place, never its message."""


def _clean_scalar(value: object) -> str | int | bool | None:
    if value is None or isinstance(value, bool | int):
        return value  # type: ignore[return-value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str) and len(value) <= MAX_PAYLOAD_TEXT:
        return value
    raise PayloadError(
        f"a task's arguments are ids and short codes only, not {type(value).__name__}"
    )


def payload_clean(payload: Mapping[str, object]) -> dict[str, object]:
    """The arguments as JSON, or :class:`PayloadError` if they hold more than ids and codes."""
    cleaned: dict[str, object] = {}
    for key, value in payload.items():
        if not key.isidentifier():
            raise PayloadError(f"argument {key!r} is not an identifier")
        if isinstance(value, list | tuple):
            cleaned[key] = [_clean_scalar(item) for item in value]
        else:
            cleaned[key] = _clean_scalar(value)
    return cleaned


class DatabaseBackend(DjangoTasksDatabaseBackend):
    """django-tasks-db's backend, refusing arguments that could carry personal data."""

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        if args:
            raise PayloadError("pass a task's arguments by name")
        return super().enqueue(task, (), payload_clean(kwargs))

    async def aenqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        if args:
            raise PayloadError("pass a task's arguments by name")
        return await super().aenqueue(task, (), payload_clean(kwargs))


# Declaring tasks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskOptions:
    max_attempts: int


OPTIONS: dict[str, TaskOptions] = {}


def error_summary(error: BaseException) -> str:
    """The error's type and where it was raised. Not its message: it may quote personal data."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    places = " < ".join(
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
        for frame in reversed(frames)
    )
    return f"{type(error).__module__}.{type(error).__qualname__}" + (
        f" at {places}" if places else ""
    )


def background_task(
    *, max_attempts: int = DEFAULT_MAX_ATTEMPTS, takes_context: bool = False, priority: int = 0
) -> Callable[[Callable[..., Any]], Any]:
    """Django's ``@task``, with a number of attempts, and errors kept without their message.

    With ``takes_context``, the function's first argument is Django's ``TaskContext``, which
    :func:`progress_report` takes."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def decorate(function: Callable[..., Any]) -> Any:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except Exception as error:
                logger.exception("task %s failed", function.__qualname__)
                raise TaskFailed(error_summary(error)) from None

        declared = tasks_api.task(priority=priority, takes_context=takes_context)(run)  # type: ignore[call-overload]
        OPTIONS[declared.module_path] = TaskOptions(max_attempts=max_attempts)
        return declared

    return decorate


def max_attempts_of(task_path: str) -> int:
    options = OPTIONS.get(task_path)
    return options.max_attempts if options else DEFAULT_MAX_ATTEMPTS


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next attempt, after ``attempts`` failed ones."""
    exponent = max(attempts - 1, 0)
    if exponent >= 20:
        return BACKOFF_MAX
    return min(BACKOFF_BASE * (2**exponent), BACKOFF_MAX)


_discovered = False


def tasks_discover() -> None:
    """Import ``<app>.tasks`` of every installed app, once: every task and periodic job is then
    declared."""
    global _discovered
    if not _discovered:
        autodiscover_modules("tasks")
        _discovered = True


# Queueing once per key ------------------------------------------------------------------------


def enqueue_once(task: Any, *, key: str, run_after: datetime | None = None, **kwargs: Any) -> str:
    """Queue ``task`` unless a task was already queued with ``key``; the id of the one queued.

    In the caller's transaction, like ``enqueue``. Many workers may call it at once: the unique
    key keeps one."""
    with transaction.atomic():
        found, created = TaskKey.objects.get_or_create(key=key, defaults={"task_id": None})
        if not created and found.task_id is not None:
            return str(found.task_id)
        queued = (task.using(run_after=run_after) if run_after else task).enqueue(**kwargs)
        TaskKey.objects.filter(pk=found.pk).update(task_id=queued.id)
        return str(queued.id)


# Periodic jobs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodicJob:
    """Run ``task`` (which takes no argument) once per ``every``, at ``offset`` into each period
    (UTC)."""

    task: Any
    every: timedelta
    offset: timedelta

    @property
    def name(self) -> str:
        return str(self.task.module_path)

    def slot(self, now: datetime) -> datetime:
        """The start of the period that contains ``now``."""
        periods = math.floor((now - EPOCH - self.offset) / self.every)
        return EPOCH + self.offset + periods * self.every

    def key(self, slot: datetime) -> str:
        return f"periodic:{self.name}:{slot.astimezone(UTC).isoformat()}"


PERIODIC: dict[str, PeriodicJob] = {}
_scheduled: dict[str, str] = {}


def periodic(task: Any, *, every: timedelta, offset: timedelta = timedelta(0)) -> PeriodicJob:
    """Run ``task`` once per period."""
    if not isinstance(task, Task):
        raise ValueError("declare the task with @background_task before making it periodic")
    if every < timedelta(minutes=1) or not timedelta(0) <= offset < every:
        raise ValueError("a periodic job runs at most once a minute, offset within its period")
    job = PeriodicJob(task, every, offset)
    PERIODIC[job.name] = job
    return job


def periodic_schedule(*, now: datetime | None = None) -> None:
    """Make sure each periodic job has its task for the current period (in this period's slot:
    a job missed while no worker ran runs once, when one starts again)."""
    tasks_discover()
    now = now or timezone.now()
    for job in list(PERIODIC.values()):
        slot = job.slot(now)
        key = job.key(slot)
        if _scheduled.get(job.name) == key:
            continue
        enqueue_once(job.task, key=key, run_after=slot)
        _scheduled[job.name] = key


def periodic_schedule_forget() -> None:
    """Forget which periods this process has scheduled (tests, and after a clock jump)."""
    _scheduled.clear()


# Progress ---------------------------------------------------------------------------------------


@dataclass
class ProgressSlot:
    """The progress of the task a worker runs, written by its heartbeat thread."""

    task_id: str
    done: int = 0
    total: int = 0
    written: tuple[int, int] = (0, 0)


_progress: ProgressSlot | None = None


def progress_slot_set(slot: ProgressSlot | None) -> None:
    global _progress
    _progress = slot


def progress_slot() -> ProgressSlot | None:
    return _progress


def progress_write(slot: ProgressSlot) -> None:
    """Store the slot's figures, if they changed (the page that started the task reads them)."""
    figures = (slot.done, slot.total)
    if figures == slot.written:
        return
    TaskProgress.objects.filter(task_id=slot.task_id).update(
        done=figures[0], total=figures[1], updated_at=timezone.now()
    )
    slot.written = figures


def progress_report(context: Any, *, done: int, total: int) -> None:
    """Say that the task of ``context`` has done ``done`` steps of ``total``.

    Cheap: it sets two numbers; the worker's heartbeat thread writes them about once a second,
    outside the task's transaction. Run outside a worker (a test calling the task directly),
    it writes them at once."""
    done, total = max(int(done), 0), max(int(total), 0)
    task_id = str(context.task_result.id)
    slot = _progress
    if slot is not None and slot.task_id == task_id:
        slot.done, slot.total = min(done, total) if total else done, total
        return
    progress_write(ProgressSlot(task_id=task_id, done=done, total=total))


def heartbeat_interval() -> float:
    return float(getattr(settings, "ARRIMAGE_WORKER_HEARTBEAT_SECONDS", 5.0))


def heartbeat_timeout() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "ARRIMAGE_WORKER_HEARTBEAT_TIMEOUT", 30.0)))
