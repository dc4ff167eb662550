"""Directory search quality and speed benchmark: one command.

    .venv/bin/python bench/search.py              # SQLite, and PostgreSQL if DATABASE_URL
    .venv/bin/python bench/search.py --postgres   # also PostgreSQL (database bench_search)
    .venv/bin/python bench/search.py --services 6000 --rounds 2   # a small run

For each database, in a throwaway database (SQLite in a temporary folder; the PostgreSQL
database ``bench_search``, dropped and created):

1. the demonstration directory (``arrimage demo``'s): the judged queries of
   ``tests/data/search_judgements.json``, scored against the demo services judged relevant;
2. the generated directory of ``bench/directory.py`` (60,000 services and 100,000 locations by
   default) added to it, with a few planted services bearing names no other service bears: the
   same queries, judged by their criteria (``tests/directory/search_judged.criterion_met``, an
   oracle that reads each service's kind, places and codes, never the search index), and the
   planted names as a worker would type them (plural, a typo, without accents, with a word of
   the kind of service);
3. the latency of ``directory_search`` over all those queries on the generated directory,
   beside a baseline measured in the same run: one plain read of the index per query (every
   word's stems required, 21 rows), what a search costs without ranking.

P@5 is the relevant services among the first five results over min(5, relevant services); a
zero result is a query that returns nothing although a relevant service exists. It ends with
one ``TARGET`` line per target and database: ``search_p_at_5`` (the lower of the two
directories' mean P@5), ``search_zero_results`` (both directories) and ``search_p95``.
"""

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "bench_search"
P_AT_5_TARGET = 0.90
ZERO_TARGET = 0
P95_TARGET_MS = 25.0

# Planted services: (name, category, municipality). Their distinctive word is in no other
# service (the generator's made-up words are made of other syllables).
PLANTED = [
    ("Maison Zéphyrine", "housing_emergency", "laval"),
    ("Refuge Bruxandre", "housing_emergency", "montreal"),
    ("Clinique Quillomet", "legal_immigration", "quebec"),
    ("Centre Jorvanel", "mental_health", "sherbrooke"),
    ("Hébergement Wexbridge", "housing_transitional", "gatineau"),
    ("Ligne Hyvernaud", "crisis_line", "longueuil"),
    ("Service Oxtaveline", "language_interpretation", "trois-rivieres"),
    ("Maison Trébouchon", "housing_emergency", "saint-jerome"),
    ("Comptoir Xandrelle", "basic_needs", "plateau"),
    ("Aide Yvrenault", "income", "verdun"),
    ("Clinique Cybelline", "physical_health", "levis"),
    ("Droit Brozquette", "legal_labour", "granby"),
    ("Accueil Ulvémont", "settlement", "laval-chomedey"),
    ("Soutien Phryxane", "legal_criminal", "drummondville"),
    ("Famille Jazzabelle", "legal_family", "rimouski"),
]
KIND_WORDS = {
    "housing_emergency": "refuge",
    "housing_transitional": "logement",
    "legal_immigration": "avocat",
    "mental_health": "psychologue",
    "crisis_line": "ecoute",
    "language_interpretation": "interprete",
    "basic_needs": "nourriture",
    "income": "revenu",
    "physical_health": "clinique",
    "legal_labour": "travail",
    "settlement": "immigrants",
    "legal_criminal": "victimes",
    "legal_family": "famille",
}


def _module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def judged_module() -> ModuleType:
    """The judged set and its measures, shared with the quality test."""
    return _module("search_judged", ROOT / "tests" / "directory" / "search_judged.py")


def directory_bench() -> ModuleType:
    """The directory benchmark, for its generator (imported, not copied)."""
    return _module("bench_directory", ROOT / "bench" / "directory.py")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def typo(word: str) -> str:
    """One edit a hurried worker makes: the third and fourth letters swapped."""
    return word[:2] + word[3] + word[2] + word[4:]


def planted_queries(judged: ModuleType) -> list[object]:
    from arrimage.directory.text import normalise

    queries = []
    for name, category, _municipality in PLANTED:
        word = name.split()[1]
        plain = normalise(word)
        for query, kind in (
            (plain, "accent"),
            (word.lower() + "s", "plural"),
            (typo(plain), "typo"),
            (f"{KIND_WORDS[category]} {plain}", "phrase"),
        ):
            queries.append(judged.Judged(query, ("planted", kind), frozenset({name})))
    return queries


# --- the child: one database -------------------------------------------------------------------


