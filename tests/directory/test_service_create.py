"""Organisations add their own services and places in the web interface, and edit their places.
Two organisations with identical data: neither reaches the other's (404), nothing changes."""

import pytest

from arrimage.core.models import AuditEvent
from arrimage.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Language,
    Location,
    Phone,
    Schedule,
    SearchEntry,
    Service,
    ServiceAtLocation,
)
from arrimage.directory.search import directory_search
from arrimage.directory.search_types import SearchParams
from tests.conftest import login
from tests.directory.conftest import directory_org

pytestmark = pytest.mark.django_db

SERVICE = {
    "name_fr": "Clinique juridique Étoile",
    "name_en": "Star legal clinic",
    "description_fr": "Demandes de PTR et d'asile",
    "description_en": "TRP and asylum claims",
    "status": "active",
    "minimum_age": "18",
    "maximum_age": "",
    "categories": ["legal_immigration"],
    "eligibility": ["status_none", "cost_free"],
    "languages": ["fr", "es"],
    "hours": "Lundi au vendredi, 9 h à 17 h",
    "phone": "514-555-0177",
    "email": "accueil@example.org",
    "url": "https://example.org/etoile",
}
STREET = "12 rue des Érables"
PLACE = {
    "name": "Maison Étoile",
    "address_1": STREET,
    "address_2": "",
    "city": "Laval",
    "postal_code": "h7n 1a1",
    "is_confidential": "on",
    "phone": "450-555-0188",
    "accessibility": "Entrée sans marche",
    "transportation": "Métro Montmorency",
    "description": "",
}


@pytest.fixture
def entries(side_a, side_b):
    """Identical directory entries on both sides, one service each, no place yet."""
    made = {}
    for label, side in (("a", side_a), ("b", side_b)):
        org = directory_org(side.organisation, "Maison Test")
        service = Service.objects.create(organization=org, name_fr="Accompagnement")
        made[label] = (org, service)
    return made


def _create_service(client, org) -> Service:
    response = client.post(f"/repertoire/organisations/{org.pk}/services/ajouter/", SERVICE)
    assert response.status_code == 302, response.content[:800]
    service = Service.objects.get(organization=org, name_fr=SERVICE["name_fr"])
    assert response["Location"] == f"/repertoire/services/{service.pk}/"
    return service


def _create_place(client, org, service: Service) -> Location:
    response = client.post(
        f"/repertoire/organisations/{org.pk}/lieux/ajouter/?service={service.pk}",
        {**PLACE, "services": [str(service.pk)]},
    )
    assert response.status_code == 302, response.content[:800]
    assert response["Location"] == f"/repertoire/services/{service.pk}/"
    return Location.objects.get(organization=org, name=PLACE["name"])


def _found(**params) -> list:
    return [h.service_id for h in directory_search(actor=None, params=SearchParams(**params)).hits]


@pytest.mark.parametrize("role", ["service_staff", "organisation_admin"])
def test_staff_add_a_service_and_its_place_and_search_shows_it(client, side_a, entries, role):
    org, _existing = entries["a"]
    login(client, side_a.user(role))
    page = client.get(f"/repertoire/organisations/{org.pk}/services/ajouter/")
    assert page.status_code == 200
    assert b'name="languages"' in page.content and b'name="hours"' in page.content

    service = _create_service(client, org)
    new_page = client.get(f"/repertoire/services/{service.pk}/").content
    assert f"/repertoire/organisations/{org.pk}/lieux/ajouter/?service={service.pk}".encode() in (
        new_page
    )
    assert (service.name_en, service.minimum_age, service.maximum_age) == (
        "Star legal clinic",
        18,
        None,
    )
    assert (service.email, service.url) == ("accueil@example.org", "https://example.org/etoile")
    codes = set(
        Attribute.objects.filter(link_id=service.pk).values_list("taxonomy_term__code", flat=True)
    )
    assert codes == {"legal_immigration", "status_none", "cost_free"}
    assert set(Language.objects.filter(service=service).values_list("code", flat=True)) == {
        "fr",
        "es",
    }
    assert Phone.objects.get(service=service).number == "514-555-0177"
    assert Schedule.objects.get(service=service).description == SERVICE["hours"]
    assert AuditEvent.objects.filter(
        action="directory_service_created", target_id=str(service.pk)
    ).exists()
    assert _found(q="etoile", language="es", status="status_none") == [service.pk]

    place = _create_place(client, org, service)
    assert (place.municipality_code, place.region.code, place.is_confidential) == (
        "laval",
        "QC-13",
        True,
    )
    address = Address.objects.get(location=place)
    assert (address.address_1, address.city, address.postal_code) == (STREET, "Laval", "H7N 1A1")
    assert Accessibility.objects.get(location=place).description == "Entrée sans marche"
    assert Phone.objects.get(location=place).number == "450-555-0188"
    assert ServiceAtLocation.objects.filter(service=service, location=place).exists()
    assert AuditEvent.objects.filter(
        action="directory_location_created", target_id=str(place.pk)
    ).exists()
    assert _found(q="etoile", region="QC-13") == [service.pk]
    assert _found(q="etoile", municipality="laval") == [service.pk]
    entry = SearchEntry.objects.get(service=service)
    assert entry.summary["places"][0]["confidential"] is True
    assert entry.summary["phone"] == "514-555-0177"


