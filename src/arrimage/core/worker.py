"""``arrimage worker``: runs the tasks of django-tasks-db's table, with a heartbeat.

Each pass of the loop:

1. queues this period's run of each periodic job (:func:`~arrimage.core.background.periodic`);
2. every few seconds, gives back the running tasks of workers that stopped beating
   (:func:`tasks_recover`): made ready again, or failed after their last attempt;
3. claims one ready task with django-tasks-db's own query (``SELECT ... FOR UPDATE SKIP
   LOCKED`` on PostgreSQL, an exclusive transaction on SQLite), so that two workers never run
   the same claim, and runs it with django-tasks-db's ``Worker.run_task``, which records the
   result and sends Django's task signals;
4. retries a failed task with backoff, up to its ``max_attempts``.

A thread beside the loop rewrites the worker's heartbeat every
``ARRIMAGE_WORKER_HEARTBEAT_SECONDS`` (5) and the progress of the task in hand about once a
second, on its own database connection, outside the task's transaction.
"""

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections, transaction
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DjangoTasksWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from arrimage.core.background import (
    ProgressSlot,
    TaskResultStatus,
    backoff,
    heartbeat_interval,
    heartbeat_timeout,
    max_attempts_of,
    periodic_schedule,
    progress_slot,
    progress_slot_set,
    progress_write,
    tasks_discover,
)
from arrimage.core.models import TaskFile, TaskKey, TaskProgress, WorkerHeartbeat

logger = logging.getLogger(__name__)

BACKEND = "default"
PROGRESS_SECONDS = 1.0
WORKER_LOST = "arrimage.core.background.WorkerLost"
WORKER_LOST_TEXT = "The worker running this task stopped beating: it was killed or lost."


def worker_id_default() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def _in_memory(alias: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[alias]
    return connection.vendor == "sqlite" and bool(connection.is_in_memory_db())  # type: ignore[attr-defined]


class Heartbeat:
    """The worker's heartbeat row, and the thread that keeps it and the progress fresh.

    On an in-memory SQLite database (the test suite) no other process can take over a task,
    and another thread cannot share the test's transaction: the loop beats itself instead."""

    def __init__(self, worker_id: str, *, threaded: bool) -> None:
        self.worker_id = worker_id
        self.threaded = threaded
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.last_beat = 0.0

    def start(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "beat_at": now,
            },
        )
        self.last_beat = time.monotonic()
        if self.threaded:
            self.thread = threading.Thread(
                target=self._run, name=f"heartbeat {self.worker_id}", daemon=True
            )
            self.thread.start()

    def beat(self) -> None:
        updated = WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
            beat_at=timezone.now()
        )
        if not updated:  # purged while this worker slept through a long pause
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id, host=socket.gethostname()[:255], pid=os.getpid()
            )
        self.last_beat = time.monotonic()

    def beat_if_due(self) -> None:
        """From the loop, when there is no thread."""
        if not self.threaded and time.monotonic() - self.last_beat >= heartbeat_interval():
            self.beat()

    def _run(self) -> None:
        try:
            while not self.stopping.wait(PROGRESS_SECONDS):
                try:
                    slot = progress_slot()
                    if slot is not None:
                        progress_write(slot)
                    if time.monotonic() - self.last_beat >= heartbeat_interval():
                        self.beat()
                except Exception:
                    # A locked SQLite database, a dropped connection: try again next second.
                    logger.warning("worker %s: heartbeat not written", self.worker_id)
                    connections[DEFAULT_DB_ALIAS].close()
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=30)
        # A worker that stops cleanly holds no task: its heartbeat can go.
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def tasks_recover(*, now: datetime | None = None) -> int:
    """Give back the running tasks whose worker stopped beating; returns how many.

    A task claimed less than one heartbeat timeout ago is left alone, as is a task whose
    worker beat within the timeout, or whose worker's process still runs on this host. The
    update repeats "still running, same claim", so two workers recovering at once give a task
    back once."""
    now = now or timezone.now()
    cutoff = now - heartbeat_timeout()
    alive = set(
        WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    # A silent worker on this host whose process still runs is held up (a long write
    # transaction on SQLite delays its heartbeat), not dead: it keeps its task.
    here = socket.gethostname()[:255]
    alive |= {
        beat.worker_id
        for beat in WorkerHeartbeat.objects.filter(beat_at__lt=cutoff, host=here)
        if _process_runs(beat.pid)
    }
    recovered = 0
    running = DBTaskResult.objects.running().filter(backend_name=BACKEND, started_at__lt=cutoff)
    for row in running.only("id", "worker_ids", "task_path", "started_at"):
        owner = row.worker_ids[-1] if row.worker_ids else ""
        if owner in alive:
            continue
        same_claim = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if len(row.worker_ids) >= max_attempts_of(row.task_path):
            changed = same_claim.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=WORKER_LOST,
                traceback=WORKER_LOST_TEXT,
                return_value=None,
            )
        else:
            changed = same_claim.update(
                status=TaskResultStatus.READY,
                run_after=now,
                exception_class_path=WORKER_LOST,
                traceback=WORKER_LOST_TEXT,
            )
        if changed:
            logger.warning("task %s: worker %s stopped beating, task given back", row.pk, owner)
        recovered += changed
    return recovered


