"""Country lists in French collation (issue 13, item 3): "Égypte" among the E, not after
"Zimbabwe"; the same on the page where a caseworker picks a citizenship."""

import re

import pytest
from django.utils import translation

from arrimage.cases.countries import country_choices
from arrimage.core.collation import collation_key
from tests.conftest import login
from tests.orientation.conftest import open_case


def test_accents_and_case_only_break_ties():
    names = ["Zimbabwe", "États-Unis", "Égypte", "Espagne", "équateur", "Émirats arabes unis"]
    assert sorted(names, key=collation_key) == [
        "Égypte",
        "Émirats arabes unis",
        "équateur",
        "Espagne",
        "États-Unis",
        "Zimbabwe",
    ]
    assert sorted(["Oman", "Œil", "Ouganda"], key=collation_key) == ["Œil", "Oman", "Ouganda"]


def test_countries_in_french_order_in_french_and_english_order_in_english():
    with translation.override("fr-ca"):
        names = [name for _code, name in country_choices()]
        assert names.index("Danemark") < names.index("Égypte") < names.index("Espagne")
        assert names.index("Afghanistan") < names.index("Åland, Îles") < names.index("Albanie")
        assert not names[-1].startswith(("É", "Å", "Î"))
    with translation.override("en"):
        names = [name for _code, name in country_choices()]
        assert names.index("Afghanistan") < names.index("Åland Islands") < names.index("Albania")


@pytest.mark.django_db
def test_the_citizenship_list_on_the_page_is_in_french_order(client, side_a):
    case = open_case(side_a)
    login(client, side_a.user("caseworker"))
    # The citizenship is immigration: chosen on the case's immigration page.
    html = client.get(f"/dossiers/{case.pk}/immigration/").content.decode()
    options = re.findall(r'<option value="[A-Z]{2}"[^>]*>([^<]+)</option>', html)
    assert len(options) > 200
    assert options == sorted(options, key=collation_key)
    assert options.index("Égypte") < options.index("Espagne")
