"""Directory results are sorted by relevance, then distance (issue 13, item 5): two services
that answer the words equally well come nearer first, whether the place is typed in the box
("hébergement montréal") or chosen as the "near" filter, and even inside one distance band
(3 km before 10 km). The farther one is named to come first by name, so the name cannot be
what orders them."""

import pytest

from arrimage.directory.search import directory_search
from arrimage.directory.search_types import SearchParams
from tests.directory.conftest import directory_org, service_make

pytestmark = pytest.mark.django_db


def _names(**params) -> list[str]:
    return [hit.name_fr for hit in directory_search(actor=None, params=SearchParams(**params)).hits]


@pytest.fixture
def two_alike(side_a):
    org = directory_org(side_a.organisation, "Réseau")
    for name, municipality in (
        ("Abri Brossard", "brossard"),  # 9.7 km from Montréal
        ("Zénith Westmount", "westmount"),  # 3.3 km
        ("Abri Saint-Jérôme", "saint-jerome"),  # 46 km
        ("Zénith Laval", "laval"),  # 16 km
    ):
        service_make(org, name_fr=name, terms=("housing_emergency",), municipality=municipality)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "hébergement montréal"},
        {"q": "hébergement", "municipality": "montreal", "radius_km": 100},
        {"q": "", "municipality": "montreal", "radius_km": 100},
    ],
    ids=["place-in-the-box", "near-filter", "near-filter-no-words"],
)
def test_equal_relevance_comes_nearer_first(two_alike, params):
    names = _names(**params)
    assert names == ["Zénith Westmount", "Abri Brossard", "Zénith Laval", "Abri Saint-Jérôme"]


def test_relevance_comes_before_distance(two_alike, side_a):
    """A far service that answers every word comes before a near one that answers only part
    of them."""
    org = directory_org(side_a.organisation, "Autre")
    service_make(org, name_fr="Clinique", description_fr="hébergement", municipality="montreal")
    names = _names(q="hébergement urgence", municipality="montreal", radius_km=100)
    assert names.index("Abri Saint-Jérôme") < names.index("Clinique")
