"""Benchmark: the statistics projection's build from real cases, its refresh after 1% of the
cases changed, and a statistics release over 1,000,000 case records, on SQLite and PostgreSQL.

    .venv/bin/python bench/trends.py                        # both parts, both databases
    .venv/bin/python bench/trends.py --cases 200 --records 20000   # small
    .venv/bin/python bench/trends.py --databases sqlite --parts build

Each part runs in a throwaway database: a temporary SQLite file, or the PostgreSQL database
``bench_trends`` dropped and created again.

Build (``--cases``, default 20,000): real cases in 10 organisations (identity, exploitation,
immigration with permits, mental-health needs and health follow-ups, consents for statistics
for 85% of persons, some narrower). The first ``--through-services`` (default 300) are made
through the case and consent services; the rest are the same records, each column sealed with
its organisation's key as the services seal it, inserted in bulk (the services make about 15
cases a second here, so 20,000 would take half an hour). Timed: the worker's task
``trends.tasks.statistics_refresh`` building the projection for the first time (grants,
decryption of what each grant covers, codes sealed under the statistics key, sealed tallies),
then again after 1% of the cases changed their immigration status through the services, then
once more with nothing changed (its fixed cost). Baseline, in the same run: the bare
decryption of the same sealed fields (bulk reads, every value opened, nothing else). The
process's CPU time is printed next to each (on SQLite, all the work is in the process): on a
loaded machine it varies less than the wall time the targets use.

Release (``--records``, default 1,000,000): synthetic persons, cases, referrals (a third of the
cases, one to four each) and consents for statistics (85% of persons; some expired or
withdrawn), generated with bulk inserts (COPY on PostgreSQL) in one regional coalition of 50
organisations and one reference year, with the projection as the worker writes it (each
counted case's codes sealed, each organisation's tally sealed). Measured, in-process:
``trends.services.release_create`` with differential privacy, every section (11 tables), the
whole path (incremental refresh, opening and adding up the tallies, OpenDP noise, accuracy,
signing, storing, audit). Baseline: a bare ``SELECT COUNT(*)`` of the records. The error:
every published figure against the exact counts: mean absolute error per cell and the share
of cells within their stated 95% accuracy.

Ends with one ``TARGET`` line per target and database.
"""

import argparse
import collections
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
# The first build does what the bare decryption does (read and open every sealed field it
# needs) plus the policy's grants, the codes, sealing them and the tallies: at most 4 times.
TARGET_BUILD_RATIO = 4.0
# A refresh after 1% of the cases changed reads those only: at most 5% of a first build.
TARGET_REFRESH_SHARE = 5.0
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
    from arrimage.cases.references import reference_new
    from arrimage.directory.models import DirectoryOrganization, Service
    from arrimage.orientation.needs import NEEDS
    from arrimage.trends import sources
    from arrimage.trends import vocabulary as vocab
    from arrimage.trends.models import ProjectionState, StatisticsRecord, StatisticsTally
    from arrimage.trends.tallies import Tally

    tallies = collections.defaultdict(Tally)
    screenings = [vocab.NO_SCREENING] * 6 + [0, 1, 2, 3, 5, 9]

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
            persons, cases, stats, consents, referrals, to_seal = [], [], [], [], [], []
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
                        reference_new(),
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
                codes = {
                    "month": month,
                    "region": region_of[org.pk],
                    "gender": rng.choice(genders),
                    "age": rng.choice(ages),
                    "immigration": rng.choice(buckets),
                    "exploitation": mask,
                    "trp_delay": rng.choice(trp_delays),
                    "asylum": rng.choice(applications),
                    "humanitarian": rng.choice(applications),
                    "mental_health": rng.choice(mental),
                    "health_coverage": rng.choice(coverages),
                    "referral_first": slots[0],
                    "referral_second": slots[1],
                    # Most persons were not screened; the others have a few indicators.
                    "screening_indicators": rng.choice(screenings),
                }
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
                reported = rng.random() < 0.03
                counted = 0.04 <= draw < 0.85 and not reported
                record = StatisticsRecord(case_id=case_id, codes_sealed=b"")
                if counted:
                    # As the worker writes them: the codes sealed under the statistics key,
                    # and added to the organisation's tally.
                    to_seal.append((record, codes))
                    tallies[org.pk].add(codes)
                stats.append(
                    (
                        uid(case_id),
                        uid(person_id),
                        uid(org.pk),
                        year,
                        True,
                        reported,
                        stamp(opened),
                        counted,
                        record,
                    )
                )
            sources.codes_seal(to_seal)
            stats = [(*row[:-1], bytes(row[-1].codes_sealed)) for row in stats]
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
                    "reference",
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
                    "is_first_of_person",
                    "is_reported_elsewhere",
                    "source_updated_at",
                    "counted",
                    "codes_sealed",
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
        for org in orgs:
            row = StatisticsTally.objects.create(organisation=org, year=year)
            sources.tallies_store([(row, tallies[org.pk])])
            ProjectionState.objects.create(organisation=org, synced_at=datetime.now(UTC))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "coalition": coalition,
        "membership": Membership.objects.select_related("organisation").get(user=user),
    }


