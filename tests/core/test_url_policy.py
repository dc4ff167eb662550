"""Every URL is either public on purpose or refuses an anonymous visitor, and every URL has an
entry in the policy table (src/arrimage/url_policy.py) and an expected answer per role here
(GRANTED). A new URL without both fails here. Then the walk by role: every URL as every role,
over two organisations with identical data (``walk_world.py``, the ``role_world``
fixture in ``conftest.py``)."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, UUIDConverter

from arrimage.url_policy import URL_POLICY, Access
from tests.conftest import login
from tests.core.walk_world import (
    ADMIN,
    ALLOWED,
    ANALYST,
    ANONYMOUS,
    BORDER,
    CASEWORKER,
    COORDINATOR,
    POLICE,
    PROSECUTION,
    SHELTER,
    WriteWatcher,
    url_for,
)
from tests.core.walk_world import ROUTES as NAMED_ROUTES

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    callback: object


def _sample(converter: object) -> str:
    if isinstance(converter, IntConverter):
        return "999999"
    if isinstance(converter, UUIDConverter):
        return str(uuid.UUID(int=0))
    return "sample"


def _routes(
    resolver: URLResolver,
    prefix: str = "",
    namespace: str = "",
    samples: dict[str, str] | None = None,
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        part = str(pattern)
        converters = getattr(pattern, "converters", {})
        values = dict(samples or {})
        values.update({key: _sample(conv) for key, conv in converters.items()})
        if isinstance(entry, URLResolver):
            child_ns = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            yield from _routes(entry, prefix + part, child_ns, values)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            url = "/" + prefix + part
            for key, value in values.items():
                for conv in ("int", "uuid", "str", "slug", "path"):
                    url = url.replace(f"<{conv}:{key}>", value)
                url = url.replace(f"<{key}>", value)
            url = url.replace("^", "").replace("$", "")
            yield Route(name, url, entry.callback)


ROUTES = list(_routes(get_resolver()))


def test_every_url_has_a_policy_entry():
    missing = sorted({route.name for route in ROUTES} - set(URL_POLICY))
    assert not missing, f"URLs without an entry in url_policy.URL_POLICY: {missing}"


def test_policy_table_has_no_stale_entries():
    stale = sorted(set(URL_POLICY) - {route.name for route in ROUTES})
    assert not stale, f"entries in URL_POLICY for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_url_is_public_on_purpose_or_refuses_anonymous(client, route):
    access = URL_POLICY.get(route.name)
    assert access is not None, f"{route.name} has no policy entry"
    is_marked_public = getattr(route.callback, "login_required", True) is False
    if access == Access.PUBLIC:
        assert is_marked_public, f"{route.name} is PUBLIC in the table but not login_not_required"
        return
    if access == Access.METRICS:
        for method in ("get", "post"):
            assert getattr(client, method)(route.url).status_code == 404, (route.url, method)
        return
    for method in ("get", "post"):
        response = getattr(client, method)(route.url)
        if access == Access.API:
            assert response.status_code in {401, 404, 405}, (
                route.url,
                method,
                response.status_code,
            )
        else:
            assert not is_marked_public, f"{route.name} is marked public but listed as {access}"
            assert response.status_code == 302, (route.url, method, response.status_code)
            assert response["Location"].startswith("/compte/connexion/")


# The walk by role (issue 11 item 9) ------------------------------------------------------------
#
# Every URL, as every role, on the objects of the reader's side (organisation A, its shelter
# partner) and on the same objects of organisation B, which holds identical data in another
# coalition. GRANTED names the roles the URL answers on A's objects; everyone else, B's objects
# and anonymous visitors (outside PUBLIC) are refused. A refusal answers 403 or 404 (an
# anonymous visitor: the login page, or 401 from the API), shows no personal data of either
# side, and changes no row, whether it came by GET or by POST. Granted POSTs are not sent here
# (they write by design; each app's tests send them with real data), so for a URL that only
# takes POST, the walk proves the refusals.

ENFORCEMENT = frozenset({POLICE, BORDER, PROSECUTION})
SIGNED_IN = frozenset({CASEWORKER, SHELTER, COORDINATOR, ADMIN, ANALYST}) | ENFORCEMENT
LEAD_CASE = frozenset({CASEWORKER, COORDINATOR})  # the lead organisation's case readers
NOBODY: frozenset[str] = frozenset()

# NO_OBJECT below: a URL whose object the walk's world does not hold (a release, an incident,
# a background task, whose ``task_id`` is a case task's id here, a calendar token): walked with
# ids that name nothing of that kind, every role must get the same refusal.
NO_OBJECT = NOBODY

GRANTED: dict[str, frozenset[str]] = {
    # Accounts: one's own account for everyone; members for the organisation's admins.
    "accounts:language": SIGNED_IN,
    "accounts:login": SIGNED_IN,
    "accounts:login_code": SIGNED_IN,
    "accounts:logout": SIGNED_IN,
    "accounts:member_remove": frozenset({ADMIN}),
    "accounts:member_role": frozenset({ADMIN}),
    "accounts:members": frozenset({ADMIN}),
    "accounts:organisation_switch": SIGNED_IN,
    "accounts:password_change": SIGNED_IN,
    "accounts:password_reset": SIGNED_IN,
    "accounts:password_reset_complete": SIGNED_IN,
    "accounts:password_reset_confirm": SIGNED_IN,
    "accounts:password_reset_done": SIGNED_IN,
    "accounts:profile": SIGNED_IN,
    "accounts:recovery_codes": SIGNED_IN,
    "accounts:two_factor": SIGNED_IN,
    "accounts:two_factor_disable": SIGNED_IN,
    "accounts:two_factor_enrol": SIGNED_IN,
    # The coalition's agreement: every member organisation reads it.
    "agreements:detail": SIGNED_IN,
    # Awareness: the help page and public materials for anyone; the walk's material is for
    # workers: every member of the coalition reads it, B's answers 404; coordinators write;
    # briefs follow their release (coordinators and analysts).
    "awareness:brief_create": frozenset({COORDINATOR}),
    "awareness:brief_detail": NO_OBJECT,
    "awareness:brief_pdf": NO_OBJECT,
    "awareness:briefs": frozenset({COORDINATOR, ANALYST}),
    "awareness:contacts": frozenset({COORDINATOR}),
    "awareness:help": SIGNED_IN,
    "awareness:material_create": frozenset({COORDINATOR}),
    "awareness:material_detail": SIGNED_IN,
    "awareness:materials": SIGNED_IN,
    "awareness:version_add": frozenset({COORDINATOR}),
    "awareness:version_file": SIGNED_IN,
    "api:api-root": NOBODY,  # the API has no root page
    # Cases through the API: the lead organisation, by the categories each role reads
    # (consents need identity: the caseworker); lists answer everyone with their own cases.
    "api:cases_consent_add": frozenset({CASEWORKER}),
    "api:cases_consent_withdraw": frozenset({CASEWORKER}),
    "api:cases_consents": frozenset({CASEWORKER}),
    "api:cases_create": SIGNED_IN,
    "api:cases_detail": LEAD_CASE,
    "api:cases_export": LEAD_CASE,
    "api:cases_note_add": LEAD_CASE,
    "api:cases_notifications": SIGNED_IN,
    "api:cases_search": SIGNED_IN,
    "api:cases_task_add": LEAD_CASE,
    "api:cases_worklist": SIGNED_IN,
    "api:directory_capacities": SIGNED_IN,
    "api:directory_capacity_update": frozenset({ADMIN, SHELTER}),
    "api:me": SIGNED_IN,
    "api:openapi-json": SIGNED_IN,
    "api:openapi-view": SIGNED_IN,
    # Holds and referrals: the side that made them and the receiving shelter.
    "api:orientation_hold_accept": frozenset({SHELTER}),
    "api:orientation_hold_create": SIGNED_IN,
    "api:orientation_hold_detail": frozenset({CASEWORKER, COORDINATOR, ANALYST, ADMIN, SHELTER}),
    "api:orientation_hold_release": frozenset({CASEWORKER, SHELTER}),
    "api:orientation_holds": SIGNED_IN,
    "api:orientation_match": SIGNED_IN,
    "api:orientation_referral_create": SIGNED_IN,
    "api:orientation_referral_detail": frozenset({CASEWORKER, SHELTER}),
    "api:orientation_referral_fhir": frozenset({CASEWORKER, SHELTER}),
    "api:orientation_referral_transition": frozenset({CASEWORKER, SHELTER}),
    "api:orientation_referrals": SIGNED_IN,
    "api:orientation_service_response": SIGNED_IN,
    "api:orientation_unmet_needs": frozenset({COORDINATOR, ANALYST}),
    # Case pages: the lead organisation's caseworker reads every category, its coordinator
    # coordination, its admin the access log; nobody else.
    "cases:access_log": LEAD_CASE | {ADMIN},
    "cases:calendar": SIGNED_IN,
    "cases:calendar_feed": NO_OBJECT,
    "cases:consent_summary": frozenset({CASEWORKER}),
    "cases:consent_withdraw": frozenset({CASEWORKER}),
    "cases:consents": frozenset({CASEWORKER}),
    "cases:create": frozenset({CASEWORKER, SHELTER}) | ENFORCEMENT,
    "cases:detail": LEAD_CASE,
    "cases:document_add": LEAD_CASE,
    "cases:document_download": LEAD_CASE,
    "cases:exploitation_edit": frozenset({CASEWORKER}),
    "cases:export": LEAD_CASE,
    "cases:goal_add": LEAD_CASE,
    "cases:health_add": frozenset({CASEWORKER}),
    "cases:immigration_edit": frozenset({CASEWORKER}),
    "cases:legal_edit": frozenset({CASEWORKER}),
    "cases:need_add": LEAD_CASE,
    "cases:need_status": LEAD_CASE,
    "cases:note_add": LEAD_CASE,
    "cases:notifications": SIGNED_IN,
    "cases:person_edit": frozenset({CASEWORKER}),
    "cases:search": SIGNED_IN,
    "cases:status": LEAD_CASE,
    "cases:task_add": LEAD_CASE,
    "cases:task_done": LEAD_CASE,
    "cases:worklist": SIGNED_IN,
    "coalition:detail": SIGNED_IN,
    # A coalition's life: every member organisation reads its texts and trainings (writes are
    # POSTs of its coordinators); the onboarding checklist for coordinators and admins, the
    # signature for admins (POST only).
    "coalition:announcements": SIGNED_IN,
    "coalition:minutes": SIGNED_IN,
    "coalition:decisions": SIGNED_IN,
    "coalition:trainings": SIGNED_IN,
    "coalition:training": NO_OBJECT,
    "coalition:onboarding": frozenset({COORDINATOR, ADMIN}),
    "coalition:agreement_sign": frozenset({ADMIN}),
    # Conferences: the participants only (the walk's conference is on the lead organisation's
    # case, with its caseworker and coordinator); any member who reads coordination plans one.
    "conferences:list": SIGNED_IN,
    "conferences:create": frozenset({CASEWORKER, SHELTER, COORDINATOR}) | ENFORCEMENT,
    "conferences:detail": LEAD_CASE,
    "conferences:ics": LEAD_CASE,
    "conferences:item_add": LEAD_CASE,
    "conferences:item_record": LEAD_CASE,
    "conferences:action_add": LEAD_CASE,
    "coalition:list": SIGNED_IN,
    "core:health": SIGNED_IN,
    "core:task": NO_OBJECT,
    "core:task_file": NO_OBJECT,
    "core:task_state": NO_OBJECT,
    "core:welcome": SIGNED_IN,
    # Directory: own services for service staff and admins; places for the shelter's staff.
    "directory:availability": frozenset({ADMIN, SHELTER}),
    "directory:availability_update": frozenset({ADMIN, SHELTER}),
    "directory:exchange": frozenset({COORDINATOR, ADMIN}),
    "directory:export": frozenset({COORDINATOR, ADMIN}),
    "directory:location_create": frozenset({SHELTER}),
    "directory:location_edit": frozenset({SHELTER}),
    "directory:own_services": frozenset({ADMIN, SHELTER}),
    "directory:search": SIGNED_IN,
    "directory:search_json": SIGNED_IN,
    "directory:service": SIGNED_IN,
    "directory:service_add": frozenset({ADMIN, SHELTER}),
    "directory:service_create": frozenset({SHELTER}),
    "directory:service_edit": frozenset({SHELTER}),
    "directory:sharing": frozenset({COORDINATOR}),
    # The glossary and mandates: read by everyone signed in; written for an organisation by its
    # own administrators and coordinators.
    "glossary:definition_edit": frozenset({COORDINATOR, ADMIN}),
    "glossary:list": SIGNED_IN,
    "glossary:term": SIGNED_IN,
    "home:availability_confirm": frozenset({SHELTER}),
    "home:home": SIGNED_IN,
    "hsds:openapi": SIGNED_IN,
    "hsds:organization": SIGNED_IN,
    "hsds:organizations": SIGNED_IN,
    "hsds:profile": SIGNED_IN,
    "hsds:root": SIGNED_IN,
    "hsds:service": SIGNED_IN,
    "hsds:service_at_location": SIGNED_IN,
    "hsds:service_at_locations": SIGNED_IN,
    "hsds:services": SIGNED_IN,
    "hsds:taxonomies": SIGNED_IN,
    "hsds:taxonomy": SIGNED_IN,
    "hsds:taxonomy_term": SIGNED_IN,
    "hsds:taxonomy_terms": SIGNED_IN,
    # Law 25: the register for admins and coordinators; the person's export for the case's
    # readers.
    "law25:audit_organisation": frozenset({ADMIN}),
    "law25:incident_create": frozenset({COORDINATOR, ADMIN}),
    "law25:incident_detail": NO_OBJECT,
    "law25:incident_edit": NO_OBJECT,
    "law25:incident_list": frozenset({COORDINATOR, ADMIN}),
    "law25:person_export_json": LEAD_CASE,
    "law25:person_export_pdf": LEAD_CASE,
    "law25:privacy_notice": SIGNED_IN,
    "law25:privacy_settings": frozenset({ADMIN}),
    "law25:retention_preview": frozenset({ADMIN}),
    "mandates:edit": frozenset({COORDINATOR, ADMIN}),
    "metrics": NOBODY,  # a scraper with the token, no user
    "orientation:hold_accept": frozenset({SHELTER}),
    "orientation:hold_create": frozenset({CASEWORKER}),
    "orientation:hold_release": frozenset({CASEWORKER, SHELTER}),
    "orientation:holds": SIGNED_IN,
    "orientation:intake": frozenset({CASEWORKER}) | ENFORCEMENT,
    "orientation:match": SIGNED_IN,
    "orientation:match_case": LEAD_CASE,
    "orientation:referral_create": NOBODY,  # without a case and a service in its query
    "orientation:referral_detail": frozenset({CASEWORKER, SHELTER}),
    "orientation:referral_transition": frozenset({CASEWORKER, SHELTER}),
    "orientation:referrals": SIGNED_IN,
    "orientation:unmet_needs": frozenset({COORDINATOR, ANALYST}),
    # Screening: exploitation data, for roles that read it (the caseworker) outside
    # enforcement bodies, in the organisation that did the screening.
    "screening:list": frozenset({CASEWORKER}),
    "screening:start": frozenset({CASEWORKER}),
    "screening:question": frozenset({CASEWORKER}),
    "screening:result": frozenset({CASEWORKER}),
    "screening:attach": frozenset({CASEWORKER}),
    "api:screening_list": frozenset({CASEWORKER}),
    "api:screening_detail": frozenset({CASEWORKER}),
    "api:screening_start": frozenset({CASEWORKER}),
    "api:screening_answer": frozenset({CASEWORKER}),
    "api:screening_attach": frozenset({CASEWORKER}),
    # Trends: answers for the organisation's own cases by those who read them; releases for
    # coordinators (and analysts reading them) of the coalition.
    "trends:answer_set": LEAD_CASE,
    "trends:answers": frozenset({CASEWORKER, COORDINATOR, SHELTER}) | ENFORCEMENT,
    "trends:bundle_import": frozenset({COORDINATOR}),
    "trends:htcds_export": SIGNED_IN,
    "trends:htcds_extra": SIGNED_IN,
    "trends:index": frozenset({COORDINATOR, ANALYST}),
    "trends:release_bundle": NO_OBJECT,
    "trends:release_create": frozenset({COORDINATOR}),
    "trends:release_csv": NO_OBJECT,
    "trends:release_detail": NO_OBJECT,
    "trends:release_pdf": NO_OBJECT,
    "trends:release_xlsx": NO_OBJECT,
    "trends:rollup_create": frozenset({COORDINATOR}),
    "trends:trusted_add": frozenset({COORDINATOR}),
}
# Objects of B every role may reach: public directory data, and the public response time of a
# service.
OTHER_SIDE_GRANTED = {"api:orientation_service_response"}
# What a refusal may write: the session's expiry and the throttling counters. Nothing else.
REFUSAL_WRITES = {"django_session", "core_ratewindow"}
MARKERS = ("mk-a-", "mk-b-")  # tests/cases/conftest.py's marker: every category of each case


def test_every_url_has_an_expected_answer_per_role():
    names = {route.name for route in ROUTES}
    assert not sorted(names - set(GRANTED)), "add the URL to GRANTED with the roles it answers"
    assert not sorted(set(GRANTED) - names)


def _refused(reader: str, access: Access, response) -> bool:
    if reader == ANONYMOUS:
        if access == Access.API:
            return response.status_code in {401, 403, 404}
        if response.status_code == 302:
            return response["Location"].startswith("/compte/connexion/")
        return response.status_code == 404
    return response.status_code in {403, 404}


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def test_every_url_as_every_role_answers_as_expected_and_refusals_show_and_change_nothing(
    client, role_world
):
    world, readers = role_world
    problems: list[str] = []
    watcher = WriteWatcher()

    def send(method: str, url: str):
        watcher.writes.clear()
        with connection.execute_wrapper(watcher):
            return getattr(client, method)(url)

    for reader, user in readers.items():
        client.logout()
        if user is not None:
            login(client, user)
        for name, parameters in NAMED_ROUTES:
            access = URL_POLICY[name]
            seen: set[str] = set()
            for side in ("a", "b") if parameters else ("a",):
                url = url_for(name, parameters, world[side])
                if url is None or url in seen:
                    continue
                seen.add(url)
                public = access == Access.PUBLIC
                granted = public or (
                    reader in GRANTED[name] and (side == "a" or name in OTHER_SIDE_GRANTED)
                )
                where = f"{reader} {{}} {url} ({name}, side {side})"
                response = send("get", url)
                body = _body(response)
                if "mk-b-" in body:
                    problems.append(where.format("GET") + ": shows organisation B's data")
                writes = {table for _verb, table in watcher.writes}
                refused = _refused(reader, access, response)
                if response.status_code == 405:
                    pass  # the URL takes POST only: its refusals are checked below
                elif granted and refused and not public:
                    problems.append(where.format("GET") + f": refused ({response.status_code})")
                elif not granted and not refused:
                    problems.append(where.format("GET") + f": answered {response.status_code}")
                if not granted or refused:
                    if any(marker in body for marker in MARKERS):
                        problems.append(where.format("GET") + ": a refusal shows personal data")
                    if writes - REFUSAL_WRITES:
                        problems.append(where.format("GET") + f": a refusal wrote {writes}")
                elif bad := {t for v, t in watcher.writes if v not in ALLOWED.get(t, set())}:
                    problems.append(where.format("GET") + f": a read wrote {bad}")
                if granted:
                    continue  # granted POSTs write by design: not sent here
                response = send("post", url)
                writes = {table for _verb, table in watcher.writes}
                if writes - REFUSAL_WRITES:
                    problems.append(where.format("POST") + f": a refusal wrote {writes}")
                if any(marker in _body(response) for marker in MARKERS):
                    problems.append(where.format("POST") + ": a refusal shows personal data")
                if response.status_code < 300:
                    problems.append(where.format("POST") + f": answered {response.status_code}")
                if user is not None and "_auth_user_id" not in client.session:
                    login(client, user)
    assert not problems, "\n".join(problems)
