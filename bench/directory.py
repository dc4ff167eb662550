"""Directory search benchmark: one command.

    .venv/bin/python bench/directory.py              # SQLite, and PostgreSQL if DATABASE_URL
    .venv/bin/python bench/directory.py --postgres   # also PostgreSQL (bench_directory)
    .venv/bin/python bench/directory.py --services 2000 --locations 3500   # small run

For each database it generates the services and locations (Ontario 211 scale by default:
60,000 and 100,000) into a throwaway database (SQLite in a temporary folder; the PostgreSQL
database ``bench_directory``, dropped and created), then measures:

- the p95 latency of ``directory_search`` in-process over a mix of realistic queries;
- the requests per second of the public search endpoint (``/repertoire/recherche.json``)
  against a bare JSON view (``/bench-bare/``, added for the run: ``/sante/`` now queries the
  database), both through the same Django handler and middleware (the test client,
  in-process) in the same run.

It ends with one ``TARGET`` line per target and database.
"""

import argparse
import importlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parents[1]
P95_TARGET_MS = 25.0
RATIO_TARGET = 50.0

QUERY_MIX: list[dict[str, object]] = [
    {"q": "hebergement"},
    {"q": "shelter", "region": "QC-06"},
    {"q": "femmes", "category": "housing_emergency", "gender": "gender_women"},
    {"q": "PTR"},
    {"q": "trp clinic"},
    {"q": "sante mentale", "language": "es"},
    {"category": "legal_immigration", "status": "status_none"},
    {
        "municipality": "laval",
        "radius_km": 25,
        "category": "housing_emergency",
        "available_now": True,
    },
    {"q": "clinique juridique", "age": 30},
    {"q": "interprete", "language": "ar"},
    {"region": "QC-03", "available_now": True},
    {"q": "hebergement urgence femmes", "region": "QC-13"},
    {"q": "hébergement", "page": 2},
    {"q": "men", "gender": "gender_men", "status": "status_none"},
    {"category": "mental_health", "municipality": "montreal", "radius_km": 10},
    {"q": "youth", "age": 16},
    {"q": "logement transition", "safety": ("safety_confidential_address",)},
    {"q": "banque alimentaire", "region": "QC-16"},
    {"q": "labour exploitation", "language": "tl"},
    {"gender": "gender_trans_nonbinary", "category": "housing_emergency", "age": 25},
]


def _query_string(params: dict[str, object]) -> str:
    pairs: list[tuple[str, object]] = []
    for key, value in params.items():
        name = {"radius_km": "radius", "available_now": "available"}.get(key, key)
        if isinstance(value, tuple):
            pairs += [(name, v) for v in value]
        elif value is True:
            pairs.append((name, "on"))
        else:
            pairs.append((name, value))
    return urlencode(pairs)


# --- the child: one database -------------------------------------------------------------------


