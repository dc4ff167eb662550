"""A radius search asks the index for a few near tokens (``geo.NEAR_BANDS_KM``) instead of the
municipalities within the radius: it must find exactly the same services, on SQLite (FTS5) and
PostgreSQL (GIN) alike. And the tokens matching asks for (what a service leaves open) follow
the service."""

import importlib

import pytest
from django.apps import apps

from arrimage.directory import geo
from arrimage.directory.indexing import search_entries_refresh
from arrimage.directory.models import (
    Location,
    SearchEntry,
    ServiceAtLocation,
    ServiceCapacity,
)
from arrimage.directory.search import directory_search
from arrimage.directory.search_types import SearchParams
from arrimage.orientation import index as orientation_index
from arrimage.orientation.needs import NeedsProfile
from tests.directory.conftest import directory_org, service_make

pytestmark = pytest.mark.django_db

CENTRES = ("montreal", "laval", "longueuil", "sherbrooke", "quebec", "gatineau")
RADII = (10, 25, 50, 100)


@pytest.fixture
def spread(side_a):
    """A service in every other municipality, and one with a second site far away: its name is
    the codes of its places."""
    org = directory_org(side_a.organisation, "Réseau Partout")
    codes = sorted(geo.municipalities())[::2]
    for code in codes:
        service_make(org, name_fr=code, terms=("housing_emergency",), municipality=code)
    twice = service_make(
        org,
        name_fr="montreal-nord+sherbrooke",
        terms=("legal_immigration",),
        municipality="montreal-nord",
    )
    far = geo.municipality_get("sherbrooke")
    assert far is not None
    location = Location.objects.create(
        organization=org,
        name="Second site",
        latitude=far.latitude,
        longitude=far.longitude,
        municipality_code=far.code,
    )
    ServiceAtLocation.objects.create(service=twice, location=location)
    search_entries_refresh(service_ids=[twice.pk])
    return codes


def found(**kwargs) -> set[str]:
    """Every service the search finds (without a word or filter: every service)."""
    if not kwargs:
        return set(SearchEntry.objects.values_list("name_fr", flat=True))
    names: set[str] = set()
    page = 1
    while True:
        result = directory_search(actor=None, params=SearchParams(page=page, **kwargs))
        names |= {hit.name_fr for hit in result.hits}
        if not result.has_next:
            return names
        page += 1


def within(centre: str, radius: int, names: set[str]) -> set[str]:
    """The services with a place within ``radius`` km of ``centre``, worked out here."""
    middle = geo.municipality_get(centre)
    assert middle is not None

    def near(code: str) -> bool:
        place = geo.municipality_get(code)
        assert place is not None
        distance = geo.distance_km(
            middle.latitude, middle.longitude, place.latitude, place.longitude
        )
        return distance <= radius

    return {name for name in names if any(near(code) for code in name.split("+"))}


def test_radius_finds_every_service_within_it_and_no_other(spread):
    every = found()
    assert len(every) == len(spread) + 1
    for centre in CENTRES:
        for radius in RADII:
            assert found(municipality=centre, radius_km=radius) == within(centre, radius, every)


def test_radius_finds_the_same_services_as_the_list_of_municipalities(spread, monkeypatch):
    """The near tokens against the former query (one token per municipality within the
    radius, still used for a radius that is not a band), with filters and words too."""
    queries = [
        {"municipality": centre, "radius_km": radius, **extra}
        for centre in CENTRES
        for radius in RADII
        for extra in ({}, {"category": "housing_emergency"}, {"q": "sherbrooke"})
    ]
    near = [found(**query) for query in queries]
    monkeypatch.setattr(geo, "near_group", lambda *args: None)
    assert [found(**query) for query in queries] == near
    assert any(near) and not all(near)


def test_a_radius_outside_the_bands_still_searches_by_municipality(spread):
    every = found()
    assert found(municipality="laval", radius_km=35) == within("laval", 35, every)


def test_matching_rings_read_the_same_services_as_the_lists(spread, monkeypatch):
    def ring_rows() -> list[set[str]]:
        orientation_index._rings.cache_clear()
        rings = orientation_index.place_rings(NeedsProfile(needs=(), municipality="Laval"))
        return [
            {
                row.name_fr
                for row in orientation_index.index_rows(
                    groups=[["xchousingemergency"], ring], age=None, limit=None
                )
            }
            for ring in rings
        ]

    with_near = ring_rows()
    monkeypatch.setattr(geo, "near_group", lambda *args: None)
    assert ring_rows() == with_near
    orientation_index._rings.cache_clear()
    assert with_near[0] == {"laval"}
    assert len(with_near[1]) > 3


def doc_tokens(service) -> set[str]:
    return set(SearchEntry.objects.get(service=service).doc.split())


def test_search_document_says_what_a_service_leaves_open(side_a):
    org = directory_org(side_a.organisation)
    open_to_all = service_make(org, name_fr="Ouvert", terms=("housing_emergency",))
    named = service_make(
        org,
        name_fr="Restreint",
        terms=("housing_emergency", "status_none", "exploitation_labour"),
        capacity=("bed", 0, 4),
    )
    assert {"xnstatus", "xnexploitation", "xaopen"} <= doc_tokens(open_to_all)
    assert not {"xnstatus", "xnexploitation", "xaopen"} & doc_tokens(named)
    assert "xafull" in doc_tokens(named)
    ServiceCapacity.objects.filter(service=named).update(available=1)
    search_entries_refresh(service_ids=[named.pk])
    assert "xaopen" in doc_tokens(named) and "xafull" not in doc_tokens(named)


def test_the_migration_rebuilds_search_documents_made_before_it(spread):
    SearchEntry.objects.update(doc="hebergement xchousingemergency")
    assert found(municipality="laval", radius_km=25) == set()
    migration = importlib.import_module("arrimage.directory.migrations.0006_search_stems")
    migration.rebuild(apps, None)
    every = found()
    assert found(municipality="laval", radius_km=25) == within("laval", 25, every)
