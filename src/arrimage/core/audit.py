"""The append-only, hash-chained audit log, in several chains that writers fill side by side.

Each event belongs to one chain (1 to :data:`AUDIT_CHAINS`) and has a number in it: 1, 2, 3 ...
Its hash is SHA-256 over the previous event's hash in that chain and the canonical JSON of the
event. Each chain has a head row (:class:`AuditHead`, pk = the chain) holding its last number
and hash. An append locks one head: on PostgreSQL it takes the head its connection used last,
or else the lowest-numbered one, that no other transaction holds (``FOR UPDATE SKIP LOCKED``),
so up to ``AUDIT_CHAINS`` writers append at once instead of queueing on one row; a writer
alone stays in one chain. There one statement does the whole append, the hash included, so a
head is never held while Python runs between statements. SQLite has one writer at a time
anyway: chain 1, in three statements. Database triggers refuse UPDATE and DELETE on the
events. Events carry ids only, never personal data.

audit_check.py walks the chains (``audit-verify``); docs/security.md says what the chains
detect and why the split keeps it so.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple
from uuid import UUID

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from arrimage.core.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
# Chains the log is split into: as many writers as this append without waiting for each
# other. Fixed: audit-verify expects exactly these chains (a head row per chain).
AUDIT_CHAINS = 16
# The chain the single log of earlier versions became: its events name no chain in their
# hashed payload, so that they verify as they were written.
FIRST_CHAIN = 1


# Sorted keys, no spaces, UTF-8; made once (``json.dumps`` with options makes one per call).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(payload: dict[str, object]) -> bytes:
    return _CANONICAL.encode(payload).encode()


def _payload(
    *,
    chain: int,
    sequence: int,
    occurred_at: datetime,
    action: str,
    actor_id: UUID | None,
    organisation_id: UUID | None,
    target_type: str,
    target_id: str,
    details: dict[str, object],
    previous_hash: str,
) -> dict[str, object]:
    payload: dict[str, object] = {
        "sequence": sequence,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "action": action,
        "actor_id": str(actor_id) if actor_id else None,
        "organisation_id": str(organisation_id) if organisation_id else None,
        "target_type": target_type,
        "target_id": target_id,
        "details": details,
        "previous_hash": previous_hash,
    }
    if chain != FIRST_CHAIN:
        # Two chains' first events may otherwise hash alike; naming the chain also makes an
        # event moved to another chain fail its own hash, not only its neighbours' links.
        payload["chain"] = chain
    return payload


def event_hash(payload: dict[str, object]) -> str:
    previous = str(payload["previous_hash"]).encode()
    return hashlib.sha256(previous + canonical_json(payload)).hexdigest()


def _as_uuid(value: object) -> UUID | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, UUID) else UUID(str(value))


def audit_heads_ensure() -> None:
    """Create the head rows that are missing (the migrations normally create them all)."""
    AuditHead.objects.bulk_create(
        [AuditHead(pk=chain) for chain in range(1, AUDIT_CHAINS + 1)], ignore_conflicts=True
    )


@dataclass(frozen=True)
class _TextAround:
    """An event's canonical JSON (:func:`canonical_json`) around what only its chain's head
    knows: the chain, the previous hash and the number. Its keys sort as ``action``,
    ``actor_id``, [``chain``], ``details``, ``occurred_at``, ``organisation_id``,
    ``previous_hash``, ``sequence``, ``target_id``, ``target_type``, so the text is::

        opening + [chain member] + middle + previous hash + LINK + sequence + closing
    """

    opening: str  # '{"action":...,"actor_id":...,'
    middle: str  # '"details":...,"occurred_at":...,"organisation_id":...,"previous_hash":"'
    closing: str  # ',"target_id":...,"target_type":...}'

    LINK = '","sequence":'

    def spliced(self, *, chain: int, sequence: int, previous_hash: str) -> str:
        """The whole text, as PostgreSQL splices it in :func:`_append_sql`."""
        chain_member = "" if chain == FIRST_CHAIN else f'"chain":{chain},'
        return (
            f"{self.opening}{chain_member}{self.middle}{previous_hash}{self.LINK}{sequence}"
            f"{self.closing}"
        )


def _text_around(fields: dict[str, Any]) -> _TextAround:
    """The text around the head's part for an event of ``fields`` (:func:`_append`)."""
    payload = _payload(chain=FIRST_CHAIN, sequence=0, previous_hash="", **fields)

    def members(*keys: str) -> str:
        return ",".join(_CANONICAL.encode({key: payload[key]})[1:-1] for key in keys)

    return _TextAround(
        opening="{" + members("action", "actor_id") + ",",
        middle=members("details", "occurred_at", "organisation_id") + ',"previous_hash":"',
        closing="," + members("target_id", "target_type") + "}",
    )


