"""The only door to sealed personal data: a field opens with a grant that covers its row and
its category.

The domain apps declare each sealed field once (:func:`sealed_field_register`): its category
(fixed, or read from the row, such as a note's tag) and the subject its row belongs to. Then:

- :func:`sealed_open` decrypts one field for a grant, after checking that the field's category
  is in the grant and that the row belongs to the grant's subject; anything else raises
  :class:`SealedAccessRefused` and decrypts nothing;
- :func:`sealed_write` encrypts a value into a field (encrypting reveals nothing; the services
  that write check the actor's right to write);
- :func:`statistics_seal` and :func:`statistics_open` seal and open the statistics projection
  (a counted case's coarse codes, an organisation's yearly counts) under the statistics key,
  for the purpose statistics only: the codes were derived under a statistics grant;
- :func:`organisation_record_seal` and :func:`organisation_record_open` seal an organisation's
  own register (the confidentiality incidents), which is not about one person: only a member
  acting for that organisation opens it;
- :func:`blind_tokens` turns search terms into keyed hashes under an organisation's own index
  key (a blind index: equal terms give equal tokens within one organisation, and nothing
  outside it; no token reveals its term without the key);
- :func:`master_key_export` and :func:`sealed_fields_check` serve ``arrimage backup`` and
  ``arrimage restore``: the key to seal under the backup's passphrase, and the proof, in counts,
  that every sealed field opens after a restore.

The cipher itself (:mod:`arrimage.core.crypto`) is imported by no module outside the kernel:
an import-linter contract says so (``.importlinter``).
"""

import base64
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from uuid import UUID

from django.db import models

from arrimage.accounts.models import Membership
from arrimage.core import crypto
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.grants import Grant, SubjectKey


class SealedAccessRefused(Exception):
    """A grant was used for a field it does not cover. A programming error: nothing was
    decrypted."""


CategoryOf = Category | Callable[[models.Model], Category]
SubjectOf = Callable[[models.Model], SubjectKey]


@dataclass(frozen=True)
class SealedField:
    model: type[models.Model]
    field: str
    category: CategoryOf
    subject: SubjectOf

    def category_of(self, instance: models.Model) -> Category:
        if isinstance(self.category, Category):
            return self.category
        return Category(self.category(instance))


SEALED_FIELDS: dict[tuple[type[models.Model], str], SealedField] = {}
ORGANISATION_RECORDS: set[tuple[type[models.Model], str]] = set()


def sealed_field_register(
    model: type[models.Model],
    field: str,
    *,
    category: CategoryOf,
    subject: SubjectOf,
    organisation_field: str,
) -> None:
    """Declare a sealed field of personal data: sealed with the key of the organisation in
    ``organisation_field``, of ``category`` (a Category, or a function of the row), belonging
    to the subject ``subject(row)`` returns (``("case", id)`` or ``("person", id)``)."""
    crypto.register_encrypted_field(model, field, organisation_field=organisation_field)
    SEALED_FIELDS[(model, field)] = SealedField(model, field, category, subject)


def _spec(instance: models.Model, field: str) -> SealedField:
    spec = SEALED_FIELDS.get((type(instance), field))
    if spec is None:
        raise SealedAccessRefused(f"{type(instance).__name__}.{field} is not a sealed field")
    return spec


def sealed_open(*, grant: Grant, instance: models.Model, field: str) -> str:
    """The plaintext of one sealed field, if the grant covers the row and its category."""
    spec = _spec(instance, field)
    category = spec.category_of(instance)
    if not grant.may(category):
        raise SealedAccessRefused(f"the grant does not cover {category}")
    if not grant.covers(spec.subject(instance)):
        raise SealedAccessRefused("the row does not belong to the grant's subject")
    return crypto.open_field(instance, field)


def sealed_write(*, instance: models.Model, field: str, plaintext: str) -> bytes:
    """The ciphertext of ``plaintext`` for this row and field (set it on the row and save)."""
    _spec(instance, field)
    return crypto.seal_field(instance, field, plaintext)


def organisation_record_register(
    model: type[models.Model], field: str, *, organisation_field: str
) -> None:
    """Declare a sealed field of an organisation's own register (not about one person)."""
    crypto.register_encrypted_field(model, field, organisation_field=organisation_field)
    ORGANISATION_RECORDS.add((model, field))


def _organisation_record(actor: Membership, instance: models.Model, field: str) -> None:
    if (type(instance), field) not in ORGANISATION_RECORDS:
        raise SealedAccessRefused(f"{type(instance).__name__}.{field} is not a register field")
    owner = crypto.organisation_of(instance, field)
    if owner is None or str(owner) != str(actor.organisation_id):
        raise SealedAccessRefused("only the organisation that keeps the register opens it")


def organisation_record_seal(
    *, actor: Membership, instance: models.Model, field: str, plaintext: str
) -> bytes:
    _organisation_record(actor, instance, field)
    return crypto.seal_field(instance, field, plaintext)


