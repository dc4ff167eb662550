"""How many places a confidential shelter has free is shown only to signed-in members
(issue 13, item 6): the public pages, the public search (its JSON and its "available now"
filter) and the HSDS feed say nothing of it; a public service's availability stays public.
Two organisations with identical confidential shelters: a member of either sees both."""

import json

import pytest

from tests.conftest import login
from tests.directory.conftest import directory_org, service_make

pytestmark = pytest.mark.django_db

MARK = 'class="availability'


@pytest.fixture
def public_shelter(db):
    return service_make(
        directory_org(None, "Maison Publique"),
        name_fr="Hébergement d'urgence public",
        name_en="Public emergency shelter",
        terms=("housing_emergency", "gender_women"),
        municipality="laval",
        capacity=("bed", 5, 8),
    )


def _search(client, **extra):
    response = client.get("/repertoire/recherche.json", {"q": "hébergement", **extra})
    assert response.status_code == 200, response.content
    return {r["name_fr"]: r for r in response.json()["results"]}


def test_the_public_never_sees_a_confidential_shelters_availability(
    client, two_shelters, public_shelter
):
    for service in two_shelters.values():
        html = client.get(f"/repertoire/services/{service.pk}/").content.decode()
        assert MARK not in html
        assert "3 " not in html.split('id="availability-title"')[1].split("</section>")[0]
    assert MARK in client.get(f"/repertoire/services/{public_shelter.pk}/").content.decode()

    results = _search(client)
    for label in ("A", "B"):
        hit = results[f"Hébergement d'urgence {label}"]
        assert hit["available"] is None and hit["capacities"] == [] and hit["updated"] is None
    assert results["Hébergement d'urgence public"]["available"] == 5

    page = client.get("/repertoire/", {"q": "hébergement"}).content.decode()
    assert page.count(MARK) == 1  # the public shelter's only

    # The "available now" filter cannot tell a full confidential shelter from an open one.
    assert set(_search(client, available="1")) == {"Hébergement d'urgence public"}


def test_the_hsds_feed_carries_no_confidential_availability(client, two_shelters, public_shelter):
    for service in two_shelters.values():
        doc = client.get(f"/hsds/services/{service.pk}").json()
        assert not doc.get("capacities")
    assert (
        client.get(f"/hsds/services/{public_shelter.pk}").json()["capacities"][0]["available"] == 5
    )
    listing = client.get("/hsds/services", {"full": "true"}).json()["contents"]
    by_name = {s["name"]: s for s in listing}
    assert all(not s.get("capacities") for n, s in by_name.items() if "public" not in n)
    response = client.get("/hsds/services", {"full": "true", "format": "ndjson"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 3
    for line in lines:
        doc = json.loads(line)
        if "public" not in doc["name"]:
            assert not doc.get("capacities")


@pytest.mark.parametrize("reader", ["side_a", "side_b"])
def test_a_signed_in_member_sees_every_confidential_shelters_availability(
    client, request, two_shelters, reader
):
    login(client, request.getfixturevalue(reader).user("caseworker"))
    for service in two_shelters.values():
        assert MARK in client.get(f"/repertoire/services/{service.pk}/").content.decode()
    results = _search(client)
    assert results["Hébergement d'urgence A"]["available"] == 3
    assert results["Hébergement d'urgence B"]["available"] == 3
    assert {"Hébergement d'urgence A", "Hébergement d'urgence B"} <= set(
        _search(client, available="1")
    )