def exact_tables(coalition, year: int) -> dict:
    from arrimage.trends import counting
    from arrimage.trends.tables import SECTIONS

    organisation_ids = list(coalition.organisations.values_list("pk", flat=True))
    regions = sorted(set(coalition.organisations.values_list("region__code", flat=True)))
    counted = counting.exact_counts(
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
    timings, releases = [], []
    profile = os.environ.get("BENCH_PROFILE")  # a file: pyinstrument's text of the releases
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
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
    if profiler is not None:
        profiler.stop()
        Path(str(profile)).write_text(profiler.output_text(show_all=False))
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
    }


# The projection's build from real cases ------------------------------------------------------

GENDERS_HTCDS = ["Female"] * 7 + ["Male"] * 2 + ["NonConforming"]
AGE_BANDS = ["0-17", "18-24", "18-24", "25-34", "35-44", "45-59"]
STATUSES = ["citizen", "permanent_resident", "trp_victim", "work_permit", "asylum_claimant",
            "no_status"]  # fmt: skip
SEX = [["Prostitution"], [], [], ["Pornography"]]
LABOUR = [[], ["Agriculture"], ["Begging"], []]
STATISTICS_CATEGORIES = ["identity", "exploitation", "immigration", "health", "coordination"]


def real_cases(count: int, organisations: int, seed: int, *, through_services: int) -> dict:
    """``count`` real cases in ``organisations`` organisations, as caseworkers make them:
    identity, exploitation, immigration (with permits), a mental-health need and a health
    follow-up for some, and a consent for statistics for 85% of the persons (some narrower).

    The first ``through_services`` go through the case and consent services one by one (about
    15 a second on this machine). The rest are the same records, sealed the same way (each
    column with its organisation's key) and inserted in bulk, so that tens of thousands are
    made in a few minutes: what the projection reads is the same either way."""
    from django.core.management import call_command
    from faker import Faker

    from arrimage.accounts.models import Membership, Role, User
    from arrimage.cases import plan_services, track_services
    from arrimage.cases import services as case_services
    from arrimage.coalition.models import Coalition, CoalitionLevel, Organisation, Region
    from arrimage.privacy.consent import consent_record

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    faker = Faker("fr_CA")
    faker.seed_instance(seed)
    coalition = Coalition.objects.create(name="Bench", level=CoalitionLevel.REGIONAL)
    actors = []
    for i in range(organisations):
        org = Organisation.objects.create(
            name=f"Org {i}", type="community", region=Region.objects.get(code=REGIONS[i % 6])
        )
        coalition.organisations.add(org)
        user = User.objects.create_user(
            email=f"worker{i}@example.org", password=None, full_name=faker.name()
        )
        actors.append(Membership.objects.create(user=user, organisation=org, role=Role.CASEWORKER))
    cases = []
    for number in range(min(count, through_services)):
        actor = actors[number % organisations]
        case = case_services.case_create(
            actor_membership=actor,
            identity={
                "alias": faker.first_name(),
                "gender": rng.choice(GENDERS_HTCDS),
                "age_band": rng.choice(AGE_BANDS),
            },
        )
        kind = rng.randrange(4)
        track_services.exploitation_update(
            actor_membership=actor,
            case_id=case.pk,
            data={"sex_exploitation_types": SEX[kind], "labour_exploitation_types": LABOUR[kind]},
        )
        track_services.immigration_update(
            actor_membership=actor, case_id=case.pk, data=_immigration(rng)
        )
        if rng.random() < 0.4:
            need = plan_services.need_add(
                actor_membership=actor, case_id=case.pk, need_type="mental_health", urgency="high"
            )
            plan_services.need_set_status(
                actor_membership=actor,
                case_id=case.pk,
                need_id=need.pk,
                status=rng.choice(NEED_STATUSES),
            )
            track_services.health_follow_up_add(
                actor_membership=actor,
                case_id=case.pk,
                data={"kind": "referral", "service": "CLSC", "coverage": rng.choice(COVERAGES)},
            )
        if rng.random() < 0.85:
            consent_record(
                actor_membership=actor,
                person=case.person,
                recipient=actors[(number + 1) % organisations].organisation,
                categories=_consented(rng),
                purpose="statistics",
                method="written",
                expires_at=datetime.now(UTC) + timedelta(days=365),
            )
        cases.append((actor, case.pk))
        if (number + 1) % 500 == 0:
            say(f"  {number + 1:,} cases through the services")
    made = len(cases)
    while made < count:
        size = min(5000, count - made)
        cases += _cases_in_bulk(actors, size, rng, faker, first=made)
        made += size
        say(f"  {made:,} cases")
    return {"coalition": coalition, "cases": cases}


