"""The append-only, hash-chained audit log.

Each event's hash is SHA-256 over the previous event's hash and the canonical JSON of the event.
Appends are serialised by updating :class:`AuditHead` first, which takes the write lock on
SQLite and the row lock on PostgreSQL. Database triggers refuse UPDATE and DELETE on the events.
Events carry ids only, never personal data.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from arrimage.core.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def canonical_json(payload: dict[str, object]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _payload(
    *,
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
    return {
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


def event_hash(payload: dict[str, object]) -> str:
    previous = str(payload["previous_hash"]).encode()
    return hashlib.sha256(previous + canonical_json(payload)).hexdigest()


def _as_uuid(value: object) -> UUID | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, UUID) else UUID(str(value))


def _head_advance() -> tuple[int, str]:
    """Add one to the head's sequence and return the new sequence and the previous event's
    hash. The UPDATE comes first: it takes the write lock on SQLite and the row lock on
    PostgreSQL, so no other append can read the same head. One statement where the database
    returns rows from an UPDATE (PostgreSQL, SQLite 3.35+)."""
    if not connection.features.can_return_columns_from_insert:
        AuditHead.objects.get_or_create(pk=1)
        AuditHead.objects.filter(pk=1).update(sequence=F("sequence") + 1)
        head = AuditHead.objects.get(pk=1)
        return head.sequence, head.hash
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(AuditHead._meta.db_table)} "  # noqa: S608 - quoted names, no values
        f"SET {quote('sequence')} = {quote('sequence')} + 1 "
        f"WHERE {quote('id')} = 1 RETURNING {quote('sequence')}, {quote('hash')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        if row is None:  # no head yet: the migrations normally create it
            AuditHead.objects.get_or_create(pk=1)
            cursor.execute(sql)
            row = cursor.fetchone()
    return int(row[0]), str(row[1])


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

    Three statements: advance the head (taking the lock) and read it, insert the event, store
    its hash in the head. Inside a caller's transaction no savepoint is made: if the append
    fails, what it audits fails with it."""
    with transaction.atomic(savepoint=False):
        sequence, previous_hash = _head_advance()
        payload = _payload(
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
        AuditHead.objects.filter(pk=1).update(hash=digest)
    return event


@dataclass(frozen=True)
class AuditProblem:
    sequence: int
    kind: str  # "modified", "deleted", "inserted"
    message: str


def _stored_payload(event: AuditEvent) -> dict[str, object]:
    return _payload(
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
    return AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)


def audit_verify() -> tuple[int, AuditProblem | None]:
    """Walk the chain. Returns the number of events checked and the first problem, if any."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    for event in _events():
        if event.sequence > expected_sequence:
            return checked, AuditProblem(
                expected_sequence,
                "deleted",
                f"event {expected_sequence} is missing: deleted",
            )
        if event.sequence < expected_sequence or event.previous_hash != previous_hash:
            return checked, AuditProblem(
                event.sequence,
                "inserted",
                f"event {event.sequence} does not follow event {expected_sequence - 1}: "
                "inserted or reordered",
            )
        if event_hash(_stored_payload(event)) != event.hash:
            return checked, AuditProblem(
                event.sequence, "modified", f"event {event.sequence} was modified"
            )
        previous_hash = event.hash
        expected_sequence += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    head_sequence = head.sequence if head else 0
    head_hash = head.hash if head else GENESIS_HASH
    if head_sequence != expected_sequence - 1 or head_hash != previous_hash:
        return checked, AuditProblem(
            expected_sequence,
            "deleted",
            f"the log ends at event {expected_sequence - 1} but its head says "
            f"{head_sequence}: events deleted from the end",
        )
    return checked, None
