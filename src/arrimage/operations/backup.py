"""Backups: one archive holds the database and the keys that open it.

The archive is an uncompressed POSIX tar with exactly three members:

- ``manifest.json``: the format, when, the database vendor, the migrations applied, the
  database member's name, size and SHA-256, and the audit head at the time of the backup;
- ``database.sqlite3`` (SQLite's online backup API) or ``database.pgdump`` (``pg_dump
  --format=custom``), both made by django-dbbackup's connectors. Documents are stored sealed in
  the database, so this member holds them too;
- ``keys.json``: the master key and the release signing key, sealed with AES-256-GCM under a
  key derived from a passphrase (scrypt). The manifest is the associated data: a manifest or a
  database member changed after the backup makes the keys refuse to open.

The passphrase never travels on the command line: it comes from a file or from standard input
(``passphrase.py``). Opening an archive is ``backup_read.py``; restoring it into an empty
instance and verifying it, ``restore.py``.
"""

import base64
import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from dbbackup.db.base import get_connector
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from arrimage.core.audit_check import audit_anchor
from arrimage.privacy.sealing import master_key_export
from arrimage.trends import signing

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
            "audit_head": audit_anchor(),
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