NEED_STATUSES = ["open", "in_progress", "met", "unmet"]
COVERAGES = ["ramq", "ifhp", "community", "none"]


def _immigration(rng: random.Random) -> dict:
    status = rng.choice(STATUSES)
    immigration = {"status": status, "asylum_claim": rng.choice(["", "planned", "filed"])}
    if status == "trp_victim":
        issued = datetime.now(UTC).date() - timedelta(days=rng.randint(0, 200))
        immigration["trp_issued_on"] = issued.isoformat()
    return immigration


def _consented(rng: random.Random) -> list[str]:
    return STATISTICS_CATEGORIES if rng.random() < 0.8 else ["identity"]


def _cases_in_bulk(actors: list, size: int, rng: random.Random, faker, *, first: int) -> list:
    """``size`` cases with the records the services write, inserted in bulk in one
    transaction. Each sealed column holds what ``cases.sealing.category_write`` writes (the
    category's fields as sorted JSON, sealed for its row with its organisation's key), sealed
    a batch at a time (``crypto.seal_fields``: the key version read once, not once a row)."""
    from django.db import transaction

    from arrimage.cases.models import (
        Case,
        Exploitation,
        HealthFollowUp,
        ImmigrationTrack,
        Need,
        Person,
        Plan,
    )
    from arrimage.core import crypto
    from arrimage.privacy.models import ConsentRecord

    now = datetime.now(UTC)
    rows: dict[type, list] = collections.defaultdict(list)
    sealing: dict[tuple[type, str], list] = collections.defaultdict(list)

    def seal(instance, column: str, data: dict) -> None:
        sealing[(type(instance), column)].append((instance, json.dumps(data, sort_keys=True)))

    made = []
    for number in range(first, first + size):
        actor = actors[number % len(actors)]
        organisation = actor.organisation
        person = Person(organisation=organisation)
        seal(
            person,
            "identity_sealed",
            {
                "alias": faker.first_name(),
                "gender": rng.choice(GENDERS_HTCDS),
                "age_band": rng.choice(AGE_BANDS),
            },
        )
        case = Case(person=person, lead_organisation=organisation, assigned_worker_id=actor.user_id)
        owned = {"case": case, "owner_organisation": organisation}
        kind = rng.randrange(4)
        exploitation = Exploitation(**owned)
        seal(
            exploitation,
            "exploitation_sealed",
            {"labour_exploitation_types": LABOUR[kind], "sex_exploitation_types": SEX[kind]},
        )
        track = ImmigrationTrack(**owned)
        seal(track, "immigration_sealed", _immigration(rng))
        rows[Person].append(person)
        rows[Case].append(case)
        rows[Plan].append(Plan(**owned))
        rows[Exploitation].append(exploitation)
        rows[ImmigrationTrack].append(track)
        if rng.random() < 0.4:
            rows[Need].append(
                Need(
                    **owned,
                    need_type="mental_health",
                    urgency="high",
                    status=rng.choice(NEED_STATUSES),
                )
            )
            follow_up = HealthFollowUp(**owned)
            seal(
                follow_up,
                "health_sealed",
                {"coverage": rng.choice(COVERAGES), "kind": "referral", "service": "CLSC"},
            )
            rows[HealthFollowUp].append(follow_up)
        if rng.random() < 0.85:
            rows[ConsentRecord].append(
                ConsentRecord(
                    person_id=person.pk,
                    organisation=organisation,
                    recipient=actors[(number + 1) % len(actors)].organisation,
                    categories=_consented(rng),
                    purpose="statistics",
                    method="written",
                    recorded_at=now,
                    expires_at=now + timedelta(days=365),
                    recorded_by_id=actor.user_id,
                )
            )
        made.append((actor, case.pk))
    for (_model, column), items in sealing.items():
        for (instance, _text), ciphertext in zip(
            items, crypto.seal_fields(items, column), strict=True
        ):
            setattr(instance, column, ciphertext)
    with transaction.atomic():
        for model in (Person, Case, Plan, Exploitation, ImmigrationTrack, Need, HealthFollowUp,
                      ConsentRecord):  # fmt: skip
            model.objects.bulk_create(rows[model], batch_size=1000)
    return made