def _append_sql(*, head: str) -> str:
    """One statement appends an event on PostgreSQL: it locks a head, numbers and hashes the
    event (``sha256`` over the previous hash and the text :class:`_TextAround` splices),
    inserts it and advances the head. ``head`` is the SQL of the head's id. The head's row is
    read ``FOR UPDATE``: its newest version, even if another transaction advanced it after this
    statement began. It stays locked until the transaction ends, never while Python works
    between statements."""
    heads, events = f'"{AuditHead._meta.db_table}"', f'"{AuditEvent._meta.db_table}"'
    return f"""
        WITH head AS (
            SELECT "id", "sequence" + 1 AS "sequence", "hash" AS "previous_hash" FROM {heads}
            WHERE "id" = {head} FOR UPDATE
        ), event AS (
            SELECT "id" AS "chain", "sequence", "previous_hash", encode(sha256(convert_to(
                "previous_hash" || %(opening)s
                || CASE WHEN "id" = {FIRST_CHAIN} THEN '' ELSE '"chain":' || "id" || ',' END
                || %(middle)s || "previous_hash" || %(link)s || "sequence" || %(closing)s,
                'UTF8')), 'hex') AS "hash"
            FROM head
        ), inserted AS (
            INSERT INTO {events} ("chain", "sequence", "occurred_at", "action", "actor_id",
                "organisation_id", "target_type", "target_id", "details", "previous_hash", "hash")
            SELECT "chain", "sequence", %(occurred_at)s, %(action)s, %(actor_id)s,
                %(organisation_id)s, %(target_type)s, %(target_id)s, %(details)s::jsonb,
                "previous_hash", "hash"
            FROM event
            RETURNING "id"
        )
        UPDATE {heads} SET "sequence" = event."sequence", "hash" = event."hash"
        FROM event WHERE {heads}."id" = event."chain"
        RETURNING (SELECT "id" FROM inserted), event."chain", event."sequence",
            event."previous_hash", event."hash"
    """  # noqa: S608 - quoted names and constants only; values are parameters


# PostgreSQL: the head this connection used last if no other transaction holds it, else the
# lowest-numbered free one (by the primary key: neither reads every head). A head this
# transaction holds is never skipped: a transaction that holds one always gets it back
# without waiting (being its last).
_APPEND_TO_FREE_HEAD = _append_sql(
    head=f"""COALESCE(
        (SELECT "id" FROM "{AuditHead._meta.db_table}" WHERE "id" = %(chain)s
         FOR UPDATE SKIP LOCKED),
        (SELECT "id" FROM "{AuditHead._meta.db_table}" ORDER BY "id" LIMIT 1
         FOR UPDATE SKIP LOCKED))"""  # noqa: S608 - a quoted name only
)
# One given head, waiting for it if another transaction holds it.
_APPEND_TO_HEAD = _append_sql(head="%(chain)s")

# Each connection keeps to the chain it used last while it is free: writers on separate
# connections settle on separate chains and stop meeting each other.
_LAST_CHAIN = "arrimage_audit_chain"


class _Appended(NamedTuple):
    id: int
    chain: int
    sequence: int
    previous_hash: str
    hash: str


