"""The database-backed queue: claims, retries, failures, periodic jobs and the worker."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from arrimage.core import queue
from arrimage.core.models import Task, TaskStatus
from arrimage.core.queue import (
    PayloadError,
    periodic,
    task,
    task_claim,
    task_enqueue,
    task_execute,
    worker_run,
)

CALLS: list[dict[str, object]] = []
_calls_lock = threading.Lock()


@task("test_record", max_attempts=3)
def _record(**payload: object) -> None:
    with _calls_lock:
        CALLS.append(payload)


class Boom(RuntimeError):
    pass


@task("test_explode", max_attempts=2)
def _explode(*, case_id: str) -> None:
    raise Boom(f"secret name of the person in case {case_id}")


@task("test_tick")
def _tick() -> None:
    with _calls_lock:
        CALLS.append({"tick": True})


periodic("test_tick", every=timedelta(hours=1), offset=timedelta(minutes=15))
# Every app's tasks, now: a test limited to some apps (available_apps) must not be the first.
queue.tasks_discover()


@pytest.fixture(autouse=True)
def _clean_state():
    CALLS.clear()
    queue.periodic_schedule_forget()
    saved = dict(queue.PERIODIC)
    yield
    queue.PERIODIC.clear()
    queue.PERIODIC.update(saved)
    queue.periodic_schedule_forget()


@pytest.fixture
def only_test_periodic():
    """Only the test's periodic job, so that the real ones (retention...) do not run here."""
    queue.tasks_discover()
    queue.PERIODIC.clear()
    queue.PERIODIC["test_tick"] = queue.PeriodicJob(
        "test_tick", timedelta(hours=1), timedelta(minutes=15)
    )


@pytest.mark.django_db
def test_payload_holds_ids_and_codes_only():
    case_id = uuid.uuid4()
    created = task_enqueue(name="test_record", payload={"case_id": case_id, "ids": [1, 2]})
    assert created.payload == {"case_id": str(case_id), "ids": [1, 2]}
    for bad in ({"note": "x" * 65}, {"person": {"name": "A"}}, {"amount": 1.5}, {"not an id": 1}):
        with pytest.raises(PayloadError):
            task_enqueue(name="test_record", payload=bad)  # type: ignore[arg-type]
    assert Task.objects.count() == 1


@pytest.mark.django_db
def test_unknown_task_and_naive_time_are_refused():
    with pytest.raises(LookupError):
        task_enqueue(name="no_such_task")
    with pytest.raises(ValueError):
        task_enqueue(name="test_record", run_after=datetime(2030, 1, 1))
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_a_rolled_back_transaction_queues_nothing():
    with pytest.raises(Boom), transaction.atomic():
        task_enqueue(name="test_record", payload={"case_id": 1})
        raise Boom
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_unique_key_queues_once():
    first = task_enqueue(name="test_record", payload={"n": 1}, unique_key="k1")
    second = task_enqueue(name="test_record", payload={"n": 2}, unique_key="k1")
    assert first.pk == second.pk
    assert Task.objects.get().payload == {"n": 1}


@pytest.mark.django_db
def test_claim_runs_a_due_task_and_records_success():
    later = task_enqueue(
        name="test_record", payload={"n": 2}, run_after=timezone.now() + timedelta(hours=1)
    )
    due = task_enqueue(name="test_record", payload={"n": 1})
    claimed = task_claim(worker_id="w1")
    assert claimed is not None and claimed.pk == due.pk
    assert claimed.status == TaskStatus.RUNNING and claimed.attempts == 1
    assert claimed.locked_until is not None and claimed.locked_by.startswith("w1/")
    assert task_claim(worker_id="w2") is None, "the other task is not due, this one is taken"
    assert task_execute(task=claimed) == TaskStatus.DONE
    assert CALLS == [{"n": 1}]
    done = Task.objects.get(pk=due.pk)
    assert done.status == TaskStatus.DONE and done.finished_at is not None
    assert done.locked_by == "" and done.locked_until is None
    assert Task.objects.get(pk=later.pk).status == TaskStatus.PENDING


