"""How ``arrimage serve`` sizes and configures gunicorn.

Workers from the CPUs this process may use: a request spends most of its time in Python
(templates, decryption, the ORM), which one process runs on one core at a time, and the rest
waiting for the database, which a few threads per process cover. Keep-alive longer than any
client stays idle between two requests on one connection, so that the server never closes a
connection the client is about to reuse (a reset, then an error or a retry).
"""

import os
from dataclasses import dataclass

# Threads per worker: enough to overlap the database round trips of one process.
THREADS = 4
# At most this many workers per server, however many CPUs: each holds its own connections.
MAX_WORKERS = 16
# Seconds an idle connection is kept open. Clients reuse an idle connection for up to: a load
# test's think time (2 s), a browser's pause between two clicks (Firefox keeps idle connections
# 115 s, Chrome 300 s, but reconnects cleanly when the server closed first and said so), and a
# reverse proxy's idle upstream connection (nginx's keepalive_timeout: 60 s by default). Longer
# than the proxy's, so that the proxy always closes first: it then never sends a request into a
# connection gunicorn is closing.
KEEP_ALIVE_SECONDS = 75
# The longest idle time of the clients above that gunicorn must outlast.
CLIENT_IDLE_SECONDS = 60


@dataclass(frozen=True)
class Sizing:
    workers: int
    threads: int
    keep_alive: int


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity, which containers and ``taskset``
    restrict), not the machine's."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def sizing_for(cpus: int) -> Sizing:
    """Two workers per CPU, plus one, at most ``MAX_WORKERS``; ``THREADS`` each.

    On 2 cores: 5 workers x 4 threads, 20 requests at once. Two per CPU because a worker often
    waits for the database (or, with SQLite, for the file's write lock) with its CPU idle."""
    cpus = max(1, cpus)
    return Sizing(
        workers=min(2 * cpus + 1, MAX_WORKERS),
        threads=THREADS,
        keep_alive=KEEP_ALIVE_SECONDS,
    )


def gunicorn_argv(*, python: str, bind: str, sizing: Sizing, forwarded_allow_ips: str) -> list[str]:
    """The command line ``arrimage serve`` replaces itself with."""
    return [
        python,
        "-m",
        "gunicorn",
        "arrimage.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(sizing.workers),
        "--threads",
        str(sizing.threads),
        "--worker-class",
        "gthread",
        "--keep-alive",
        str(sizing.keep_alive),
        # Load the application (arrimage/wsgi.py warms it up) once in the master: each worker
        # is forked ready, instead of taking seconds over its first request.
        "--preload",
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        forwarded_allow_ips,
    ]