def plant() -> None:
    from arrimage.directory import geo
    from arrimage.directory.indexing import search_entries_refresh
    from arrimage.directory.models import (
        Attribute,
        DirectoryOrganization,
        Location,
        Service,
        ServiceAtLocation,
        TaxonomyTerm,
    )

    org = DirectoryOrganization.objects.create(name="Réseau témoin", description_fr="Témoin")
    terms = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__isnull=False)}
    ids = []
    for name, category, code in PLANTED:
        place = geo.municipality_get(code)
        assert place is not None
        service = Service.objects.create(
            organization=org, name_fr=name, description_fr=name, status="active"
        )
        location = Location.objects.create(
            organization=org,
            name=name,
            latitude=place.latitude,
            longitude=place.longitude,
            municipality_code=code,
        )
        ServiceAtLocation.objects.create(service=service, location=location)
        Attribute.objects.create(
            link_entity="service",
            link_id=service.pk,
            link_type="eligibility",
            taxonomy_term=terms[category],
        )
        ids.append(service.pk)
    search_entries_refresh(service_ids=ids)


def service_facts(judged: ModuleType) -> dict[object, object]:
    """Every active service's facts for the oracle: its template (the demo template its name
    starts with), its municipalities, its codes; keyed by service id."""
    from arrimage.directory.demo_services import TEMPLATES
    from arrimage.directory.models import Attribute, Service, ServiceAtLocation

    templates = sorted({t.name_fr for group in TEMPLATES.values() for t in group}, key=len)
    templates.reverse()
    names = dict(Service.objects.filter(status="active").values_list("pk", "name_fr"))
    places: dict[object, list[str]] = {}
    for service_id, code in ServiceAtLocation.objects.values_list(
        "service_id", "location__municipality_code"
    ).iterator(chunk_size=20_000):
        places.setdefault(service_id, []).append(code)
    codes: dict[object, set[str]] = {}
    for link_id, code in (
        Attribute.objects.filter(link_entity="service")
        .values_list("link_id", "taxonomy_term__code")
        .iterator(chunk_size=50_000)
    ):
        codes.setdefault(link_id, set()).add(code)
    return {
        pk: judged.Facts(
            next((t for t in templates if name.startswith(t)), name),
            tuple(places.get(pk, ())),
            frozenset(codes.get(pk, ())),
        )
        for pk, name in names.items()
    }


