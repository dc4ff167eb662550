"""The append-only, hash-chained audit log, in several chains that writers fill side by side.

Each event belongs to one chain (1 to :data:`AUDIT_CHAINS`) and has a number in it: 1, 2, 3 ...
Its hash is SHA-256 over the previous event's hash in that chain and the canonical JSON of the
event. Each chain has a head row (:class:`AuditHead`, pk = the chain) holding its last number
and hash. An append advances one head first, which locks that row: on PostgreSQL it takes the
head its connection used last, or else the lowest-numbered one, that no other transaction holds
(``FOR UPDATE SKIP LOCKED``), so up to ``AUDIT_CHAINS`` writers append at once instead of
queueing on one row; a writer alone stays in one chain. SQLite has one writer at a time anyway:
chain 1. Database triggers refuse UPDATE and DELETE on the events. Events carry ids only,
never personal data.

docs/security.md says what the chains detect and why the split keeps it so.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
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


def canonical_json(payload: dict[str, object]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


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


def _advance_sql(where: str) -> str:
    quote = connection.ops.quote_name
    table, sequence = quote(AuditHead._meta.db_table), quote("sequence")
    return (
        f"UPDATE {table} SET {sequence} = {sequence} + 1 "  # noqa: S608 - quoted names only
        f"WHERE {quote('id')} = {where} RETURNING {quote('id')}, {sequence}, {quote('hash')}"
    )


def _free_head_sql() -> str:
    """The head this connection used last if no other transaction holds it, else the
    lowest-numbered free one. A head this transaction holds is never skipped: a transaction
    that holds one always gets one without waiting (the one it holds, being its last)."""
    quote = connection.ops.quote_name
    return (
        f"(SELECT {quote('id')} FROM {quote(AuditHead._meta.db_table)} "  # noqa: S608
        f"ORDER BY ({quote('id')} = %s) DESC, {quote('id')} LIMIT 1 FOR UPDATE SKIP LOCKED)"
    )


# Each connection keeps to the chain it used last while it is free: writers on separate
# connections settle on separate chains and stop meeting each other.
_LAST_CHAIN = "arrimage_audit_chain"


def _advance_once(chain: int | None) -> tuple[int, int, str] | None:
    with connection.cursor() as cursor:
        if chain is not None:
            cursor.execute(_advance_sql("%s"), [chain])
        else:
            last = getattr(connection, _LAST_CHAIN, FIRST_CHAIN)
            cursor.execute(_advance_sql(_free_head_sql()), [last])
            row = cursor.fetchone()
            if row is not None:
                setattr(connection, _LAST_CHAIN, int(row[0]))
                return int(row[0]), int(row[1]), str(row[2])
            # Every head is held by another transaction, and this one holds none: waiting on
            # one cannot close a cycle of waits between heads.
            cursor.execute(_advance_sql("%s"), [last])
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), int(row[1]), str(row[2]))


def _head_advance(chain: int | None = None) -> tuple[int, int, str]:
    """Add one to a head's number; return its chain, the new number and the previous event's
    hash. The UPDATE comes first and locks the head until the transaction ends (the write lock
    on SQLite), so no other append reads the same head. ``chain`` forces one (tests)."""
    if not connection.features.can_return_columns_from_insert:
        chain = chain or FIRST_CHAIN
        audit_heads_ensure()
        AuditHead.objects.filter(pk=chain).update(sequence=F("sequence") + 1)
        head = AuditHead.objects.get(pk=chain)
        return chain, head.sequence, head.hash
    if chain is None and not connection.features.has_select_for_update_skip_locked:
        chain = FIRST_CHAIN
    advanced = _advance_once(chain)
    if advanced is None:  # no heads yet: the migrations normally create them
        audit_heads_ensure()
        advanced = _advance_once(chain)
    if advanced is None:
        raise AuditHead.DoesNotExist(f"no audit head for chain {chain}")
    return advanced


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
    with transaction.atomic(savepoint=False):
        chain, sequence, previous_hash = _head_advance(chain)
        payload = _payload(
            chain=chain,
            sequence=sequence,
            occurred_at=timezone.now(),
            action=action,
            actor_id=_as_uuid(actor_id),
            organisation_id=_as_uuid(organisation_id),
            target_type=target_type,
            target_id=str(target_id or ""),
            details=dict(details or {}),
            previous_hash=previous_hash,
        )
        digest = event_hash(payload)
        event = AuditEvent.objects.create(
            chain=chain,
            sequence=sequence,
            occurred_at=datetime.fromisoformat(str(payload["occurred_at"])),
            action=action,
            actor_id=_as_uuid(actor_id),
            organisation_id=_as_uuid(organisation_id),
            target_type=target_type,
            target_id=str(target_id or ""),
            details=payload["details"],
            previous_hash=previous_hash,
            hash=digest,
        )
        AuditHead.objects.filter(pk=chain).update(hash=digest)
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

    Three statements: advance a head (taking its lock) and read it, insert the event, store
    its hash in the head. Inside a caller's transaction no savepoint is made: if the append
    fails, what it audits fails with it."""
    return _append(
        chain=None,
        action=action,
        actor_id=actor_id,
        organisation_id=organisation_id,
        target_type=target_type,
        target_id=target_id,
        details=dict(details or {}),
    )


