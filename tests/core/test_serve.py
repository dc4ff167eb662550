"""``arrimage serve`` sizes gunicorn from the CPUs and keeps idle connections longer than the
clients stay idle (issue 12 item 5: with 2 workers x 4 threads and gunicorn's 2 s keep-alive,
150 users saturated the server and their idle connections were reset)."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from arrimage.core.serving import (
    CLIENT_IDLE_SECONDS,
    MAX_WORKERS,
    THREADS,
    cpu_count,
    gunicorn_argv,
    sizing_for,
)

ROOT = Path(__file__).resolve().parents[2]
# The longest think time of bench/load.py's users, and the 2 s keep-alive that reset them.
LOAD_TEST_THINK_SECONDS = 2


@pytest.mark.parametrize(
    ("cpus", "workers"), [(0, 3), (1, 3), (2, 5), (4, 9), (7, 15), (8, MAX_WORKERS), (64, 16)]
)
def test_workers_grow_with_the_cpus_up_to_a_ceiling(cpus, workers):
    sizing = sizing_for(cpus)
    assert sizing.workers == workers
    assert sizing.threads == THREADS


def test_two_cores_serve_more_requests_at_once_than_the_sizing_that_saturated():
    sizing = sizing_for(2)
    assert sizing.workers * sizing.threads > 2 * 4


def test_keep_alive_outlasts_every_client_idle_time():
    sizing = sizing_for(cpu_count())
    assert sizing.keep_alive > CLIENT_IDLE_SECONDS > LOAD_TEST_THINK_SECONDS


def test_the_command_line_carries_the_sizing():
    argv = gunicorn_argv(
        python="python", bind="127.0.0.1:1", sizing=sizing_for(2), forwarded_allow_ips="x"
    )
    assert argv[argv.index("--workers") + 1] == "5"
    assert argv[argv.index("--threads") + 1] == str(THREADS)
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert int(argv[argv.index("--keep-alive") + 1]) > CLIENT_IDLE_SECONDS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path):
    """``arrimage serve`` with its computed sizing, on a free port."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        ARRIMAGE_MODE="test",
        ARRIMAGE_MASTER_KEY=settings.ARRIMAGE_MASTER_KEY,
        ARRIMAGE_DATA_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "arrimage.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("arrimage serve did not start") from None
                time.sleep(0.2)
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_served_gunicorn_keeps_an_idle_connection_past_the_think_time(served):
    process, port = served
    # `arrimage serve` replaced itself with gunicorn: its command line is the served config.
    argv = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode().split("\0")
    assert "gunicorn" in argv
    assert int(argv[argv.index("--keep-alive") + 1]) > CLIENT_IDLE_SECONDS
    assert int(argv[argv.index("--workers") + 1]) == sizing_for(cpu_count()).workers

    # A generous bound: on a loaded machine the workers may take long to answer first.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request("GET", "/sante/")
    first = connection.getresponse()
    first.read()
    assert first.status in (200, 503)
    used = connection.sock
    assert used is not None
    local = used.getsockname()
    # Idle longer than a load-test user thinks, and than gunicorn's default keep-alive (2 s).
    time.sleep(LOAD_TEST_THINK_SECONDS + 1)
    connection.request("GET", "/sante/")
    second = connection.getresponse()
    second.read()
    assert second.status in (200, 503)
    # The same connection answered: the server had not closed it.
    assert connection.sock is used and used.getsockname() == local
    connection.close()
