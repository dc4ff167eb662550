"""Benchmark: the CPU and the queries of each request of the load mix (``bench/load_users.py``),
in-process and one at a time, against the demonstration that ``bench/load.py`` builds.

    .venv/bin/python bench/load_profile.py                       # SQLite, 40 requests of each
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load .venv/bin/python bench/load_profile.py
    .venv/bin/python bench/load_profile.py --profile worklist    # and where its time goes

``--data-dir`` is the demonstration's data folder (default ``var/bench-load/sqlite``, or
``var/bench-load/pg`` with ``DATABASE_URL``), built by ``bench/load.py`` or ``arrimage demo``.

Every request goes through Django's test client, that is the whole middleware stack, the
context processors and the templates, as the served demonstration answers it, with the users of
the load test: the demonstration caseworker (worklist, case page, note, hold, release, directory
search) and the shelter staff member (availability list and update), each logged in once with
their password. For each request type: the median of this process's CPU time per request
(``time.process_time``, not the wall time, so that a loaded machine does not blur it), and on
PostgreSQL the CPU the database server's backend spent for it (read from ``/proc`` when the
server runs on this machine), and the number of queries.

The mix line weights each request as the load test's users pick them: the CPU per request of
the load test, the figure that bounds its requests per second (two cores over that much CPU).
The baselines, in the same run and for the same caseworker, are two pages of this script: an
empty response through the whole middleware stack (what every request pays before its view),
and the base template alone (the floor of every logged-in page: menu, context processors).

Ends with one ``TARGET`` line: the mix's CPU per request, against the 20 ms that 100 requests
per second on 2 cores allow once the load generator has had its share.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PASSWORD = "Arrimage-demo-2026"  # noqa: S105  (the demonstration's, in the README)
CASEWORKER = "intervenante@arrimage.example"
SHELTER_STAFF = "hebergement@arrimage.example"
CASE_RE = re.compile(r'href="/dossiers/([0-9a-f-]{36})/"')
CAPACITY_RE = re.compile(r'action="/repertoire/disponibilites/([0-9a-f-]{36})/"')
HOLD_RE = re.compile(r"hold=([0-9a-f-]{36})")
QUERIES = ["hébergement", "aide juridique", "logement", "santé mentale", "emploi", "Montréal"]
# Requests of the mix and how often the load test's users make them: caseworkers (4 users in
# 5) pick worklist 4, case page 4, search 3, note 1, hold-and-release 1; shelter staff (1 in 5)
# availability 3, update 2. Weights per 100 tasks of all users.
MIX = {
    "worklist": 4 / 5 * 4 / 13,
    "case page": 4 / 5 * 4 / 13,
    "search": 4 / 5 * 3 / 13,
    "note": 4 / 5 * 1 / 13,
    "hold": 4 / 5 * 1 / 13,
    "release": 4 / 5 * 1 / 13,
    "availability": 1 / 5 * 3 / 5,
    "availability update": 1 / 5 * 2 / 5,
}
# CPU per request allowed for 100 requests/s on 2 cores, leaving the load generator its share.
TARGET_MS = 20.0


urlpatterns: list[object] = []


def setup(data_dir: Path) -> None:
    os.environ["ARRIMAGE_MODE"] = "demo"
    os.environ["ARRIMAGE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arrimage.settings")
    import django

    django.setup()
    from django.urls import include, path

    urlpatterns.extend(
        [
            path("bench-empty/", empty_view),
            path("bench-floor/", floor_view),
            path("", include("arrimage.urls")),
        ]
    )


def backend_cpu() -> Callable[[], float]:
    """Seconds of CPU of this connection's PostgreSQL backend so far, or 0 when not readable."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return lambda: 0.0
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    return read


class Visitor:
    """One logged-in user of the load test, with the test client."""

    def __init__(self, email: str) -> None:
        from django.test import Client

        self.client = Client()
        answer = self.client.post(
            "/compte/connexion/", {"username": email, "password": PASSWORD}, follow=False
        )
        if answer.status_code != 302 or "connexion" in answer.get("Location", ""):
            raise RuntimeError(f"login of {email}: {answer.status_code}")

    def get(self, url: str) -> str:
        answer = self.client.get(url)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {url}: {answer.status_code}")
        return answer.content.decode()

    def post(self, url: str, data: dict[str, str]) -> str:
        answer = self.client.post(url, data)
        if answer.status_code not in (302, 303) or "connexion" in answer.get("Location", ""):
            raise RuntimeError(f"POST {url}: {answer.status_code}")
        return str(answer.get("Location", ""))