@dataclass(frozen=True)
class AuditProblem:
    sequence: int
    kind: str  # "modified", "deleted", "inserted"
    message: str
    chain: int = FIRST_CHAIN


def _stored_payload(event: AuditEvent) -> dict[str, object]:
    return _payload(
        chain=event.chain,
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        action=event.action,
        actor_id=event.actor_id,
        organisation_id=event.organisation_id,
        target_type=event.target_type,
        target_id=event.target_id,
        details=event.details,
        previous_hash=event.previous_hash,
    )


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("chain", "sequence").iterator(chunk_size=2000)


def _heads() -> dict[int, tuple[int, str]]:
    """Each chain's head; a chain without a head row is an empty one."""
    heads = {chain: (0, GENESIS_HASH) for chain in range(1, AUDIT_CHAINS + 1)}
    for head in AuditHead.objects.all():
        heads[head.pk] = (head.sequence, head.hash)
    return heads


class _ChainWalk:
    """Where the walk stands in one chain."""

    def __init__(self, chain: int) -> None:
        self.chain = chain
        self.expected = 1
        self.previous_hash = GENESIS_HASH

    def check(self, event: AuditEvent) -> AuditProblem | None:
        chain, number = self.chain, event.sequence
        if number > self.expected:
            return AuditProblem(
                self.expected,
                "deleted",
                f"event {self.expected} of chain {chain} is missing: deleted",
                chain,
            )
        if number < self.expected or event.previous_hash != self.previous_hash:
            return AuditProblem(
                number,
                "inserted",
                f"event {number} of chain {chain} does not follow event {self.expected - 1}: "
                "inserted or reordered",
                chain,
            )
        if event_hash(_stored_payload(event)) != event.hash:
            return AuditProblem(
                number, "modified", f"event {number} of chain {chain} was modified", chain
            )
        self.previous_hash = event.hash
        self.expected += 1
        return None

    def end(self, head: tuple[int, str]) -> AuditProblem | None:
        last = self.expected - 1
        if head != (last, self.previous_hash):
            return AuditProblem(
                self.expected,
                "deleted",
                f"chain {self.chain} ends at event {last} but its head says {head[0]}: "
                "events deleted from the end",
                self.chain,
            )
        return None


def audit_verify() -> tuple[int, AuditProblem | None]:
    """Walk every chain. Returns the number of events checked and the first problem, if any."""
    heads = _heads()
    walks = {chain: _ChainWalk(chain) for chain in heads}
    checked = 0
    for event in _events():
        walk = walks.get(event.chain)
        if walk is None:
            return checked, AuditProblem(
                event.sequence,
                "inserted",
                f"event {event.sequence} names chain {event.chain}, which does not exist",
                event.chain,
            )
        problem = walk.check(event)
        if problem is not None:
            return checked, problem
        checked += 1
    for chain, walk in sorted(walks.items()):
        problem = walk.end(heads[chain])
        if problem is not None:
            return checked, problem
    return checked, None


def audit_anchor() -> dict[str, Any]:
    """What to keep outside the database to detect a consistent rewrite: the number of events,
    every non-empty chain's head, and one hash over them all."""
    chains = {
        str(chain): {"sequence": sequence, "hash": digest}
        for chain, (sequence, digest) in sorted(_heads().items())
        if sequence
    }
    return {
        "sequence": sum(int(head["sequence"]) for head in chains.values()),  # type: ignore[call-overload]
        "hash": hashlib.sha256(canonical_json(chains)).hexdigest(),  # type: ignore[arg-type]
        "chains": chains,
    }
