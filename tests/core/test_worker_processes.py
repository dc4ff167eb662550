"""Real ``arrimage worker`` processes on one SQLite file: a worker killed with SIGKILL in the
middle of a task has that task retried by another worker within a minute (its heartbeat
stops), and two workers run each task exactly once."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARRIMAGE = [sys.executable, "-m", "arrimage.cli"]
TABLE = "django_tasks_database_dbtaskresult"
# Short, so that the test is quick; the defaults (5 s, 30 s) are measured in docs/operations.md.
HEARTBEAT = {"ARRIMAGE_WORKER_HEARTBEAT_SECONDS": "0.5", "ARRIMAGE_WORKER_HEARTBEAT_TIMEOUT": "3"}
RETRY_DEADLINE = 60.0  # issue 12: retried within a minute
HANG = "task_path = 'tests.core.process_tasks.hang_on_first_attempt'"
RECORD = "task_path = 'tests.core.process_tasks.record_run'"


def _environment(data: Path, marks: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARRIMAGE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        ARRIMAGE_MODE="test",
        ARRIMAGE_DATA_DIR=str(data),
        ARRIMAGE_TEST_TASK_DIR=str(marks),
        PYTHONPATH=str(ROOT),
        **HEARTBEAT,
    )
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A migrated SQLite database file, copied for each test."""
    data = tmp_path_factory.mktemp("migrated")
    env = _environment(data, data)
    subprocess.run([*ARRIMAGE, "migrate", "-v0"], env=env, check=True, timeout=300, cwd=ROOT)
    return data / "arrimage.sqlite3"


class Instance:
    def __init__(self, root: Path, migrated: Path) -> None:
        self.data = root / "data"
        self.marks = root / "marks"
        self.data.mkdir()
        self.marks.mkdir()
        shutil.copy(migrated, self.data / "arrimage.sqlite3")
        self.env = _environment(self.data, self.marks)
        self.workers: list[subprocess.Popen] = []

    def shell(self, code: str) -> str:
        done = subprocess.run(
            [*ARRIMAGE, "manage", "shell", "-c", code],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def worker(self, worker_id: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [*ARRIMAGE, "worker", "--worker-id", worker_id, "--idle-sleep", "0.2", "-v0"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.workers.append(process)
        return process

    def rows(self, where: str = "1=1") -> list[tuple[str, list[str]]]:
        with sqlite3.connect(self.data / "arrimage.sqlite3", timeout=20) as database:
            found = database.execute(
                f"SELECT status, worker_ids FROM {TABLE} WHERE {where}"
            ).fetchall()
        return [(status, json.loads(worker_ids)) for status, worker_ids in found]

    def beating(self) -> set[str]:
        with sqlite3.connect(self.data / "arrimage.sqlite3", timeout=20) as database:
            found = database.execute("SELECT worker_id FROM core_workerheartbeat").fetchall()
        return {worker_id for (worker_id,) in found}

    def stop(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.terminate()
        for process in self.workers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def instance(tmp_path, migrated) -> Iterator[Instance]:
    running = Instance(tmp_path, migrated)
    yield running
    running.stop()


def _wait(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds:.0f} s for {what}")
        time.sleep(0.1)


def test_a_task_of_a_killed_worker_is_retried_by_another_within_a_minute(instance):
    instance.shell(
        "from tests.core.process_tasks import hang_on_first_attempt as t; t.enqueue(label='k')"
    )
    first = instance.worker("first")
    first_mark = instance.marks / f"k.attempt1.pid{first.pid}"
    _wait(first_mark.exists, seconds=60, what="the first worker to start the task")
    second = instance.worker("second")
    _wait(lambda: "second" in instance.beating(), seconds=60, what="the second worker to beat")
    # Longer than the heartbeat timeout: a live worker keeps its task however long it runs.
    time.sleep(float(HEARTBEAT["ARRIMAGE_WORKER_HEARTBEAT_TIMEOUT"]) * 1.5)
    assert instance.rows(HANG) == [("RUNNING", ["first"])]

    first.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    first.wait(timeout=10)
    second_mark = instance.marks / f"k.attempt2.pid{second.pid}"
    _wait(
        lambda: instance.rows(HANG) == [("SUCCESSFUL", ["first", "second"])],
        seconds=RETRY_DEADLINE,
        what="the second worker to run the task again",
    )
    retried_after = time.monotonic() - killed_at
    assert second_mark.exists()
    assert "first" in instance.beating(), "SIGKILL left the dead worker's heartbeat behind"
    print(f"\nretried {retried_after:.1f} s after SIGKILL (heartbeat timeout 3 s)")


def test_two_workers_run_each_task_exactly_once(instance):
    count = 40
    instance.shell(
        "from tests.core.process_tasks import record_run as t\n"
        f"for n in range({count}): t.enqueue(label=str(n))"
    )
    instance.worker("a")
    instance.worker("b")
    _wait(
        lambda: [status for status, _ in instance.rows(RECORD)] == ["SUCCESSFUL"] * count,
        seconds=120,
        what="every task to run",
    )
    runs = {path.name: path.read_text().split() for path in instance.marks.glob("run.*")}
    assert sorted(runs) == sorted(f"run.{n}" for n in range(count))
    assert all(len(pids) == 1 for pids in runs.values()), runs
    workers = {ids[0] for _, ids in instance.rows(RECORD)}
    assert workers <= {"a", "b"}
