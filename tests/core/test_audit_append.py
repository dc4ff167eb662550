"""How audit events are appended: on PostgreSQL one statement locks a free head, hashes the event
in SQL and inserts it; the hashes it writes are those audit-verify recomputes in Python, and
concurrent writers each take a chain of their own, or wait when every head is held."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext

from arrimage.core.audit import (
    _LAST_CHAIN,
    AUDIT_CHAINS,
    FIRST_CHAIN,
    _append,
    _payload,
    _text_around,
    audit_record,
    canonical_json,
    event_hash,
)
from arrimage.core.audit_check import _stored_payload, audit_verify
from arrimage.core.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db

# Texts whose JSON needs escapes or is not ASCII, and details whose keys are the payload's own.
AWKWARD_TEXTS = [
    "",
    'guillemets " et \\ barre',
    "Montréal, Saint-Jérôme · 東京 · 🏠",
    "ligne\nsuivante\ttab \u2028 \u2029 \x7f",
    '","sequence":1,"previous_hash":"',
    "{}[]:,",
]
AWKWARD_DETAILS: list[dict[str, str | int | bool | None]] = [
    {},
    {"n": 0, "b": True, "z": None, "neg": -12345678901234},
    {"sequence": 3, "chain": 2, "previous_hash": "0" * 64, "é": "à"},
    {text or "vide": text for text in AWKWARD_TEXTS},
]


def fields(text: str, details: dict[str, str | int | bool | None]) -> dict[str, object]:
    return {
        "occurred_at": datetime(2026, 12, 3, 19, 51, 5, 123456, tzinfo=UTC),
        "action": text or "action",
        "actor_id": None,
        "organisation_id": None,
        "target_type": text,
        "target_id": text[:64],
        "details": details,
    }


@pytest.mark.parametrize("chain", [FIRST_CHAIN, 2, AUDIT_CHAINS])
@pytest.mark.parametrize("sequence", [1, 10, 12345678901])
def test_the_text_around_the_head_splices_into_the_canonical_json(chain, sequence):
    """What PostgreSQL hashes is exactly the text audit-verify hashes: the canonical JSON of the
    whole payload, for any text and details."""
    previous = "ab" * 32
    for text in AWKWARD_TEXTS:
        for details in AWKWARD_DETAILS:
            event = fields(text, details)
            whole = _payload(chain=chain, sequence=sequence, previous_hash=previous, **event)
            spliced = _text_around(event).spliced(
                chain=chain, sequence=sequence, previous_hash=previous
            )
            assert spliced.encode() == canonical_json(whole)


def test_awkward_events_are_stored_and_hashed_as_audit_verify_recomputes_them():
    """On PostgreSQL the hash is computed in SQL; read back, each event hashes the same in
    Python, in chain 1 (no chain key) and in other chains."""
    appended = []
    for number, text in enumerate(AWKWARD_TEXTS):
        for chain in (FIRST_CHAIN, 7):
            appended.append(
                _append(
                    chain=chain,
                    action="test_event",
                    actor_id=None,
                    organisation_id=None,
                    target_type=text,
                    target_id=text[:64],
                    details=AWKWARD_DETAILS[number % len(AWKWARD_DETAILS)],
                )
            )
    for event in appended:
        stored = AuditEvent.objects.get(pk=event.pk)
        assert (stored.chain, stored.sequence, stored.hash) == (
            event.chain,
            event.sequence,
            event.hash,
        )
        assert event_hash(_stored_payload(stored)) == stored.hash
        assert stored.details == event.details
    assert [e.sequence for e in appended if e.chain == 7] == list(range(1, len(AWKWARD_TEXTS) + 1))
    assert AuditHead.objects.get(pk=7).hash == appended[-1].hash
    assert audit_verify() == (len(appended), None)


@pytest.mark.django_db(transaction=True)
def test_an_append_on_postgresql_is_one_statement():
    """Outside a transaction the statement is its own transaction: the head is held only while
    PostgreSQL runs it and commits, never while Python works between statements."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite appends in three statements, one writer at a time")
    audit_record(action="test_event")  # connects
    with CaptureQueriesContext(connection) as queries:
        event = audit_record(action="test_event", target_id="x", details={"n": 1})
    assert len(queries) == 1
    assert event.sequence == 2
    assert audit_verify() == (2, None)


