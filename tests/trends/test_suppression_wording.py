"""The small-cell suppression rule is stated one way everywhere (issue 13, item 7): the
release page, its PDF, the coordinator's release form, the unmet-needs page and the home page
all carry the same sentence, in French and in English, from one catalog entry."""

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from arrimage.trends.presentation import suppression_rule
from tests.trends.test_pages import release

pytestmark = pytest.mark.django_db
__all__ = ["release"]  # the fixture


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def test_one_sentence_on_every_page_that_states_the_rule(client, release):
    with translation.override("fr-ca"):
        french = suppression_rule(5)
    with translation.override("en"):
        english = suppression_rule(5)
    assert french.startswith("Les nombres de 1 à 4 ne sont pas affichés (x)")
    assert english.startswith("Counts from 1 to 4 are not shown (x)")

    pages = [
        f"/tendances/diffusions/{release.pk}/",
        "/tendances/",
        "/orientation/besoins-non-combles/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert french in response.content.decode(), url
    pdf = client.get(f"/tendances/diffusions/{release.pk}/rapport.pdf")
    assert pdf.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert _flat(french) in _flat(text)
    client.cookies["arrimage_language"] = "en"
    response = client.get("/orientation/besoins-non-combles/")
    assert response.status_code == 200
    assert english in response.content.decode()