def _append_postgresql(chain: int | None, fields: dict[str, Any]) -> _Appended | None:
    """Append in one statement; return what the database chose and computed, or None if
    there is no head (the migrations normally create them all). Outside a
    transaction the statement is its own: one round trip in all."""
    text = _text_around(fields)
    params = {
        **fields,
        "details": _CANONICAL.encode(fields["details"]),
        "opening": text.opening,
        "middle": text.middle,
        "link": text.LINK,
        "closing": text.closing,
    }
    with connection.cursor() as cursor:
        if chain is not None:
            cursor.execute(_APPEND_TO_HEAD, {**params, "chain": chain})
            row = cursor.fetchone()
            return None if row is None else _Appended(*row)
        last = getattr(connection, _LAST_CHAIN, FIRST_CHAIN)
        cursor.execute(_APPEND_TO_FREE_HEAD, {**params, "chain": last})
        row = cursor.fetchone()
        if row is None:
            # Every head is held by another transaction, and this one holds none: waiting on
            # one cannot close a cycle of waits between heads.
            cursor.execute(_APPEND_TO_HEAD, {**params, "chain": last})
            row = cursor.fetchone()
    if row is None:
        return None
    appended = _Appended(*row)
    setattr(connection, _LAST_CHAIN, appended.chain)
    return appended


def _head_advance(chain: int) -> tuple[int, str] | None:
    """Add one to a head's number; return it and the previous event's hash (one statement
    where the database returns updated columns)."""
    if not connection.features.can_return_columns_from_insert:
        if not AuditHead.objects.filter(pk=chain).update(sequence=F("sequence") + 1):
            return None
        return AuditHead.objects.filter(pk=chain).values_list("sequence", "hash").get()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(AuditHead._meta.db_table)} SET {quote('sequence')} = "  # noqa: S608
            f"{quote('sequence')} + 1 WHERE {quote('id')} = %s "
            f"RETURNING {quote('sequence')}, {quote('hash')}",
            [chain],
        )
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def _append_elsewhere(chain: int, fields: dict[str, Any]) -> _Appended:
    """Append in three statements (SQLite, which lets one writer at a time anyway): advance the
    head first, which takes the write lock until the transaction ends, so no other append reads
    the same head; insert the event; store its hash in the head."""
    with transaction.atomic(savepoint=False):
        head = AuditHead.objects.filter(pk=chain)
        advanced = _head_advance(chain)
        if advanced is None:  # the migrations normally create the heads
            audit_heads_ensure()
            advanced = _head_advance(chain)
        if advanced is None:
            raise AuditHead.DoesNotExist(f"no audit head for chain {chain}")
        sequence, previous_hash = advanced
        digest = event_hash(
            _payload(chain=chain, sequence=sequence, previous_hash=previous_hash, **fields)
        )
        event = AuditEvent.objects.create(
            chain=chain, sequence=sequence, previous_hash=previous_hash, hash=digest, **fields
        )
        head.update(hash=digest)
    return _Appended(event.pk, chain, sequence, previous_hash, digest)


def _append(
    *,
    chain: int | None,
    action: str,
    actor_id: UUID | str | None,
    organisation_id: UUID | str | None,
    target_type: str,
    target_id: object,
    details: dict[str, Any] | None,
) -> AuditEvent:
    """Append one event; ``chain`` forces one (tests, the benchmark's baseline)."""
    fields: dict[str, Any] = {
        "occurred_at": timezone.now(),
        "action": action,
        "actor_id": _as_uuid(actor_id),
        "organisation_id": _as_uuid(organisation_id),
        "target_type": target_type,
        "target_id": str(target_id or ""),
        "details": dict(details or {}),
    }
    if connection.vendor == "postgresql":
        row = _append_postgresql(chain, fields)
        if row is None:
            audit_heads_ensure()
            row = _append_postgresql(chain, fields)
        if row is None:
            raise AuditHead.DoesNotExist(f"no audit head for chain {chain}")
    else:
        row = _append_elsewhere(chain or FIRST_CHAIN, fields)
    event = AuditEvent(**row._asdict(), **fields)
    event._state.adding = False
    event._state.db = connection.alias
    return event


def audit_record(
    *,
    action: str,
    actor_id: UUID | str | None = None,
    organisation_id: UUID | str | None = None,
    target_type: str = "",
    target_id: object = "",
    details: dict[str, str | int | bool | None] | None = None,
) -> AuditEvent:
    """Append one event. ``details`` holds ids and codes only.

    One statement on PostgreSQL (:func:`_append_sql`), three on SQLite. Inside a caller's
    transaction no savepoint is made: if the append fails, what it audits fails with it."""
    return _append(
        chain=None,
        action=action,
        actor_id=actor_id,
        organisation_id=organisation_id,
        target_type=target_type,
        target_id=target_id,
        details=dict(details or {}),
    )
