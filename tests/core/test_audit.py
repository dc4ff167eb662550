"""The audit chains: append-only in the database, and audit-verify catches any tampering in any
chain. How events are appended, alone or side by side: test_audit_append.py."""

import hashlib
import json
from datetime import UTC

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from arrimage.core.audit import AUDIT_CHAINS, GENESIS_HASH, _append, audit_record
from arrimage.core.audit_check import audit_verify
from arrimage.core.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db


def record_events(count: int = 5) -> list[AuditEvent]:
    return [
        audit_record(action="test_event", target_type="thing", target_id=str(i), details={"n": i})
        for i in range(count)
    ]


def drop_append_only_triggers() -> None:
    """What an attacker with database access would do first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "DROP TRIGGER IF EXISTS privacy_auditevent_append_only ON privacy_auditevent"
            )
        else:
            cursor.execute("DROP TRIGGER IF EXISTS privacy_auditevent_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS privacy_auditevent_no_delete")


def test_chain_links_each_event_to_the_previous():
    events = record_events(3)
    assert events[0].previous_hash == GENESIS_HASH
    assert events[1].previous_hash == events[0].hash
    assert [e.sequence for e in events] == [1, 2, 3]
    assert audit_verify() == (3, None)


def test_audit_verify_command_passes_on_an_intact_log(capsys):
    record_events(2)
    call_command("audit_verify")
    assert "intact: 2 events" in capsys.readouterr().out


def test_database_refuses_update_and_delete():
    event = record_events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert audit_verify() == (1, None)


def test_modified_event_is_caught():
    events = record_events(5)
    drop_append_only_triggers()
    AuditEvent.objects.filter(pk=events[2].pk).update(target_id="999")
    checked, problem = audit_verify()
    assert problem is not None
    assert (problem.sequence, problem.kind) == (3, "modified")
    assert checked == 2
    with pytest.raises(CommandError, match="sequence 3, modified"):
        call_command("audit_verify")


def test_modified_event_with_recomputed_hash_breaks_the_next_link():
    from arrimage.core.audit import event_hash
    from arrimage.core.audit_check import _stored_payload

    events = record_events(4)
    drop_append_only_triggers()
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.action = "forged"
    forged.hash = event_hash(_stored_payload(forged))
    forged.save()
    _checked, problem = audit_verify()
    assert problem is not None
    assert problem.sequence == 3
    assert problem.kind == "inserted"


def test_deleted_event_is_caught():
    events = record_events(5)
    drop_append_only_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    _checked, problem = audit_verify()
    assert problem is not None
    assert (problem.sequence, problem.kind) == (2, "deleted")


def test_deleted_last_event_is_caught_by_the_head():
    events = record_events(3)
    drop_append_only_triggers()
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    _checked, problem = audit_verify()
    assert problem is not None
    assert problem.kind == "deleted"
    assert problem.sequence == 3


def test_inserted_event_is_caught():
    events = record_events(3)
    drop_append_only_triggers()
    # Make room after event 1 and slip a forged event in.
    for event in reversed(events[1:]):
        AuditEvent.objects.filter(pk=event.pk).update(sequence=event.sequence + 1)
    AuditEvent.objects.create(
        sequence=2,
        occurred_at=events[1].occurred_at,
        action="forged",
        target_type="thing",
        target_id="x",
        details={},
        previous_hash=events[0].hash,
        hash="f" * 64,
    )
    _checked, problem = audit_verify()
    assert problem is not None
    assert problem.sequence == 2
    assert problem.kind in {"modified", "inserted"}


def test_reordered_events_are_caught():
    events = record_events(3)
    drop_append_only_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).update(sequence=100)
    AuditEvent.objects.filter(pk=events[2].pk).update(sequence=2)
    AuditEvent.objects.filter(pk=events[1].pk).update(sequence=3)
    _checked, problem = audit_verify()
    assert problem is not None
    assert problem.sequence == 2
    assert problem.kind == "inserted"


def test_events_hold_ids_only(side_a, client):
    from tests.conftest import login

    user = side_a.user("caseworker")
    login(client, user)
    for event in AuditEvent.objects.all():
        text = str(event.details) + event.target_id
        assert user.email not in text
        assert user.full_name not in text


# Several chains ---------------------------------------------------------------------------------


def record_in(chain: int, count: int) -> list[AuditEvent]:
    """Events in a given chain, as concurrent writers would have left them."""
    return [
        _append(
            chain=chain,
            action="test_event",
            actor_id=None,
            organisation_id=None,
            target_type="thing",
            target_id=f"{chain}-{i}",
            details={"n": i},
        )
        for i in range(count)
    ]


@pytest.fixture
def three_chains() -> dict[int, list[AuditEvent]]:
    chains = {chain: record_in(chain, 4) for chain in (1, 2, 5)}
    assert audit_verify() == (12, None)
    drop_append_only_triggers()
    return chains


def _problem() -> tuple[int, int, str]:
    _checked, problem = audit_verify()
    assert problem is not None
    return problem.chain, problem.sequence, problem.kind


def test_each_chain_numbers_and_links_its_own_events(three_chains):
    for chain, events in three_chains.items():
        assert [(e.chain, e.sequence) for e in events] == [(chain, n) for n in (1, 2, 3, 4)]
        assert events[0].previous_hash == GENESIS_HASH
        assert [e.previous_hash for e in events[1:]] == [e.hash for e in events[:-1]]
        assert AuditHead.objects.get(pk=chain).hash == events[-1].hash


def test_a_modified_event_is_caught_in_its_chain(three_chains):
    AuditEvent.objects.filter(pk=three_chains[5][1].pk).update(target_id="999")
    assert _problem() == (5, 2, "modified")
    with pytest.raises(CommandError, match="chain 5, sequence 2, modified"):
        call_command("audit_verify")


def test_an_event_deleted_from_the_middle_of_a_chain_is_caught(three_chains):
    AuditEvent.objects.filter(pk=three_chains[2][1].pk).delete()
    assert _problem() == (2, 2, "deleted")


def test_events_deleted_from_the_end_of_a_chain_are_caught_by_its_head(three_chains):
    AuditEvent.objects.filter(pk__in=[e.pk for e in three_chains[5][2:]]).delete()
    assert _problem() == (5, 3, "deleted")


def test_a_whole_chain_deleted_is_caught_by_its_head(three_chains):
    AuditEvent.objects.filter(chain=2).delete()
    assert _problem() == (2, 1, "deleted")


def test_events_reordered_in_a_chain_are_caught(three_chains):
    second, third = three_chains[5][1], three_chains[5][2]
    AuditEvent.objects.filter(pk=second.pk).update(sequence=100)
    AuditEvent.objects.filter(pk=third.pk).update(sequence=2)
    AuditEvent.objects.filter(pk=second.pk).update(sequence=3)
    assert _problem() == (5, 2, "inserted")


def test_an_event_moved_to_another_chain_is_caught(three_chains):
    last = three_chains[2][-1]
    AuditEvent.objects.filter(pk=last.pk).update(chain=5, sequence=5)
    AuditHead.objects.filter(pk=5).update(sequence=5, hash=last.hash)
    AuditHead.objects.filter(pk=2).update(sequence=3, hash=three_chains[2][2].hash)
    # Its link does not fit chain 5, and its hash names chain 2.
    assert _problem() == (5, 5, "inserted")


def test_an_event_forged_into_a_chain_that_does_not_exist_is_caught(three_chains):
    AuditEvent.objects.create(
        chain=AUDIT_CHAINS + 1,
        sequence=1,
        occurred_at=three_chains[1][0].occurred_at,
        action="forged",
        details={},
        previous_hash=GENESIS_HASH,
        hash="f" * 64,
    )
    assert _problem() == (AUDIT_CHAINS + 1, 1, "inserted")


def test_chain_1_keeps_the_hash_format_of_the_single_log_so_old_events_still_verify():
    """The log written before the chains became chain 1 without rewriting an event: its events
    hash exactly as they did then, computed here independently of core/audit.py."""
    event = record_events(1)[0]
    payload = {
        "sequence": 1,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "action": "test_event",
        "actor_id": None,
        "organisation_id": None,
        "target_type": "thing",
        "target_id": "0",
        "details": {"n": 0},
        "previous_hash": GENESIS_HASH,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert (event.chain, event.sequence) == (1, 1)
    assert event.hash == hashlib.sha256(GENESIS_HASH.encode() + canonical.encode()).hexdigest()


def test_every_chain_has_its_head_from_the_migration():
    assert list(AuditHead.objects.order_by("pk").values_list("pk", flat=True)) == list(
        range(1, AUDIT_CHAINS + 1)
    )