def test_the_directory_links_to_adding_a_service(client, side_a, entries):
    org, _service = entries["a"]
    login(client, side_a.user("service_staff"))
    assert b"/repertoire/services/ajouter/" in client.get("/repertoire/").content
    response = client.get("/repertoire/services/ajouter/")
    assert response.status_code == 302
    assert response["Location"] == f"/repertoire/organisations/{org.pk}/services/ajouter/"
    listing = client.get("/repertoire/mes-services/")
    assert listing.status_code == 200
    assert f"/repertoire/organisations/{org.pk}/lieux/ajouter/".encode() in listing.content
    # Two entries: the list, where each has its own "Add a service".
    directory_org(side_a.organisation, "Deuxième entrée")
    assert client.get("/repertoire/services/ajouter/")["Location"] == "/repertoire/mes-services/"


def test_caseworker_sees_no_link_and_may_not_add(client, side_a, entries):
    org, service = entries["a"]
    login(client, side_a.user("caseworker"))
    assert b"/repertoire/services/ajouter/" not in client.get("/repertoire/").content
    own_page = client.get(f"/repertoire/services/{service.pk}/").content
    assert b"/lieux/ajouter/" not in own_page and b"/modifier/" not in own_page
    before = (Service.objects.count(), Location.objects.count())
    for url in ("/repertoire/services/ajouter/", "/repertoire/mes-services/"):
        assert client.get(url).status_code == 404
    assert (
        client.post(f"/repertoire/organisations/{org.pk}/services/ajouter/", SERVICE).status_code
        == 404
    )
    response = client.post(
        f"/repertoire/organisations/{org.pk}/lieux/ajouter/",
        {**PLACE, "services": [str(service.pk)]},
    )
    assert response.status_code == 404
    assert (Service.objects.count(), Location.objects.count()) == before


