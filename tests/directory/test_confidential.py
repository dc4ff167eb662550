"""A confidential location's address and coordinates never leave through a public path: pages,
search, the HSDS feed (every endpoint, every format) and exports. Members of the owning
organisation see it; coalition members only when the coalition's setting allows; police never."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from arrimage.coalition.models import Coalition
from arrimage.directory.models import DirectorySharing, SearchEntry, SearchTerm
from tests.conftest import login, make_side
from tests.directory.conftest import (
    SECRET_LAT,
    SECRET_LON,
    SECRET_POSTCODE,
    SECRET_STREET,
    directory_org,
    service_make,
)
from tests.directory.test_import_export import export_through_the_page

pytestmark = pytest.mark.django_db

SECRETS = [
    SECRET_STREET,
    "rue Secrète",
    SECRET_POSTCODE,
    str(SECRET_LAT),
    str(SECRET_LON),
    "45.6123",
    "-73.7123",
    "rue Secr\\u00e8te",
]


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_the_fixture_really_holds_the_secret(client, side_a, two_shelters):
    """The leak tests below would pass vacuously if the address were never stored."""
    login(client, side_a.user("caseworker"))
    html = client.get(f"/repertoire/services/{two_shelters['a'].pk}/").content.decode()
    assert SECRET_STREET in html and SECRET_POSTCODE in html


PUBLIC_HSDS = [
    "/hsds/services",
    "/hsds/services?full=true",
    "/hsds/services?format=ndjson",
    "/hsds/services?full=true&format=ndjson",
    "/hsds/services?minimal=true",
    "/hsds/organizations",
    "/hsds/organizations?full=true",
    "/hsds/organizations?full_service=true",
    "/hsds/service_at_locations",
    "/hsds/service_at_locations?full=true",
    "/hsds/service_at_locations?format=ndjson",
    "/hsds/service_at_locations?postcode=H7N1A1&proximity=50000",
    "/hsds/taxonomy_terms",
    "/hsds/taxonomies",
    "/hsds/",
]


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("url", PUBLIC_HSDS)
def test_hsds_feed_lists_never_carry_the_address(client, two_shelters, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_no_secret(_body(response))


def test_hsds_feed_detail_endpoints_never_carry_the_address(client, two_shelters):
    service = two_shelters["a"]
    sal = service.service_at_locations.get()
    for url in (
        f"/hsds/services/{service.pk}",
        f"/hsds/organizations/{service.organization_id}",
        f"/hsds/organizations/{service.organization_id}?full_service=true",
        f"/hsds/service_at_locations/{sal.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        assert_no_secret(body)
        assert "Laval" in body  # the municipality is still there
        assert "514-555-0100" in body  # and the intake phone


def test_hsds_post_query_variant_never_carries_the_address(client, two_shelters):
    response = client.post(
        "/hsds/services",
        data=json.dumps({"search": "hebergement", "full": True}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["total_items"] == 2
    assert_no_secret(response.content.decode())


def test_public_pages_never_carry_the_address(client, two_shelters):
    for url in (
        "/repertoire/?q=hebergement",
        f"/repertoire/services/{two_shelters['a'].pk}/",
        "/repertoire/recherche.json?q=hebergement",
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert_no_secret(body)
        assert "Laval" in body


def test_member_of_another_organisation_does_not_see_it(client, side_b, two_shelters):
    login(client, side_b.user("caseworker"))
    html = client.get(f"/repertoire/services/{two_shelters['a'].pk}/").content.decode()
    assert_no_secret(html)
    # ... but sees its own organisation's confidential address.
    own = client.get(f"/repertoire/services/{two_shelters['b'].pk}/").content.decode()
    assert SECRET_STREET in own


def test_coalition_setting_opens_it_to_the_types_it_names(client, side_a, coalition, two_shelters):
    other = make_side("C", coalition=coalition)
    login(client, other.user("caseworker"))
    url = f"/repertoire/services/{two_shelters['a'].pk}/"
    assert_no_secret(client.get(url).content.decode())
    DirectorySharing.objects.create(coalition=coalition, confidential_address_types=["community"])
    assert SECRET_STREET in client.get(url).content.decode()
    # A member of a different coalition still does not see it.
    assert_no_secret(client.get(f"/repertoire/services/{two_shelters['b'].pk}/").content.decode())


def test_police_never_see_it_even_when_the_setting_names_police(
    client, police_side, coalition, two_shelters
):
    DirectorySharing.objects.create(
        coalition=coalition, confidential_address_types=["community", "police"]
    )
    login(client, police_side.user("caseworker"))
    assert_no_secret(client.get(f"/repertoire/services/{two_shelters['a'].pk}/").content.decode())


def test_web_exports_never_carry_the_address(client, side_a, two_shelters):
    login(client, side_a.user("organisation_admin"))
    json_export = export_through_the_page(client, "json")
    assert json_export.status_code == 200
    assert_no_secret(json_export.content.decode())
    zipped = export_through_the_page(client, "csv")
    assert zipped.status_code == 200
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        text = "".join(archive.read(n).decode() for n in archive.namelist())
    assert "locations.csv" in zipped.content.decode("latin-1")
    assert_no_secret(text)


def test_command_line_export_leaves_it_out_by_default(tmp_path, two_shelters):
    call_command("export_hsds", str(tmp_path / "out"), stdout=io.StringIO())
    text = (tmp_path / "out" / "hsds.json").read_text()
    text += "".join(p.read_text() for p in (tmp_path / "out" / "csv").iterdir())
    assert_no_secret(text)
    assert "Laval" in text
    call_command(
        "export_hsds", str(tmp_path / "backup"), "--include-confidential", stdout=io.StringIO()
    )
    assert SECRET_STREET in (tmp_path / "backup" / "hsds.json").read_text()


def test_sharing_setting_is_for_coordinators_of_members_only(client, side_a, side_b, coalition):
    login(client, side_b.user("coordinator"))
    response = client.post(
        "/repertoire/partage/", {"coalition": str(coalition.pk), "types": ["community"]}
    )
    assert response.status_code == 404
    assert not DirectorySharing.objects.exists()
    client.logout()
    login(client, side_a.user("caseworker"))
    assert client.get("/repertoire/partage/").status_code == 404
    client.logout()
    login(client, side_a.user("coordinator"))
    response = client.post(
        "/repertoire/partage/", {"coalition": str(coalition.pk), "types": ["community", "shelter"]}
    )
    assert response.status_code == 302
    assert DirectorySharing.objects.get(coalition=coalition).confidential_address_types == [
        "community",
        "shelter",
    ]
    refused = client.post(
        "/repertoire/partage/", {"coalition": str(coalition.pk), "types": ["police"]}
    )
    assert refused.status_code == 200  # police is not a choice: the form is shown again
    assert (
        "police"
        not in Coalition.objects.get(pk=coalition.pk).directory_sharing.confidential_address_types
    )


@pytest.fixture
def hidden_far(side_a, side_b):
    """A confidential shelter in Gatineau whose address has a Laval postal code
    (SECRET_POSTCODE, H7X), and a public service in Laval; the same on both sides."""
    made = {}
    for label, side in (("a", side_a), ("b", side_b)):
        org = directory_org(side.organisation, f"Réseau {label.upper()}")
        made[label] = service_make(
            org,
            name_fr=f"Refuge caché {label.upper()}",
            terms=("housing_emergency", "safety_confidential_address"),
            municipality="gatineau",
            confidential=True,
        )
        made[f"public_{label}"] = service_make(
            org,
            name_fr=f"Refuge public {label.upper()}",
            terms=("housing_emergency",),
            municipality="laval",
        )
    return made


def test_search_indexes_hold_no_part_of_a_confidential_address(hidden_far):
    """The search rows, the ranking terms and the vocabulary of typos hold the municipality
    of a confidential place, never its street, postal code or coordinates."""
    for label in ("a", "b"):
        entry = SearchEntry.objects.get(service=hidden_far[label])
        text = f"{entry.doc} {entry.rank_terms} {entry.summary}"
        for part in ("742", "secret", "h7x", "9z9", "45.61", "73.71"):
            assert part not in text.lower(), part
        assert "gatineau" in entry.rank_terms
    vocabulary = set(SearchTerm.objects.values_list("term", flat=True))
    assert not {"742", "secrete", "secret", "h7x", "9z9", "h7x9z9"} & vocabulary


@pytest.mark.parametrize("member", [False, True])
def test_the_postal_code_of_a_confidential_shelter_does_not_find_it(
    client, side_b, hidden_far, member
):
    """Searching a confidential shelter's postal code ranks by the municipality the code
    names (Laval), never by the shelter's address: for the public and for a member of
    another organisation, the shelter in Gatineau is not found near its own postal code."""
    if member:
        login(client, side_b.user("caseworker"))
    for query in (SECRET_POSTCODE, SECRET_POSTCODE.replace(" ", ""), "refuge " + SECRET_POSTCODE):
        page = client.get("/repertoire/", {"q": query}).content.decode()
        data = client.get("/repertoire/recherche.json", {"q": query}).json()
        names = [r["name_fr"] for r in data["results"]]
        assert names[:2] == ["Refuge public A", "Refuge public B"], query
        assert "Refuge caché A" not in names[:2]
        for secret in (SECRET_STREET, "rue Secrète", str(SECRET_LAT), str(SECRET_LON)):
            assert secret not in page and secret not in json.dumps(data), secret
    hsds = client.get("/hsds/services", {"search": SECRET_POSTCODE}).json()
    assert str(hidden_far["a"].pk) not in {s["id"] for s in hsds["contents"][:2]}