def generate(services: int, locations: int, seed: int = 211) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from arrimage.coalition.models import Region
    from arrimage.directory import geo
    from arrimage.directory.demo_services import TEMPLATES
    from arrimage.directory.demo_template import ALL_STATUSES
    from arrimage.directory.indexing import entry_build
    from arrimage.directory.models import (
        Attribute,
        DirectoryOrganization,
        Language,
        Location,
        SearchEntry,
        Service,
        ServiceAtLocation,
        ServiceCapacity,
        TaxonomyTerm,
    )
    from arrimage.directory.taxonomy import LANGUAGES
    from arrimage.directory.vocabulary import vocabulary_add

    rng = random.Random(seed)
    now = timezone.now()

    def flush_links(
        attributes: list[tuple[object, ...]], languages: list[tuple[object, ...]]
    ) -> None:
        raw_insert(
            Attribute._meta.db_table,
            ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value"],
            attributes,
        )
        raw_insert(Language._meta.db_table, ["id", "service_id", "name", "code", "note"], languages)
        attributes.clear()
        languages.clear()

    terms = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__isnull=False)}
    regions = {r.code: r for r in Region.objects.all()}
    places = list(geo.municipalities().values())
    weights = [
        12
        if p.region_code in {"QC-06", "QC-13"}
        else 3
        if p.region_code in {"QC-03", "QC-16", "QC-15"}
        else 1
        for p in places
    ]
    templates = [t for group in TEMPLATES.values() for t in group]
    vocabulary = sorted(
        {
            w
            for t in templates
            for w in (t.description_fr + " " + t.description_en)
            .replace(",", " ")
            .replace(".", " ")
            .split()
        }
    )
    syllables = ["ka", "lo", "mi", "ra", "te", "su", "no", "vi", "po", "da", "ge", "fu"]
    vocabulary += [
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(3000)
    ]
    batch = 2000
    clock = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal clock
        print(f"  {name}: {time.perf_counter() - clock:.1f} s", file=sys.stderr, flush=True)
        clock = time.perf_counter()

    fulltext = importlib.import_module("arrimage.directory.migrations.0002_fulltext")
    tuning = importlib.import_module("arrimage.directory.migrations.0004_search_tokens")
    with connection.cursor() as cursor:
        # The full-text index is built once at the end, not row by row.
        if connection.vendor == "sqlite":  # a throwaway file: no journal, no syncing
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("DROP TRIGGER directory_search_ai")
        else:
            cursor.execute("DROP INDEX directory_search_tsv")
    with transaction.atomic():
        orgs = [
            DirectoryOrganization(
                name=f"Organisme {i:05d} {rng.choice(vocabulary)}",
                description_fr="Organisme communautaire",
            )
            for i in range(max(1, services // 30))
        ]
        DirectoryOrganization.objects.bulk_create(orgs, batch_size=batch)
        service_rows, service_meta = [], []
        for i in range(services):
            template = rng.choice(templates)
            org = orgs[i % len(orgs)]
            place = rng.choices(places, weights)[0]
            french_only = template.french_only or rng.random() < 0.3
            extra = " ".join(rng.choice(vocabulary) for _ in range(12))
            service = Service(
                organization=org,
                name_fr=f"{template.name_fr} {i:05d} — {place.name}",
                name_en="" if french_only else f"{template.name_en} {i:05d} — {place.name}",
                description_fr=f"{template.description_fr} {extra}",
                description_en="" if french_only else template.description_en,
                minimum_age=template.ages[0],
                maximum_age=template.ages[1],
                last_modified=now,
            )
            service_rows.append(service)
            service_meta.append((template, place))
        model_insert(Service, service_rows)
        phase("services")
        location_rows, sal_rows = [], []
        service_places: dict[int, list[tuple[object, object]]] = {}
        for j in range(locations):
            index = j if j < services else rng.randrange(services)
            template, home = service_meta[index]
            place = home if j < services else rng.choices(places, weights)[0]
            location = Location(
                organization=service_rows[index].organization,
                name=f"Site {j:06d}",
                latitude=place.latitude + rng.uniform(-0.05, 0.05),
                longitude=place.longitude + rng.uniform(-0.05, 0.05),
                is_confidential=template.confidential,
                municipality_code=place.code,
                region=regions[place.region_code],
            )
            location_rows.append(location)
            sal_rows.append((uuid.uuid4(), service_rows[index].pk, location.pk, ""))
            service_places.setdefault(index, []).append((location, place))
        model_insert(Location, location_rows)
        raw_insert(
            ServiceAtLocation._meta.db_table,
            ["id", "service_id", "location_id", "description"],
            sal_rows,
        )
        phase("locations")
        attributes, languages, capacities, entries = [], [], [], []
        words: set[str] = set()
        stems: set[str] = set()
        for index, service in enumerate(service_rows):
            template, _place = service_meta[index]
            codes = list(template.terms)
            if rng.random() < 0.2:
                codes = [c for c in codes if c not in ALL_STATUSES]
            service_terms = [terms[c] for c in dict.fromkeys(codes)]
            attributes += [
                (uuid.uuid4(), service.pk, "eligibility", "service", t.pk, "")
                for t in service_terms
            ]
            codes_lang = list(template.languages)
            languages += [(uuid.uuid4(), service.pk, LANGUAGES[c][0], c, "") for c in codes_lang]
            service_capacities = []
            if template.capacity:
                unit, maximum = template.capacity
                hours = rng.choice([1, 2, 3, 5, 8, 12, 20, 30, 50, 100])
                capacity = ServiceCapacity(
                    service=service,
                    unit=unit,
                    maximum=maximum,
                    available=rng.randrange(0, maximum + 1),
                    updated=now - timedelta_hours(hours),
                )
                capacities.append(capacity)
                service_capacities.append(capacity)
            region_by_code = regions
            service_places_rows = [
                {
                    "municipality": place.name,
                    "municipality_code": place.code,
                    "region": place.region_code,
                    "region_fr": regions[place.region_code].name_fr,
                    "region_en": regions[place.region_code].name_en,
                    "confidential": location.is_confidential,
                }
                for location, place in service_places.get(index, [])
            ]
            built = entry_build(
                service,
                terms=service_terms,
                languages=codes_lang,
                places=service_places_rows,
                phone="514-555-0100",
                capacities=service_capacities,
                regions_by_code=region_by_code,
            )
            entries.append(SearchEntry(service=service, **built.values))
            words |= built.words
            stems |= built.stems
            if len(entries) >= batch:
                flush_links(attributes, languages)
                ServiceCapacity.objects.bulk_create(capacities, batch_size=batch)
                SearchEntry.objects.bulk_create(entries, batch_size=batch)
                capacities, entries = [], []
        flush_links(attributes, languages)
        ServiceCapacity.objects.bulk_create(capacities, batch_size=batch)
        SearchEntry.objects.bulk_create(entries, batch_size=batch)
        vocabulary_add(words=words, stems=stems)
        phase("eligibility, capacity and search rows")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(fulltext.SQLITE_UP[1])
            cursor.execute(
                "INSERT INTO directory_search_fts(directory_search_fts) VALUES ('rebuild')"
            )
        else:
            cursor.execute(fulltext.POSTGRES_UP[1])
            for statement in tuning.POSTGRES_UP:  # as the migrations leave it
                cursor.execute(statement)
    phase("full-text index")


def raw_insert(table: str, columns: list[str], rows: list[tuple[object, ...]]) -> None:
    """executemany, without building model instances: the bulk of the rows are links."""
    import uuid as uuid_module

    from django.db import connection

    if not rows:
        return
    sqlite = connection.vendor == "sqlite"

    def prep(value: object) -> object:
        if isinstance(value, uuid_module.UUID):
            return value.hex if sqlite else value
        return value

    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [tuple(prep(v) for v in row) for row in rows])


def model_insert(model: type, objects: list[object]) -> None:
    """Insert model instances with one executemany (no per-object signals or returning)."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]  # type: ignore[attr-defined]
    rows = [
        tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)
        for obj in objects
    ]
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {model._meta.db_table} "  # type: ignore[attr-defined]
        f"({', '.join(f.column for f in fields)}) VALUES ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def timedelta_hours(hours: float) -> "timedelta":
    return timedelta(hours=hours)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from arrimage.directory.search import directory_search
    from arrimage.directory.search_types import SearchParams

    engine = connection.vendor
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    generate(args.services, args.locations)
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute(
                "INSERT INTO directory_search_fts(directory_search_fts) VALUES ('optimize')"
            )
    print(
        f"[{engine}] generated {args.services} services, {args.locations} locations in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )

    mix = [SearchParams(**{k: v for k, v in q.items()}) for q in QUERY_MIX]  # type: ignore[arg-type]
    for params in mix:  # warm-up, and a sanity check that the mix finds things
        directory_search(actor=None, params=params)
    found = [directory_search(actor=None, params=p).total for p in mix]
    latencies: list[float] = []
    for _round in range(args.rounds):
        for params in mix:
            t0 = time.perf_counter()
            directory_search(actor=None, params=params)
            latencies.append((time.perf_counter() - t0) * 1000)
    p95 = percentile(latencies, 0.95)
    print(
        f"[{engine}] search latency over {len(latencies)} queries: "
        f"p50={statistics.median(latencies):.2f} ms p95={p95:.2f} ms "
        f"max={max(latencies):.2f} ms; results per query: {found}",
        flush=True,
    )

    from django.test.utils import override_settings

    override_settings(ROOT_URLCONF="bench_bare_urls").enable()
    client = Client()
    search_urls = ["/repertoire/recherche.json?" + _query_string(q) for q in QUERY_MIX]
    bare_url = "/bench-bare/"
    for url in [*search_urls, bare_url]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    def rate(urls: list[str], count: int) -> float:
        t0 = time.perf_counter()
        for n in range(count):
            client.get(urls[n % len(urls)])
        return count / (time.perf_counter() - t0)

    search_rates, bare_rates = [], []
    for _round in range(3):  # interleaved, so both see the same machine state
        bare_rates.append(rate([bare_url], args.requests))
        search_rates.append(rate(search_urls, args.requests))
    search_rps, bare_rps = max(search_rates), max(bare_rates)
    ratio = 100 * search_rps / bare_rps
    print(
        f"[{engine}] requests/s: search {search_rps:.0f}, bare JSON view {bare_rps:.0f} "
        f"({args.requests} requests x 3 rounds each, best round)",
        flush=True,
    )
    name = "sqlite" if engine == "sqlite" else "postgresql"
    print(
        f"TARGET search_p95_{name} measured={p95:.2f}ms target={P95_TARGET_MS:.0f}ms "
        f"{'PASS' if p95 <= P95_TARGET_MS else 'MISS'}"
    )
    print(
        f"TARGET search_rps_ratio_{name} measured={ratio:.1f}% target={RATIO_TARGET:.0f}% "
        f"{'PASS' if ratio >= RATIO_TARGET else 'MISS'}",
        flush=True,
    )


# --- the parent: one child per database --------------------------------------------------------


def postgres_url(args: argparse.Namespace) -> str | None:
    base = os.environ.get("DATABASE_URL")
    if not base and not args.postgres:
        return None
    base = base or "postgres://postgres@127.0.0.1:5432/postgres"
    parsed = urlparse(base)
    return parsed._replace(path="/bench_directory").geturl()


def recreate_postgres(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_directory")
        conn.execute("CREATE DATABASE bench_directory")


def drop_postgres(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_directory")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=60_000)
    parser.add_argument(
        "--locations",
        type=int,
        default=None,
        help="default: 5/3 of the services (100,000 for 60,000)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=25,
        help="passes over the query mix for the latency (20 queries each)",
    )
    parser.add_argument(
        "--requests", type=int, default=600, help="requests per endpoint and round for requests/s"
    )
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
        "--requests",
        str(args.requests),
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
        with tempfile.TemporaryDirectory(prefix="bench-directory-") as folder:
            run({**base_env, "ARRIMAGE_DATA_DIR": folder})
    url = postgres_url(args)
    if url:
        recreate_postgres(url)
        try:
            run({**base_env, "DATABASE_URL": url})
        finally:
            drop_postgres(url)
    print()
    for line in lines:
        print(line)
    return status


if __name__ == "__main__":
    sys.exit(main())
