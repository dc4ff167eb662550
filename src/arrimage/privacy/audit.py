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

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from arrimage.privacy.models import AuditEvent, AuditHead

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


def audit_record(
    *,
    action: str,
    actor_id: UUID | str | None = None,
    organisation_id: UUID | str | None = None,
    target_type: str = "",
    target_id: object = "",
    details: dict[str, str | int | bool | None] | None = None,
) -> AuditEvent:
    """Append one event. ``details`` holds ids and codes only."""
    with transaction.atomic():
        AuditHead.objects.get_or_create(pk=1)
        AuditHead.objects.filter(pk=1).update(sequence=F("sequence") + 1)
        head = AuditHead.objects.get(pk=1)
        payload = _payload(
            sequence=head.sequence,
            occurred_at=timezone.now(),
            action=action,
            actor_id=_as_uuid(actor_id),
            organisation_id=_as_uuid(organisation_id),
            target_type=target_type,
            target_id=str(target_id or ""),
            details=dict(details or {}),
            previous_hash=head.hash,
        )
        digest = event_hash(payload)
        event = AuditEvent.objects.create(
            sequence=head.sequence,
            occurred_at=datetime.fromisoformat(str(payload["occurred_at"])),
            action=action,
            actor_id=_as_uuid(actor_id),
            organisation_id=_as_uuid(organisation_id),
            target_type=target_type,
            target_id=str(target_id or ""),
            details=payload["details"],
            previous_hash=head.hash,
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
