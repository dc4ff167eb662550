"""Audit log benchmark: audited writes per second on PostgreSQL with 1, 4 and 16 writers.

    .venv/bin/python bench/audit.py                  # about a minute
    .venv/bin/python bench/audit.py --seconds 10     # longer runs, steadier figures
    .venv/bin/python bench/audit.py --database bench_audit_me   # when others run it too

It migrates a throwaway PostgreSQL database (``bench_audit``, or ``--database``, on the server
of ``DATABASE_URL``, else 127.0.0.1:5432, dropped and created), then for 1, 4 and 16 writers
starts that many processes, each with its own connection, which append audit events through
the path services use (``core/audit.py``: one statement locks a head, hashes and inserts the
event and advances the head; it commits on its own) as fast as they can for a fixed time. Two
modes, measured in the same run:

- ``one chain``: the baseline, what every version before the chains did: every append advances
  the same head row (chain 1), so writers queue on its lock;
- ``chains``: the application's own choice of a free chain (``audit_record``).

Each run also reports the CPU time spent per append, in the writer processes (Python) and in
their PostgreSQL backends (read from ``/proc`` when the server runs on this machine): on a
machine with few cores, that is what bounds 16 writers.

After the runs it verifies the whole log (``audit_verify``): every chain intact.

The figure is the ratio of the appends per second with 16 writers to those with 1 writer, in
the ``chains`` mode. The machine's cores bound it: 16 Python processes and the database share
them, so on a 2-core machine it measures how little the writers wait for each other, not how
far 16 cores would go. Ends with ``TARGET audit_scaling_pg ...``.
"""

import argparse
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "bench_audit"
WRITERS = (1, 4, 16)
TARGET_RATIO = 3.0


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def database_url(database: str) -> str:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not base.startswith("postgres"):
        sys.exit("bench/audit.py measures PostgreSQL: DATABASE_URL must name a PostgreSQL server")
    return urlparse(base)._replace(path=f"/{database}").geturl()


def recreate(url: str, database: str) -> None:
    import psycopg

    admin = urlparse(url)._replace(path="/postgres", scheme="postgresql").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {database}")


def configure(url: str) -> None:
    os.environ["ARRIMAGE_MODE"] = "test"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "arrimage.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def append_one(mode: str, writer: int, number: int) -> None:
    from arrimage.core.audit import _append, audit_record

    fields = {
        "action": "bench_write",
        "actor_id": None,
        "organisation_id": None,
        "target_type": "bench",
        "target_id": f"{writer}-{number}",
        "details": {"n": number},
    }
    if mode == "one chain":
        _append(chain=1, **fields)  # every writer on the same head, as before the chains
    else:
        audit_record(**fields)


def backend_cpu(pid: int) -> float | None:
    """Seconds of CPU a PostgreSQL backend has used, if it runs on this machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def writer_process(mode: str, writer: int, seconds: float, start, results) -> None:
    from django.db import connection

    connection.close()  # never share the parent's connection
    append_one(mode, writer, -1)  # connect and warm up before the clock starts
    backend = connection.connection.info.backend_pid
    start.wait()
    python_before, backend_before = time.process_time(), backend_cpu(backend)
    deadline = time.perf_counter() + seconds
    count = 0
    while time.perf_counter() < deadline:
        append_one(mode, writer, count)
        count += 1
    python = time.process_time() - python_before
    backend_after = backend_cpu(backend)
    server = None if backend_after is None else backend_after - (backend_before or 0.0)
    connection.close()
    results.put((count, python, server))


@dataclass
class Run:
    rate: float  # appends per second, all writers together
    python_ms: float  # CPU per append in the writer processes
    server_ms: float | None  # CPU per append in their PostgreSQL backends, if readable


def measure(mode: str, writers: int, seconds: float) -> Run:
    from django.db import connection

    connection.close()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(writers + 1)
    results = context.Queue()
    processes = [
        context.Process(target=writer_process, args=(mode, n, seconds, start, results))
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    reports = [results.get(timeout=seconds + 120) for _ in processes]
    elapsed = max(time.perf_counter() - began, seconds)
    for process in processes:
        process.join()
    appends = max(sum(count for count, _, _ in reports), 1)
    servers = [server for _, _, server in reports]
    return Run(
        rate=appends / elapsed,
        python_ms=1000 * sum(python for _, python, _ in reports) / appends,
        server_ms=None if None in servers else 1000 * sum(servers) / appends,  # type: ignore[misc]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each run")
    parser.add_argument(
        "--database", default=DATABASE, help="the throwaway database (dropped and created)"
    )
    args = parser.parse_args()
    if not args.database.isidentifier():
        sys.exit("--database: letters, digits and underscores only")
    url = database_url(args.database)
    log(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores before the run")
    log(f"migrating {args.database}")
    recreate(url, args.database)
    configure(url)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    rates: dict[tuple[str, int], float] = {}
    for mode in ("one chain", "chains"):
        for writers in WRITERS:
            run = measure(mode, writers, args.seconds)
            rates[mode, writers] = run.rate
            server = "?" if run.server_ms is None else f"{run.server_ms:.2f}"
            log(
                f"{mode:>9}: {writers:>2} writers  {run.rate:8.0f} appends/s"
                f"  CPU per append: Python {run.python_ms:.2f} ms, PostgreSQL {server} ms"
            )
    from arrimage.core.audit_check import audit_verify
    from arrimage.core.models import AuditEvent

    checked, problem = audit_verify()
    chains = AuditEvent.objects.values("chain").distinct().count()
    log(f"audit_verify: {checked} events in {chains} chains, problem: {problem}")
    if problem is not None:
        return 1
    for mode in ("one chain", "chains"):
        ratio = rates[mode, 16] / rates[mode, 1]
        log(f"{mode:>9}: 16 writers / 1 writer = x{ratio:.2f}")
    gain = rates["chains", 16] / rates["one chain", 16]
    log(f"chains against one chain at 16 writers: x{gain:.2f}")
    log(f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} at the end")
    ratio = rates["chains", 16] / rates["chains", 1]
    verdict = "PASS" if ratio >= TARGET_RATIO else "MISS"
    print(f"TARGET audit_scaling_pg measured={ratio:.2f} target={TARGET_RATIO:.1f} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
