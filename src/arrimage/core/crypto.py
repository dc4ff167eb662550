"""Field encryption: AES-256-GCM with one data key per organisation.

Data keys are wrapped by a master key read from ``ARRIMAGE_MASTER_KEY`` (base64) or from the key
file ``ARRIMAGE_MASTER_KEY_FILE``. Each ciphertext is bound by associated data to the table, the
row, the field and the organisation, so a value copied into another row, field or organisation
fails to decrypt.

Ciphertext layout: ``b"A1" | key version (4 bytes, big endian) | nonce (12) | AES-GCM output``.
"""

import base64
import hashlib
import os
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models, transaction

from arrimage.core.models import DataKey
from arrimage.core.text import storable_check

MAGIC = b"A1"
HEADER = struct.Struct(">2sI12s")
INSTANCE_SCOPE = "instance"


class DecryptionError(Exception):
    """The ciphertext was altered, moved to another row, field or organisation, or its key is
    unknown."""


class MasterKeyMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class MasterKey:
    key: bytes

    @property
    def id(self) -> str:
        return hashlib.sha256(b"arrimage-master-key-id" + self.key).hexdigest()[:16]


def parse_master_key(text: str) -> MasterKey:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError as error:
        raise MasterKeyMissing("the master key is not valid base64") from error
    if len(key) != 32:
        raise MasterKeyMissing("the master key must be 32 bytes, base64-encoded")
    return MasterKey(key)


def master_key() -> MasterKey:
    if settings.ARRIMAGE_MASTER_KEY:
        return parse_master_key(settings.ARRIMAGE_MASTER_KEY)
    path = settings.ARRIMAGE_MASTER_KEY_FILE
    if path and Path(path).exists():
        return parse_master_key(Path(path).read_text())
    raise MasterKeyMissing("no master key: set ARRIMAGE_MASTER_KEY or ARRIMAGE_MASTER_KEY_FILE")


def _wrap_aad(scope: str, version: int) -> bytes:
    return f"arrimage-data-key|{scope}|{version}".encode()


def wrap(master: MasterKey, *, scope: str, version: int, data_key: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(master.key).encrypt(nonce, data_key, _wrap_aad(scope, version))


def unwrap(master: MasterKey, *, scope: str, version: int, wrapped: bytes) -> bytes:
    try:
        return AESGCM(master.key).decrypt(wrapped[:12], wrapped[12:], _wrap_aad(scope, version))
    except InvalidTag as error:
        raise DecryptionError(f"data key {scope} v{version} does not open") from error


_cache: dict[tuple[str, int], bytes] = {}
_cache_lock = threading.Lock()


def clear_key_cache() -> None:
    with _cache_lock:
        _cache.clear()
        _derived.clear()


def scope_for(organisation_id: UUID | str | None) -> str:
    return str(organisation_id) if organisation_id else INSTANCE_SCOPE


def _data_key(scope: str, version: int) -> bytes:
    with _cache_lock:
        cached = _cache.get((scope, version))
    if cached is not None:
        return cached
    row = DataKey.objects.filter(scope=scope, version=version).first()
    if row is None:
        raise DecryptionError(f"no data key {scope} v{version}")
    key = unwrap(master_key(), scope=scope, version=version, wrapped=bytes(row.wrapped_key))
    with _cache_lock:
        _cache[(scope, version)] = key
    return key


_derived: dict[tuple[str, bytes], bytes] = {}


def derived_key(*, scope: str, purpose: bytes) -> bytes:
    """A 32-byte key for ``purpose`` (such as keyed hashes of a blind index), derived with
    HKDF-SHA256 from the scope's first data key. The first data key stays when the data keys
    rotate and keeps its value when the master key is re-wrapped, so the derived key, and
    whatever was computed with it, survives both. The scope gets its first key if it has none.
    """
    cached = _derived.get((scope, purpose))
    if cached is not None:
        return cached
    first = DataKey.objects.filter(scope=scope).order_by("version").only("version").first()
    if first is None:
        first = data_key_create(scope=scope)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"arrimage|" + purpose).derive(
        _data_key(scope, first.version)
    )
    with _cache_lock:
        _derived[(scope, purpose)] = key
    return key


def data_key_create(*, scope: str) -> DataKey:
    """Make a new data key version for the scope and make it the active one."""
    master = master_key()
    with transaction.atomic():
        DataKey.objects.filter(scope=scope, is_active=True).update(is_active=False)
        latest = DataKey.objects.filter(scope=scope).order_by("-version").first()
        version = latest.version + 1 if latest else 1
        return DataKey.objects.create(
            scope=scope,
            version=version,
            wrapped_key=wrap(
                master, scope=scope, version=version, data_key=AESGCM.generate_key(256)
            ),
            master_key_id=master.id,
            is_active=True,
        )


def _active_version(scope: str) -> int:
    row = DataKey.objects.filter(scope=scope, is_active=True).only("version").first()
    if row is None:
        row = data_key_create(scope=scope)
    return row.version


def associated_data(*, table: str, row_id: object, field: str, scope: str) -> bytes:
    return "\x1f".join(["arrimage-field", table, str(row_id), field, scope]).encode()


