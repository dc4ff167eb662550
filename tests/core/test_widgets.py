"""Kept widgets (core/widgets.py) answer exactly what Django's own widgets render, for every
value, attribute, choice list and language, after any other rendering was kept; and the
directory search page, whose filters use them, shows each search's own selection."""

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from arrimage.core.widgets import KeptCheckboxSelectMultiple, KeptSelect

CHOICES = [("", _("Any")), ("fr", "Français"), ("en", "English"), ("es", "Español")]
VALUES = [None, "", "fr", "es", ["en"], ["fr", "es"], "nothing"]
ATTRS = [{"id": "id_language"}, {"id": "id_language", "aria-invalid": "true"}, {"id": "other"}]


@pytest.mark.parametrize(
    ("kept_class", "plain_class"),
    [(KeptSelect, forms.Select), (KeptCheckboxSelectMultiple, forms.CheckboxSelectMultiple)],
)
def test_kept_widget_renders_what_the_plain_widget_renders(kept_class, plain_class):
    renderer = get_default_renderer()
    for language in ("fr", "en"):
        for choices in (CHOICES, CHOICES[:2], [*CHOICES, ("de", "Deutsch")]):
            kept = kept_class(choices=choices)
            plain = plain_class(choices=choices)
            for value in VALUES:
                for attrs in ATTRS:
                    with translation.override(language):
                        for _twice in range(2):  # the second one answers from what was kept
                            assert kept.render("language", value, attrs, renderer) == (
                                plain.render("language", value, attrs, renderer)
                            )


def test_kept_widget_follows_the_language_of_its_labels():
    kept = KeptSelect(choices=CHOICES)
    with translation.override("fr"):
        french = kept.render("language", "", {"id": "x"})
    with translation.override("en"):
        english = kept.render("language", "", {"id": "x"})
    assert '<option value="" selected>Peu importe</option>' in french
    assert '<option value="" selected>Any</option>' in english


@pytest.mark.django_db
def test_search_page_shows_each_searches_own_filters(client):
    chosen = client.get("/repertoire/", {"q": "refuge", "language": "es"}).content.decode()
    assert '<option value="es" selected>' in chosen
    other = client.get("/repertoire/", {"q": "refuge", "language": "fr"}).content.decode()
    assert '<option value="es" selected>' not in other
    assert '<option value="fr" selected>' in other
    client.post("/compte/langue/", {"language": "en", "next": "/repertoire/"})
    english = client.get("/repertoire/", {"q": "refuge", "language": "es"}).content.decode()
    assert '<option value="es" selected>Spanish</option>' in english
