"""Opening a backup archive: its members checked against the manifest, its keys opened with
the passphrase, its database member copied aside and its digest checked. Writes nothing
outside the scratch folder it is given."""

import hashlib
import json
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arrimage.operations.backup import (
    COPY_CHUNK,
    DATABASE_MEMBERS,
    FORMAT,
    KEYS,
    MANIFEST,
    MAX_SMALL_MEMBER,
    BackupError,
    Keys,
    keys_open,
)


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