def task_claim(*, worker_id: str) -> DBTaskResult | None:
    """The next ready task, now running for this worker; None when none is ready."""
    ready = DBTaskResult.objects.ready().filter(backend_name=BACKEND)
    with exclusive_transaction(ready.db):
        try:
            claimed = ready.get_locked()
            if claimed is not None:
                claimed.claim(worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):
                return None
            raise
    return claimed


def task_failed_retry(*, row: DBTaskResult, now: datetime | None = None) -> bool:
    """After a failed attempt: ready again after a backoff, unless it was the last one."""
    attempts = len(row.worker_ids)
    if attempts >= max_attempts_of(row.task_path):
        return False
    now = now or timezone.now()
    return bool(
        DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=now + backoff(attempts), finished_at=None
        )
    )


@dataclass
class WorkerStats:
    done: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0

    @property
    def processed(self) -> int:
        return self.done + self.retried + self.failed


def task_run(*, runner: DjangoTasksWorker, row: DBTaskResult) -> str:
    """Run a claimed task; its outcome: ``done``, ``retried`` or ``failed``."""
    slot = ProgressSlot(task_id=str(row.pk))
    progress_slot_set(slot)
    try:
        runner.run_task(row)
    finally:
        progress_slot_set(None)
    progress_write(slot)
    row.refresh_from_db(fields=["status", "worker_ids"])
    if row.status == TaskResultStatus.SUCCESSFUL:
        return "done"
    if row.status == TaskResultStatus.FAILED and task_failed_retry(row=row):
        return "retried"
    return "failed"


def worker_run(
    *,
    worker_id: str,
    once: bool = False,
    max_tasks: int | None = None,
    idle_sleep: float = 1.0,
    stop: threading.Event | None = None,
    periodic_jobs: bool = True,
) -> WorkerStats:
    """The worker loop. With ``once``, run every task ready now, then return; otherwise poll
    every ``idle_sleep`` seconds until ``stop`` is set or ``max_tasks`` have run. Without
    ``periodic_jobs``, it runs queued tasks only and queues no periodic job."""
    tasks_discover()
    stop = stop or threading.Event()
    stats = WorkerStats()
    runner = DjangoTasksWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=BACKEND,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    database = connections[DEFAULT_DB_ALIAS]
    heartbeat = Heartbeat(worker_id, threaded=not _in_memory())
    heartbeat.start()
    last_recovery = 0.0
    try:
        while not stop.is_set():
            if not database.in_atomic_block:
                close_old_connections()
            heartbeat.beat_if_due()
            if periodic_jobs:
                periodic_schedule()
            if time.monotonic() - last_recovery >= heartbeat_interval():
                stats.recovered += tasks_recover()
                last_recovery = time.monotonic()
            claimed = task_claim(worker_id=worker_id)
            if claimed is None:
                if once:
                    break
                stop.wait(idle_sleep)
                continue
            outcome = task_run(runner=runner, row=claimed)
            setattr(stats, outcome, getattr(stats, outcome) + 1)
            if max_tasks is not None and stats.processed >= max_tasks:
                break
    finally:
        heartbeat.stop()
    return stats


def tasks_purge(*, older_than_days: int = 30) -> int:
    """Forget finished tasks, their keys and progress, and workers gone for a day."""
    now = timezone.now()
    cutoff = now - timedelta(days=older_than_days)
    with transaction.atomic():
        finished = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)
        deleted, _by_model = finished.delete()
        TaskKey.objects.filter(created_at__lt=cutoff).delete()
        TaskProgress.objects.filter(created_at__lt=cutoff).delete()
        TaskFile.objects.filter(created_at__lt=cutoff).delete()
        WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return deleted
