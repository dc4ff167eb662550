"""Background work on Django's Tasks API (django-tasks-db): arguments, retries, periodic jobs,
heartbeat recovery, progress, and the worker loop."""

import os
import socket
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from arrimage.core import background
from arrimage.core.background import (
    PayloadError,
    TaskResultStatus,
    background_task,
    enqueue_once,
    periodic,
    progress_report,
)
from arrimage.core.models import TaskKey, TaskProgress, WorkerHeartbeat
from arrimage.core.worker import task_claim, task_run, tasks_purge, tasks_recover, worker_run

CALLS: list[dict[str, object]] = []
_calls_lock = threading.Lock()


@background_task(max_attempts=3)
def record(**payload: object) -> str:
    with _calls_lock:
        CALLS.append(payload)
    return "recorded"


class Boom(RuntimeError):
    pass


@background_task(max_attempts=2)
def explode(*, case_id: str) -> None:
    raise Boom(f"secret name of the person in case {case_id}")


@background_task()
def tick() -> None:
    with _calls_lock:
        CALLS.append({"tick": True})


@background_task(takes_context=True)
def count_to(context, *, steps: int) -> int:
    for step in range(1, steps + 1):
        progress_report(context, done=step, total=steps)
    return steps


TICK = periodic(tick, every=timedelta(hours=1), offset=timedelta(minutes=15))
# Every app's tasks and periodic jobs, now.
background.tasks_discover()


@pytest.fixture(autouse=True)
def _clean_state():
    CALLS.clear()
    background.periodic_schedule_forget()
    saved = dict(background.PERIODIC)
    yield
    background.PERIODIC.clear()
    background.PERIODIC.update(saved)
    background.periodic_schedule_forget()


@pytest.fixture
def only_test_periodic():
    """Only the test's periodic job, so that the real ones (retention...) do not run here."""
    background.PERIODIC.clear()
    background.PERIODIC[TICK.name] = TICK


def _row(result) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.django_db
def test_arguments_hold_ids_and_codes_only():
    case_id = uuid.uuid4()
    queued = record.enqueue(case_id=case_id, ids=[1, 2])
    assert _row(queued).args_kwargs == {
        "args": [],
        "kwargs": {"case_id": str(case_id), "ids": [1, 2]},
    }
    for bad in ({"note": "x" * 65}, {"person": {"name": "A"}}, {"amount": 1.5}):
        with pytest.raises(PayloadError):
            record.enqueue(**bad)
    with pytest.raises(PayloadError):
        record.enqueue("positional")
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_a_rolled_back_transaction_queues_nothing():
    with pytest.raises(Boom), transaction.atomic():
        record.enqueue(case_id=1)
        raise Boom
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_enqueue_once_queues_once_per_key():
    first = enqueue_once(record, key="k1", n=1)
    second = enqueue_once(record, key="k1", n=2)
    assert first == second
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"n": 1}
    assert TaskKey.objects.get(key="k1").task_id == uuid.UUID(first)


@pytest.mark.django_db
def test_the_worker_runs_a_ready_task_and_keeps_its_result(only_test_periodic):
    later = record.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(n=2)
    ready = record.enqueue(n=1)
    stats = worker_run(worker_id="w1", once=True)
    assert stats.done == 2  # the ready task and this hour's tick
    assert {"n": 1} in CALLS and {"n": 2} not in CALLS
    done = _row(ready)
    assert done.status == TaskResultStatus.SUCCESSFUL and done.return_value == "recorded"
    assert done.worker_ids == ["w1"]
    assert _row(later).status == TaskResultStatus.READY
    assert not WorkerHeartbeat.objects.exists(), "a worker that stops cleanly leaves no heartbeat"


@pytest.mark.django_db
def test_failure_is_retried_with_backoff_then_kept_without_its_message(only_test_periodic):
    queued = explode.enqueue(case_id="c-1")
    before = timezone.now()
    stats = worker_run(worker_id="w1", once=True)
    assert (stats.retried, stats.failed) == (1, 0)
    retry = _row(queued)
    assert retry.status == TaskResultStatus.READY
    assert retry.run_after >= before + background.BACKOFF_BASE
    assert retry.exception_class_path == "arrimage.core.background.TaskFailed"
    assert "Boom" in retry.traceback and "test_tasks.py" in retry.traceback
    assert "secret" not in retry.traceback, "the error's message may quote personal data"
    assert worker_run(worker_id="w1", once=True).processed == 0, "not due before its backoff"

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    stats = worker_run(worker_id="w2", once=True)
    assert (stats.retried, stats.failed) == (0, 1)
    failed = _row(queued)
    assert failed.status == TaskResultStatus.FAILED and failed.worker_ids == ["w1", "w2"]
    assert "secret" not in failed.traceback


