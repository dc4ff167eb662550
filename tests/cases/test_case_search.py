"""Case search (issue 11, items 0 and 6): sent by POST, its terms in no URL and no log, over
every case the actor may see through a blind index that holds no plaintext.

Organisations A and B hold identical data: B's cases are never found by A.
"""

import hashlib
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases import anonymisation, search_index, services
from arrimage.cases.models import Case, CaseAccess, Person, PersonSearchToken
from arrimage.privacy.sealing import blind_tokens
from tests.cases.conftest import agreement_allowing_all, consent_for, membership
from tests.conftest import PASSWORD, login, make_side

SEARCH = "/dossiers/recherche/"


def open_case(side, **identity):
    return services.case_create(actor_membership=membership(side), identity=identity)


def search(client, query: str):
    """POST the query, then follow the redirect to the results, as a browser does."""
    posted = client.post(SEARCH, {"q": query})
    assert posted.status_code == 302, posted.content[:500]
    return posted, client.get(posted["Location"])


def found(page, case) -> bool:
    return f"/dossiers/{case.pk}/" in page.content.decode()


@pytest.mark.django_db
def test_search_terms_reach_no_url_and_no_log(client, side_a, caplog):
    case = open_case(side_a, alias="Zéphirine", family_name="Beauchemin")
    login(client, side_a.user(Role.CASEWORKER))
    caplog.set_level(logging.DEBUG)
    posted, page = search(client, "Zéphirine Beauch")

    assert found(page, case)
    # What an access log records of each request: the method, the path and the query string
    # (gunicorn's request line), and the redirect's target.
    request_lines = [
        f"{r.request['REQUEST_METHOD']} {r.request['PATH_INFO']}?{r.request['QUERY_STRING']}"
        for r in (posted, page)
    ] + [posted["Location"]]
    logged = caplog.text + "".join(request_lines)
    for term in ("Zéphirine", "zephirine", "Z%C3%A9phirine", "Beauch", "beauch"):
        assert term not in logged, term
    assert posted.request["REQUEST_METHOD"] == "POST"
    assert page.request["QUERY_STRING"].startswith("r=")


@pytest.mark.django_db
def test_a_get_with_terms_searches_nothing(client, side_a):
    case = open_case(side_a, alias="Zéphirine")
    login(client, side_a.user(Role.CASEWORKER))
    page = client.get(SEARCH, {"q": "Zéphirine"})
    assert page.status_code == 200
    assert not found(page, case)
    assert not CaseAccess.objects.filter(action="case_search").exists()


@pytest.mark.django_db
def test_search_is_protected_against_cross_site_requests(side_a):
    open_case(side_a, alias="Zéphirine")
    client = Client(enforce_csrf_checks=True)
    login_page = client.get("/compte/connexion/")
    assert login_page.status_code == 200
    client.post(
        "/compte/connexion/",
        {
            "username": side_a.user(Role.CASEWORKER).email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": login_page.cookies["csrftoken"].value,
        },
    )
    refused = client.post(SEARCH, {"q": "Zéphirine"})
    assert refused.status_code == 403
    assert not CaseAccess.objects.filter(action="case_search").exists()
    # The form carries its token: the same search from the page goes through.
    form = client.get(SEARCH)
    token = form.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert client.post(SEARCH, {"q": "Zéphirine", "csrfmiddlewaretoken": token}).status_code == 302


@pytest.mark.django_db
def test_results_are_paginated_and_linkable_without_the_terms(client, side_a):
    cases = [open_case(side_a, alias=f"Rosalie {n}") for n in range(30)]
    login(client, side_a.user(Role.CASEWORKER))
    _posted, first = search(client, "rosalie")
    body = first.content.decode()
    assert "30" in body
    listed = [c for c in cases if found(first, c)]
    assert len(listed) == 25
    next_link = body.split('href="?r=')[1].split('"')[0].replace("&amp;", "&")
    assert "rosalie" not in next_link.lower()
    second = client.get(f"{SEARCH}?r={next_link}")
    assert len([c for c in cases if found(second, c)]) == 5
    # The link is the user's own: another user of the same organisation gets nothing.
    other = Client()
    login(other, side_a.user(Role.SERVICE_STAFF))
    assert not any(found(other.get(f"{SEARCH}?r={next_link}"), c) for c in cases)


@pytest.mark.django_db
def test_search_finds_a_case_beyond_the_2000_newest(client, side_a):
    target = open_case(side_a, alias="Zéphirine", family_name="Ouellet")
    Case.objects.filter(pk=target.pk).update(updated_at=timezone.now() - timedelta(days=900))
    persons = Person.objects.bulk_create(
        Person(organisation=side_a.organisation) for _ in range(2_005)
    )
    Case.objects.bulk_create(
        Case(person=p, lead_organisation=side_a.organisation, updated_at=timezone.now())
        for p in persons
    )
    login(client, side_a.user(Role.CASEWORKER))
    _posted, page = search(client, "ouellet")
    assert found(page, target)


@pytest.mark.django_db
def test_identical_data_in_another_organisation_is_never_found(client, side_a, side_b):
    mine = open_case(side_a, alias="Anouk", family_name="Tremblay")
    theirs = open_case(side_b, alias="Anouk", family_name="Tremblay")
    # The same names give other tokens under the other organisation's key.
    assert not set(
        PersonSearchToken.objects.filter(person=mine.person).values_list("token", flat=True)
    ) & set(PersonSearchToken.objects.filter(person=theirs.person).values_list("token", flat=True))
    for side, own, other in ((side_a, mine, theirs), (side_b, theirs, mine)):
        client = Client()
        login(client, side.user(Role.CASEWORKER))
        for query in ("anouk", "Anouk Tremblay", "trem", own.reference):
            _posted, page = search(client, query)
            assert found(page, own), query
            assert not found(page, other), query
        api = client.post("/api/cases/search", {"q": "anouk"}, content_type="application/json")
        assert [c["id"] for c in api.json()] == [str(own.pk)]


