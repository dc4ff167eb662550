"""Benchmark: the caseworker worklist and the case page, with the policy applied, over
1,000,000 cases and 2,000 organisations, in-process, on SQLite and (with ``--postgres``)
PostgreSQL.

    .venv/bin/python bench/cases.py                      # SQLite, full size
    .venv/bin/python bench/cases.py --postgres           # and PostgreSQL (database bench_cases)
    .venv/bin/python bench/cases.py --cases 20000 --organisations 200 --requests 100  # small

Each database is a throwaway: a temporary SQLite file, or the PostgreSQL database
``bench_cases`` dropped and created again. Data is generated with bulk inserts (COPY on
PostgreSQL); every person's identity is sealed with its organisation's data key, exactly as
the application seals it. The measured organisations also get notes, tasks, consents from
other organisations (shared cases) and a coalition agreement, so the policy does its full work.

Measured, through Django's test client with the whole middleware stack (sessions, login,
CSRF, CSP, audit writes): ``GET /dossiers/`` (worklist) and ``GET /dossiers/<case>/`` (case
page). Two baselines, in the same run and process: a bare function that lists the same 25 cases
with one query and renders JSON (no middleware, policy, decryption or audit), and the
dashboard page ``GET /tableau/`` through the same middleware and base template (the floor of
any logged-in page).

Ends with one ``TARGET`` line per measure and database.
"""

import argparse
import json
import os
import random
import shutil
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

