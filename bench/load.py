"""Benchmark: 150 users at once against a served demonstration, on PostgreSQL and SQLite.

    .venv/bin/python bench/load.py                        # both databases, 60 s each
    .venv/bin/python bench/load.py --db pg --duration 180 # the longest run allowed
    .venv/bin/python bench/load.py --db sqlite --users 50 --duration 30

For each database: ``arrimage demo`` builds the demonstration coalition into a scratch data
folder (``var/bench-load/<db>``, kept between runs with its master key, so a second run starts
at once), ``arrimage serve`` serves it on a free port with its computed sizing, and Locust
(``bench/load_users.py``, headless, in its own process) runs ``--users`` users who log in and
mix directory search, worklist, case pages, notes, bed holds and releases (caseworkers) and
availability updates (shelter staff), thinking 0 to 2 s between two requests. On PostgreSQL
the database is ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/load``), which
the bench drops and creates again when ``--fresh`` is given.

Before the users arrive, one caseworker alone requests the worklist and a case page one at a
time on the same server: the baseline of the same run, against which the loaded p50 is given
as a ratio (the cost of one request, and what the load adds by queueing).

After the run, the database is checked for overbooking: no capacity outside 0..maximum, no
capacity with more active holds than its maximum, and every hold made during the run took one
free unit (one history row each).

The load generator runs on the same machine as the server and takes part of its CPU: the
figures are those of one server sharing its cores with 150 simulated browsers.

Ends with one ``TARGET`` line per measure and database.
"""

import argparse
import csv
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import requests as requests_lib

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ARRIMAGE = [sys.executable, "-m", "arrimage.cli"]
PG_URL = "postgres://postgres@127.0.0.1:5432/load"
MAX_SECONDS = 180
P95_TARGET_MS = 1000
RPS_TARGET = 100
# Seconds allowed for every user to log in before the measured work (Argon2, on purpose).
LOGIN_ALLOWANCE = 300
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_RE = re.compile(r'href="/dossiers/([0-9a-f-]{36})/"')

CHECK = """
import json
from django.db.models import Count, F, Q
from arrimage.directory.models import CapacityChange, ServiceCapacity
from arrimage.orientation.models import BedHold
since = {since!r}
out_of_bounds = ServiceCapacity.objects.filter(
    Q(available__lt=0) | Q(maximum__isnull=False, available__gt=F("maximum"))
).count()
over_held = (
    ServiceCapacity.objects.filter(maximum__isnull=False)
    .annotate(active=Count("holds", filter=Q(holds__status="active")))
    .filter(active__gt=F("maximum"))
    .count()
)
holds = BedHold.objects.filter(created_at__gte=since).count()
taken = CapacityChange.objects.filter(source="hold", changed_at__gte=since).count()
print("CHECK " + json.dumps(dict(
    out_of_bounds=out_of_bounds, over_held=over_held, holds=holds, taken=taken,
)))
"""

HOLDABLE = """
from arrimage.directory.models import ServiceCapacity
rows = ServiceCapacity.objects.filter(service__status="active").values_list("service_id", "unit")
print("HOLDABLE " + ",".join(f"{s}:{u}" for s, u in rows))
"""


TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces


def _cpu(fields: list[str]) -> float:
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _processes() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                found.append((int(entry.name), int(fields[1])))
    return found


def _postgres_backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving this database (on this machine)."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            title = Path(f"/proc/{entry.name}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres:") and f" {database} " in title:
            pids.append(int(entry.name))
    return pids