@pytest.mark.django_db
def test_the_index_holds_no_plaintext(side_a):
    case = open_case(
        side_a, alias="Zéphirine", given_name="Marie-Ève", family_name="Beauchemin-Lévesque"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {PersonSearchToken._meta.db_table}")
        columns = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    assert sorted(columns) == ["person_id", "token"]
    words = {"zephirine", "marie", "eve", "beauchemin", "levesque"}
    terms = search_index.index_terms(
        {"alias": "Zéphirine", "given_name": "Marie-Ève", "family_name": "Beauchemin-Lévesque"}
    )
    assert words <= terms
    # Unkeyed hashes of the terms, which anyone could compute: none of them is stored.
    unkeyed = {
        int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "big", signed=True)
        for t in terms | {f"name\x1f{t}" for t in terms}
    }
    assert len(rows) == len(terms)
    for token, person_id in (
        (r[columns.index("token")], r[columns.index("person_id")]) for r in rows
    ):
        assert isinstance(token, int)
        assert token not in unkeyed
        assert str(person_id).replace("-", "") == case.person_id.hex
        assert not any(w in str(token).lower() for w in words)


@pytest.mark.django_db
def test_an_anonymised_case_is_no_longer_found(client, side_a):
    case = open_case(side_a, alias="Zéphirine")
    anonymisation.case_anonymise(case=case)
    assert not PersonSearchToken.objects.filter(person=case.person).exists()
    login(client, side_a.user(Role.CASEWORKER))
    _posted, page = search(client, "zephirine")
    assert not found(page, case)


@pytest.mark.django_db
def test_what_matches(client, side_a):
    marie = open_case(side_a, given_name="Marie", family_name="Tremblay")
    helene = open_case(side_a, alias="Hélène")
    rosa = open_case(side_a, alias="Rosa")
    login(client, side_a.user(Role.CASEWORKER))
    expectations = [
        ("tremb mar", marie, True),
        ("MARIE", marie, True),
        ("helene", helene, True),
        ("hél", helene, True),
        ("ros", rosa, True),
        ("osa", rosa, False),  # not the middle of a word
        ("rosa tremblay", rosa, False),  # every word must match
    ]
    for query, case, expected in expectations:
        _posted, page = search(client, query)
        assert found(page, case) is expected, query


@pytest.mark.django_db
def test_a_renamed_person_is_found_by_the_new_name_only(client, side_a):
    case = open_case(side_a, alias="Zéphirine")
    services.person_update(
        actor_membership=membership(side_a),
        case_id=case.pk,
        category="identity",
        data={"alias": "Clothilde"},
    )
    login(client, side_a.user(Role.CASEWORKER))
    assert found(search(client, "clothilde")[1], case)
    assert not found(search(client, "zephirine")[1], case)


@pytest.mark.django_db
def test_a_shared_case_is_found_with_consent_and_by_a_reader_of_identity(client, coalition, side_a):
    partner = make_side("Partner", coalition=coalition)
    agreement_allowing_all(coalition)
    case = open_case(side_a, alias="Zéphirine")
    login(client, partner.user(Role.CASEWORKER))
    assert not found(search(client, "zephirine")[1], case)
    consent = consent_for(case, partner.organisation)
    assert found(search(client, "zephirine")[1], case)
    # A coordinator reads coordination only: a name finds nothing for them.
    coordinator = Client()
    login(coordinator, partner.user(Role.COORDINATOR))
    assert not found(search(coordinator, "zephirine")[1], case)
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    assert not found(search(client, "zephirine")[1], case)


@pytest.mark.django_db
def test_the_rebuild_restores_the_index(client, side_a):
    case = open_case(side_a, alias="Zéphirine")
    before = set(PersonSearchToken.objects.values_list("token", "person_id"))
    PersonSearchToken.objects.all().delete()
    login(client, side_a.user(Role.CASEWORKER))
    assert not found(search(client, "zephirine")[1], case)
    call_command("case_search_index")
    assert set(PersonSearchToken.objects.values_list("token", "person_id")) == before
    assert found(search(client, "zephirine")[1], case)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["z", "  ", "Zé\x00", "x" * 101])
def test_bad_queries_are_refused_and_write_nothing(client, side_a, query):
    open_case(side_a, alias="Zéphirine")
    login(client, side_a.user(Role.CASEWORKER))
    before = CaseAccess.objects.count()
    response = client.post(SEARCH, {"q": query})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert CaseAccess.objects.count() == before
    api = client.post("/api/cases/search", {"q": query}, content_type="application/json")
    assert api.status_code == 422
    assert CaseAccess.objects.count() == before


@pytest.mark.django_db
def test_the_api_search_is_post_only(client, side_a):
    open_case(side_a, alias="Zéphirine")
    login(client, side_a.user(Role.CASEWORKER))
    assert client.get("/api/cases/search", {"q": "zephirine"}).status_code == 405


def test_tokens_depend_on_the_organisation(db, side_a, side_b):
    a = blind_tokens(organisation_id=side_a.organisation.pk, terms=["name\x1fanouk"])
    b = blind_tokens(organisation_id=side_b.organisation.pk, terms=["name\x1fanouk"])
    assert a != b
    assert a == blind_tokens(organisation_id=side_a.organisation.pk, terms=["name\x1fanouk"])
