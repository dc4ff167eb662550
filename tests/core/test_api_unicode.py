"""Arbitrary Unicode into every write endpoint of /api/ (issue 12, item 1).

Hypothesis draws request bodies from the OpenAPI description itself: every string field gets
lone surrogates, NUL and other control characters, right-to-left marks, emoji, private-use
and unassigned characters, over-long text, or a value the field accepts; numbers get huge and
negative ones; ids are those of the test's world, so the writes reach the services, the
encryption and the database. The body is sent as JSON with ``\\u`` escapes, as the probe of the
issue did. The test asserts that no answer is a 5xx (the test client raises on a 500) and that
every page listing what was written still answers 200 afterwards: the worklist, the case
pages, the referral lists and pages of both sides, the holds, the capacities.

Run time: about 30 s of one core (``EXAMPLES`` per operation)."""

import json
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrimage.accounts.models import Role
from arrimage.api import api
from arrimage.cases.vocabularies import AgeBand, Gender, NeedType, Urgency
from arrimage.directory.models import ServiceCapacity
from arrimage.orientation.holds import bed_hold_create
from arrimage.orientation.models import DeclineReason, NotCompletedReason, ReferralStatus
from arrimage.orientation.needs import NEEDS
from arrimage.orientation.referrals import referral_create_and_send
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.sharing_models import ConsentMethod
from arrimage.screening.questions import TOOL
from arrimage.screening.services import screening_start
from tests.conftest import login, make_side
from tests.orientation.conftest import (
    ALL_STATUSES,
    agreement_for_referrals,
    consent_to,
    make_service,
    membership,
    open_case,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 20

# Characters a client may send that once broke something, or could.
NASTY = [
    "\udc00x",  # a lone low surrogate (D1)
    "x\ud800",  # a lone high surrogate
    "\x00",
    "a\x00b",
    "\x1b[31mred",
    "\x7f\x85\x9f",
    "line\r\nline\ttab",
    "\u202eevil\u202c",  # right-to-left override
    "\ufeffbom",
    "\U0001f600 \U0001f469\u200d\U0001f469\u200d\U0001f467",  # emoji, family with joiners
    "\ue000\U0010fffd",  # private use
    "\U000e0001\U0003fffe",  # tag, unassigned noncharacter
    "\u0301\u0301\u0301",  # combining marks alone
    "<script>alert(1)</script>",
    "{{ 7*7 }} %(field)s %s",
    "\\udc00 typed out",
]

# Values each field accepts, so that the writes go past the first check.
VALID = {
    "category": list(Category.values),
    "categories": ["identity", "coordination", "contact"],  # what the person consented to
    "purpose": list(Purpose.values),
    "method": list(ConsentMethod.values),
    "need": list(NEEDS),
    "needs": list(NEEDS),
    "need_type": list(NeedType.values),
    "question": [q.code for q in TOOL.questions],
    "urgency": list(Urgency.values),
    "unit": ["bed"],
    "to_status": list(ReferralStatus.values),
    "reason": [*DeclineReason.values, *NotCompletedReason.values],
    "gender": [*Gender.values, "woman", "man"],
    "age_band": list(AgeBand.values),
    "languages": ["fr", "es", "en"],
    "citizenship": ["MX", "CA"],
    "status": ["none", "asylum"],
    "region": ["QC-06"],
    "exploitation": ["sexual", "labour"],
    "alias": ["Rosa", "Ana María"],
    "phone": ["+1 514 555 0100"],
    "email": ["rosa@example.org"],
    "year_of_birth": [1990, 2001],
    "response_hours": [4, 24, 48, 72],
    "delta": [-1, 1],
    "available": [0, 20],
    "age": [30],
    "children": [0, 1],
    "minutes": [60, 240],
}


def _mostly(usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``rare`` about one draw in six: a body then usually has one odd field among good ones,
    and gets past the first check into the services, the encryption and the database."""
    return st.integers(0, 5).flatmap(lambda n: rare if n == 5 else usual)


def _clean_text(max_length: int | None) -> st.SearchStrategy[str]:
    """Text the rule accepts: any assigned or unassigned character but controls and
    surrogates (emoji, right-to-left, combining marks, private use ...)."""
    limit = min(max_length or 300, 60)
    return st.text(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=limit
    )


def _odd_text(max_length: int | None) -> st.SearchStrategy[str]:
    limit = max_length or 300
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(st.characters(exclude_categories=()), max_size=min(limit, 40)),
        st.builds(
            lambda head, bad, tail: head + bad + tail,
            st.text(max_size=10),
            st.sampled_from(["\x00", "\udc00", "\x07", "\ud83d", "\x9b"]),
            st.text(max_size=10),
        ),
        st.just("x" * (limit + 1)),
    )


def _is_text(schema: dict[str, Any]) -> bool:
    if "anyOf" in schema:
        return False
    if schema.get("type") == "array":
        return schema.get("items", {}).get("type") == "string"
    return schema.get("type") == "string" and "format" not in schema


def _with_odd_field(
    body: dict[str, Any], key: str, dice: int, odd: str, properties: dict[str, Any], components
) -> dict[str, Any]:
    if dice == 0:
        return body
    array = _resolve(properties[key], components).get("type") == "array"
    return {**body, key: [odd] if array else odd}


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _from_schema(
    schema: dict[str, Any], components: dict[str, Any], name: str, ids: dict[str, list[Any]]
) -> st.SearchStrategy[Any]:
    schema = _resolve(schema, components)
    if "anyOf" in schema:
        return st.one_of(*(_from_schema(s, components, name, ids) for s in schema["anyOf"]))
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        usual = (
            st.sampled_from(VALID[name])
            if name in VALID
            else st.integers(low if low is not None else -5, high if high is not None else 100)
        )
        return _mostly(usual, st.sampled_from([0, -1, 10**19, -(10**19), 2**63, 2**31, 10**400]))
    if kind == "number":
        return st.floats(allow_nan=True, allow_infinity=True)
    if kind == "array":
        items = schema.get("items", {})
        valid = VALID.get(name)
        item = (
            _mostly(st.sampled_from(valid), _from_schema(items, components, name, ids))
            if valid
            else _from_schema(items, components, name, ids)
        )
        most = schema.get("maxItems") or 5
        return _mostly(
            st.lists(item, min_size=1, max_size=3),
            st.one_of(st.just([]), st.lists(item, min_size=most, max_size=most + 2)),
        )
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        fields = {
            key: _from_schema(value, components, key, ids) for key, value in properties.items()
        }
        body = st.fixed_dictionaries(
            {k: v for k, v in fields.items() if k in required},
            optional={k: v for k, v in fields.items() if k not in required},
        )
        texts = [k for k, v in properties.items() if _is_text(_resolve(v, components))]
        if not texts:
            return body
        # Most bodies get one field of odd text among good values: the likeliest way past the
        # first checks with a surrogate or a NUL.
        return st.tuples(body, st.sampled_from(texts), st.integers(0, 3), _odd_text(None)).map(
            lambda drawn: _with_odd_field(*drawn, properties, components)
        )
    if kind == "string":
        form = schema.get("format")
        if form == "uuid":
            known = ids.get(name) or []
            if not known:
                return st.uuids().map(str)
            return _mostly(st.sampled_from([str(i) for i in known]), st.uuids().map(str))
        limit = schema.get("maxLength")
        if name.endswith("_on") or form == "date":
            today = timezone.localdate()
            dates = st.dates(today - timedelta(days=30), today + timedelta(days=300)).map(str)
            return _mostly(dates, _odd_text(limit))
        valid = VALID.get(name)
        usual = _mostly(st.sampled_from(valid), _clean_text(limit)) if valid else _clean_text(limit)
        return _mostly(usual, _odd_text(limit))
    return st.none()


@pytest.fixture
def world(coalition, side_a, side_b):
    shelter = make_side("Refuge", org_type="shelter", coalition=coalition)
    agreement_for_referrals(coalition, membership(side_a, Role.COORDINATOR))
    service = make_service(
        shelter.organisation,
        name_fr="Refuge Arrimage",
        terms=("housing_emergency", "gender_women", *ALL_STATUSES),
        languages=("fr", "es"),
        capacities=(("bed", 30, 40, timedelta(hours=1)),),
    )
    case_a, case_b = open_case(side_a), open_case(side_b)
    consent_to(case_a, shelter.organisation, ["identity", "coordination", "contact"])
    # A consent of its own for the withdrawals, so that the referrals keep theirs.
    partner = make_side("Partenaire", coalition=coalition)
    consent = consent_to(case_a, partner.organisation, ["identity"], purpose=Purpose.COORDINATION)
    caseworker = membership(side_a)
    holds = [bed_hold_create(actor=caseworker, service_id=service.pk, unit="bed") for _ in "ab"]
    referral = referral_create_and_send(
        actor=caseworker,
        case_id=case_a.pk,
        service_id=service.pk,
        categories=["identity"],
        note="Première note",
    )
    return {
        "a": side_a,
        "shelter": shelter,
        "service": service,
        "case_a": case_a,
        "case_b": case_b,
        "consent": consent,
        "partner": partner,
        "holds": holds,
        "referral": referral,
        "capacity": ServiceCapacity.objects.get(service=service),
        "screenings": [
            screening_start(actor=caseworker, form="short", case_id=case_a.pk),
            screening_start(actor=caseworker, form="long"),
            screening_start(actor=membership(side_b), form="short", case_id=case_b.pk),
        ],
    }


def _client(user) -> Client:
    client = Client()
    login(client, user)
    return client


def _writer(path, client, body, parameters, answers, created):
    """One Hypothesis run of POSTs to ``path``; counts the answers, keeps the ids written."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=body, path_values=st.fixed_dictionaries(parameters))
    def post(body, path_values):
        url = path.format(**path_values)
        response = client.post(
            url, json.dumps(body) if body is not None else "", content_type="application/json"
        )
        assert response.status_code < 500, (url, body, response.content[:300])
        answers[response.status_code] = answers.get(response.status_code, 0) + 1
        if response.status_code in (200, 201):
            if url == "/api/cases/":
                created["case"].add(response.json()["id"])
            elif url == "/api/orientation/referrals":
                created["referral"].add(response.json()["id"])

    return post


def test_arbitrary_unicode_never_gives_a_5xx_nor_breaks_a_page(world):
    caseworker = _client(world["a"].user("caseworker"))
    staff = _client(world["shelter"].user("service_staff"))
    created: dict[str, set[str]] = {"case": set(), "referral": {str(world["referral"].pk)}}
    ids: dict[str, list[Any]] = {
        # Mostly the own case; sometimes the other organisation's, which must answer 404.
        "case_id": [world["case_a"].pk] * 3 + [world["case_b"].pk],
        "service_id": [world["service"].pk],
        "hold_id": [h.pk for h in world["holds"]],
        "recipient_id": [world["partner"].organisation.pk, world["a"].organisation.pk],
        "assignee_id": [world["a"].user("caseworker").pk],
        "referral_id": [world["referral"].pk],
        "consent_id": [world["consent"].pk],
        "capacity_id": [world["capacity"].pk],
        "screening_id": [s.pk for s in world["screenings"]],
    }
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    writes = [
        (path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method == "post"
    ]
    assert len(writes) >= 12
    answers: dict[int, int] = {}

    def pages(*, every: bool) -> list[tuple[Client, str]]:
        """The pages that list what was written; ``every``: also each written case and
        referral, not only the newest."""
        cases = {str(world["case_a"].pk), *created["case"]}
        referrals = set(created["referral"])
        if not every:
            cases = {str(world["case_a"].pk), *sorted(created["case"])[-1:]}
            referrals = set(sorted(referrals)[-1:])
        listed = [
            (caseworker, "/tableau/"),
            (caseworker, "/dossiers/"),
            (caseworker, "/dossiers/rappels/"),
            (caseworker, "/api/cases/"),
            (caseworker, "/api/cases/notifications"),
            (caseworker, "/orientation/reservations/"),
            (caseworker, "/orientation/references/?box=out"),
            (caseworker, "/api/orientation/holds"),
            (caseworker, "/api/orientation/referrals?box=out"),
            (staff, "/orientation/references/"),
            (staff, "/orientation/reservations/"),
            (staff, "/repertoire/disponibilites/"),
            (staff, "/api/directory/capacities"),
            (staff, "/api/orientation/referrals?box=in"),
            (staff, f"/repertoire/services/{world['service'].pk}/"),
            (caseworker, f"/hsds/services/{world['service'].pk}"),
            (caseworker, "/depistage/"),
            (caseworker, "/api/screenings/"),
            (caseworker, f"/depistage/{world['screenings'][0].pk}/resultat/"),
            (caseworker, f"/api/screenings/{world['screenings'][0].pk}"),
        ]
        for case_id in cases:
            listed += [
                (caseworker, f"/dossiers/{case_id}/"),
                (caseworker, f"/dossiers/{case_id}/consentements/"),
                (caseworker, f"/dossiers/{case_id}/export/"),
                (caseworker, f"/dossiers/{case_id}/journal/"),
                (caseworker, f"/api/cases/{case_id}"),
                (caseworker, f"/api/cases/{case_id}/export"),
                (caseworker, f"/api/cases/{case_id}/consents"),
            ]
        for referral_id in referrals:
            listed += [
                (caseworker, f"/orientation/references/{referral_id}/"),
                (staff, f"/orientation/references/{referral_id}/"),
                (caseworker, f"/api/orientation/referrals/{referral_id}"),
                (staff, f"/api/orientation/referrals/{referral_id}/fhir"),
            ]
        return listed

    def pages_still_answer(after: str, *, every: bool = False) -> None:
        for client, url in pages(every=every):
            status = client.get(url).status_code
            assert status == 200, (after, url, status)

    pages_still_answer("the world's own data")
    for path, operation in writes:
        body_schema = (
            operation.get("requestBody", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema")
        )
        body = _from_schema(body_schema, components, "body", ids) if body_schema else st.just(None)
        parameters = {
            p["name"]: st.sampled_from([str(i) for i in ids[p["name"]]])
            for p in operation.get("parameters", [])
            if p["in"] == "path"
        }
        client = (
            staff
            if "/directory/" in path or path.endswith(("/accept", "/transition"))
            else (caseworker)
        )

        _writer(path, client, body, parameters, answers, created)()
        pages_still_answer(path)

    pages_still_answer("every write", every=True)
    # The writes went deep, not only into refusals: some were accepted.
    assert answers.get(201, 0) + answers.get(200, 0) >= 20, answers
    assert answers.get(422, 0) >= 50, answers
    assert created["case"]
    assert all(UUID(case_id) for case_id in created["case"])