def encrypt(
    plaintext: str,
    *,
    table: str,
    row_id: object,
    field: str,
    organisation_id: UUID | str | None,
    version: int | None = None,
) -> bytes:
    """``version``: the scope's active key version, when the caller seals many values at once
    (:func:`seal_fields`); read from the database otherwise."""
    # The last safety net (core/text.py): a surrogate would seal fine inside escaped JSON and
    # then break every page that opens it. A NUL is harmless inside a ciphertext.
    storable_check(plaintext, where="the encryption", nul=False)
    scope = scope_for(organisation_id)
    if version is None:
        version = _active_version(scope)
    nonce = os.urandom(12)
    sealed = AESGCM(_data_key(scope, version)).encrypt(
        nonce,
        plaintext.encode(),
        associated_data(table=table, row_id=row_id, field=field, scope=scope),
    )
    return HEADER.pack(MAGIC, version, nonce) + sealed


def decrypt(
    ciphertext: bytes,
    *,
    table: str,
    row_id: object,
    field: str,
    organisation_id: UUID | str | None,
) -> str:
    ciphertext = bytes(ciphertext)
    if len(ciphertext) < HEADER.size + 16:
        raise DecryptionError("ciphertext too short")
    magic, version, nonce = HEADER.unpack_from(ciphertext)
    if magic != MAGIC:
        raise DecryptionError("unknown ciphertext format")
    scope = scope_for(organisation_id)
    try:
        plaintext = AESGCM(_data_key(scope, version)).decrypt(
            nonce,
            ciphertext[HEADER.size :],
            associated_data(table=table, row_id=row_id, field=field, scope=scope),
        )
    except InvalidTag as error:
        raise DecryptionError("the ciphertext does not open here") from error
    return plaintext.decode()


def key_version_of(ciphertext: bytes) -> int:
    return HEADER.unpack_from(bytes(ciphertext))[1]


# Encrypted fields declare themselves here so that rotation can re-encrypt them all. ------------


@dataclass(frozen=True)
class EncryptedField:
    model: type[models.Model]
    field: str
    organisation_field: str | None  # attribute holding the organisation id; None: instance key


ENCRYPTED_FIELDS: list[EncryptedField] = []


def register_encrypted_field(
    model: type[models.Model], field: str, *, organisation_field: str | None
) -> None:
    ENCRYPTED_FIELDS.append(EncryptedField(model, field, organisation_field))


def seal_field(instance: models.Model, field: str, plaintext: str) -> bytes:
    spec = _spec(type(instance), field)
    return encrypt(
        plaintext,
        table=instance._meta.db_table,
        row_id=instance.pk,
        field=field,
        organisation_id=_organisation_of(instance, spec),
    )


def seal_fields(items: list[tuple[models.Model, str]], field: str) -> list[bytes]:
    """Seal one field of many rows: the active key version is read once per scope."""
    versions: dict[str, int] = {}
    sealed = []
    for instance, plaintext in items:
        spec = _spec(type(instance), field)
        organisation_id = _organisation_of(instance, spec)
        scope = scope_for(organisation_id)
        if scope not in versions:
            versions[scope] = _active_version(scope)
        sealed.append(
            encrypt(
                plaintext,
                table=instance._meta.db_table,
                row_id=instance.pk,
                field=field,
                organisation_id=organisation_id,
                version=versions[scope],
            )
        )
    return sealed


def open_field(instance: models.Model, field: str) -> str:
    spec = _spec(type(instance), field)
    return decrypt(
        getattr(instance, field),
        table=instance._meta.db_table,
        row_id=instance.pk,
        field=field,
        organisation_id=_organisation_of(instance, spec),
    )


def organisation_of(instance: models.Model, field: str) -> UUID | str | None:
    """The organisation whose key seals this field of this row (None: the instance key)."""
    return _organisation_of(instance, _spec(type(instance), field))


def _spec(model: type[models.Model], field: str) -> EncryptedField:
    for spec in ENCRYPTED_FIELDS:
        if spec.model is model and spec.field == field:
            return spec
    raise LookupError(f"{model.__name__}.{field} is not a registered encrypted field")


def _organisation_of(instance: models.Model, spec: EncryptedField) -> UUID | str | None:
    if spec.organisation_field is None:
        return None
    value = getattr(instance, spec.organisation_field)
    return value if isinstance(value, UUID | str) else None


def rotate_data_keys() -> int:
    """New data key for every scope, then re-encrypt every registered field under it.

    Returns the number of values re-encrypted. Runs in one transaction: a failure changes
    nothing.
    """
    count = 0
    with transaction.atomic():
        scopes = set(DataKey.objects.values_list("scope", flat=True))
        for scope in scopes:
            data_key_create(scope=scope)
        for spec in ENCRYPTED_FIELDS:
            for instance in spec.model._default_manager.exclude(**{spec.field: None}).iterator():
                value = getattr(instance, spec.field)
                if not value:
                    continue
                plaintext = open_field(instance, spec.field)
                spec.model._default_manager.filter(pk=instance.pk).update(
                    **{spec.field: seal_field(instance, spec.field, plaintext)}
                )
                count += 1
    return count


def rewrap_master_key(new_master: MasterKey) -> int:
    """Re-wrap every data key under a new master key. Returns the number of keys re-wrapped."""
    old = master_key()
    count = 0
    with transaction.atomic():
        for row in DataKey.objects.select_for_update():
            key = unwrap(old, scope=row.scope, version=row.version, wrapped=bytes(row.wrapped_key))
            row.wrapped_key = wrap(new_master, scope=row.scope, version=row.version, data_key=key)
            row.master_key_id = new_master.id
            row.save(update_fields=["wrapped_key", "master_key_id"])
            count += 1
    clear_key_cache()
    return count
