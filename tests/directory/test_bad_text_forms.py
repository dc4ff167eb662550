"""The forms of the directory pages refuse bad text beside the field and change nothing."""

import pytest

from arrimage.directory.models import SearchEntry, Service
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


@pytest.mark.parametrize(
    "field,value,shown",
    [
        ("description_fr", "Ligne\x0cpage", "U+000C"),
        ("name_en", "Moon\x00", "U+0000"),
        ("hours", "9 h\x1b", "U+001B"),
        ("url", "https://exa\x07mple.org", "U+0007"),
        ("description_en", "x" * 8_001, "8000"),
    ],
)
def test_a_service_with_bad_text_is_not_saved(client, side_a, two_shelters, field, value, shown):
    login(client, side_a.user("service_staff"))
    service = two_shelters["a"]
    response = client.post(f"/repertoire/services/{service.pk}/modifier/", {**FORM, field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="errorlist"' in page
    assert shown in page.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    service.refresh_from_db()
    assert service.name_fr == "Hébergement d'urgence A"
    assert SearchEntry.objects.get(service=service).name_fr == "Hébergement d'urgence A"
    assert client.get(f"/repertoire/services/{service.pk}/").status_code == 200


def test_newlines_and_tabs_in_a_description_are_kept(client, side_a, two_shelters):
    login(client, side_a.user("service_staff"))
    service = two_shelters["a"]
    description = "Accueil 24/7\r\n\tLits pour femmes"
    response = client.post(
        f"/repertoire/services/{service.pk}/modifier/", {**FORM, "description_fr": description}
    )
    assert response.status_code == 302
    assert Service.objects.get(pk=service.pk).description_fr == description
