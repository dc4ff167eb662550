"""A task queue in the database: background work with no extra server.

Writing work
    Each app declares its tasks in ``<app>/tasks.py`` (imported by :func:`tasks_discover`)::

        @task("referral_remind", max_attempts=3)
        def referral_remind(*, referral_id: str) -> None: ...

        periodic("retention_anonymise", every=timedelta(days=1), offset=timedelta(hours=7))

Queueing work
    :func:`task_enqueue` inserts the task row in the caller's transaction. The row becomes
    visible to workers only when that transaction commits, and disappears with it on a rollback:
    what ``transaction.on_commit`` promises, plus atomicity, since a crash between the commit
    and an ``on_commit`` hook can no longer lose the task. The payload holds ids and codes only.

Running work
    ``arrimage worker`` claims due tasks one at a time. A claim is one short write transaction:
    ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite, whose transactions start
    ``IMMEDIATE`` (settings), the transaction holds the database write lock from its first
    statement. Either way the claiming ``UPDATE`` repeats the "still due" condition and checks
    it changed one row, so two workers never run the same claim. A claim is a lease: a worker
    that dies leaves a task that another worker takes again once ``locked_until`` has passed.
    A failing task is retried with exponential backoff up to ``max_attempts``, then kept as
    ``failed`` with the error's type and place (never its message, which may quote data).
"""

import logging
import math
import threading
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from arrimage.core.models import Task, TaskStatus

logger = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
DEFAULT_LEASE = timedelta(minutes=10)
DEFAULT_MAX_ATTEMPTS = 5
# Ids are UUIDs (36 characters) or integers; codes are short. Anything longer is refused, so
# that no free text, and so no personal data, travels in a payload.
MAX_PAYLOAD_TEXT = 64
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

PayloadScalar = str | int | bool | None | uuid.UUID
PayloadValue = PayloadScalar | list[PayloadScalar]
Handler = TypeVar("Handler", bound=Callable[..., object])


class PayloadError(ValueError):
    """A payload held something other than ids and codes."""


@dataclass(frozen=True)
class TaskSpec:
    name: str
    handler: Callable[..., object]
    max_attempts: int
    lease: timedelta


@dataclass(frozen=True)
class PeriodicJob:
    """Run the task ``name`` once per ``every``, at ``offset`` into each period (UTC)."""

    name: str
    every: timedelta
    offset: timedelta

    def slot(self, now: datetime) -> datetime:
        """The start of the period that contains ``now``."""
        periods = math.floor((now - EPOCH - self.offset) / self.every)
        return EPOCH + self.offset + periods * self.every

    def key(self, slot: datetime) -> str:
        return f"periodic:{self.name}:{slot.astimezone(UTC).isoformat()}"


TASKS: dict[str, TaskSpec] = {}
PERIODIC: dict[str, PeriodicJob] = {}
_discovered = False
_discover_lock = threading.Lock()


