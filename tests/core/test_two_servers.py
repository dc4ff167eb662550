"""More than one server (issue 12 item 6): two ``arrimage serve`` processes and two
``arrimage worker`` processes on one PostgreSQL database, requests alternating between the
servers. Sessions, files and tasks live in the database, so:

- a login on one server holds on the other (each process uses a psycopg-pool connection pool);
- every task runs exactly once (directory exports asked through both servers, and 40 tasks
  queued at once), whichever worker takes it;
- 64 requests racing for the last bed, spread over both servers, give exactly one hold;
- ``arrimage audit-verify`` finds the audit chain intact afterwards.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from arrimage.accounts.models import Role
from arrimage.core.models import AuditEvent
from arrimage.directory.models import ServiceCapacity
from arrimage.orientation.models import BedHold
from tests.conftest import PASSWORD, make_side
from tests.core.process_tasks import record_run
from tests.orientation.conftest import make_service

ROOT = Path(__file__).resolve().parents[2]
ARRIMAGE = [sys.executable, "-m", "arrimage.cli"]
RACERS = 64
EXPORTS = 10
RECORDED = 40

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several servers need a shared database server: runs on PostgreSQL "
        "(DATABASE_URL, as in CI); SQLite is one file for one server",
    ),
    pytest.mark.django_db(transaction=True),
]


def _database_url() -> str:
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    def __init__(self, marks: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        self.env.update(
            ARRIMAGE_MODE="test",
            DATABASE_URL=_database_url(),
            ARRIMAGE_MASTER_KEY=settings.ARRIMAGE_MASTER_KEY,
            ARRIMAGE_DB_POOL_SIZE="8",
            ARRIMAGE_DATA_DIR=str(marks),
            ARRIMAGE_TEST_TASK_DIR=str(marks),
            PYTHONPATH=str(ROOT),
        )
        self.processes: list[subprocess.Popen] = []
        self.servers: list[str] = []

    def start(self) -> None:
        for _ in range(2):
            port = _free_port()
            self.servers.append(f"http://127.0.0.1:{port}")
            self._spawn("serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "8")
        for name in ("worker-1", "worker-2"):
            self._spawn("worker", "--worker-id", name, "--idle-sleep", "0.2", "-v0")
        deadline = time.monotonic() + 120
        for server in self.servers:
            while True:
                try:
                    if requests.get(f"{server}/sante/", timeout=30).status_code in (200, 503):
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"{server} did not start")
                time.sleep(0.3)

    def _spawn(self, *args: str) -> None:
        self.processes.append(
            subprocess.Popen(
                [*ARRIMAGE, *args],
                env=self.env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    def server(self, number: int) -> str:
        return self.servers[number % 2]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def cluster(tmp_path):
    running = Cluster(tmp_path)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def _login(cluster: Cluster, email: str) -> requests.Session:
    """Ask for the form on one server, log in on the other."""
    session = requests.Session()
    session.get(f"{cluster.server(0)}/compte/connexion/", timeout=30)
    response = session.post(
        f"{cluster.server(1)}/compte/connexion/",
        data={
            "username": email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:300]
    return session


def _wait_for_tasks(count: int) -> list[DBTaskResult]:
    deadline = time.monotonic() + 180
    while True:
        rows = list(DBTaskResult.objects.exclude(task_path__contains=".tasks."))
        if len(rows) >= count and all(row.status in ("SUCCESSFUL", "FAILED") for row in rows):
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"tasks still waiting: {[r.status for r in rows]}")
        time.sleep(0.5)


def test_two_servers_and_two_workers_share_one_database(cluster, coalition, tmp_path):
    side = make_side("A", coalition=coalition)
    shelter = make_side("Refuge", org_type="shelter", coalition=coalition)
    service = make_service(
        shelter.organisation, name_fr="Refuge", capacities=(("bed", 1, 5, timedelta(hours=1)),)
    )
    coordinator = _login(cluster, side.user(Role.COORDINATOR).email)
    caseworker = _login(cluster, side.user(Role.CASEWORKER).email)
    assert caseworker.get(f"{cluster.server(0)}/dossiers/", timeout=30).status_code == 200
    assert caseworker.get(f"{cluster.server(1)}/dossiers/", timeout=30).status_code == 200

    # Every task runs exactly once.
    for number in range(EXPORTS):
        response = coordinator.post(
            f"{cluster.server(number)}/repertoire/echange/export.json",
            data={"csrfmiddlewaretoken": coordinator.cookies["csrftoken"]},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302 and response.headers["Location"].startswith("/taches/")
    for number in range(RECORDED):
        record_run.enqueue(label=str(number))
    rows = _wait_for_tasks(EXPORTS + RECORDED)
    assert {row.status for row in rows} == {"SUCCESSFUL"}
    assert all(len(row.worker_ids) == 1 for row in rows), "a task claimed twice"
    assert {row.worker_ids[0] for row in rows} <= {"worker-1", "worker-2"}
    assert AuditEvent.objects.filter(action="directory_exported").count() == EXPORTS
    runs = {path.name: path.read_text().split() for path in tmp_path.glob("run.*")}
    assert len(runs) == RECORDED and all(len(pids) == 1 for pids in runs.values())
    # The file an export made is served by either server.
    last = coordinator.post(
        f"{cluster.server(0)}/repertoire/echange/export.csv",
        data={"csrfmiddlewaretoken": coordinator.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=30,
    ).headers["Location"]
    _wait_for_tasks(EXPORTS + RECORDED + 1)
    download = coordinator.get(f"{cluster.server(1)}{last}fichier/", timeout=30)
    assert download.status_code == 200 and download.content.startswith(b"PK")

    # 64 requests race for the last bed, over both servers: exactly one hold.
    barrier = threading.Barrier(RACERS)
    answers: list[int] = []
    lock = threading.Lock()

    def race(number: int) -> None:
        racer = requests.Session()
        racer.cookies.update(caseworker.cookies)
        barrier.wait()
        response = racer.post(
            f"{cluster.server(number)}/api/orientation/holds",
            json={"service_id": str(service.pk), "unit": "bed"},
            headers={"X-CSRFToken": caseworker.cookies["csrftoken"]},
            timeout=120,
        )
        with lock:
            answers.append(response.status_code)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(answers)) == [201, 400], answers
    assert answers.count(201) == 1
    assert BedHold.objects.count() == 1
    assert ServiceCapacity.objects.get(service=service).available == 0

    verified = subprocess.run(
        [*ARRIMAGE, "audit-verify"], env=cluster.env, cwd=ROOT, capture_output=True, text=True
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
