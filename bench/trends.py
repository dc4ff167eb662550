"""Benchmark: a statistics release over 1,000,000 synthetic case records, on SQLite and
PostgreSQL, with the measured error against the true counts.

    .venv/bin/python bench/trends.py                        # SQLite and PostgreSQL, full size
    .venv/bin/python bench/trends.py --records 20000        # small
    .venv/bin/python bench/trends.py --databases sqlite     # one database

Each database is a throwaway: a temporary SQLite file, or the PostgreSQL database
``bench_trends`` dropped and created again. Rows are generated with bulk inserts (COPY on
PostgreSQL): persons, cases, referrals (a third of the cases, one to four each), their
countable projection (``StatisticsRecord``, as the projection step writes it: codes,
timelines and the first two referrals' slots) and consents for statistics (85% of persons,
every category; some expired or withdrawn), all in one regional coalition of 50
organisations and one reference year, so the release counts all of them. Every section is
released: 11 tables.

Measured, in-process: ``trends.services.release_create`` with differential privacy, the whole
path (incremental projection refresh, the consent-filtered SQL GROUP BY, OpenDP noise on each
table, accuracy, signing, storing, audit), in the steady state: the projection's first full
sync of 1,000,000 cases and consents, done once per organisation, is timed and reported
apart. The baseline, in the same run: a
bare ``SELECT COUNT(*)`` of the same records. The error: every published figure of the
releases against the exact counts of the same population: mean absolute error per cell and
the share of cells within their stated 95% accuracy.

Ends with one ``TARGET`` line per database.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 2.0
PG_URL = "postgres://postgres@127.0.0.1:5432/bench_trends"
REGIONS = ["QC-06", "QC-03", "QC-07", "QC-05", "QC-15", "QC-13"]


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def configure(database: str, data_dir: str) -> None:
    os.environ["ARRIMAGE_MODE"] = "test"
    os.environ["ARRIMAGE_DATA_DIR"] = data_dir
    os.environ["ARRIMAGE_TRENDS_EPSILON_BUDGET"] = "1000"
    os.environ.pop("DATABASE_URL", None)
    if database == "postgresql":
        os.environ["DATABASE_URL"] = PG_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()


def reset_postgres() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_trends WITH (FORCE)")
        conn.execute("CREATE DATABASE bench_trends")


def insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    if not rows:
        return
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
        )


def generate(records: int, organisations: int, year: int, seed: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from arrimage.accounts.models import Membership, Role, User
    from arrimage.coalition.models import Coalition, CoalitionLevel, Organisation, Region

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    pg = connection.vendor == "postgresql"
    if not pg:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-1000000")

    def uid(value: uuid.UUID) -> object:
        return value if pg else value.hex

    def stamp(value: datetime) -> object:
        return value if pg else value.strftime("%Y-%m-%d %H:%M:%S.%f")

    provincial = Coalition.objects.create(name="Province", level=CoalitionLevel.PROVINCIAL)
    coalition = Coalition.objects.create(
        name="Bench", level=CoalitionLevel.REGIONAL, parent=provincial
    )
    orgs = []
    for i in range(organisations):
        org = Organisation.objects.create(
            name=f"Org {i}", type="community", region=Region.objects.get(code=REGIONS[i % 6])
        )
        coalition.organisations.add(org)
        orgs.append(org)
    user = User.objects.create_user(email="bench@example.org", password=None, full_name="B")
    Membership.objects.create(user=user, organisation=orgs[0], role=Role.COORDINATOR)
    now = datetime.now(UTC)
    genders = ["female"] * 7 + ["male"] * 2 + ["gender_diverse", "unknown"]
    ages = ["under_18", "18_24", "18_24", "25_plus", "25_plus", "25_plus", "unknown"]
    buckets = (
        ["citizen_or_permanent"] * 3 + ["temporary"] * 2 + ["protection", "no_status", "unknown"]
    )
    trp_delays = ["no_permit"] * 6 + ["within_3_months", "3_to_6_months", "6_to_12_months"]
    applications = ["none"] * 5 + ["planned", "filed", "accepted", "refused", "unknown"]
    mental = ["no_need"] * 4 + ["met", "in_progress", "open", "unmet", "unknown"]
    coverages = ["ramq", "ifhp", "community", "none", "unknown"]
    outcomes = (
        ["completed"] * 4
        + ["accepted", "in_progress", "waitlisted", "not_completed", "sent", "cancelled"]
        + ["declined"] * 3
        + ["expired"] * 2
    )
    reasons = ["at_capacity", "at_capacity", "not_eligible", "safety", "other"]
    from arrimage.directory.models import DirectoryOrganization, Service
    from arrimage.orientation.needs import NEEDS
    from arrimage.trends import vocabulary as vocab

    service = Service.objects.create(
        organization=DirectoryOrganization.objects.create(owner=orgs[1], name="Bench service"),
        name_fr="Service",
        name_en="Service",
    )
    partner = {org.pk: orgs[(i + 1) % organisations].pk for i, org in enumerate(orgs)}
    region_of = {org.pk: org.region.code for org in orgs}
    chunk = 50_000
    made = 0
    with transaction.atomic():
        while made < records:
            size = min(chunk, records - made)
            persons, cases, stats, consents, referrals = [], [], [], [], []
            for _ in range(size):
                org = orgs[rng.randrange(organisations)]
                month = rng.choices(range(1, 13), [8, 7, 8, 9, 10, 11, 11, 10, 9, 8, 7, 9])[0]
                opened = datetime(year, month, rng.randint(1, 28), 12, tzinfo=UTC)
                person_id, case_id = uuid.uuid4(), uuid.uuid4()
                persons.append((uid(person_id), uid(org.pk), False, stamp(opened)))
                cases.append(
                    (
                        uid(case_id),
                        uid(person_id),
                        uid(org.pk),
                        "Closed",
                        False,
                        stamp(opened),
                        stamp(opened),
                    )
                )
                # A third of the cases were referred, one to four times; the projection keeps
                # the first two sent, coded, as the refresh writes them.
                sent_ones = []
                for _ in range(rng.choice([0, 0, 0, 0, 1, 1, 2, 4])):
                    status = rng.choice(outcomes)
                    sent = opened + timedelta(days=rng.randint(0, 60))
                    answered = (
                        None
                        if status in ("sent", "expired", "cancelled")
                        else sent + timedelta(hours=rng.choice([2, 20, 30, 60, 100, 200]))
                    )
                    need = rng.choice(NEEDS)
                    reason = rng.choice(reasons) if status == "declined" else ""
                    sent_ones.append((sent, need, status, reason, answered))
                    referrals.append(
                        (
                            uid(uuid.uuid4()),
                            uid(case_id),
                            uid(service.pk),
                            uid(org.pk),
                            uid(orgs[1].pk),
                            need,
                            status,
                            "[]",
                            48,
                            reason,
                            "",
                            stamp(sent),
                            stamp(sent),
                            stamp(answered) if answered else None,
                            stamp(answered or sent),
                        )
                    )
                sent_ones.sort(key=lambda r: r[0])
                codes = [
                    vocab.referral_code(need, status, reason, sent, answered)
                    for sent, need, status, reason, answered in sent_ones[:2]
                ]
                slots = [*codes, "", ""][:2]
                mask = rng.choices([0, 1, 2, 4, 3, 5], [10, 50, 28, 5, 5, 2])[0]
                stats.append(
                    (
                        uid(case_id),
                        uid(person_id),
                        uid(org.pk),
                        year,
                        month,
                        region_of[org.pk],
                        rng.choice(genders),
                        rng.choice(ages),
                        rng.choice(buckets),
                        mask,
                        rng.choice(trp_delays),
                        rng.choice(applications),
                        rng.choice(applications),
                        rng.choice(mental),
                        rng.choice(coverages),
                        *slots,
                        rng.random() > 0.02,
                        rng.random() < 0.03,
                        stamp(opened),
                    )
                )
                draw = rng.random()
                if draw < 0.85:
                    expires = now + timedelta(days=300)
                    withdrawn = None
                    if draw < 0.02:
                        expires = now - timedelta(days=5)
                    elif draw < 0.04:
                        withdrawn = stamp(now - timedelta(days=3))
                    consents.append(
                        (
                            uid(uuid.uuid4()),
                            uid(person_id),
                            uid(org.pk),
                            uid(partner[org.pk]),
                            '["identity","exploitation","immigration","health","coordination"]',
                            "statistics",
                            "written",
                            stamp(opened),
                            stamp(expires),
                            withdrawn,
                        )
                    )
            insert(
                "cases_person", ["id", "organisation_id", "is_anonymised", "created_at"], persons
            )
            insert(
                "cases_case",
                [
                    "id",
                    "person_id",
                    "lead_organisation_id",
                    "status",
                    "is_urgent",
                    "opened_at",
                    "updated_at",
                ],
                cases,
            )
            insert(
                "trends_statisticsrecord",
                [
                    "case_id",
                    "person_id",
                    "organisation_id",
                    "year",
                    "month",
                    "region",
                    "gender",
                    "age",
                    "immigration",
                    "exploitation",
                    "trp_delay",
                    "asylum",
                    "humanitarian",
                    "mental_health",
                    "health_coverage",
                    "referral_first",
                    "referral_second",
                    "is_first_of_person",
                    "is_reported_elsewhere",
                    "source_updated_at",
                ],
                stats,
            )
            insert(
                "orientation_referral",
                [
                    "id",
                    "case_id",
                    "service_id",
                    "sender_organisation_id",
                    "recipient_organisation_id",
                    "need",
                    "status",
                    "shared_categories",
                    "response_hours",
                    "decline_reason",
                    "outcome_reason",
                    "created_at",
                    "sent_at",
                    "answered_at",
                    "updated_at",
                ],
                referrals,
            )
            insert(
                "privacy_consentrecord",
                [
                    "id",
                    "person_id",
                    "organisation_id",
                    "recipient_id",
                    "categories",
                    "purpose",
                    "method",
                    "recorded_at",
                    "expires_at",
                    "withdrawn_at",
                ],
                consents,
            )
            made += size
            say(f"  {made:,} records")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "coalition": coalition,
        "membership": Membership.objects.select_related("organisation").get(user=user),
    }


def exact_tables(coalition, year: int) -> dict:
    from arrimage.trends import services
    from arrimage.trends.tables import SECTIONS

    organisation_ids = list(coalition.organisations.values_list("pk", flat=True))
    regions = sorted(set(coalition.organisations.values_list("region__code", flat=True)))
    counted = services.exact_counts(
        organisation_ids=organisation_ids, regions=regions, year=year, sections=list(SECTIONS)
    )
    exact = {}
    for spec, leaves in counted:
        for r in spec.rows.keys:
            for c in spec.cols.keys:
                exact[(spec.key, r, c)] = sum(
                    leaves.get((mr, mc), 0)
                    for mr in spec.rows.members(r)
                    for mc in spec.cols.members(c)
                )
    return exact


def run(database: str, args: argparse.Namespace) -> dict:
    data_dir = tempfile.mkdtemp(prefix="bench-trends-")
    if database == "postgresql":
        reset_postgres()
    configure(database, data_dir)
    from django.db import connection

    from arrimage.trends import services
    from arrimage.trends.tables import Axis

    year = datetime.now(UTC).year - 1
    say(f"{database}: generating {args.records:,} records")
    started = time.perf_counter()
    setup = generate(args.records, args.organisations, year, args.seed)
    say(f"{database}: generated in {time.perf_counter() - started:.0f}s")
    coalition, membership = setup["coalition"], setup["membership"]
    organisation_ids = [
        str(o).replace("-", "") if database == "sqlite" else str(o)
        for o in coalition.organisations.values_list("pk", flat=True)
    ]
    baseline = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(organisation_ids))
            cursor.execute(
                f"SELECT COUNT(*) FROM trends_statisticsrecord WHERE year = %s AND "
                f"organisation_id IN ({marks})",
                [year, *organisation_ids],
            )
            cursor.fetchone()
        baseline.append(time.perf_counter() - t0)
    from arrimage.trends import sources

    t0 = time.perf_counter()
    sources.statistics_records_refresh(
        organisation_ids=list(coalition.organisations.values_list("pk", flat=True))
    )
    first_sync = time.perf_counter() - t0
    say(f"{database}: first projection sync (every case and consent checked) {first_sync:.1f}s")
    timings, releases = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        release = services.release_create(
            actor=membership,
            coalition_id=coalition.pk,
            year=year,
            method="dp",
            epsilon=args.epsilon,
        )
        timings.append(time.perf_counter() - t0)
        releases.append(release)
    say(f"{database}: releases in " + ", ".join(f"{t:.2f}s" for t in timings))
    exact = exact_tables(coalition, year)
    errors, within, published, suppressed = [], 0, 0, 0
    for release in releases:
        for table in release.content["tables"]:
            rows = Axis.from_json(table["rows"]).keys
            cols = Axis.from_json(table["cols"]).keys
            for i, r in enumerate(rows):
                for j, c in enumerate(cols):
                    cell = table["cells"][i][j]
                    if cell["v"] is None:
                        suppressed += 1
                        continue
                    error = abs(int(cell["v"]) - exact[(table["key"], r, c)])
                    errors.append(error)
                    within += error <= int(cell["a"])
                    published += 1
    return {
        "release": statistics.median(timings),
        "baseline": statistics.median(baseline),
        "mae": statistics.fmean(errors) if errors else 0.0,
        "within": within / published if published else 0.0,
        "cells": published,
        "suppressed": suppressed,
        "epsilon": args.epsilon,
        "first_sync": first_sync,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--epsilon", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        print("FIGURES " + json.dumps(run(args.only, args)), flush=True)
        return
    import subprocess

    results = {}
    for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
        command = [
            sys.executable,
            __file__,
            "--only",
            database,
            "--records",
            str(args.records),
            "--organisations",
            str(args.organisations),
            "--repeat",
            str(args.repeat),
            "--epsilon",
            str(args.epsilon),
            "--seed",
            str(args.seed),
        ]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        sys.stdout.write(completed.stdout)
        if completed.returncode != 0:
            sys.stderr.write(completed.stderr[-4000:])
            raise SystemExit(f"{database} run failed")
        line = next(x for x in completed.stdout.splitlines() if x.startswith("FIGURES "))
        results[database] = json.loads(line[len("FIGURES ") :])
    for database, f in results.items():
        print(
            f"BASELINE bare_count_{database} measured={f['baseline']:.3f}s "
            f"release_over_baseline={f['release'] / max(f['baseline'], 1e-6):.1f}x"
        )
        print(
            f"ERROR {database} epsilon={f['epsilon']} cells={f['cells']} "
            f"suppressed={f['suppressed']} mean_absolute_error={f['mae']:.2f} "
            f"within_stated_accuracy={100 * f['within']:.1f}%"
        )
    for database, f in results.items():
        verdict = "PASS" if f["release"] <= TARGET_SECONDS else "MISS"
        print(
            f"TARGET release_seconds_{database} measured={f['release']:.2f}s "
            f"target={TARGET_SECONDS:.0f}s {verdict}"
        )


if __name__ == "__main__":
    main()
