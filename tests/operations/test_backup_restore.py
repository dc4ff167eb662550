"""The restore drill: `arrimage backup` of a live instance, then `arrimage restore` into an empty
one, started as production starts it, which must verify the audit chain, open every sealed
field with the keys the archive brought back, and check the release signatures.

The drill runs on the suite's database: SQLite here, PostgreSQL in CI (pg_dump and pg_restore
into a database created for the test)."""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases import document_services
from arrimage.core.audit_check import audit_anchor
from arrimage.operations.backup import KEYS, MANIFEST, BackupError, keys_open
from arrimage.trends import services as trend_services
from tests.cases.conftest import marker, membership, populate
from tests.conftest import make_side
from tests.trends.conftest import cases_with_consent, member

pytestmark = pytest.mark.django_db(transaction=True)

PASSPHRASE = "raquette-érable-brume-2026"
ARRIMAGE = str(Path(sys.executable).parent / "arrimage")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def instance(side_a, side_b, coalition):
    """Two organisations with identical cases, a sealed document and a signed release."""
    case = populate(side_a, "A")
    populate(side_b, "B")
    document_services.document_add(
        actor_membership=membership(side_a),
        case_id=case.pk,
        category="legal",
        filename="plainte-A.png",
        content=PNG,
    )
    partner = make_side("P", coalition=coalition)
    cases_with_consent(side_a, partner.organisation, 6)
    release = trend_services.release_create(
        actor=member(side_a, Role.COORDINATOR),
        coalition_id=coalition.pk,
        year=timezone.now().year,
        method="suppression",
    )
    return release


@pytest.fixture
def passphrase_file(tmp_path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n")
    return path


@pytest.fixture
def target(tmp_path) -> Iterator[dict[str, str]]:
    """The environment of an empty production instance: its own data folder, key files not yet
    written, and on PostgreSQL a new, empty database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARRIMAGE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    keys = tmp_path / "keys"
    env.update(
        ARRIMAGE_MODE="production",
        ARRIMAGE_SECRET_KEY="restore-drill-" + uuid.uuid4().hex * 2,
        ARRIMAGE_ALLOWED_HOSTS="arrimage.example.org",
        ARRIMAGE_DATA_DIR=str(tmp_path / "restored"),
        ARRIMAGE_MASTER_KEY_FILE=str(keys / "master.key"),
        ARRIMAGE_SIGNING_KEY_FILE=str(keys / "signing.key"),
    )
    database = None
    if connection.vendor == "postgresql":
        database = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{database}"')
        here = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{here['USER']}@{here['HOST'] or '127.0.0.1'}:"
            f"{here['PORT'] or 5432}/{database}"
        )
    yield env
    if database is not None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _arrimage(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [ARRIMAGE, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


def _backup(tmp_path: Path, passphrase_file: Path) -> Path:
    archive = tmp_path / "arrimage.backup"
    call_command("backup", str(archive), passphrase_file=str(passphrase_file), stdout=io.StringIO())
    return archive


def _tables(env: dict[str, str]) -> list[str]:
    shown = _arrimage(
        env,
        "manage",
        "shell",
        "-c",
        "import json\n"
        "from django.db import connection\n"
        "print(json.dumps(connection.introspection.table_names()))",
    )
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout.strip().splitlines()[-1])


def test_a_backup_restores_into_an_empty_instance_and_verifies(
    instance, tmp_path, passphrase_file, target
):
    release = instance
    archive = _backup(tmp_path, passphrase_file)
    assert archive.stat().st_mode & 0o777 == 0o600
    anchor = audit_anchor()

    restored = _arrimage(target, "restore", str(archive), stdin=PASSPHRASE + "\n")

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "restore verified" in restored.stdout
    for check in ("audit chain", "audit head", "sealed fields", "release signatures"):
        assert f"{check}: ok" in restored.stdout
    keys = Path(target["ARRIMAGE_MASTER_KEY_FILE"]).parent
    assert {p.name for p in keys.iterdir()} == {"master.key", "signing.key"}
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in keys.iterdir())
    # The restored instance is the same instance: same audit head, same sealed values, same
    # signed release, same document.
    verified = _arrimage(target, "audit-verify")
    assert verified.returncode == 0, verified.stderr
    assert f"head: sequence {anchor['sequence']}, hash {anchor['hash']}" in verified.stdout
    opened = _arrimage(
        target,
        "manage",
        "shell",
        "-c",
        "from arrimage.cases.models import Note, Document\n"
        "from arrimage.core.crypto import open_field\n"
        "print(sorted(open_field(n, 'body_sealed') for n in Note.objects.all()))\n"
        "print([open_field(d, 'filename_sealed') for d in Document.objects.all()])\n"
        "from arrimage.trends.models import Release\n"
        "print(list(Release.objects.values_list('pk', flat=True)))",
    )
    assert opened.returncode == 0, opened.stderr
    for label in ("a", "b"):
        assert marker(label, "health", "note") in opened.stdout
    assert "plainte-A.png" in opened.stdout
    assert str(release.pk) in opened.stdout


def test_a_wrong_passphrase_restores_nothing(instance, tmp_path, passphrase_file, target):
    archive = _backup(tmp_path, passphrase_file)

    refused = _arrimage(target, "restore", str(archive), stdin="not the passphrase at all\n")

    assert refused.returncode != 0
    assert "passphrase is wrong" in refused.stderr
    assert _tables(target) == []
    assert not Path(target["ARRIMAGE_MASTER_KEY_FILE"]).exists()


def _rewrite(archive: Path, change) -> Path:
    """A copy of the archive with one member's bytes changed by ``change(name, data)``."""
    altered = archive.with_name("altered.backup")
    with tarfile.open(archive) as source, tarfile.open(altered, "w:") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            data = change(member.name, data)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return altered


def test_an_altered_database_member_is_refused(instance, tmp_path, passphrase_file, target):
    archive = _backup(tmp_path, passphrase_file)

    def flip_one_byte(name: str, data: bytes) -> bytes:
        if name.startswith("database."):
            middle = len(data) // 2
            return data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]
        return data

    refused = _arrimage(target, "restore", str(_rewrite(archive, flip_one_byte)), stdin=PASSPHRASE)

    assert refused.returncode != 0
    assert "does not match the manifest" in refused.stderr
    assert _tables(target) == []


