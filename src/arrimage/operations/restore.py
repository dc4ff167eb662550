"""Restores: an archive (``backup.py``) restored into an empty instance, its keys written
where the instance reads them, the migrations brought up to this version, then verified: the
audit chain, the sealed fields and the signed releases."""

import base64
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbbackup.db.base import get_connector
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from arrimage.core.audit_check import audit_anchor, audit_verify
from arrimage.operations.backup import BackupError, Keys
from arrimage.operations.backup_read import OpenedBackup, backup_open
from arrimage.privacy.sealing import sealed_fields_check
from arrimage.trends import signing
from arrimage.trends.models import Release, ReleaseOrigin
from arrimage.trends.selectors import release_payload_is_intact


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


def _same_audit_head(head: dict[str, Any], expected: dict[str, Any]) -> bool:
    """A backup made before the log had several chains recorded the single head, which the
    upgrade made chain 1's."""
    if "chains" not in expected:
        single = {"sequence": expected.get("sequence"), "hash": expected.get("hash")}
        return head["chains"] == ({"1": single} if single["sequence"] else {})
    return bool(head == expected)


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
    head, expected = audit_anchor(), manifest.get("audit_head", {})
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
