"""The case page names the person's languages in the reader's language, never as raw codes."""

import pytest
from django.test import Client
from django.utils import translation

from arrimage.cases.languages import LANGUAGE_CODES
from arrimage.cases.templatetags.cases_tags import language_names
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_language_code_has_a_name(language):
    with translation.override(language):
        for code in LANGUAGE_CODES:
            name = language_names([code])
            assert name and name.lower() != code, (language, code, name)


def test_the_case_page_names_tagalog_in_french_and_english(world):
    for language, expected in (("fr", "portugais, tagalog"), ("en", "Portuguese, Tagalog")):
        client = login(Client(), world.a.user("caseworker"))
        client.post("/compte/langue/", {"language": language, "next": "/"})
        response = client.post(
            f"/dossiers/{world.case_a.pk}/personne/identity/",
            {"alias": "Rosa", "gender": "Female", "languages": "pt, tl"},
        )
        assert response.status_code == 302
        page = client.get(f"/dossiers/{world.case_a.pk}/").content.decode()
        assert f"<dd>{expected}</dd>" in page, language