class Step:
    """One request of the mix; ``before`` and ``after`` run around it, unmeasured."""

    def __init__(
        self,
        request: Callable[[int], object],
        *,
        before: Callable[[int], object] | None = None,
        after: Callable[[int], object] | None = None,
    ) -> None:
        self.request, self.before, self.after = request, before, after

    def __call__(self, i: int) -> object:
        if self.before:
            self.before(i)
        answer = self.request(i)
        if self.after:
            self.after(i)
        return answer


def requests_of_the_mix() -> dict[str, Callable[[int], object]]:
    """One callable per request type; the argument varies the case, query or capacity."""
    from arrimage.directory.models import ServiceCapacity

    caseworker = Visitor(CASEWORKER)
    staff = Visitor(SHELTER_STAFF)
    cases = CASE_RE.findall(caseworker.get("/dossiers/"))
    capacities = CAPACITY_RE.findall(staff.get("/repertoire/disponibilites/"))
    tapped = next(
        (
            str(c.pk)
            for c in ServiceCapacity.objects.filter(pk__in=capacities, available__gt=0)
            if c.maximum is None or c.available < c.maximum
        ),
        None,
    )
    if not cases or tapped is None:
        raise RuntimeError("the demonstration has no case, or no capacity to tap")
    held: list[str] = []
    free: list[tuple[str, str]] = []

    def pick(_i: int) -> object:
        """A unit with a free place (unmeasured): other runs' holds may fill some."""
        free[:] = [
            (str(service), unit)
            for service, unit in ServiceCapacity.objects.filter(
                service__status="active", available__gt=0
            ).values_list("service_id", "unit")[:1]
        ]
        if not free:
            raise RuntimeError("no unit left to hold")
        return free

    def hold(i: int) -> object:
        if not free:
            pick(i)
        service, unit = free.pop()
        location = caseworker.post(
            "/orientation/reservations/nouvelle/", {"service": service, "unit": unit}
        )
        found = HOLD_RE.search(location)
        if found is None:
            raise RuntimeError(f"no hold made: {location}")
        held.append(found.group(1))
        return location

    def release(_i: int) -> object:
        return caseworker.post(f"/orientation/reservations/{held.pop()}/liberer/", {})

    return {
        "worklist": lambda _i: caseworker.get("/dossiers/"),
        "case page": lambda i: caseworker.get(f"/dossiers/{cases[i % len(cases)]}/"),
        "search": lambda i: caseworker.get(f"/repertoire/?q={QUERIES[i % len(QUERIES)]}"),
        "note": lambda i: caseworker.post(
            f"/dossiers/{cases[i % len(cases)]}/notes/",
            {"category": "coordination", "body": "Appel de suivi, rappel demain matin."},
        ),
        # A hold is released after it (unmeasured), a release frees a hold made before it.
        "hold": Step(hold, before=pick, after=release),
        "release": Step(release, before=hold),
        "availability": lambda _i: staff.get("/repertoire/disponibilites/"),
        # One unit fewer, then one more, on a capacity within its bounds: each tap succeeds.
        "availability update": lambda i: staff.post(
            f"/repertoire/disponibilites/{tapped}/", {"action": "plus" if i % 2 else "minus"}
        ),
    }


def floor_view(request: object) -> object:
    """The floor of every logged-in page: the base template with no content."""
    from django.shortcuts import render

    return render(request, "base.html", {})  # type: ignore[arg-type]


def empty_view(_request: object) -> object:
    """What the middleware stack costs alone: a response with no template."""
    from django.http import HttpResponse

    return HttpResponse("<!doctype html><title>x</title><p>ok</p>")


def baselines(email: str) -> dict[str, Callable[[int], object]]:
    """Two pages of this process only (``urlpatterns`` below, the application's after them),
    through the same middleware, logged in as the same user: an empty response, and the base
    template alone."""
    from django.conf import settings

    settings.ROOT_URLCONF = __name__
    visitor = Visitor(email)
    return {
        "middleware only": lambda _i: visitor.get("/bench-empty/"),
        "base template": lambda _i: visitor.get("/bench-floor/"),
    }