def bare_decryption(organisation_ids: list) -> int:
    """The baseline: read every sealed field the projection needs (identity, exploitation,
    immigration, health) in four bulk queries and decrypt each, with no policy, no codes and
    no writes. Returns the number of values opened."""
    from arrimage.cases.models import (
        Case,
        Exploitation,
        HealthFollowUp,
        ImmigrationTrack,
        Person,
    )
    from arrimage.core import crypto

    opened = 0
    case_ids = list(
        Case.objects.filter(lead_organisation_id__in=organisation_ids).values_list("pk", flat=True)
    )
    queries = [
        (Person.objects.filter(cases__pk__in=case_ids).distinct(), "identity_sealed"),
        (Exploitation.objects.filter(case_id__in=case_ids), "exploitation_sealed"),
        (ImmigrationTrack.objects.filter(case_id__in=case_ids), "immigration_sealed"),
        (HealthFollowUp.objects.filter(case_id__in=case_ids), "health_sealed"),
    ]
    for queryset, column in queries:
        for row in queryset.iterator(chunk_size=2000):
            if getattr(row, column):
                json.loads(crypto.open_field(row, column))
                opened += 1
    return opened


def build_run(database: str, args: argparse.Namespace) -> dict:
    """The projection's first build from real cases, then an incremental refresh after 1% of
    the cases changed through the services; the bare decryption of the same fields as the
    baseline."""
    data_dir = tempfile.mkdtemp(prefix="bench-trends-build-")
    if database == "postgresql":
        reset_postgres()
    configure(database, data_dir)
    from arrimage.cases import track_services
    from arrimage.trends import tasks

    say(f"{database}: {args.cases:,} cases ({args.through_services:,} through the services)")
    started = time.perf_counter()
    setup = real_cases(
        args.cases,
        args.build_organisations,
        args.seed,
        through_services=args.through_services,
    )
    say(f"{database}: made in {time.perf_counter() - started:.0f}s")
    organisation_ids = list(setup["coalition"].organisations.values_list("pk", flat=True))
    t0, c0 = time.perf_counter(), time.process_time()
    opened = bare_decryption(organisation_ids)
    baseline, baseline_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    tasks.statistics_refresh.call()
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    say(
        f"{database}: bare decryption {baseline:.2f}s ({opened:,} values), first build {build:.2f}s"
    )
    rng = random.Random(args.seed + 1)
    changed = rng.sample(setup["cases"], max(1, len(setup["cases"]) // 100))
    for actor, case_id in changed:
        track_services.immigration_update(
            actor_membership=actor, case_id=case_id, data={"status": rng.choice(STATUSES)}
        )
    profile = os.environ.get("BENCH_PROFILE")  # a file: pyinstrument's text of the refresh
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t0, c0 = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        tasks.statistics_refresh.call()
    refresh, refresh_cpu = time.perf_counter() - t0, time.process_time() - c0
    if os.environ.get("BENCH_QUERIES"):
        Path(os.environ["BENCH_QUERIES"]).write_text(
            "\n".join(q["sql"][:300] for q in queries.captured_queries)
        )
    if profiler is not None:
        profiler.stop()
        Path(str(profile)).write_text(profiler.output_text(show_all=False))
    say(
        f"{database}: refresh after {len(changed)} cases changed {refresh:.3f}s, "
        f"{len(queries.captured_queries)} queries"
    )
    t0, c0 = time.perf_counter(), time.process_time()
    tasks.statistics_refresh.call()
    idle, idle_cpu = time.perf_counter() - t0, time.process_time() - c0
    say(f"{database}: refresh with nothing changed (its fixed cost) {idle:.3f}s")
    return {
        "idle": idle,
        "cases": len(setup["cases"]),
        "changed": len(changed),
        "baseline": baseline,
        "build": build,
        "refresh": refresh,
        "queries": len(queries.captured_queries),
        "cpu": {
            "baseline": baseline_cpu,
            "build": build_cpu,
            "refresh": refresh_cpu,
            "idle": idle_cpu,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=50)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--through-services", type=int, default=300)
    parser.add_argument("--build-organisations", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--epsilon", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--parts", default="build,release")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--part", choices=["build", "release"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        figures = build_run(args.only, args) if args.part == "build" else run(args.only, args)
        print("FIGURES " + json.dumps(figures), flush=True)
        return
    import subprocess

    results: dict[tuple[str, str], dict] = {}
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
        for part in parts:
            command = [sys.executable, __file__, "--only", database, "--part", part]
            for option in (
                "records",
                "organisations",
                "cases",
                "through_services",
                "build_organisations",
            ):
                command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
            for option in ("repeat", "epsilon", "seed"):
                command += [f"--{option}", str(getattr(args, option))]
            completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            sys.stdout.write(completed.stdout)
            if completed.returncode != 0:
                sys.stderr.write(completed.stderr[-4000:])
                raise SystemExit(f"{database} {part} run failed")
            line = next(x for x in completed.stdout.splitlines() if x.startswith("FIGURES "))
            results[(database, part)] = json.loads(line[len("FIGURES ") :])
    for (database, part), f in results.items():
        if part == "build":
            print(
                f"BASELINE bare_decryption_{database} measured={f['baseline']:.2f}s "
                f"cases={f['cases']} build={f['build']:.2f}s "
                f"build_over_baseline={f['build'] / max(f['baseline'], 1e-6):.1f}x "
                f"refresh_after={f['changed']}_changed={f['refresh']:.3f}s "
                f"refresh_nothing_changed={f.get('idle', 0):.3f}s "
                f"build_per_case={1000 * f['build'] / f['cases']:.2f}ms "
                f"(a first build of 1,000,000 cases: about "
                f"{f['build'] / f['cases'] * 1_000_000 / 60:.0f} min)"
            )
            cpu = f["cpu"]
            print(
                f"CPU {database} bare_decryption={cpu['baseline']:.2f}s build={cpu['build']:.2f}s "
                f"refresh_after={f['changed']}_changed={cpu['refresh']:.3f}s "
                f"({100 * cpu['refresh'] / max(cpu['build'], 1e-6):.1f}% of the build, "
                f"{f['queries']} queries) refresh_nothing_changed={cpu['idle']:.3f}s"
            )
        else:
            print(
                f"BASELINE bare_count_{database} measured={f['baseline']:.3f}s "
                f"release_over_baseline={f['release'] / max(f['baseline'], 1e-6):.1f}x"
            )
            print(
                f"ERROR {database} epsilon={f['epsilon']} cells={f['cells']} "
                f"suppressed={f['suppressed']} mean_absolute_error={f['mae']:.2f} "
                f"within_stated_accuracy={100 * f['within']:.1f}%"
            )
    for (database, part), f in results.items():
        if part == "build":
            ratio = f["build"] / max(f["baseline"], 1e-6)
            verdict = "PASS" if ratio <= TARGET_BUILD_RATIO else "MISS"
            print(
                f"TARGET projection_build_over_decryption_{database} measured={ratio:.1f}x "
                f"target={TARGET_BUILD_RATIO:.1f}x {verdict}"
            )
            share = 100 * f["refresh"] / max(f["build"], 1e-6)
            verdict = "PASS" if share <= TARGET_REFRESH_SHARE else "MISS"
            print(
                f"TARGET projection_refresh_1pct_over_build_{database} measured={share:.1f}% "
                f"target={TARGET_REFRESH_SHARE:.1f}% {verdict}"
            )
        else:
            verdict = "PASS" if f["release"] <= TARGET_SECONDS else "MISS"
            print(
                f"TARGET release_seconds_{database} measured={f['release']:.2f}s "
                f"target={TARGET_SECONDS:.0f}s {verdict}"
            )


if __name__ == "__main__":
    main()
