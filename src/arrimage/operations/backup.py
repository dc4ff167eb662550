"""Backups and restores: one archive holds the database and the keys that open it.

The archive is an uncompressed POSIX tar with exactly three members:

- ``manifest.json``: the format, when, the database vendor, the migrations applied, the
  database member's name, size and SHA-256, and the audit head at the time of the backup;
- ``database.sqlite3`` (SQLite's online backup API) or ``database.pgdump`` (``pg_dump
  --format=custom``), both made by django-dbbackup's connectors. Documents are stored sealed in
  the database, so this member holds them too;
- ``keys.json``: the master key and the release signing key, sealed with AES-256-GCM under a
  key derived from a passphrase (scrypt). The manifest is the associated data: a manifest or a
  database member changed after the backup makes the keys refuse to open.

The passphrase never travels on the command line: it comes from a file or from standard input.
"""

import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from dbbackup.db.base import get_connector
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from arrimage.core.audit_check import audit_anchor, audit_verify
from arrimage.privacy.sealing import master_key_export, sealed_fields_check
from arrimage.trends import signing
from arrimage.trends.models import Release, ReleaseOrigin
from arrimage.trends.selectors import release_payload_is_intact

FORMAT = "arrimage-backup/1"
MANIFEST = "manifest.json"
KEYS = "keys.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MINIMUM_PASSPHRASE = 12
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1  # about 32 MB and a tenth of a second
MAX_SMALL_MEMBER = 1_000_000  # manifest and keys: bytes
COPY_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Keys:
    master_key: str  # base64, as in ARRIMAGE_MASTER_KEY
    signing_key: str  # base64 of the Ed25519 private key, as in ARRIMAGE_SIGNING_KEY


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    key_files: list[str] = field(default_factory=list)
    migrations_applied: int = 0
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


# Passphrase sealing ---------------------------------------------------------------------------


def _derive(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(
        passphrase.encode("utf-8")
    )


def keys_seal(keys: Keys, *, passphrase: str, associated: bytes) -> bytes:
    salt, nonce = os.urandom(16), os.urandom(12)
    plaintext = json.dumps({"master_key": keys.master_key, "signing_key": keys.signing_key})
    sealed = AESGCM(_derive(passphrase, salt)).encrypt(nonce, plaintext.encode(), associated)
    document = {
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P},
        "cipher": "AES-256-GCM",
        "salt": base64.b64encode(salt).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "sealed": base64.b64encode(sealed).decode(),
    }
    return json.dumps(document, indent=1).encode()


def keys_open(data: bytes, *, passphrase: str, associated: bytes) -> Keys:
    try:
        document = json.loads(data)
        kdf = document["kdf"]
        if kdf.get("name") != "scrypt" or document.get("cipher") != "AES-256-GCM":
            raise BackupError("the keys are sealed in a way this version does not know")
        salt = base64.b64decode(document["salt"])
        nonce = base64.b64decode(document["nonce"])
        sealed = base64.b64decode(document["sealed"])
        key = Scrypt(
            salt=salt, length=32, n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"])
        ).derive(passphrase.encode("utf-8"))
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError("the archive's keys member is damaged") from error
    try:
        plaintext = AESGCM(key).decrypt(nonce, sealed, associated)
    except InvalidTag as error:
        raise BackupError(
            "the keys do not open: the passphrase is wrong, or the archive was changed after "
            "the backup"
        ) from error
    values = json.loads(plaintext)
    return Keys(master_key=values["master_key"], signing_key=values["signing_key"])


def passphrase_check(passphrase: str) -> str:
    if len(passphrase) < MINIMUM_PASSPHRASE:
        raise BackupError(f"the passphrase must have at least {MINIMUM_PASSPHRASE} characters")
    return passphrase


# Backup -----------------------------------------------------------------------------------------


def _current_keys() -> Keys:
    private = signing.signing_key().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return Keys(
        master_key=master_key_export(), signing_key=base64.urlsafe_b64encode(private).decode()
    )


def _applied_migrations() -> list[str]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.applied_migrations)


def _audit_head() -> dict[str, Any]:
    return audit_anchor()


def _same_audit_head(head: dict[str, Any], expected: dict[str, Any]) -> bool:
    """A backup made before the log had several chains recorded the single head, which the
    upgrade made chain 1's."""
    if "chains" not in expected:
        single = {"sequence": expected.get("sequence"), "hash": expected.get("hash")}
        return head["chains"] == ({"1": single} if single["sequence"] else {})
    return bool(head == expected)