def organisation_record_open(*, actor: Membership, instance: models.Model, field: str) -> str:
    """The plaintext of a register field, for a member acting for the organisation that keeps
    it. The caller checks the member's role."""
    _organisation_record(actor, instance, field)
    return crypto.open_field(instance, field)


# Blind index ---------------------------------------------------------------------------------

BLIND_INDEX_PURPOSE = b"blind-index/1"


def blind_tokens(*, organisation_id: UUID | str, terms: Iterable[str]) -> list[int]:
    """The keyed hash (HMAC-SHA256, first 8 bytes as a signed 64-bit integer) of each term
    under the organisation's index key, itself derived from the organisation's data key (so
    from the master key that wraps it) and never stored. The same term gives another token in
    another organisation. Tokens reveal nothing without the key; whoever computes them chooses
    which rows to compare them with, so callers restrict the rows to what the actor may see."""
    key = crypto.derived_key(scope=crypto.scope_for(organisation_id), purpose=BLIND_INDEX_PURPOSE)
    return [
        int.from_bytes(hmac.digest(key, term.encode(), "sha256")[:8], "big", signed=True)
        for term in terms
    ]


# Statistics ----------------------------------------------------------------------------------

# The key scope of the statistics projection: its own data key, wrapped by the master key like
# the organisations' keys, and rotated with them (``crypto.rotate_data_keys``).
STATISTICS_SCOPE = "statistics"
STATISTICS_FIELDS: set[tuple[type[models.Model], str]] = set()


def statistics_field_register(model: type[models.Model], field: str) -> None:
    """Declare a field of the statistics projection (coarse codes of one case, or the counts
    of an organisation's year), sealed under the statistics key. The model says so with a
    ``statistics_scope`` attribute equal to :data:`STATISTICS_SCOPE`."""
    if getattr(model, "statistics_scope", None) != STATISTICS_SCOPE:
        raise SealedAccessRefused(f"{model.__name__} does not declare the statistics scope")
    crypto.register_encrypted_field(model, field, organisation_field="statistics_scope")
    STATISTICS_FIELDS.add((model, field))


def _statistics_check(purpose: Purpose, instance: models.Model, field: str) -> None:
    if purpose != Purpose.STATISTICS:
        raise SealedAccessRefused("the statistics key serves the purpose statistics only")
    if (type(instance), field) not in STATISTICS_FIELDS:
        raise SealedAccessRefused(f"{type(instance).__name__}.{field} is not a statistics field")


def statistics_seal(
    *, purpose: Purpose, instance: models.Model, field: str, plaintext: str
) -> bytes:
    """Seal codes the statistics worker derived under a statistics grant (so already limited
    to what the person's consents cover) or counts it added up."""
    _statistics_check(purpose, instance, field)
    return crypto.seal_field(instance, field, plaintext)


def statistics_seal_many(
    *, purpose: Purpose, items: list[tuple[models.Model, str]], field: str
) -> list[bytes]:
    """:func:`statistics_seal` for many rows of one model (a batch of the worker)."""
    for instance, _plaintext in items:
        _statistics_check(purpose, instance, field)
    return crypto.seal_fields(items, field)


def statistics_open(*, purpose: Purpose, instance: models.Model, field: str) -> str:
    """Open what :func:`statistics_seal` sealed, for the statistics worker only: to take a
    case's old codes back out of the counts, or to add counts up for a release."""
    _statistics_check(purpose, instance, field)
    return crypto.open_field(instance, field)


# Backup and restore --------------------------------------------------------------------------


def master_key_export() -> str:
    """The master key, base64, for ``arrimage backup`` to seal under the backup's passphrase.
    Nothing else reads the key."""
    return base64.urlsafe_b64encode(crypto.master_key().key).decode()


@dataclass(frozen=True)
class SealedFieldCheck:
    label: str  # "cases.Note.body_sealed"
    stored: int  # rows holding a sealed value
    opened: int
    failed: int


def sealed_fields_check(*, sample: int) -> list[SealedFieldCheck]:
    """Open up to ``sample`` stored values of every encrypted field: the proof a restore gives
    that the keys it brought back open the data it brought back. Counts only: no plaintext
    leaves this function."""
    results = []
    for spec in crypto.ENCRYPTED_FIELDS:
        rows = spec.model._default_manager.exclude(**{f"{spec.field}__isnull": True})
        opened = failed = 0
        for row in rows.order_by("pk")[:sample]:
            if not getattr(row, spec.field):
                continue
            try:
                crypto.open_field(row, spec.field)
            except (crypto.DecryptionError, UnicodeDecodeError):
                failed += 1
            else:
                opened += 1
        results.append(
            SealedFieldCheck(
                label=f"{spec.model._meta.label}.{spec.field}",
                stored=rows.count(),
                opened=opened,
                failed=failed,
            )
        )
    return results