@dataclass
class CpuSampler:
    """Samples, every second, the CPU seconds spent so far by the server (gunicorn's master
    and workers), by Locust, and by the PostgreSQL backends of the bench's database; the CPU
    of a window is then read between two samples. A process that ended takes its CPU along:
    the figures are lower bounds (gunicorn's workers and the database connections live
    through the run)."""

    server: int
    database: str = ""
    locust: int | None = None
    samples: list[tuple[float, float, float, float]] = field(default_factory=list)
    stopped: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> None:
        processes = _processes()
        children: dict[int, list[int]] = {}
        for pid, parent in processes:
            children.setdefault(parent, []).append(pid)
        server_pids = [self.server, *children.get(self.server, [])]
        locust_pids = [self.locust, *children.get(self.locust, [])] if self.locust else []
        database_pids = _postgres_backends(self.database) if self.database else []

        def total(pids: list[int]) -> float:
            return sum(_cpu(fields) for fields in map(_stat, pids) if fields is not None)

        self.samples.append(
            (time.time(), total(server_pids), total(locust_pids), total(database_pids))
        )

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            self.sample()

    def window(self, start: float, end: float) -> tuple[float, float, float, float] | None:
        """Seconds elapsed, and CPU seconds of the server, Locust and the database, between
        the samples nearest ``start`` and ``end``."""
        inside = [s for s in self.samples if start - 1 <= s[0] <= end + 1]
        if len(inside) < 2:
            return None
        first, last = inside[0], inside[-1]
        return (
            last[0] - first[0],
            last[1] - first[1],
            last[2] - first[2],
            last[3] - first[3],
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(db: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARRIMAGE_"))}
    env.pop("DATABASE_URL", None)
    env.update(ARRIMAGE_MODE="demo", ARRIMAGE_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    if db == "pg":
        env["DATABASE_URL"] = os.environ.get("DATABASE_URL", PG_URL)
    return env


def shell(env: dict[str, str], code: str, marker: str) -> str:
    done = subprocess.run(  # noqa: S603  (fixed argv, no shell)
        [*ARRIMAGE, "shell", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    for line in done.stdout.splitlines():
        if line.startswith(marker + " "):
            return line[len(marker) + 1 :]
    raise RuntimeError(f"no {marker} line: {done.stdout} {done.stderr}")


def prepare(db: str, fresh: bool) -> tuple[dict[str, str], Path]:
    data_dir = ROOT / "var" / "bench-load" / db
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = environment(db, data_dir)
    if db == "pg" and fresh:
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        for command in (["dropdb", "--if-exists"], ["createdb"]):
            argv = [*command, "-h", "127.0.0.1", "-U", "postgres", name]
            subprocess.run(argv, check=True)  # noqa: S603  (fixed argv, no shell)
    started = time.monotonic()
    subprocess.run(  # noqa: S603  (fixed argv, no shell)
        [*ARRIMAGE, "demo", "--quiet-logins"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=900,
    )
    print(f"[{db}] demonstration ready in {time.monotonic() - started:.0f} s ({data_dir})")
    return env, data_dir


def serve(env: dict[str, str], log: Path, sizing: list[str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603  (fixed argv, no shell)
        [*ARRIMAGE, "serve", "--bind", f"127.0.0.1:{port}", *sizing],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    host = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(f"{host}/compte/connexion/", timeout=10) as answer:  # noqa: S310
                if answer.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"arrimage serve did not start: {log.read_text()}")
        time.sleep(0.5)
    return process, host


def alone(host: str, requests: int = 15) -> dict[str, float]:
    """The baseline, same server and run, before the users arrive: one caseworker alone,
    one request at a time, worklist and case page; the median milliseconds of each."""
    session = requests_lib.Session()
    page = session.get(f"{host}/compte/connexion/", timeout=60).text
    token = TOKEN_RE.search(page)
    session.post(
        f"{host}/compte/connexion/",
        data={
            "username": "intervenante@arrimage.example",
            "password": "Arrimage-demo-2026",
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        timeout=60,
    )
    worklist = session.get(f"{host}/dossiers/", timeout=60).text
    case = CASE_RE.search(worklist)
    medians = {}
    for name, url in (("worklist", "/dossiers/"), ("case page", f"/dossiers/{case.group(1)}/")):
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            answer = session.get(f"{host}{url}", timeout=60, allow_redirects=False)
            times.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                raise RuntimeError(f"baseline {url}: {answer.status_code}")
        medians[name] = statistics.median(times)
    return medians


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_locust(
    env: dict[str, str], host: str, users: int, seconds: int, out: Path, sampler: CpuSampler
) -> None:
    """Locust stops itself ``seconds`` after the last user logged in; ``--run-time`` only
    bounds the whole, logins included. The sampler follows its CPU."""
    spawn_rate = max(1, users // 10)
    env = {**env, "LOAD_DURATION": str(seconds), "LOAD_REPORT": str(out / "logins.json")}
    locust = subprocess.Popen(  # noqa: S603  (fixed argv, no shell)
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "load_users.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--run-time",
            f"{seconds + LOGIN_ALLOWANCE}s",
            "--stop-timeout",
            "10",
            "--host",
            host,
            "--csv",
            str(out / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    sampler.locust = locust.pid
    try:
        locust.wait(timeout=seconds + LOGIN_ALLOWANCE + 60)
    except subprocess.TimeoutExpired:
        locust.kill()
        locust.wait()


def read_stats(out: Path) -> list[dict[str, str]]:
    with (out / "locust_stats.csv").open() as handle:
        return list(csv.DictReader(handle))


def failures(out: Path) -> list[dict[str, str]]:
    path = out / "locust_failures.csv"
    if not path.exists():
        return []
    with path.open() as handle:
        return list(csv.DictReader(handle))


def cpu_report(db: str, sampler: CpuSampler, start: float, seconds: int, requests: int) -> None:
    """Where the CPU of the measured window went, per request: the server, Locust (on the
    same cores) and the database; and how busy that kept the machine's cores."""
    window = sampler.window(start, start + seconds)
    if window is None or not requests:
        print("  CPU: not sampled")
        return
    elapsed, server, locust, database = window
    cores = os.cpu_count() or 1
    per = {
        name: value * 1000 / requests
        for name, value in (("server", server), ("Locust", locust), ("database", database))
    }
    used = (server + locust + database) / elapsed / cores
    print(
        f"  CPU per request: server {per['server']:.1f} ms, Locust {per['Locust']:.1f} ms"
        + (f", PostgreSQL {per['database']:.1f} ms" if db == "pg" else "")
        + f"; {used:.0%} of {cores} cores over {elapsed:.0f} s (with the other processes of "
        f"the machine: load average {os.getloadavg()[0]:.1f})"
    )


def bench(db: str, users: int, seconds: int, fresh: bool, sizing: list[str]) -> list[str]:
    env, _data_dir = prepare(db, fresh)
    env["LOAD_HOLDABLE"] = shell(env, HOLDABLE, "HOLDABLE")
    since = shell(env, "from django.utils import timezone; print('NOW', timezone.now())", "NOW")
    out = Path(tempfile.mkdtemp(prefix=f"arrimage-load-{db}-"))
    server, host = serve(env, out / "serve.log", sizing)
    database = env["DATABASE_URL"].rsplit("/", 1)[1] if db == "pg" else ""
    sampler = CpuSampler(server=server.pid, database=database)
    sampling = threading.Thread(target=sampler.run, daemon=True)
    try:
        baseline = alone(host)
        started = time.monotonic()
        sampling.start()
        run_locust(env, host, users, seconds, out, sampler)
        elapsed = time.monotonic() - started
    finally:
        sampler.stopped.set()
        stop(server)
    rows = read_stats(out)
    total = next(row for row in rows if row["Name"] == "Aggregated")
    logins_path = out / "logins.json"
    logins = json.loads(logins_path.read_text()) if logins_path.exists() else None
    print(f"\n[{db}] {users} users, {seconds} s measured ({elapsed:.0f} s with the logins)")
    if logins is None:
        print(f"  not every user logged in within {LOGIN_ALLOWANCE} s: nothing measured")
    else:
        print(
            f"  logins first: {logins['ok']} in {logins['seconds']:.0f} s, "
            f"{logins['failed']} refused"
        )
    print(f"  {'request':<46} {'count':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'max':>6}")
    for row in rows:
        print(
            f"  {row['Name'][:46]:<46} {row['Request Count']:>6} {row['Failure Count']:>5} "
            f"{row['50%']:>6} {row['95%']:>6} {float(row['Max Response Time']):>6.0f}"
        )
    for failure in failures(out)[:10]:
        print(f"  failure: {failure['Method']} {failure['Name']}: {failure['Error'][:120]}")
    check = json.loads(shell(env, CHECK.format(since=since), "CHECK"))
    overbooked = check["out_of_bounds"] + check["over_held"] + abs(check["holds"] - check["taken"])
    print(
        f"  holds made {check['holds']}, units taken {check['taken']}, capacities out of "
        f"bounds {check['out_of_bounds']}, capacities over-held {check['over_held']}"
    )
    loaded = {
        "worklist": next((r for r in rows if r["Name"].endswith("(worklist)")), None),
        "case page": next((r for r in rows if r["Name"].endswith("(case page)")), None),
    }
    for name, median in baseline.items():
        row = loaded[name]
        under_load = float(row["50%"]) if row and row["50%"] not in ("", "N/A") else 0.0
        loaded_text = (
            f"{under_load:.0f} ms p50 with {users} users: x{under_load / median:.1f}"
            if under_load
            else f"none answered with {users} users"
        )
        print(f"  {name}: {median:.0f} ms alone (baseline, same server, first), {loaded_text}")
    if logins is not None:
        cpu_report(db, sampler, logins["measure_started"], seconds, int(total["Request Count"]))
    errors = int(total["Failure Count"]) + (logins["failed"] if logins else users)
    p95 = float(total["95%"])
    rps = float(total["Requests/s"])
    print(f"  requests/s {rps:.1f}, p95 {p95:.0f} ms, errors {errors}, logs in {out}")

    def line(name: str, measured: str, target: str, ok: bool) -> str:
        return f"TARGET {name} measured={measured} target={target} {'PASS' if ok else 'MISS'}"

    lines = [
        line(f"load_errors_{db}", str(errors), "0", errors == 0),
        line(f"load_p95_{db}", f"{p95:.0f}ms", f"{P95_TARGET_MS}ms", p95 <= P95_TARGET_MS),
        line(f"load_overbooked_{db}", str(overbooked), "0", overbooked == 0),
    ]
    if db == "pg":
        lines.append(line("load_rps_pg", f"{rps:.1f}", str(RPS_TARGET), rps >= RPS_TARGET))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["pg", "sqlite", "both"], default="both")
    parser.add_argument("--users", type=int, default=150)
    parser.add_argument(
        "--duration", type=int, default=60, help=f"seconds per database, at most {MAX_SECONDS}"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="build the demonstration again from nothing"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: serve's own)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: serve's own)")
    args = parser.parse_args()
    sizing = [
        *(["--workers", str(args.workers)] if args.workers else []),
        *(["--threads", str(args.threads)] if args.threads else []),
    ]
    if not 10 <= args.duration <= MAX_SECONDS:
        parser.error(f"--duration is between 10 and {MAX_SECONDS} seconds")
    print(f"CPUs: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} before the run")
    print(f"gunicorn: {' '.join(sizing) or 'the sizing arrimage serve computes'}")
    lines: list[str] = []
    for db in ["pg", "sqlite"] if args.db == "both" else [args.db]:
        lines += bench(db, args.users, args.duration, args.fresh, sizing)
    print()
    for text in lines:
        print(text)


if __name__ == "__main__":
    main()