def _digest_file(handle: IO[bytes]) -> tuple[str, int]:
    handle.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(COPY_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def backup_create(*, path: Path, passphrase: str) -> dict[str, Any]:
    """Write the archive to ``path`` (never over an existing file). Returns the manifest."""
    passphrase_check(passphrase)
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already: choose a new file name")
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")
    keys = _current_keys()
    dump = get_connector().create_dump()
    try:
        sha256, size = _digest_file(dump)
        member = DATABASE_MEMBERS[connection.vendor]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "vendor": connection.vendor,
            "database": {"member": member, "sha256": sha256},
            "database_size": size,
            "migrations": _applied_migrations(),
            "audit_head": _audit_head(),
        }
        manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True).encode()
        partial = path.with_name(path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:") as archive:
                _add_bytes(archive, MANIFEST, manifest_bytes)
                info = tarfile.TarInfo(member)
                info.size, info.mode = size, 0o600
                archive.addfile(info, dump)
                _add_bytes(
                    archive,
                    KEYS,
                    keys_seal(keys, passphrase=passphrase, associated=manifest_bytes),
                )
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    finally:
        dump.close()
    return manifest


# Reading an archive ---------------------------------------------------------------------------


@dataclass
class OpenedBackup:
    manifest: dict[str, Any]
    keys: Keys
    database_file: Path  # a temporary copy of the database member, checked against the manifest


@contextmanager
def backup_open(*, path: Path, passphrase: str, scratch: Path) -> Iterator[OpenedBackup]:
    """Check the archive and open its keys; the database member is copied into ``scratch``
    and its digest checked. Nothing outside ``scratch`` is written."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    try:
        archive = tarfile.open(path, mode="r:")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path} is not an Arrimage backup archive") from error
    with archive:
        members = {member.name: member for member in archive.getmembers()}
        manifest_bytes = _small_member(archive, members, MANIFEST)
        try:
            manifest = json.loads(manifest_bytes)
        except ValueError as error:
            raise BackupError("the manifest is not JSON") from error
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError("this archive is not in a format this version knows")
        database_name = manifest.get("database", {}).get("member")
        if database_name not in DATABASE_MEMBERS.values():
            raise BackupError("the manifest names no database member")
        if set(members) != {MANIFEST, KEYS, database_name}:
            raise BackupError("the archive holds unexpected members: it was not made here")
        keys = keys_open(
            _small_member(archive, members, KEYS),
            passphrase=passphrase,
            associated=manifest_bytes,
        )
        member = members[database_name]
        if not member.isfile():
            raise BackupError("the database member is not a file")
        source = archive.extractfile(member)
        if source is None:
            raise BackupError("the database member cannot be read")
        target = scratch / database_name
        digest = hashlib.sha256()
        with source, open(target, "wb") as out:
            while chunk := source.read(COPY_CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != manifest["database"]["sha256"]:
            raise BackupError("the database member does not match the manifest: it was altered")
    yield OpenedBackup(manifest=manifest, keys=keys, database_file=target)


def _small_member(
    archive: tarfile.TarFile, members: dict[str, tarfile.TarInfo], name: str
) -> bytes:
    member = members.get(name)
    if member is None or not member.isfile() or member.size > MAX_SMALL_MEMBER:
        raise BackupError(f"the archive has no readable {name}")
    handle = archive.extractfile(member)
    if handle is None:
        raise BackupError(f"the archive has no readable {name}")
    with handle:
        return handle.read()


# Restore ----------------------------------------------------------------------------------------


def _instance_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _key_destinations(keys_dir: Path | None) -> tuple[Path | None, Path | None]:
    if keys_dir is not None:
        return keys_dir / "master.key", keys_dir / "signing.key"
    master = Path(settings.ARRIMAGE_MASTER_KEY_FILE) if settings.ARRIMAGE_MASTER_KEY_FILE else None
    return master, signing.key_file_path()


def _same_key(configured: str, restored: str) -> bool:
    return base64.urlsafe_b64decode(configured.strip()) == base64.urlsafe_b64decode(restored)


def _plan_keys(keys: Keys, keys_dir: Path | None) -> list[tuple[Path, str]]:
    """The key files to write. Refuses when the instance already holds a different key."""
    master_path, signing_path = _key_destinations(keys_dir)
    writes: list[tuple[Path, str]] = []
    for label, configured, path, value in (
        ("master", settings.ARRIMAGE_MASTER_KEY, master_path, keys.master_key),
        ("signing", os.environ.get("ARRIMAGE_SIGNING_KEY", ""), signing_path, keys.signing_key),
    ):
        if configured and keys_dir is None:
            if not _same_key(configured, value):
                raise BackupError(
                    f"this instance is configured with another {label} key: unset it, or give "
                    "--keys-dir to write the archive's keys elsewhere"
                )
            continue
        if path is None:
            raise BackupError(
                f"no place for the {label} key: set ARRIMAGE_{label.upper()}_KEY_FILE or give "
                "--keys-dir"
            )
        if path.exists():
            if not _same_key(path.read_text(), value):
                raise BackupError(f"{path} holds another {label} key: move it away first")
            continue
        writes.append((path, value))
    return writes


def _write_key(path: Path, value: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")


def _restore_database(opened: OpenedBackup) -> None:
    vendor = opened.manifest["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"this archive holds a {vendor} database and this instance uses {connection.vendor}"
        )
    connector = get_connector()
    if vendor == "sqlite":
        # The connector copies the file over the database path: no connection may be open and
        # no journal of the empty database may survive next to it.
        name = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        with sqlite3.connect(opened.database_file) as check:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the database in the archive is damaged")
    with open(opened.database_file, "rb") as dump:
        connector.restore_dump(dump)
    connection.close()


def _unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    return sorted(set(manifest.get("migrations", [])) - known)


def restore(
    *, path: Path, passphrase: str, keys_dir: Path | None = None, sample: int = 20
) -> RestoreReport:
    """Restore the archive into this empty instance, then verify it (:func:`restore_verify`)."""
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="arrimage-restore-", dir=settings.DATA_DIR))
    try:
        with backup_open(path=path, passphrase=passphrase, scratch=scratch) as opened:
            newer = _unknown_migrations(opened.manifest)
            if newer:
                raise BackupError(
                    "the archive comes from a newer Arrimage (migrations unknown here: "
                    + ", ".join(newer[:5])
                    + "): install that version first"
                )
            if not _instance_is_empty():
                raise BackupError(
                    "this instance's database is not empty: restore into a new, empty database"
                )
            writes = _plan_keys(opened.keys, keys_dir)
            _restore_database(opened)
            report = RestoreReport(manifest=opened.manifest)
            for key_path, value in writes:
                _write_key(key_path, value)
                report.key_files.append(str(key_path))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if keys_dir is not None:
        settings.ARRIMAGE_MASTER_KEY = ""
        settings.ARRIMAGE_MASTER_KEY_FILE = str(keys_dir / "master.key")
        os.environ["ARRIMAGE_SIGNING_KEY_FILE"] = str(keys_dir / "signing.key")
        os.environ.pop("ARRIMAGE_SIGNING_KEY", None)
    report.migrations_applied = _migrate()
    report.checks = restore_verify(manifest=report.manifest, sample=sample)
    return report


def _migrate() -> int:
    """Bring a backup made by an older version up to this one's migrations."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    return len(plan)


def restore_verify(*, manifest: dict[str, Any], sample: int = 20) -> list[Check]:
    """What a restore proves: the audit chain is whole and ends where the backup's did, every
    sealed field opens with the restored keys, and every release signed here still checks."""
    checks: list[Check] = []
    checked, problem = audit_verify()
    checks.append(
        Check(
            "audit chain",
            problem is None,
            f"{checked} events intact"
            if problem is None
            else f"{problem.message} at chain {problem.chain}, sequence {problem.sequence} "
            f"({problem.kind})",
        )
    )
    head, expected = _audit_head(), manifest.get("audit_head", {})
    same = _same_audit_head(head, expected)
    checks.append(
        Check(
            "audit head",
            same,
            f"sequence {head['sequence']}, as at the backup"
            if same
            else f"sequence {head['sequence']}, the backup's was {expected.get('sequence')}",
        )
    )
    fields = sealed_fields_check(sample=sample)
    failed = [result for result in fields if result.failed]
    opened = sum(result.opened for result in fields)
    checks.append(
        Check(
            "sealed fields",
            not failed,
            f"{opened} values opened in {len(fields)} fields"
            if not failed
            else "do not open: " + ", ".join(f"{r.label} ({r.failed})" for r in failed),
        )
    )
    public_key = signing.public_key_hex()
    local = Release.objects.filter(origin=ReleaseOrigin.LOCAL)
    broken = [
        str(release.pk)
        for release in local.iterator()
        if not release_payload_is_intact(release) or release.signer_public_key != public_key
    ]
    checks.append(
        Check(
            "release signatures",
            not broken,
            f"{local.count()} releases signed by this instance check"
            if not broken
            else "do not check: " + ", ".join(broken[:5]),
        )
    )
    return checks