def report(label: str, result: object, engine: str) -> None:
    print(
        f"[{engine}] {label}: {len(result.outcomes)} queries, mean P@5 {result.precision:.3f}, "  # type: ignore[attr-defined]
        f"a relevant service in the first five for {100 * result.success:.0f}%, "  # type: ignore[attr-defined]
        f"{len(result.zero)} zero results",  # type: ignore[attr-defined]
        flush=True,
    )
    kinds = ", ".join(f"{k} {p:.2f} ({n})" for k, (n, p) in result.by_kind().items())  # type: ignore[attr-defined]
    print(f"[{engine}]   P@5 by kind: {kinds}")
    for line in result.misses()[:8]:  # type: ignore[attr-defined]
        print(f"[{engine}]   below 1: {line}")


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from arrimage.accounts.demo import demo_coalition_build
    from arrimage.directory.demo import demo_directory_build
    from arrimage.directory.models import SearchEntry, Service
    from arrimage.directory.search import directory_search
    from arrimage.directory.search_query import query_parse
    from arrimage.directory.search_types import SearchParams

    judged = judged_module()
    engine = connection.vendor
    name = "sqlite" if engine == "sqlite" else "postgresql"
    call_command("migrate", interactive=False, verbosity=0)
    demo_coalition_build()
    demo_directory_build()
    queries = judged.judgements_load()

    def names(query: str) -> list[str]:
        return [h.name_fr for h in directory_search(actor=None, params=SearchParams(q=query)).hits]

    def demo_count(item: object) -> int:
        return Service.objects.filter(name_fr__in=item.relevant, status="active").count()  # type: ignore[attr-defined]

    demo = judged.evaluate(queries, names, demo_count)
    report("demo directory", demo, engine)

    started = time.perf_counter()
    directory_bench().generate(args.services, args.locations)
    plant()
    with connection.cursor() as cursor:
        if engine == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute(
                "INSERT INTO directory_search_fts(directory_search_fts) VALUES ('optimize')"
            )
    print(
        f"[{engine}] generated {args.services} services, {args.locations} locations and "
        f"{len(PLANTED)} planted ones in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    facts = service_facts(judged)
    planted = planted_queries(judged)
    planted_ids = dict(
        Service.objects.filter(name_fr__in=[p[0] for p in PLANTED]).values_list("name_fr", "pk")
    )
    generated: list[object] = []
    for item in queries:
        relevant = frozenset(
            pk for pk, f in facts.items() if judged.criterion_met(item.criterion, f)
        )
        generated.append(judged.Judged(item.query, item.kinds, relevant, item.criterion))
    for item in planted:
        relevant = frozenset(planted_ids[n] for n in item.relevant)  # type: ignore[attr-defined]
        generated.append(judged.Judged(item.query, item.kinds, relevant))  # type: ignore[attr-defined]

    def ids(query: str) -> list[object]:
        return [
            h.service_id for h in directory_search(actor=None, params=SearchParams(q=query)).hits
        ]

    big = judged.evaluate(generated, ids, lambda item: len(item.relevant))
    report(f"generated directory ({Service.objects.count()} services)", big, engine)

    texts = [item.query for item in generated]  # type: ignore[attr-defined]
    for text in texts:  # warm-up
        directory_search(actor=None, params=SearchParams(q=text))
    latencies: list[float] = []
    baseline: list[float] = []
    table = SearchEntry._meta.db_table
    for _round in range(args.rounds):
        for text in texts:
            t0 = time.perf_counter()
            directory_search(actor=None, params=SearchParams(q=text))
            latencies.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            groups = [g.alternatives for g in query_parse(text).groups if g.alternatives]
            if groups:
                with connection.cursor() as cursor:
                    if engine == "postgresql":
                        tsquery = " & ".join("(" + " | ".join(g) + ")" for g in groups)
                        cursor.execute(
                            f"SELECT id, sort_name FROM {table} "
                            "WHERE doc_tsv @@ to_tsquery('simple', %s) LIMIT 21",
                            [tsquery],
                        )
                    else:
                        match = " AND ".join(
                            "(" + " OR ".join(f'"{t}"' for t in g) + ")" for g in groups
                        )
                        cursor.execute(
                            "SELECT rowid FROM directory_search_fts "
                            "WHERE directory_search_fts MATCH %s LIMIT 21",
                            [match],
                        )
                    cursor.fetchall()
            baseline.append((time.perf_counter() - t0) * 1000)
    p95 = percentile(latencies, 0.95)
    print(
        f"[{engine}] latency over {len(latencies)} searches: p50 "
        f"{statistics.median(latencies):.2f} ms, p95 {p95:.2f} ms, max {max(latencies):.2f} ms; "
        f"baseline (reading the box and one plain index read, no ranking): p50 "
        f"{statistics.median(baseline):.2f} ms, p95 {percentile(baseline, 0.95):.2f} ms",
        flush=True,
    )
    precision = min(demo.precision, big.precision)
    zero = len(demo.zero) + len(big.zero)
    print(
        f"TARGET search_p_at_5_{name} measured={precision:.3f} target={P_AT_5_TARGET:.2f} "
        f"{'PASS' if precision >= P_AT_5_TARGET else 'MISS'}"
    )
    print(
        f"TARGET search_zero_results_{name} measured={zero} target={ZERO_TARGET} "
        f"{'PASS' if zero <= ZERO_TARGET else 'MISS'}"
    )
    print(
        f"TARGET search_p95_{name} measured={p95:.2f}ms target={P95_TARGET_MS:.0f}ms "
        f"{'PASS' if p95 <= P95_TARGET_MS else 'MISS'}",
        flush=True,
    )


# --- the parent: one child per database --------------------------------------------------------


def postgres_url(args: argparse.Namespace) -> str | None:
    base = os.environ.get("DATABASE_URL")
    if not base and not args.postgres:
        return None
    base = base or "postgres://postgres@127.0.0.1:5432/postgres"
    return urlparse(base)._replace(path=f"/{DATABASE}").geturl()


def postgres_admin(url: str, statement: str) -> None:
    import psycopg

    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=60_000)
    parser.add_argument("--locations", type=int, default=None, help="default: 5/3 of the services")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the queries")
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.locations is None:
        args.locations = args.services * 5 // 3
    if args.child:
        child(args)
        return 0
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base_env.update(
        {
            "ARRIMAGE_MODE": "test",
            "DJANGO_SETTINGS_MODULE": "arrimage.settings",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    argv = [
        sys.executable,
        __file__,
        "--child",
        "--services",
        str(args.services),
        "--locations",
        str(args.locations),
        "--rounds",
        str(args.rounds),
    ]
    lines: list[str] = []
    status = 0

    def run(env: dict[str, str]) -> None:
        nonlocal status
        process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            if line.startswith("TARGET "):
                lines.append(line.rstrip())
        status = status or process.wait()

    if not args.no_sqlite:
        with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
            run({**base_env, "ARRIMAGE_DATA_DIR": folder})
    url = postgres_url(args)
    if url:
        postgres_admin(url, f"DROP DATABASE IF EXISTS {DATABASE}")
        postgres_admin(url, f"CREATE DATABASE {DATABASE}")
        try:
            with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
                run({**base_env, "DATABASE_URL": url, "ARRIMAGE_DATA_DIR": folder})
        finally:
            postgres_admin(url, f"DROP DATABASE IF EXISTS {DATABASE}")
    print()
    for line in lines:
        print(line)
    return status


if __name__ == "__main__":
    sys.exit(main())