@pytest.mark.django_db
def test_failure_is_retried_with_backoff_then_recorded():
    queued = task_enqueue(name="test_explode", payload={"case_id": "c-1"})
    first = task_claim(worker_id="w1")
    assert first is not None
    before = timezone.now()
    assert task_execute(task=first) == TaskStatus.PENDING
    retry = Task.objects.get(pk=queued.pk)
    assert retry.attempts == 1 and retry.status == TaskStatus.PENDING
    assert retry.run_after >= before + queue.BACKOFF_BASE
    assert "Boom" in retry.last_error
    assert "secret" not in retry.last_error, "the error's message may quote personal data"
    assert task_claim(worker_id="w1") is None, "not due again before its backoff"

    second = task_claim(worker_id="w1", now=retry.run_after + timedelta(seconds=1))
    assert second is not None and second.attempts == 2
    assert task_execute(task=second) == TaskStatus.FAILED
    failed = Task.objects.get(pk=queued.pk)
    assert failed.status == TaskStatus.FAILED and failed.finished_at is not None
    assert "test_queue.py" in failed.last_error and "_explode" in failed.last_error
    assert task_claim(worker_id="w1", now=timezone.now() + timedelta(days=1)) is None


def test_backoff_doubles_up_to_a_cap():
    assert [queue.backoff(n) for n in (1, 2, 3)] == [
        timedelta(seconds=30),
        timedelta(seconds=60),
        timedelta(seconds=120),
    ]
    assert queue.backoff(50) == queue.BACKOFF_MAX


@pytest.mark.django_db
def test_an_expired_lease_passes_to_another_worker():
    queued = task_enqueue(name="test_record", payload={"n": 1})
    stale = task_claim(worker_id="dead")
    assert stale is not None and stale.locked_until is not None
    assert task_claim(worker_id="alive") is None, "the lease still runs"
    taken = task_claim(worker_id="alive", now=stale.locked_until + timedelta(seconds=1))
    assert taken is not None and taken.pk == queued.pk and taken.attempts == 2
    # The dead worker wakes up: its outcome no longer counts.
    assert not queue._finish(stale, using="default", status=TaskStatus.DONE)
    assert Task.objects.get(pk=queued.pk).locked_by == taken.locked_by
    assert task_execute(task=taken) == TaskStatus.DONE


@pytest.mark.django_db
def test_a_task_whose_lease_always_expires_ends_failed():
    queued = task_enqueue(name="test_record", payload={"n": 1})
    Task.objects.filter(pk=queued.pk).update(attempts=3)  # max_attempts of test_record
    claimed = task_claim(worker_id="w")
    assert claimed is not None and claimed.attempts == 4
    assert task_execute(task=claimed) == TaskStatus.FAILED
    assert CALLS == []
    assert Task.objects.get(pk=queued.pk).last_error == "the lease expired on every attempt"


@pytest.mark.django_db
def test_a_task_nobody_handles_fails_at_once():
    Task.objects.create(name="removed_task", payload={})
    claimed = task_claim(worker_id="w")
    assert claimed is not None
    assert task_execute(task=claimed) == TaskStatus.FAILED


@pytest.mark.django_db
def test_periodic_job_gets_one_task_per_period(only_test_periodic):
    now = datetime(2026, 3, 10, 12, 40, tzinfo=UTC)
    queue.periodic_schedule(now=now)
    queue.periodic_schedule_forget()  # as another worker process would
    queue.periodic_schedule(now=now + timedelta(minutes=10))
    tick = Task.objects.get(name="test_tick")
    assert tick.run_after == datetime(2026, 3, 10, 12, 15, tzinfo=UTC)
    queue.periodic_schedule(now=now + timedelta(hours=1))
    assert Task.objects.filter(name="test_tick").count() == 2


def test_periodic_needs_a_registered_task_and_a_sane_period():
    with pytest.raises(ValueError):
        periodic("not_registered", every=timedelta(days=1))
    with pytest.raises(ValueError):
        periodic("test_tick", every=timedelta(seconds=5))
    with pytest.raises(ValueError):
        periodic("test_tick", every=timedelta(hours=1), offset=timedelta(hours=2))


