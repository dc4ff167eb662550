"""Organisations edit only their own services (identical data on both sides)."""

import pytest

from arrimage.directory.models import Attribute, SearchEntry, Service
from arrimage.directory.search import directory_search
from arrimage.directory.search_types import SearchParams
from tests.conftest import login

pytestmark = pytest.mark.django_db

FORM = {
    "name_fr": "Refuge Lune",
    "name_en": "Moon shelter",
    "description_fr": "Nouveau",
    "description_en": "New",
    "status": "active",
    "minimum_age": "16",
    "maximum_age": "",
    "categories": ["housing_emergency"],
    "eligibility": ["gender_men", "status_none"],
}


def test_owner_edits_own_service_and_search_follows(client, side_a, two_shelters):
    login(client, side_a.user("service_staff"))
    service = two_shelters["a"]
    assert client.get(f"/repertoire/services/{service.pk}/modifier/").status_code == 200
    response = client.post(f"/repertoire/services/{service.pk}/modifier/", FORM)
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name_fr, service.name_en, service.minimum_age) == (
        "Refuge Lune",
        "Moon shelter",
        16,
    )
    codes = set(
        Attribute.objects.filter(link_id=service.pk).values_list("taxonomy_term__code", flat=True)
    )
    assert codes == {"housing_emergency", "gender_men", "status_none"}
    found = directory_search(actor=None, params=SearchParams(q="lune", gender="gender_men"))
    assert [h.service_id for h in found.hits] == [service.pk]


@pytest.mark.parametrize("role", ["service_staff", "organisation_admin"])
def test_other_organisation_cannot_edit(client, side_b, two_shelters, role):
    login(client, side_b.user(role))
    service = two_shelters["a"]
    assert client.get(f"/repertoire/services/{service.pk}/modifier/").status_code == 404
    assert client.post(f"/repertoire/services/{service.pk}/modifier/", FORM).status_code == 404
    service.refresh_from_db()
    assert service.name_fr == "Hébergement d'urgence A"
    assert SearchEntry.objects.get(service=service).name_fr == "Hébergement d'urgence A"
    assert (
        client.post(f"/repertoire/services/{two_shelters['b'].pk}/modifier/", FORM).status_code
        == 302
    )


def test_caseworker_cannot_edit(client, side_a, two_shelters):
    login(client, side_a.user("caseworker"))
    service = two_shelters["a"]
    assert client.post(f"/repertoire/services/{service.pk}/modifier/", FORM).status_code == 404
    assert Service.objects.get(pk=service.pk).name_fr == "Hébergement d'urgence A"


def test_edit_refuses_a_service_without_name(client, side_a, two_shelters):
    login(client, side_a.user("service_staff"))
    service = two_shelters["a"]
    response = client.post(
        f"/repertoire/services/{service.pk}/modifier/", {**FORM, "name_fr": "", "name_en": ""}
    )
    assert response.status_code == 200
    assert Service.objects.get(pk=service.pk).name_fr == "Hébergement d'urgence A"


def test_edit_sets_languages_hours_and_contact_and_keeps_imported_languages(
    client, side_a, two_shelters
):
    from arrimage.directory.models import Language, Phone, Schedule

    login(client, side_a.user("organisation_admin"))
    service = two_shelters["a"]
    Language.objects.create(service=service, code="de", name="Deutsch")  # not in the form
    page = client.get(f"/repertoire/services/{service.pk}/modifier/")
    assert page.context["form"].initial["languages"] == ["fr"]
    extra = {
        "languages": ["en", "ar"],
        "hours": "24/7",
        "phone": "450-555-0111",
        "email": "info@example.org",
        "url": "https://example.org",
    }
    assert (
        client.post(f"/repertoire/services/{service.pk}/modifier/", {**FORM, **extra}).status_code
        == 302
    )
    codes = set(Language.objects.filter(service=service).values_list("code", flat=True))
    assert codes == {"en", "ar", "de"}
    assert Schedule.objects.get(service=service).description == "24/7"
    assert Phone.objects.get(service=service).number == "450-555-0111"
    assert SearchEntry.objects.get(service=service).summary["languages"] == ["ar", "de", "en"]
    # Emptied: the phone and the hours go; a bad phone is refused with nothing changed.
    client.post(
        f"/repertoire/services/{service.pk}/modifier/", {**FORM, **extra, "hours": "", "phone": ""}
    )
    assert not Schedule.objects.filter(service=service).exists()
    assert not Phone.objects.filter(service=service).exists()
    response = client.post(
        f"/repertoire/services/{service.pk}/modifier/", {**FORM, "name_fr": "Autre", "phone": "abc"}
    )
    assert response.status_code == 200 and "phone" in response.context["form"].errors
    assert Service.objects.get(pk=service.pk).name_fr == "Refuge Lune"