def measure(
    name: str, request: Callable[[int], object], count: int, server_cpu: Callable[[], float]
) -> dict[str, float]:
    from django.db import connection

    step = request if isinstance(request, Step) else Step(request)
    for i in range(4):  # warm: templates compiled, keys derived, connections open
        step(i)
    times, server = [], []
    for i in range(count):
        if step.before:
            step.before(i)
        server_before = server_cpu()
        started = time.process_time()
        step.request(i)
        times.append((time.process_time() - started) * 1000)
        server.append((server_cpu() - server_before) * 1000)
        if step.after:
            step.after(i)
    if step.before:
        step.before(count)
    queries: list[str] = []

    def count_query(execute: Callable[..., object], sql: str, *args: object) -> object:
        queries.append(sql)
        return execute(sql, *args)

    # Counted by a wrapper: the test client's request_started clears connection.queries.
    with connection.execute_wrapper(count_query):
        step.request(count)
    if step.after:
        step.after(count)
    return {
        "cpu": statistics.median(times),
        "mean": statistics.fmean(times),
        "server": statistics.fmean(server),
        "queries": len(queries),
    }


def profile(name: str, request: Callable[[int], object], count: int, limit: int) -> None:
    profiler = cProfile.Profile(time.process_time)  # CPU, not the wait for a core
    profiler.enable()
    for i in range(count):
        request(i)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(limit)
    print(f"\n--- profile of {name}, {count} requests, by cumulative time ---")
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(limit)
    print(f"--- profile of {name}, by own time ---")
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--count", type=int, default=40, help="requests of each type")
    parser.add_argument(
        "--profile", action="append", default=[], help="a request type to profile (cProfile)"
    )
    parser.add_argument("--limit", type=int, default=45, help="rows of each profile")
    args = parser.parse_args()
    db = "pg" if os.environ.get("DATABASE_URL") else "sqlite"
    data_dir = args.data_dir or ROOT / "var" / "bench-load" / db
    if not (data_dir / "master.key").exists():
        sys.exit(f"no demonstration in {data_dir}: run bench/load.py or arrimage demo first")
    setup(data_dir)
    floors = baselines(CASEWORKER)
    mix = requests_of_the_mix()
    server_cpu = backend_cpu()
    print(f"[{db}] {args.count} requests of each type, one at a time, in-process ({data_dir})")
    print(f"  {'request':<22} {'CPU ms':>7} {'mean':>7} {'db ms':>7} {'queries':>8} {'weight':>7}")
    results = {}
    for name, request in floors.items():
        row = measure(name, request, args.count, server_cpu)
        print(
            f"  {name:<22} {row['cpu']:>7.1f} {row['mean']:>7.1f} {row['server']:>7.1f} "
            f"{row['queries']:>8.0f}  (baseline)"
        )
        results[name] = row
    for name, request in mix.items():
        results[name] = row = measure(name, request, args.count, server_cpu)
        print(
            f"  {name:<22} {row['cpu']:>7.1f} {row['mean']:>7.1f} {row['server']:>7.1f} "
            f"{row['queries']:>8.0f} {MIX[name]:>7.2f}"
        )
    weighted = sum(MIX[name] * results[name]["cpu"] for name in mix) / sum(MIX.values())
    server = sum(MIX[name] * results[name]["server"] for name in mix) / sum(MIX.values())
    print(
        f"  mix: {weighted:.1f} ms of CPU per request in Django, {server:.1f} ms in the database "
        f"server: at most {2000 / (weighted + server):.0f} requests/s on 2 cores "
        f"(x{weighted / results['base template']['cpu']:.1f} the base template alone)"
    )
    for name in args.profile:
        profile(name, {**floors, **mix}[name], args.count, args.limit)
    verdict = "PASS" if weighted + server <= TARGET_MS else "MISS"
    print(
        f"TARGET load_cpu_per_request_{db} measured={weighted + server:.1f}ms "
        f"target={TARGET_MS:.0f}ms {verdict}"
    )


if __name__ == "__main__":
    main()