def task(
    name: str, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS, lease: timedelta = DEFAULT_LEASE
) -> Callable[[Handler], Handler]:
    """Register a function as the handler of the task ``name``. It receives the payload as
    keyword arguments and must finish within ``lease``."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def register(handler: Handler) -> Handler:
        existing = TASKS.get(name)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"task {name!r} is already registered")
        TASKS[name] = TaskSpec(name, handler, max_attempts, lease)
        return handler

    return register


def periodic(name: str, *, every: timedelta, offset: timedelta = timedelta(0)) -> PeriodicJob:
    """Run the registered task ``name`` (which takes no payload) once per period."""
    if name not in TASKS:
        raise ValueError(f"register the task {name!r} before making it periodic")
    if every < timedelta(minutes=1) or not timedelta(0) <= offset < every:
        raise ValueError("a periodic job runs at most once a minute, offset within its period")
    job = PeriodicJob(name, every, offset)
    PERIODIC[name] = job
    return job


def tasks_discover() -> None:
    """Import ``<app>.tasks`` of every installed app, once, so that all tasks are registered."""
    global _discovered
    with _discover_lock:
        if not _discovered:
            autodiscover_modules("tasks")
            _discovered = True


def _clean_scalar(value: object) -> str | int | bool | None:
    if value is None or isinstance(value, bool | int):
        return value  # type: ignore[return-value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str) and len(value) <= MAX_PAYLOAD_TEXT:
        return value
    raise PayloadError(f"a task payload holds ids and short codes only, not {type(value).__name__}")


def payload_clean(payload: Mapping[str, object]) -> dict[str, object]:
    """The payload as JSON, or :class:`PayloadError` if it holds more than ids and codes."""
    cleaned: dict[str, object] = {}
    for key, value in payload.items():
        if not key.isidentifier():
            raise PayloadError(f"payload key {key!r} is not an identifier")
        if isinstance(value, list | tuple):
            cleaned[key] = [_clean_scalar(item) for item in value]
        else:
            cleaned[key] = _clean_scalar(value)
    return cleaned


def task_enqueue(
    *,
    name: str,
    payload: Mapping[str, PayloadValue] | None = None,
    run_after: datetime | None = None,
    unique_key: str | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> Task:
    """Queue the task ``name`` in the current transaction (see the module's docstring).

    With ``unique_key``, a task with that key that already exists is returned instead.
    """
    tasks_discover()
    spec = TASKS.get(name)
    if spec is None:
        raise LookupError(f"no task named {name!r}")
    if run_after is not None and timezone.is_naive(run_after):
        raise ValueError("run_after must be an aware datetime")
    fields = {
        "name": name,
        "payload": payload_clean(payload or {}),
        "run_after": run_after or timezone.now(),
        "max_attempts": spec.max_attempts,
    }
    if unique_key is None:
        return Task.objects.using(using).create(**fields)
    found, _created = Task.objects.using(using).get_or_create(
        unique_key=unique_key, defaults=fields
    )
    return found


def _due(now: datetime) -> Q:
    return Q(status=TaskStatus.PENDING, run_after__lte=now) | Q(
        status=TaskStatus.RUNNING, locked_until__lt=now
    )


def task_claim(
    *, worker_id: str, now: datetime | None = None, using: str = DEFAULT_DB_ALIAS
) -> Task | None:
    """Take the next due task for this worker, or None. Safe with many workers at once."""
    tasks_discover()
    now = now or timezone.now()
    token = f"{worker_id}/{uuid.uuid4().hex[:12]}"
    with transaction.atomic(using=using):
        candidates = Task.objects.using(using).filter(_due(now)).order_by("run_after", "id")
        if connections[using].features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        candidate = candidates.only("id", "name").first()
        if candidate is None:
            return None
        spec = TASKS.get(candidate.name)
        lease = spec.lease if spec else DEFAULT_LEASE
        claimed = (
            Task.objects.using(using)
            .filter(_due(now), pk=candidate.pk)
            .update(
                status=TaskStatus.RUNNING,
                attempts=F("attempts") + 1,
                locked_until=now + lease,
                locked_by=token,
            )
        )
        if claimed != 1:
            return None
        return Task.objects.using(using).get(pk=candidate.pk)


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next attempt, after ``attempts`` failed ones."""
    exponent = max(attempts - 1, 0)
    if exponent >= 20:
        return BACKOFF_MAX
    return min(BACKOFF_BASE * (2**exponent), BACKOFF_MAX)


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


def _finish(task: Task, *, using: str, **fields: object) -> bool:
    """Record the outcome, if this worker still holds the claim (its lease did not expire into
    another worker's hands)."""
    return bool(
        Task.objects.using(using)
        .filter(pk=task.pk, status=TaskStatus.RUNNING, locked_by=task.locked_by)
        .update(locked_until=None, locked_by="", **fields)
    )


def task_failed(
    *, task: Task, error_text: str, now: datetime | None = None, using: str = DEFAULT_DB_ALIAS
) -> TaskStatus:
    """Schedule a retry with backoff, or mark the task failed after its last attempt."""
    now = now or timezone.now()
    if task.attempts >= task.max_attempts:
        _finish(task, using=using, status=TaskStatus.FAILED, last_error=error_text, finished_at=now)
        return TaskStatus.FAILED
    _finish(
        task,
        using=using,
        status=TaskStatus.PENDING,
        last_error=error_text,
        run_after=now + backoff(task.attempts),
    )
    return TaskStatus.PENDING


def task_execute(*, task: Task, using: str = DEFAULT_DB_ALIAS) -> TaskStatus:
    """Run a claimed task and record its outcome. Returns the task's new status."""
    spec = TASKS.get(task.name)
    if spec is None:
        task.attempts = task.max_attempts
        return task_failed(task=task, error_text=f"no task named {task.name!r}", using=using)
    if task.attempts > task.max_attempts:
        # Claimed again after its lease ran out on every attempt: the handler hangs or kills
        # its worker. Stop here.
        task.attempts = task.max_attempts
        return task_failed(task=task, error_text="the lease expired on every attempt", using=using)
    try:
        spec.handler(**task.payload)
    except Exception as error:
        logger.exception(
            "task %s #%s failed (attempt %s of %s)",
            task.name,
            task.pk,
            task.attempts,
            task.max_attempts,
        )
        return task_failed(task=task, error_text=error_summary(error), using=using)
    _finish(task, using=using, status=TaskStatus.DONE, last_error="", finished_at=timezone.now())
    return TaskStatus.DONE


_scheduled: dict[str, str] = {}


def periodic_schedule(*, now: datetime | None = None, using: str = DEFAULT_DB_ALIAS) -> None:
    """Make sure each periodic job has its task for the current period. Many workers may call
    this at once: the unique key keeps one task per period."""
    tasks_discover()
    now = now or timezone.now()
    for job in list(PERIODIC.values()):
        key = job.key(job.slot(now))
        if _scheduled.get(job.name) == key:
            continue
        spec = TASKS[job.name]
        if not Task.objects.using(using).filter(unique_key=key).exists():
            Task.objects.using(using).bulk_create(
                [
                    Task(
                        name=job.name,
                        run_after=job.slot(now),
                        unique_key=key,
                        max_attempts=spec.max_attempts,
                    )
                ],
                ignore_conflicts=True,
            )
        _scheduled[job.name] = key


def periodic_schedule_forget() -> None:
    """Forget which periods this process has scheduled (tests, and after a clock jump)."""
    _scheduled.clear()


@dataclass
class WorkerStats:
    done: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def processed(self) -> int:
        return self.done + self.retried + self.failed


def worker_run(
    *,
    worker_id: str,
    once: bool = False,
    max_tasks: int | None = None,
    idle_sleep: float = 5.0,
    stop: threading.Event | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> WorkerStats:
    """The worker loop. With ``once``, run every task due now, then return; otherwise poll
    every ``idle_sleep`` seconds until ``stop`` is set or ``max_tasks`` have run."""
    stop = stop or threading.Event()
    stats = WorkerStats()
    database = connections[using]
    while not stop.is_set():
        if not database.in_atomic_block:
            # As between two requests: drop a broken or too old connection.
            database.close_if_unusable_or_obsolete()
        periodic_schedule(using=using)
        claimed = task_claim(worker_id=worker_id, using=using)
        if claimed is None:
            if once:
                break
            stop.wait(idle_sleep)
            continue
        outcome = task_execute(task=claimed, using=using)
        if outcome == TaskStatus.DONE:
            stats.done += 1
        elif outcome == TaskStatus.PENDING:
            stats.retried += 1
        else:
            stats.failed += 1
        if max_tasks is not None and stats.processed >= max_tasks:
            break
    return stats


def task_purge(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete finished tasks (done or failed) older than ``older_than``."""
    cutoff = (now or timezone.now()) - older_than
    deleted, _by_model = Task.objects.filter(
        status__in=[TaskStatus.DONE, TaskStatus.FAILED], finished_at__lt=cutoff
    ).delete()
    return deleted