def test_backoff_doubles_up_to_a_cap():
    assert [background.backoff(n) for n in (1, 2, 3)] == [
        timedelta(seconds=30),
        timedelta(seconds=60),
        timedelta(seconds=120),
    ]
    assert background.backoff(50) == background.BACKOFF_MAX


@pytest.mark.django_db
def test_periodic_job_gets_one_task_per_period(only_test_periodic):
    now = datetime(2026, 3, 10, 12, 40, tzinfo=UTC)
    background.periodic_schedule(now=now)
    background.periodic_schedule_forget()  # as another worker process would
    background.periodic_schedule(now=now + timedelta(minutes=10))
    (queued,) = DBTaskResult.objects.filter(task_path=TICK.name)
    assert queued.run_after == datetime(2026, 3, 10, 12, 15, tzinfo=UTC)
    background.periodic_schedule(now=now + timedelta(hours=1))
    assert DBTaskResult.objects.filter(task_path=TICK.name).count() == 2


def test_periodic_needs_a_task_and_a_sane_period():
    with pytest.raises(ValueError):
        periodic(lambda: None, every=timedelta(days=1))
    with pytest.raises(ValueError):
        periodic(tick, every=timedelta(seconds=5))
    with pytest.raises(ValueError):
        periodic(tick, every=timedelta(hours=1), offset=timedelta(hours=2))


@pytest.mark.django_db
def test_the_apps_declare_their_periodic_jobs():
    names = set(background.PERIODIC)
    assert {
        "arrimage.orientation.tasks.holds_expire",
        "arrimage.orientation.tasks.referrals_expire",
        "arrimage.law25.tasks.retention_anonymise",
        "arrimage.core.tasks.tasks_forget",
    } <= names


# Heartbeat: a task whose worker stopped beating goes to another worker. -----------------------


def _claimed_by(worker_id: str, *, at: datetime) -> DBTaskResult:
    record.enqueue(n=1)
    claimed = task_claim(worker_id=worker_id)
    assert claimed is not None
    DBTaskResult.objects.filter(pk=claimed.pk).update(started_at=at)
    return DBTaskResult.objects.get(pk=claimed.pk)


@pytest.mark.django_db
def test_a_task_of_a_worker_that_stopped_beating_is_ready_again():
    now = timezone.now()
    timeout = background.heartbeat_timeout()
    dead = _claimed_by("dead", at=now - timeout - timedelta(seconds=5))
    WorkerHeartbeat.objects.create(
        worker_id="dead", host="h", pid=1, beat_at=now - timeout - timedelta(seconds=1)
    )
    assert tasks_recover(now=now) == 1
    again = DBTaskResult.objects.get(pk=dead.pk)
    assert again.status == TaskResultStatus.READY and again.run_after == now
    assert again.exception_class_path == "arrimage.core.background.WorkerLost"
    taken = task_claim(worker_id="alive")
    assert taken is not None and taken.pk == dead.pk and taken.worker_ids == ["dead", "alive"]


@pytest.mark.django_db
def test_a_beating_worker_and_a_fresh_claim_keep_their_task():
    now = timezone.now()
    timeout = background.heartbeat_timeout()
    busy = _claimed_by("busy", at=now - timedelta(hours=2))
    WorkerHeartbeat.objects.create(worker_id="busy", host="h", pid=1, beat_at=now)
    fresh = _claimed_by("fresh", at=now - timeout + timedelta(seconds=5))
    assert tasks_recover(now=now) == 0
    statuses = set(
        DBTaskResult.objects.filter(pk__in=[busy.pk, fresh.pk]).values_list("status", flat=True)
    )
    assert statuses == {TaskResultStatus.RUNNING}