@pytest.mark.django_db
def test_worker_once_runs_what_is_due_and_stops(only_test_periodic):
    for n in range(3):
        task_enqueue(name="test_record", payload={"n": n})
    task_enqueue(
        name="test_record", payload={"n": 9}, run_after=timezone.now() + timedelta(hours=1)
    )
    stats = worker_run(worker_id="w", once=True)
    assert stats.done == 4  # three queued tasks and this hour's tick
    assert sorted(c.get("n", -1) for c in CALLS) == [-1, 0, 1, 2]
    assert Task.objects.filter(status=TaskStatus.PENDING).count() == 1


@pytest.mark.django_db
def test_worker_stops_after_max_tasks(only_test_periodic):
    for n in range(5):
        task_enqueue(name="test_record", payload={"n": n})
    stats = worker_run(worker_id="w", once=True, max_tasks=2)
    assert stats.processed == 2
    assert Task.objects.filter(status=TaskStatus.DONE).count() == 2


@pytest.mark.django_db
def test_worker_command(only_test_periodic):
    task_enqueue(name="test_record", payload={"n": 7})
    call_command("worker", "--once", verbosity=0)
    assert {"n": 7} in CALLS
    with pytest.raises(CommandError):
        call_command("worker", "--once", "--max-tasks", "0", verbosity=0)


@pytest.mark.django_db
def test_purge_forgets_old_finished_tasks():
    old = task_enqueue(name="test_record", payload={"n": 1})
    Task.objects.filter(pk=old.pk).update(
        status=TaskStatus.DONE, finished_at=timezone.now() - timedelta(days=40)
    )
    kept = task_enqueue(name="test_record", payload={"n": 2})
    assert queue.task_purge(older_than=timedelta(days=30)) == 1
    assert list(Task.objects.values_list("pk", flat=True)) == [kept.pk]


# Concurrency: many workers, each task claimed exactly once. ----------------------------------

WORKERS = 8
TASK_COUNT = 60


def _claim_concurrently(using: str) -> list[int]:
    claimed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(WORKERS)

    def work(number: int) -> None:
        try:
            barrier.wait()
            while (claimed_task := task_claim(worker_id=f"w{number}", using=using)) is not None:
                with lock:
                    claimed.append(claimed_task.pk)
                task_execute(task=claimed_task, using=using)
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


@pytest.fixture
def sqlite_file_alias(tmp_path, django_db_blocker):
    """A SQLite database in a file, configured as in settings.py (WAL, IMMEDIATE), with the
    task table: threads need a real file, not the suite's in-memory database. It is outside
    the suite's test database, so the test needs no transaction of its own."""
    alias = "queue_file"
    config = connections.configure_settings(
        {
            "default": {},
            alias: {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "queue.sqlite3"),
                "OPTIONS": {
                    "timeout": 20,
                    "transaction_mode": "IMMEDIATE",
                    "init_command": "PRAGMA journal_mode=WAL;PRAGMA busy_timeout=20000;",
                },
            },
        }
    )
    connections.settings[alias] = config[alias]
    with django_db_blocker.unblock():
        with connections[alias].schema_editor() as editor:
            editor.create_model(Task)
        yield alias
        connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


def test_sqlite_workers_claim_each_task_exactly_once(sqlite_file_alias):
    ids = [
        task_enqueue(name="test_record", payload={"n": n}, using=sqlite_file_alias).pk
        for n in range(TASK_COUNT)
    ]
    claimed = _claim_concurrently(sqlite_file_alias)
    assert sorted(claimed) == sorted(ids)
    assert len(CALLS) == TASK_COUNT
    statuses = set(Task.objects.using(sqlite_file_alias).values_list("status", flat=True))
    assert statuses == {TaskStatus.DONE}


# Only the queue's tables are emptied after this test: the audit log refuses TRUNCATE.
@pytest.mark.django_db(transaction=True, available_apps=["arrimage.core"])
def test_postgresql_workers_claim_each_task_exactly_once():
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL (DATABASE_URL); SQLite has its own test above")
    ids = [task_enqueue(name="test_record", payload={"n": n}).pk for n in range(TASK_COUNT)]
    claimed = _claim_concurrently("default")
    assert sorted(claimed) == sorted(ids)
    assert len(CALLS) == TASK_COUNT
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.DONE}
