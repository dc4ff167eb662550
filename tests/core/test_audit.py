"""The audit chain: append-only in the database, and audit-verify catches any tampering."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from arrimage.core.audit import GENESIS_HASH, audit_record, audit_verify
from arrimage.core.models import AuditEvent

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
    from arrimage.core.audit import _stored_payload, event_hash

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