WRITERS = 8
ROUNDS = 5


def _on_postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_append_side_by_side_and_the_chains_verify():
    """Eight threads, each on its own connection, append in rounds; in each round all of them
    hold their transaction open at once (a barrier), so each must have found a free chain of
    its own instead of waiting for another's: the round could not complete otherwise."""
    _on_postgresql_only()
    barrier = threading.Barrier(WRITERS, timeout=60)
    chains: list[set[int]] = [set() for _ in range(ROUNDS)]
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer(number: int) -> None:
        try:
            for round_ in range(ROUNDS):
                with transaction.atomic():
                    first = audit_record(action="test_event", target_id=f"{number}-{round_}")
                    second = audit_record(action="test_event", target_id=f"{number}-{round_}b")
                    assert second.chain == first.chain  # the head it holds, not another
                    with lock:
                        chains[round_].add(first.chain)
                    barrier.wait()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
            barrier.abort()
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert all(len(used) == WRITERS for used in chains), chains
    assert audit_verify() == (WRITERS * ROUNDS * 2, None)


def _waiting_for_a_lock(backend: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [backend])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


@pytest.mark.django_db(transaction=True)
def test_when_every_head_is_held_an_append_waits_for_one_and_the_chains_verify():
    """Sixteen transactions each hold a head; a seventeenth append finds none free, waits for
    the head its connection used last (it holds none, so no cycle of waits can form) and
    lands there once that head's transaction commits."""
    _on_postgresql_only()
    holding = threading.Barrier(AUDIT_CHAINS + 1, timeout=60)
    release = threading.Event()
    late: dict[str, object] = {}
    errors: list[BaseException] = []

    def holder(number: int) -> None:
        try:
            with transaction.atomic():
                _append(
                    chain=number,
                    action="test_event",
                    actor_id=None,
                    organisation_id=None,
                    target_type="",
                    target_id=f"holder-{number}",
                    details={},
                )
                holding.wait()
                release.wait(timeout=60)
        except BaseException as error:
            errors.append(error)
            holding.abort()
        finally:
            connection.close()

    def latecomer(started: threading.Event) -> None:
        try:
            setattr(connection, _LAST_CHAIN, 5)  # as if it had last used chain 5
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                late["backend"] = cursor.fetchone()[0]
            started.set()
            late["event"] = audit_record(action="test_event", target_id="late")
        except BaseException as error:
            errors.append(error)
            started.set()
        finally:
            connection.close()

    holders = [threading.Thread(target=holder, args=(n,)) for n in range(1, AUDIT_CHAINS + 1)]
    for thread in holders:
        thread.start()
    holding.wait()
    started = threading.Event()
    waiting = threading.Thread(target=latecomer, args=(started,))
    waiting.start()
    started.wait(timeout=60)
    # It blocks on a head's lock (polled until PostgreSQL reports the wait).
    for _ in range(600):
        if errors or _waiting_for_a_lock(int(late["backend"])):  # type: ignore[call-overload]
            break
        threading.Event().wait(0.1)
    assert not errors, errors
    assert "event" not in late
    assert _waiting_for_a_lock(int(late["backend"]))  # type: ignore[call-overload]
    release.set()
    for thread in [*holders, waiting]:
        thread.join()
    assert not errors, errors
    event = late["event"]
    assert isinstance(event, AuditEvent)
    assert (event.chain, event.sequence) == (5, 2)
    assert audit_verify() == (AUDIT_CHAINS + 1, None)
