"""Reads never write (issue 11 item 4): every GET URL of the URL tree, as every role and
anonymously, over a world of two coalitions with identical data, changes no row.

The only writes a GET may make, exactly:

- ``django_session``: the session's expiry moves forward, at most once a minute
  (``SessionRenewalMiddleware``, the 30-minute idle timeout);
- ``core_ratewindow``: the throttling counters of the API and of the public HSDS API, kept in
  the database so that they hold across app servers (core/throttling.py, issue 12 item 4);
- the audit the policy requires for a read of personal data (or of figures derived from it):
  lines inserted in a case's access
  log (``cases_caseaccess``) and events appended to the hash-chained audit log
  (``privacy_auditevent``, one of whose chain heads ``privacy_audithead`` then advances), with
  one of :data:`READ_ACTIONS`. Nothing else is inserted, and neither is ever updated or
  deleted.

The table of those writes is ``walk_world.ALLOWED``; the world is the one of the walk by role
(``walk_world.py``, the ``walk_world`` fixture in ``conftest.py``).

Each request is watched statement by statement (every INSERT, UPDATE or DELETE the database
receives), which also catches a write that changed nothing this time (an expiry with nothing
due); and the whole database is compared before and after each role's walk.

The world holds what used to be written on a read: a referral whose response time passed
while it was still waiting for an answer, and a bed hold past its end still active. They
expire through the scheduled tasks only.
"""

from collections import Counter

import pytest
from django.db import connection

from arrimage.accounts.models import Membership
from arrimage.core.models import AuditEvent
from arrimage.orientation.models import BedHold, HoldStatus, Referral, ReferralStatus
from tests.conftest import login
from tests.core.walk_world import ALLOWED, ROUTES, WriteWatcher, url_for

pytestmark = pytest.mark.django_db

# Reads of personal data the policy audits (docs/policy.md: every read of a personal category
# is audited), and the audit log's own viewers, whose lines name who read which case.
READ_ACTIONS = frozenset(
    {
        "case_read",
        "case_list_read",
        "case_exported",
        "person_exported",
        "person_export_delivered",
        "cases_exported_htcds",
        "notifications_read",
        "calendar_read",
        "referral_case_read",
        "case_matching_read",
        "document_read",
        "audit_log_viewed",
        "organisation_audit_viewed",
        "incident_viewed",
        # Counts of unmet needs are derived from protected categories (a need for health
        # care is health): each reading is audited so that differencing by repeated
        # readings can be traced (docs/matching.md, "Limits").
        "unmet_needs_read",
        # Screening answers are exploitation data: every reading is audited.
        "screening_read",
        "screening_listed",
        "screening_exported",
        # A case conference's agenda holds what was said about the person, by category.
        "conference_read",
    }
)


def _forbidden(writes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(verb, table) for verb, table in writes if verb not in ALLOWED.get(table, set())]


def _snapshot() -> dict[str, Counter]:
    tables = connection.introspection.table_names()
    rows: dict[str, Counter] = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = Counter(repr(row) for row in cursor.fetchall())
    return rows


def _changed(before: dict[str, Counter], after: dict[str, Counter]) -> dict[str, str]:
    changes = {}
    for table in set(before) | set(after):
        old, new = before.get(table, Counter()), after.get(table, Counter())
        if old == new or table in {"django_session", "core_ratewindow"}:
            continue
        removed, added = old - new, new - old
        if table in {"cases_caseaccess", "privacy_auditevent"} and not removed:
            continue  # appended only: checked statement by statement
        if table == "privacy_audithead" and len(removed) == len(added) == 1:
            continue  # the head of the chain advanced
        changes[table] = f"{sum(removed.values())} rows gone or changed, {sum(added.values())} new"
    return changes


def test_no_get_writes_anything_but_the_audit_of_personal_reads(client, walk_world):
    world, readers = walk_world
    problems: list[str] = []
    watcher = WriteWatcher()
    for reader_name, user in readers.items():
        client.logout()
        if user is not None:
            login(client, user)
        last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)
        last_event_id = last_event.first() or 0
        before = _snapshot()
        for name, parameters in ROUTES:
            targets = {"a": world["a"]}
            if parameters:
                targets["b"] = world["b"]
            for values in targets.values():
                url = url_for(name, parameters, values)
                if url is None:
                    continue
                watcher.writes.clear()
                with connection.execute_wrapper(watcher):
                    status = client.get(url).status_code
                bad = _forbidden(watcher.writes)
                if bad:
                    problems.append(f"{reader_name} GET {url} ({name}, {status}): {bad}")
        events = AuditEvent.objects.filter(pk__gt=last_event_id)
        for action in sorted(set(events.values_list("action", flat=True)) - READ_ACTIONS):
            problems.append(f"{reader_name}: a GET audited {action!r}, not a personal read")
        for table, change in _changed(before, _snapshot()).items():
            problems.append(f"{reader_name}: {table} changed during the walk: {change}")
    assert not problems, "\n".join(problems)
    for side in ("a", "b"):
        referral = Referral.objects.get(pk=world[side]["referral_id"])
        assert referral.status == ReferralStatus.SENT, "only the scheduled task expires it"
        assert BedHold.objects.get(pk=world[side]["hold_id"]).status == HoldStatus.ACTIVE
    assert len(ROUTES) > 100
    assert Membership.objects.filter(organisation__type="police").exists()
