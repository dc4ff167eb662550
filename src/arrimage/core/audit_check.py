"""Checking the audit log (``arrimage audit-verify``): walk every chain, recompute every hash
in Python from the stored fields, compare each chain's end with its head; and the anchor to
keep outside the database. The format and the appends: audit.py."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from arrimage.core.audit import (
    AUDIT_CHAINS,
    FIRST_CHAIN,
    GENESIS_HASH,
    _payload,
    canonical_json,
    event_hash,
)
from arrimage.core.models import AuditEvent, AuditHead


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