@pytest.mark.django_db
def test_a_task_whose_worker_dies_on_every_attempt_ends_failed():
    now = timezone.now()
    lost = _claimed_by("third", at=now - timedelta(hours=1))
    DBTaskResult.objects.filter(pk=lost.pk).update(worker_ids=["first", "second", "third"])
    assert tasks_recover(now=now) == 1
    failed = DBTaskResult.objects.get(pk=lost.pk)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "arrimage.core.background.WorkerLost"


@pytest.mark.django_db
def test_two_workers_recovering_at_once_give_the_task_back_once():
    now = timezone.now()
    _claimed_by("dead", at=now - timedelta(hours=1))
    assert tasks_recover(now=now) + tasks_recover(now=now) == 1


# Progress ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_progress_is_written_for_a_task_someone_watches(side_a, only_test_periodic):
    queued = count_to.enqueue(steps=4)
    TaskProgress.objects.create(
        task_id=queued.id, started_by=side_a.user("coordinator"), kind="test"
    )
    claimed = task_claim(worker_id="w")
    assert claimed is not None
    assert task_run(runner=_runner(), row=claimed) == "done"
    progress = TaskProgress.objects.get(task_id=queued.id)
    assert (progress.done, progress.total) == (4, 4)
    assert _row(queued).return_value == 4


def _runner():
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w",
        excluded_queue_names=[],
    )


# The command and upkeep ------------------------------------------------------------------------


@pytest.mark.django_db
def test_worker_command(only_test_periodic):
    record.enqueue(n=7)
    call_command("worker", "--once", verbosity=0)
    assert {"n": 7} in CALLS
    with pytest.raises(CommandError):
        call_command("worker", "--once", "--max-tasks", "0", verbosity=0)
    with pytest.raises(CommandError):
        call_command("worker", "--once", "--worker-id", "x" * 65, verbosity=0)


@pytest.mark.django_db
def test_worker_stops_after_max_tasks(only_test_periodic):
    for n in range(5):
        record.enqueue(n=n)
    stats = worker_run(worker_id="w", once=True, max_tasks=2)
    assert stats.processed == 2
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2


@pytest.mark.django_db
def test_purge_forgets_old_finished_tasks_and_keys():
    old = record.enqueue(n=1)
    DBTaskResult.objects.filter(pk=old.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now() - timedelta(days=40)
    )
    TaskKey.objects.create(key="old", created_at=timezone.now() - timedelta(days=40))
    kept = record.enqueue(n=2)
    assert tasks_purge(older_than_days=30) == 1
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [uuid.UUID(kept.id)]
    assert not TaskKey.objects.filter(key="old").exists()


# Concurrency: many workers, each task claimed exactly once. ----------------------------------

WORKERS = 8
TASK_COUNT = 60


def _claim_concurrently(using: str) -> list[str]:
    claimed: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(WORKERS)

    def work(number: int) -> None:
        try:
            barrier.wait()
            while (row := task_claim(worker_id=f"w{number}")) is not None:
                with lock:
                    claimed.append(str(row.pk))
                row.task.call(**row.args_kwargs["kwargs"])
                row.set_successful(None)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections[using].close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return claimed


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="threads need PostgreSQL here; test_worker_processes.py runs worker processes on a "
    "SQLite file",
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_workers_claim_each_task_exactly_once():
    ids = [record.enqueue(n=n).id for n in range(TASK_COUNT)]
    claimed = _claim_concurrently("default")
    assert sorted(claimed) == sorted(ids)
    assert len(CALLS) == TASK_COUNT
    statuses = set(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == {TaskResultStatus.SUCCESSFUL}


@pytest.mark.django_db
def test_a_silent_worker_whose_process_runs_here_keeps_its_task():
    """On one host (SQLite), a long write transaction can hold up the heartbeat: the process
    is alive, so its task is not given to another worker."""
    now = timezone.now()
    held = _claimed_by("held", at=now - timedelta(hours=1))
    WorkerHeartbeat.objects.create(
        worker_id="held",
        host=socket.gethostname()[:255],
        pid=os.getpid(),
        beat_at=now - timedelta(hours=1),
    )
    assert tasks_recover(now=now) == 0
    assert DBTaskResult.objects.get(pk=held.pk).status == TaskResultStatus.RUNNING