TARGET_MS = 50.0
PG_URL = "postgres://postgres@127.0.0.1:5432/bench_cases"
FRONT_LINE = ["community", "shelter", "health_social", "legal_aid", "immigration_legal"]
TYPES = FRONT_LINE * 3 + ["police", "government", "research", "other"]
NAMES = [
    "Rosa",
    "Maria",
    "Ana",
    "Luz",
    "Joy",
    "Mei",
    "Olena",
    "Amina",
    "Grace",
    "Nadia",
    "Sofia",
    "Lina",
    "Carmen",
    "Jasmine",
    "Iryna",
    "Fatou",
    "Liza",
    "Noor",
    "Tala",
    "Yara",
]
CHUNK = 20_000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def configure(database: str, data_dir: str) -> None:
    os.environ["ARRIMAGE_MODE"] = "test"
    os.environ["ARRIMAGE_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    if database == "postgresql":
        os.environ["DATABASE_URL"] = PG_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()


def reset_postgres() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_cases WITH (FORCE)")
        conn.execute("CREATE DATABASE bench_cases")


class Sealer:
    """The application's field encryption (arrimage.core.crypto), with each
    organisation's key looked up once instead of once per value."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        from arrimage.core import crypto

        self.crypto = crypto
        self.aesgcm = AESGCM
        self.keys: dict[str, tuple[int, object]] = {}

    def prepare(self, organisation_id: uuid.UUID) -> None:
        scope = str(organisation_id)
        row = self.crypto.data_key_create(scope=scope)
        self.keys[scope] = (row.version, self.aesgcm(self.crypto._data_key(scope, row.version)))

    def seal(
        self,
        plaintext: str,
        *,
        table: str,
        row_id: uuid.UUID,
        field: str,
        organisation_id: uuid.UUID,
    ) -> bytes:
        scope = str(organisation_id)
        version, aes = self.keys[scope]
        nonce = os.urandom(12)
        sealed = aes.encrypt(
            nonce,
            plaintext.encode(),
            self.crypto.associated_data(  # type: ignore[attr-defined]
                table=table, row_id=row_id, field=field, scope=scope
            ),
        )
        return self.crypto.HEADER.pack(self.crypto.MAGIC, version, nonce) + sealed


def insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    if not rows:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
        )


def generate(cases: int, organisations: int, measured: int, seed: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction

    from arrimage.accounts.models import Membership, User
    from arrimage.cases import services
    from arrimage.cases.models import Case, Person
    from arrimage.coalition.models import Coalition, CoalitionMembership, Organisation, Region
    from arrimage.privacy.categories import Category
    from arrimage.privacy.models import ConsentRecord, SharingAgreement, SharingRule
    from arrimage.privacy.policy import is_firewalled

    rng = random.Random(seed)
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log("migrated")
    vendor = connection.vendor

    def db(model, field, value):
        return model._meta.get_field(field).get_db_prep_value(value, connection)

    region = Region.objects.get(code="QC-06")
    coalition = Coalition.objects.create(name="Banc d'essai", level="provincial", province="QC")
    org_rows = []
    org_ids = []
    org_types = {}
    now = datetime.now(UTC)
    for index in range(organisations):
        org_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        org_type = TYPES[index % len(TYPES)]
        org_ids.append(org_id)
        org_types[org_id] = org_type
        org_rows.append(
            Organisation(
                id=org_id, name=f"Organisme {index:05d}", type=org_type, region=region, mandate=""
            )
        )
    Organisation.objects.bulk_create(org_rows, batch_size=1000)
    CoalitionMembership.objects.bulk_create(
        [CoalitionMembership(coalition=coalition, organisation_id=o) for o in org_ids],
        batch_size=1000,
    )
    agreement = SharingAgreement.objects.create(coalition=coalition, version=1)
    SharingRule.objects.bulk_create(
        [
            SharingRule(
                agreement=agreement, from_type=f, to_type=t, category=c, purpose="coordination"
            )
            for f in FRONT_LINE
            for t in set(TYPES)
            for c in Category.values
            if not is_firewalled(organisation_type=t, category=Category(c))
        ]
    )
    sealer = Sealer()
    for org_id in org_ids:
        sealer.prepare(org_id)
    log(f"{organisations} organisations and their data keys")

    front_line = [o for o in org_ids if org_types[o] in FRONT_LINE]
    measured_orgs = rng.sample(front_line, measured)
    password = make_password("bench-password-123")
    users = {}
    for org_id in measured_orgs:
        user = User.objects.create(
            email=f"cw-{org_id}@bench.example", full_name="Intervenante", password=password
        )
        Membership.objects.create(user=user, organisation_id=org_id, role="caseworker")
        users[org_id] = user

    person_columns = ["id", "organisation_id", "identity_sealed", "is_anonymised", "created_at"]
    case_columns = [
        "id",
        "person_id",
        "lead_organisation_id",
        "status",
        "is_urgent",
        "opened_at",
        "updated_at",
    ]
    statuses = ["Active"] * 6 + ["FollowUp"] * 2 + ["Closed", "ClosedReferred"]
    created_at = db(Person, "created_at", now)
    own_cases: dict[uuid.UUID, list[uuid.UUID]] = {o: [] for o in measured_orgs}
    measured_set = set(measured_orgs)
    persons, rows = [], []
    person_of: dict[uuid.UUID, uuid.UUID] = {}
    for index in range(cases):
        org_id = org_ids[rng.randrange(organisations)]
        person_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        case_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        identity = json.dumps(
            {"alias": rng.choice(NAMES), "gender": "Female", "age_band": "25-34"}, sort_keys=True
        )
        sealed = sealer.seal(
            identity,
            table="cases_person",
            row_id=person_id,
            field="identity_sealed",
            organisation_id=org_id,
        )
        persons.append(
            (
                db(Person, "id", person_id),
                db(Person, "organisation_id", org_id),
                sealed,
                False,
                created_at,
            )
        )
        updated = now - timedelta(minutes=rng.randrange(500_000))
        rows.append(
            (
                db(Case, "id", case_id),
                db(Case, "person_id", person_id),
                db(Case, "lead_organisation_id", org_id),
                rng.choice(statuses),
                rng.random() < 0.01,
                db(Case, "opened_at", updated),
                db(Case, "updated_at", updated),
            )
        )
        if org_id in measured_set:
            own_cases[org_id].append(case_id)
            person_of[case_id] = person_id
        if len(rows) >= CHUNK:
            with transaction.atomic():
                insert("cases_person", person_columns, persons)
                insert("cases_case", case_columns, rows)
            persons, rows = [], []
            if (index + 1) % 200_000 == 0:
                log(f"{index + 1} cases")
    with transaction.atomic():
        insert("cases_person", person_columns, persons)
        insert("cases_case", case_columns, rows)
    log(f"{cases} persons and cases")

    # Each measured organisation: notes and tasks on its cases (through the services, so
    # they are sealed and audited as in use), and cases shared with it by consent.
    from arrimage.accounts.models import Membership as M

    samples: dict[uuid.UUID, list[uuid.UUID]] = {}
    for org_id in measured_orgs:
        member = M.objects.select_related("organisation", "user").get(organisation_id=org_id)
        chosen = own_cases[org_id][:40]
        samples[org_id] = chosen
        for case_id in chosen:
            for category in ("coordination", "health", "immigration"):
                services.note_add(
                    actor_membership=member,
                    case_id=case_id,
                    category=category,
                    body="Suivi: rendez-vous pris, la personne va bien.",
                )
            services.task_add(
                actor_membership=member,
                case_id=case_id,
                title="Rappeler",
                due_on=(now + timedelta(days=rng.randrange(1, 14))).date(),
                assignee_id=member.user_id,
            )
        others = [o for o in measured_orgs if o != org_id]
        for other in others[:5]:
            for case_id in own_cases[other][:4]:
                ConsentRecord.objects.create(
                    person_id=person_of[case_id],
                    organisation_id=other,
                    recipient_id=org_id,
                    categories=["identity", "coordination", "health"],
                    purpose="coordination",
                    method="written",
                    recorded_at=now - timedelta(days=10),
                    expires_at=now + timedelta(days=300),
                )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log(f"data ready in {time.perf_counter() - started:.0f} s")
    return {"users": users, "samples": samples}


def measure(data: dict, requests: int, seed: int) -> dict[str, float]:
    from django.db import connection
    from django.http import JsonResponse
    from django.test import Client

    from arrimage.cases.models import Case

    rng = random.Random(seed + 1)
    clients = {}
    for org_id, user in data["users"].items():
        client = Client()
        client.force_login(user)
        clients[org_id] = client
    orgs = list(clients)

    def baseline(org_id) -> None:
        rows = list(
            Case.objects.filter(lead_organisation_id=org_id)
            .order_by("-is_urgent", "-updated_at")
            .values("id", "status", "updated_at")[:25]
        )
        JsonResponse({"cases": rows}, safe=False)

    results: dict[str, list[float]] = {
        "worklist": [],
        "case_page": [],
        "baseline": [],
        "dashboard": [],
    }
    for warm in range(10):
        org_id = orgs[warm % len(orgs)]
        clients[org_id].get("/dossiers/")
        clients[org_id].get(f"/dossiers/{data['samples'][org_id][0]}/")
        baseline(org_id)
    for _ in range(requests):
        org_id = rng.choice(orgs)
        client = clients[org_id]
        start = time.perf_counter()
        response = client.get("/dossiers/")
        results["worklist"].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        case_id = rng.choice(data["samples"][org_id])
        start = time.perf_counter()
        response = client.get(f"/dossiers/{case_id}/")
        results["case_page"].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        start = time.perf_counter()
        baseline(org_id)
        results["baseline"].append((time.perf_counter() - start) * 1000)
        # The floor of any logged-in page: the dashboard, through the same middleware
        # (session, login, CSP, no-store) and base template, with no personal data.
        start = time.perf_counter()
        response = client.get("/tableau/")
        results["dashboard"].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    connection.close()
    return {name: p95(values) for name, values in results.items()} | {
        f"{name}_median": statistics.median(values) for name, values in results.items()
    }


def run(database: str, args: argparse.Namespace) -> dict[str, float]:
    data_dir = tempfile.mkdtemp(prefix="bench-cases-")
    try:
        if database == "postgresql":
            reset_postgres()
        configure(database, data_dir)
        log(f"{database}: generating {args.cases} cases, {args.organisations} organisations")
        data = generate(args.cases, args.organisations, args.measured, args.seed)
        figures = measure(data, args.requests, args.seed)
        log(f"{database}: " + ", ".join(f"{k}={v:.1f}ms" for k, v in figures.items()))
        return figures
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=2_000)
    parser.add_argument(
        "--measured", type=int, default=20, help="organisations whose caseworker is measured"
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--postgres", action="store_true", help="also run on PostgreSQL (database bench_cases)"
    )
    parser.add_argument(
        "--only",
        choices=["sqlite", "postgresql"],
        help="run on this database only (used internally)",
    )
    args = parser.parse_args()
    if args.only:
        figures = run(args.only, args)
        print("FIGURES " + json.dumps(figures), flush=True)
        return
    # Django is configured once per process: each database runs in its own process.
    import subprocess

    databases = ["sqlite"] + (["postgresql"] if args.postgres else [])
    all_figures = {}
    for database in databases:
        command = [
            sys.executable,
            __file__,
            "--only",
            database,
            "--cases",
            str(args.cases),
            "--organisations",
            str(args.organisations),
            "--measured",
            str(args.measured),
            "--requests",
            str(args.requests),
            "--seed",
            str(args.seed),
        ]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        sys.stdout.write(completed.stdout)
        if completed.returncode != 0:
            sys.stderr.write(completed.stderr[-4000:])
            raise SystemExit(f"{database} run failed")
        line = next(x for x in completed.stdout.splitlines() if x.startswith("FIGURES "))
        all_figures[database] = json.loads(line[len("FIGURES ") :])
    for database, figures in all_figures.items():
        print(
            f"BASELINE bare_worklist_query_p95_{database} measured={figures['baseline']:.1f}ms "
            f"dashboard_page_p95={figures['dashboard']:.1f}ms "
            f"worklist_over_dashboard={figures['worklist'] / max(figures['dashboard'], 0.001):.1f}x"
        )
    for database, figures in all_figures.items():
        for name in ("worklist", "case_page"):
            value = figures[name]
            verdict = "PASS" if value <= TARGET_MS else "MISS"
            print(
                f"TARGET {name}_p95_{database} measured={value:.1f}ms "
                f"target={TARGET_MS:.0f}ms {verdict}"
            )


if __name__ == "__main__":
    main()