@pytest.mark.parametrize("role", ["service_staff", "organisation_admin"])
def test_other_organisation_cannot_add_under_it_nor_edit_its_place(
    client, side_a, side_b, entries, role
):
    org_a, service_a = entries["a"]
    org_b, service_b = entries["b"]
    login(client, side_a.user("service_staff"))
    place_a = _create_place(client, org_a, service_a)
    client.logout()

    login(client, side_b.user(role))
    services, locations = Service.objects.count(), Location.objects.count()
    audits = AuditEvent.objects.count()
    urls = [
        f"/repertoire/organisations/{org_a.pk}/services/ajouter/",
        f"/repertoire/organisations/{org_a.pk}/lieux/ajouter/",
        f"/repertoire/lieux/{place_a.pk}/modifier/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(urls[0], SERVICE).status_code == 404
    moved = {**PLACE, "city": "Sherbrooke", "postal_code": "J1H 1A1", "is_confidential": ""}
    assert client.post(urls[1], {**moved, "services": [str(service_a.pk)]}).status_code == 404
    assert client.post(urls[2], {**moved, "services": [str(service_a.pk)]}).status_code == 404
    # B's own place form does not take A's service either.
    response = client.post(
        f"/repertoire/organisations/{org_b.pk}/lieux/ajouter/",
        {**moved, "services": [str(service_a.pk)]},
    )
    assert response.status_code == 200 and "services" in response.context["form"].errors
    # Nothing changed, nothing was audited, A's place is as it was and still hidden.
    assert (Service.objects.count(), Location.objects.count()) == (services, locations)
    assert AuditEvent.objects.count() == audits
    place_a.refresh_from_db()
    assert (place_a.municipality_code, place_a.is_confidential) == ("laval", True)
    assert list(
        ServiceAtLocation.objects.filter(location=place_a).values_list("service_id", flat=True)
    ) == [service_a.pk]
    page = client.get(f"/repertoire/services/{service_a.pk}/")
    assert STREET.encode() not in page.content
    assert f"/repertoire/lieux/{place_a.pk}/modifier/".encode() not in page.content
    # The very same requests work on B's own entry (the test can fail).
    assert (
        client.post(f"/repertoire/organisations/{org_b.pk}/services/ajouter/", SERVICE).status_code
        == 302
    )
    place_b = _create_place(client, org_b, service_b)
    assert (
        client.post(
            f"/repertoire/lieux/{place_b.pk}/modifier/", {**moved, "services": [str(service_b.pk)]}
        ).status_code
        == 302
    )


def test_owner_edits_a_place_and_search_and_hsds_follow(client, side_a, entries):
    org, service = entries["a"]
    login(client, side_a.user("organisation_admin"))
    place = _create_place(client, org, service)
    before = Service.objects.get(pk=service.pk).last_modified
    page = client.get(f"/repertoire/lieux/{place.pk}/modifier/")
    assert page.status_code == 200
    assert page.context["form"].initial["city"] == "Laval"
    assert page.context["form"].initial["services"] == [str(service.pk)]
    response = client.post(
        f"/repertoire/lieux/{place.pk}/modifier/",
        {
            **PLACE,
            "city": "Sherbrooke",
            "postal_code": "J1H 1A1",
            "is_confidential": "",
            "accessibility": "",
            "services": [str(service.pk)],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/repertoire/mes-services/#location-{place.pk}"
    place.refresh_from_db()
    assert (place.municipality_code, place.region.code, place.is_confidential) == (
        "sherbrooke",
        "QC-05",
        False,
    )
    assert not Accessibility.objects.filter(location=place).exists()
    assert Address.objects.filter(location=place).count() == 1
    assert AuditEvent.objects.filter(
        action="directory_location_updated", target_id=str(place.pk)
    ).exists()
    assert _found(q="accompagnement", region="QC-05") == [service.pk]
    assert _found(q="accompagnement", region="QC-13") == []
    assert Service.objects.get(pk=service.pk).last_modified > before
    # Unticking the service takes it off the place, and off the region's search.
    client.post(
        f"/repertoire/lieux/{place.pk}/modifier/",
        {**PLACE, "city": "Sherbrooke", "postal_code": "J1H 1A1", "services": []},
    )
    assert not ServiceAtLocation.objects.filter(location=place).exists()
    assert _found(q="accompagnement", region="QC-05") == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name_fr": "", "name_en": ""}, None),
        ({"phone": "appelez-nous"}, "phone"),
        ({"email": "pas-un-courriel"}, "email"),
        ({"minimum_age": "30", "maximum_age": "20"}, None),
        ({"categories": ["not_a_category"]}, "categories"),
        ({"languages": ["xx"]}, "languages"),
    ],
)
def test_bad_service_input_is_refused_and_nothing_saved(client, side_a, entries, change, field):
    org, _service = entries["a"]
    login(client, side_a.user("service_staff"))
    count, audits = Service.objects.count(), AuditEvent.objects.count()
    response = client.post(
        f"/repertoire/organisations/{org.pk}/services/ajouter/", {**SERVICE, **change}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors.get(field or "__all__"), errors
    assert b'class="errorlist' in response.content
    assert (Service.objects.count(), AuditEvent.objects.count()) == (count, audits)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"city": "Atlantide", "postal_code": "X0A 0H0"}, "city"),
        ({"postal_code": "12345"}, "postal_code"),
        ({"phone": ""}, "phone"),  # confidential without an intake phone
        ({"address_1": ""}, "address_1"),
    ],
)
def test_bad_place_input_is_refused_and_nothing_saved(client, side_a, entries, change, field):
    org, service = entries["a"]
    login(client, side_a.user("service_staff"))
    counts = (Location.objects.count(), Address.objects.count(), ServiceAtLocation.objects.count())
    response = client.post(
        f"/repertoire/organisations/{org.pk}/lieux/ajouter/",
        {**PLACE, **change, "services": [str(service.pk)]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert counts == (
        Location.objects.count(),
        Address.objects.count(),
        ServiceAtLocation.objects.count(),
    )


def test_postal_code_finds_the_municipality_when_the_city_is_unknown(client, side_a, entries):
    org, _service = entries["a"]
    login(client, side_a.user("service_staff"))
    response = client.post(
        f"/repertoire/organisations/{org.pk}/lieux/ajouter/",
        {**PLACE, "city": "Chomedey-Est", "postal_code": "H7N 1A1", "services": []},
    )
    assert response.status_code == 302
    place = Location.objects.get(organization=org)
    assert place.municipality_code == "laval"
    assert Address.objects.get(location=place).city == "Chomedey-Est"


def test_confidential_place_stays_hidden_from_the_public_and_other_members(
    client, side_a, side_b, entries
):
    org, service = entries["a"]
    login(client, side_a.user("service_staff"))
    _create_place(client, org, service)
    own = client.get(f"/repertoire/services/{service.pk}/")
    assert STREET.encode() in own.content  # the owner sees its own address
    client.logout()
    login(client, side_b.user("caseworker"))
    assert STREET.encode() not in client.get(f"/repertoire/services/{service.pk}/").content
    client.logout()
    outputs = [
        client.get(f"/repertoire/services/{service.pk}/"),
        client.get("/repertoire/recherche.json", {"q": "accompagnement"}),
        client.get(f"/hsds/services/{service.pk}"),
        client.get("/hsds/service_at_locations", {"full": "true"}),
    ]
    for response in outputs:
        assert response.status_code == 200
        for secret in (STREET, "H7N 1A1", "Entrée sans marche", "Montmorency"):
            assert secret.encode() not in response.content, (response.request, secret)
    assert b"450-555-0188" in outputs[0].content  # the intake phone is public
