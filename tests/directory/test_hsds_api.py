"""The HSDS API under /hsds/: every endpoint, checked with jsonschema against the HSDS 3.0
compiled schemas, the Page envelope, paging, filters, ndjson and the POST variant."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.directory.models import Service, Taxonomy, TaxonomyTerm
from arrimage.directory.taxonomy import CATEGORY_TAXONOMY, taxonomy_uuid, term_uuid
from tests.directory.conftest import assert_page, assert_valid, directory_org, service_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(side_a, side_b):
    org_a = directory_org(side_a.organisation, "Maison A")
    org_b = directory_org(side_b.organisation, "Clinique B")
    return {
        "shelter": service_make(
            org_a,
            name_fr="Hébergement d'urgence",
            name_en="Emergency shelter",
            terms=("housing_emergency", "gender_women"),
            municipality="laval",
            confidential=True,
            capacity=("bed", 2, 5),
        ),
        "open": service_make(
            org_a,
            name_fr="Centre de jour",
            terms=("basic_needs",),
            municipality="laval",
            capacity=("bed", 4, 6),
        ),
        "clinic": service_make(
            org_b,
            name_fr="Clinique PTR",
            name_en="TRP clinic",
            terms=("legal_immigration",),
            municipality="sherbrooke",
        ),
    }


def test_root_gives_version_profile_and_openapi(client):
    data = client.get("/hsds/").json()
    assert data["version"] == "3.0"
    assert data["profile"] == "http://testserver/hsds/profile/"
    assert data["openapi_url"] == "http://testserver/hsds/openapi.json"
    profile = client.get("/hsds/profile/").json()
    assert "confidential" in profile["schemas"]["location.json"]["properties"]
    assert client.get("/hsds/openapi.json").status_code == 200


def test_services_list_is_a_valid_page(client, feed):
    data = client.get("/hsds/services").json()
    assert_page(data, "compiled/service_list.json")
    assert data["total_items"] == 3 and data["empty"] is False


def test_service_detail_validates_fully_nested(client, feed):
    data = client.get(f"/hsds/services/{feed['shelter'].pk}").json()
    assert_valid("compiled/service.json", data)
    assert data["name"] == "Hébergement d'urgence" and data["name_en"] == "Emergency shelter"
    # A confidential shelter's availability is for signed-in members only (issue 13).
    assert "capacities" not in data
    open_doc = client.get(f"/hsds/services/{feed['open'].pk}").json()
    assert_valid("compiled/service.json", open_doc)
    assert open_doc["capacities"][0]["available"] == 4
    codes = {a["taxonomy_term"]["code"] for a in data["attributes"]}
    assert codes == {"housing_emergency", "gender_women"}
    location = data["service_at_locations"][0]["location"]
    assert location["confidential"] is True and "addresses" not in location


def test_full_services_list_validates(client, feed):
    data = client.get("/hsds/services", {"full": "true"}).json()
    assert_page(data, "compiled/service.json")


def test_unknown_service_is_404(client):
    assert client.get("/hsds/services/00000000-0000-0000-0000-000000000000").status_code == 404


def test_paging(client, feed):
    first = client.get("/hsds/services", {"per_page": 2, "page": 1}).json()
    second = client.get("/hsds/services", {"per_page": 2, "page": 2}).json()
    assert first["total_pages"] == 2 and first["size"] == 2 and first["first_page"]
    assert second["size"] == 1 and second["last_page"] and not second["first_page"]
    ids = {s["id"] for s in first["contents"]} | {s["id"] for s in second["contents"]}
    assert len(ids) == 3
    assert client.get("/hsds/services", {"page": "x"}).status_code == 400


def test_modified_after(client, feed):
    old = timezone.now() - timedelta(days=10)
    Service.objects.exclude(pk=feed["clinic"].pk).update(last_modified=old)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    data = client.get("/hsds/services", {"modified_after": since}).json()
    assert [s["id"] for s in data["contents"]] == [str(feed["clinic"].pk)]
    assert client.get("/hsds/services", {"modified_after": "hier"}).status_code == 400


def test_minimal(client, feed):
    data = client.get("/hsds/services", {"minimal": "true"}).json()
    assert_page(data, "compiled/service_list.json")
    assert set(data["contents"][0]) == {"id", "name", "status", "last_modified"}


def test_ndjson_streams_every_result_without_envelope(client, feed):
    response = client.get("/hsds/services", {"format": "ndjson", "per_page": 1})
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().strip().split("\n")
    assert len(lines) == 3
    for line in lines:
        assert_valid("compiled/service_list.json", json.loads(line))


def test_filters_by_organization_and_taxonomy_term(client, feed):
    org_b = feed["clinic"].organization_id
    data = client.get("/hsds/services", {"organization_id": str(org_b)}).json()
    assert [s["id"] for s in data["contents"]] == [str(feed["clinic"].pk)]
    term = term_uuid(CATEGORY_TAXONOMY, "housing_emergency")
    data = client.get("/hsds/services", {"taxonomy_term_id": str(term)}).json()
    assert [s["id"] for s in data["contents"]] == [str(feed["shelter"].pk)]
    data = client.get(
        "/hsds/services",
        {"taxonomy_id": str(taxonomy_uuid(CATEGORY_TAXONOMY)), "organization_id": str(org_b)},
    ).json()
    assert [s["id"] for s in data["contents"]] == [str(feed["clinic"].pk)]


def test_search_parameter_uses_directory_search(client, feed):
    data = client.get("/hsds/services", {"search": "shelter"}).json()
    assert [s["id"] for s in data["contents"]] == [str(feed["shelter"].pk)]


def test_post_variant_keeps_terms_out_of_the_url(client, feed):
    response = client.post("/hsds/services", {"search": "clinique", "per_page": "5"})
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["contents"]] == [str(feed["clinic"].pk)]
    as_json = client.post(
        "/hsds/service_at_locations",
        json.dumps({"search": "clinique"}),
        content_type="application/json",
    ).json()
    assert as_json["total_items"] == 1
    assert client.post("/hsds/services", "[1]", content_type="application/json").status_code == 400


def test_organizations(client, feed):
    data = client.get("/hsds/organizations").json()
    assert_page(data, "compiled/organization_list.json")
    assert data["total_items"] == 2
    full = client.get("/hsds/organizations", {"full_service": "true"}).json()
    assert_page(full, "compiled/organization.json")
    detail = client.get(f"/hsds/organizations/{feed['shelter'].organization_id}").json()
    assert_valid("compiled/organization.json", detail)
    assert {s["id"] for s in detail["services"]} == {str(feed["shelter"].pk), str(feed["open"].pk)}


def test_taxonomies_and_terms(client):
    data = client.get("/hsds/taxonomies").json()
    assert_page(data, "taxonomy.json")
    assert data["total_items"] == Taxonomy.objects.count() == 2
    terms = client.get("/hsds/taxonomy_terms", {"per_page": 200}).json()
    assert_page(terms, "taxonomy_term.json")
    assert terms["total_items"] == TaxonomyTerm.objects.count()
    one = client.get(f"/hsds/taxonomy_terms/{term_uuid(CATEGORY_TAXONOMY, 'mental_health')}")
    assert_valid("taxonomy_term.json", one.json())
    assert one.json()["name_en"] == "Mental health"
    only = client.get(
        "/hsds/taxonomy_terms",
        {"taxonomy_id": str(taxonomy_uuid(CATEGORY_TAXONOMY)), "per_page": 200},
    ).json()
    assert only["total_items"] == 15
    tax = client.get(f"/hsds/taxonomies/{taxonomy_uuid(CATEGORY_TAXONOMY)}").json()
    assert_valid("taxonomy.json", tax)


def test_service_at_locations_with_postcode_and_proximity(client, feed):
    everything = client.get("/hsds/service_at_locations").json()
    assert_page(everything, "compiled/service_at_location_list.json")
    assert everything["total_items"] == 3
    laval = client.get(
        "/hsds/service_at_locations", {"postcode": "H7N 1A1", "proximity": "20000"}
    ).json()
    assert_page(laval, "compiled/service_at_location_list.json")
    assert {s["service_id"] for s in laval["contents"]} == {
        str(feed["shelter"].pk),
        str(feed["open"].pk),
    }
    sherbrooke = client.get(
        "/hsds/service_at_locations", {"postcode": "J1H 1A1", "proximity": "5000"}
    ).json()
    assert [s["service_id"] for s in sherbrooke["contents"]] == [str(feed["clinic"].pk)]
    full = client.get("/hsds/service_at_locations", {"full": "true"}).json()
    assert_page(full, "compiled/service_at_location.json")
    sal = feed["open"].service_at_locations.get()
    detail = client.get(f"/hsds/service_at_locations/{sal.pk}").json()
    assert_valid("compiled/service_at_location.json", detail)
    assert detail["location"]["addresses"][0]["address_1"] == "100 rue Publique"
    assert client.get("/hsds/service_at_locations", {"postcode": "Z9Z"}).status_code == 400
    assert client.get("/hsds/service_at_locations", {"proximity": "10"}).status_code == 400


def test_the_feed_is_public(client, feed):
    response = client.get("/hsds/services")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_service_added_on_the_web_validates_everywhere(client, side_a):
    """A service and its places added through the web forms (tests/directory/
    test_service_create.py) give HSDS 3.0 documents that validate, addresses and accessibility
    included where the place is public, and left out where it is confidential."""
    from arrimage.directory.models import Location
    from tests.conftest import login
    from tests.directory.test_service_create import PLACE, SERVICE

    org = directory_org(side_a.organisation, "Maison A")
    login(client, side_a.user("organisation_admin"))
    since = timezone.now().isoformat()
    assert (
        client.post(f"/repertoire/organisations/{org.pk}/services/ajouter/", SERVICE).status_code
        == 302
    )
    service = Service.objects.get(organization=org)
    for name, confidential in (("Bureau", ""), ("Maison", "on")):
        response = client.post(
            f"/repertoire/organisations/{org.pk}/lieux/ajouter/",
            {**PLACE, "name": name, "is_confidential": confidential, "services": [service.pk]},
        )
        assert response.status_code == 302
    client.logout()

    detail = client.get(f"/hsds/services/{service.pk}").json()
    assert_valid("compiled/service.json", detail)
    assert detail["name_en"] == "Star legal clinic" and detail["email"] == "accueil@example.org"
    assert {x["code"] for x in detail["languages"]} == {"fr", "es"}
    assert detail["schedules"][0]["description"] == SERVICE["hours"]
    assert detail["phones"][0]["number"] == "514-555-0177"
    places = {s["location"]["name"]: s["location"] for s in detail["service_at_locations"]}
    public = places["Bureau"]
    assert public["municipality"] == "laval" and public["region_code"] == "QC-13"
    assert public["addresses"][0]["postal_code"] == "H7N 1A1"
    assert public["accessibility"][0]["description"] == "Entrée sans marche"
    hidden = next(p for p in places.values() if p["confidential"])
    assert "addresses" not in hidden and "accessibility" not in hidden
    assert hidden["phones"][0]["number"] == "450-555-0188"

    listed = client.get("/hsds/services", {"modified_after": since}).json()
    assert_page(listed, "compiled/service_list.json")
    assert [s["id"] for s in listed["contents"]] == [str(service.pk)]
    assert_page(client.get("/hsds/services", {"full": "true"}).json(), "compiled/service.json")
    sals = client.get("/hsds/service_at_locations", {"full": "true"}).json()
    assert_page(sals, "compiled/service_at_location.json")
    assert sals["total_items"] == Location.objects.filter(organization=org).count() == 2
    assert_valid("compiled/organization.json", client.get(f"/hsds/organizations/{org.pk}").json())