def test_an_altered_manifest_keeps_the_keys_shut(instance, tmp_path, passphrase_file):
    archive = _backup(tmp_path, passphrase_file)
    with tarfile.open(archive) as source:
        manifest = source.extractfile(MANIFEST).read()
        keys = source.extractfile(KEYS).read()
    assert keys_open(keys, passphrase=PASSPHRASE, associated=manifest)
    forged = manifest.replace(b'"sequence": ', b'"sequence": 1')

    with pytest.raises(BackupError, match="changed after the backup"):
        keys_open(keys, passphrase=PASSPHRASE, associated=forged)


def test_the_archive_holds_no_key_or_personal_value_in_clear(instance, tmp_path, passphrase_file):
    archive = _backup(tmp_path, passphrase_file)
    with tarfile.open(archive) as source:
        manifest = source.extractfile(MANIFEST).read()
        keys = source.extractfile(KEYS).read()
    master = settings.ARRIMAGE_MASTER_KEY.encode()
    assert master not in manifest and master not in keys
    assert marker("a", "identity", "alias").encode() not in archive.read_bytes()


def test_a_restore_refuses_an_instance_that_holds_data(instance, tmp_path, passphrase_file, target):
    archive = _backup(tmp_path, passphrase_file)
    Path(target["ARRIMAGE_DATA_DIR"]).mkdir()
    migrated = _arrimage(target, "manage", "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr

    refused = _arrimage(target, "restore", str(archive), stdin=PASSPHRASE)

    assert refused.returncode != 0
    assert "not empty" in refused.stderr
    assert not Path(target["ARRIMAGE_MASTER_KEY_FILE"]).exists()


def test_a_short_passphrase_writes_no_archive(instance, tmp_path):
    archive = tmp_path / "arrimage.backup"
    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command("backup", str(archive), stdin=io.StringIO("court\n"))
    assert not archive.exists()
    assert not list(tmp_path.glob("*.partial"))


def test_an_existing_file_is_never_overwritten(instance, tmp_path, passphrase_file):
    archive = tmp_path / "arrimage.backup"
    archive.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(archive), passphrase_file=str(passphrase_file))
    assert archive.read_bytes() == b"yesterday's backup"


def test_the_passphrase_cannot_be_given_on_the_command_line(tmp_path, target):
    with pytest.raises((CommandError, TypeError)):
        call_command("backup", str(tmp_path / "x.backup"), passphrase=PASSPHRASE)
    shown = _arrimage(target, "backup", str(tmp_path / "x.backup"), "--passphrase", PASSPHRASE)
    assert shown.returncode != 0
    assert "unrecognized arguments" in shown.stderr
    assert not (tmp_path / "x.backup").exists()
