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

Each request is watched statement by statement (every INSERT, UPDATE or DELETE the database
receives), which also catches a write that changed nothing this time (an expiry with nothing
due); and the whole database is compared before and after each role's walk.

The world holds what used to be written on a read: a referral whose response time passed
while it was still waiting for an answer, and a bed hold past its end still active. They
expire through the scheduled tasks only.
"""

import re
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.awareness.services import material_create
from arrimage.coalition.models import Coalition, CoalitionLevel, Region
from arrimage.core.models import AuditEvent
from arrimage.directory.models import ServiceAtLocation, ServiceCapacity, Taxonomy, TaxonomyTerm
from arrimage.orientation.holds import bed_hold_create
from arrimage.orientation.models import BedHold, HoldStatus, Referral, ReferralStatus
from arrimage.orientation.referrals import referral_create_and_send
from arrimage.screening.services import screening_answer, screening_start
from tests.cases.conftest import populate
from tests.conferences.conftest import conference_world
from tests.conftest import login, make_side
from tests.orientation.conftest import (
    agreement_for_referrals,
    consent_to,
    make_service,
    membership,
)

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
# Table -> the statements a GET may send to it.
ALLOWED = {
    "django_session": {"INSERT", "UPDATE", "DELETE"},
    "core_ratewindow": {"INSERT", "UPDATE", "DELETE"},
    "cases_caseaccess": {"INSERT"},
    "privacy_auditevent": {"INSERT"},
    "privacy_audithead": {"UPDATE"},
}
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
SAMPLES = {"IntConverter": "999999", "UUIDConverter": "00000000-0000-0000-0000-000000000000"}


def _named_routes() -> Iterator[tuple[str, dict[str, str]]]:
    """Every named URL with its parameters and their converter's name."""

    def walk(resolver: URLResolver, namespace: str, parameters: dict[str, str]):
        for entry in resolver.url_patterns:
            converters = {
                key: type(converter).__name__
                for key, converter in getattr(entry.pattern, "converters", {}).items()
            }
            if isinstance(entry, URLResolver):
                child = ":".join(part for part in (namespace, entry.namespace) if part)
                yield from walk(entry, child, {**parameters, **converters})
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name, {**parameters, **converters}

    seen: set[str] = set()
    for name, parameters in walk(get_resolver(), "", {}):
        if name not in seen:
            seen.add(name)
            yield name, parameters


ROUTES = sorted(_named_routes())


def _side_world(side, coalition, label: str) -> dict[str, str]:
    """One side's data: a rich case, a shelter with a service, a hold and a referral both past
    their time and still open. Identical for both sides."""
    shelter = make_side(f"Refuge{label}", org_type="shelter", coalition=coalition)
    agreement_for_referrals(coalition, membership(side, Role.COORDINATOR))
    service = make_service(
        shelter.organisation,
        name_fr=f"Refuge {label}",
        terms=("housing_emergency",),
        capacities=(("bed", 2, 5, timedelta(hours=1)),),
    )
    make_service(side.organisation, name_fr=f"Accueil {label}")
    case = populate(side, label)
    screening = screening_start(actor=membership(side), form="short", case_id=case.pk)
    screening_answer(
        actor=membership(side), screening_id=screening.pk, question="safe_now", answer="yes"
    )
    consent = consent_to(case, shelter.organisation, ["identity", "contact", "coordination"])
    hold = bed_hold_create(actor=membership(side), service_id=service.pk, unit="bed")
    referral = referral_create_and_send(
        actor=membership(side),
        case_id=case.pk,
        service_id=service.pk,
        categories=["identity", "coordination"],
        need="emergency_housing",
        hold_id=hold.pk,
    )
    past = timezone.now() - timedelta(minutes=5)
    Referral.objects.filter(pk=referral.pk).update(response_due_at=past)
    BedHold.objects.filter(pk=hold.pk).update(expires_at=past)
    place = ServiceAtLocation.objects.filter(service=service).select_related("location").get()
    material = material_create(
        actor=membership(side, Role.COORDINATOR),
        coalition_id=coalition.pk,
        data={
            "title": f"Formation {label}",
            "audience": "workers",
            "kind": "training",
            "language": "fr",
        },
        filename="formation.md",
        content=f"# Formation {label}\n".encode(),
    )
    term = TaxonomyTerm.objects.filter(taxonomy__isnull=False).first()
    return {
        "case_id": str(case.pk),
        "person_id": str(case.person_id),
        "screening_id": str(screening.pk),
        "referral_id": str(referral.pk),
        "hold_id": str(hold.pk),
        "service_id": str(service.pk),
        "capacity_id": str(ServiceCapacity.objects.filter(service=service).get().pk),
        "location_id": str(place.location_id),
        "organization_id": str(place.location.organization_id),
        "sal_id": str(place.pk),
        "coalition_id": str(coalition.pk),
        "organisation_id": str(side.organisation.pk),
        "slug": "traite",
        "consent_id": str(consent.pk),
        "material_id": str(material.pk),
        "version_id": str(material.versions.get().pk),
        "membership_id": str(membership(side).pk),
        "taxonomy_id": str(Taxonomy.objects.first().pk),  # type: ignore[union-attr]
        "term_id": str(term.pk if term else ""),
        "category": "identity",
        "fmt": "json",
        "token": "sample",
        "uidb64": "sample",
        "shelter": shelter,  # type: ignore[dict-item]
        **conference_world(side, case, label),
    }


@pytest.fixture
def walk_world(db, coalition):
    side_a = make_side("A", coalition=coalition)
    other = Coalition.objects.create(
        name="Estrie",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-05"),
    )
    side_b = make_side("B", coalition=other)
    world = {"a": _side_world(side_a, coalition, "A"), "b": _side_world(side_b, other, "B")}
    readers = {role: side_a.user(role) for role in Role.values}
    readers["shelter service staff"] = world["a"]["shelter"].user(Role.SERVICE_STAFF)
    for org_type in ("police", "border_enforcement", "prosecution"):
        enforcement = make_side(org_type.title(), org_type=org_type, coalition=coalition)
        readers[org_type] = enforcement.user(Role.CASEWORKER)
    readers["anonymous"] = None
    return world, readers


def _url(name: str, parameters: dict[str, str], values: dict[str, str]) -> str | None:
    kwargs = {
        key: values.get(key) or SAMPLES.get(kind, "sample") for key, kind in parameters.items()
    }
    try:
        return reverse(name, kwargs=kwargs)
    except Exception:
        return None


class WriteWatcher:
    """Every INSERT, UPDATE and DELETE sent to the database, with its table."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, str]] = []

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match:
            verb = match.group(1).split()[0].upper()
            self.writes.append((verb, match.group(2).lower()))
        return execute(sql, params, many, context)


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
                url = _url(name, parameters, values)
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
