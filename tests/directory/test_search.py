"""Search relevance in French and English, filters, and what a result shows."""

from datetime import timedelta

import pytest

from arrimage.directory.search import directory_search
from arrimage.directory.search_types import SearchParams
from arrimage.directory.text import normalise, query_words
from tests.conftest import login
from tests.directory.conftest import directory_org, service_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(side_a):
    org = directory_org(side_a.organisation, "Réseau Test")
    return {
        "women": service_make(
            org,
            name_fr="Hébergement d'urgence pour femmes",
            name_en="Emergency shelter for women",
            description_fr="Maison sécuritaire",
            terms=("housing_emergency", "gender_women", "status_none", "safety_staff_24_7"),
            languages=("fr", "es"),
            municipality="laval",
            capacity=("bed", 2, 8),
            minimum_age=18,
        ),
        "french_only": service_make(
            org,
            name_fr="Maison Aube",
            description_fr="Refuge confidentiel",
            terms=("housing_emergency", "gender_women", "safety_confidential_address"),
            municipality="montreal",
            confidential=True,
            capacity=("room", 1, 4),
            capacity_age=timedelta(hours=30),
        ),
        "men": service_make(
            org,
            name_fr="Maison pour hommes",
            name_en="Men's shelter",
            terms=("housing_emergency", "gender_men", "status_trp"),
            languages=("fr", "tl"),
            municipality="laval-chomedey",
            capacity=("bed", 0, 6),
            minimum_age=18,
        ),
        "youth": service_make(
            org,
            name_fr="Hébergement jeunesse",
            name_en="Youth shelter",
            terms=("housing_emergency",),
            municipality="gatineau",
            minimum_age=12,
            maximum_age=17,
            capacity=("bed", 4, 8),
        ),
        "clinic": service_make(
            org,
            name_fr="Clinique juridique PTR",
            name_en="TRP legal clinic",
            description_fr="Permis de séjour temporaire pour victimes de traite",
            terms=("legal_immigration", "status_none", "status_trp"),
            languages=("fr", "en", "es"),
            municipality="sherbrooke",
        ),
        "therapy": service_make(
            org,
            name_fr="Santé mentale et trauma",
            name_en="Mental health and trauma care",
            terms=("mental_health", "coverage_ifhp"),
            municipality="quebec",
        ),
        "closed": service_make(
            org,
            name_fr="Hébergement fermé",
            terms=("housing_emergency",),
            municipality="laval",
            status="inactive",
        ),
    }


def names(page):
    return {hit.name_fr for hit in page.hits}


def search(**kwargs):
    return directory_search(actor=None, params=SearchParams(**kwargs))


def test_normalise_strips_accents_case_and_ligatures():
    assert normalise("Hébergement d'URGENCE — Œuvre") == "hebergement d urgence oeuvre"
    assert query_words("le refuge pour les femmes") == ["refuge", "femmes"]


def test_unaccented_lower_case_french_finds_accented_name(catalogue):
    found = names(search(q="hebergement"))
    assert "Hébergement d'urgence pour femmes" in found
    assert "Hébergement jeunesse" in found
    assert "Clinique juridique PTR" not in found


def test_upper_case_and_accents_in_the_query_do_not_matter(catalogue):
    assert names(search(q="HÉBERGEMENT")) == names(search(q="hebergement"))
    assert names(search(q="Santé Mentale")) == {"Santé mentale et trauma"}


def test_english_word_finds_french_only_service_through_its_category(catalogue):
    found = names(search(q="shelter"))
    assert "Maison Aube" in found  # French only: found through "Emergency housing ... shelter"
    assert "Clinique juridique PTR" not in found


def test_english_query_finds_english_names(catalogue):
    assert names(search(q="legal clinic")) == {"Clinique juridique PTR"}
    assert "Santé mentale et trauma" in names(search(q="mental health"))


def test_acronyms_in_both_languages(catalogue):
    assert "Clinique juridique PTR" in names(search(q="TRP"))
    assert "Clinique juridique PTR" in names(search(q="ptr"))
    assert "Santé mentale et trauma" in names(search(q="IFHP"))
    assert "Santé mentale et trauma" in names(search(q="pfsi"))


def test_prefix_of_a_word_matches(catalogue):
    assert "Hébergement jeunesse" in names(search(q="heberg jeun"))


def test_services_holding_every_word_come_before_those_holding_some(catalogue):
    page = search(q="hebergement jeunesse")
    found = [hit.name_fr for hit in page.hits]
    assert found[0] == "Hébergement jeunesse"
    assert "Hébergement d'urgence pour femmes" in found[1:]  # "hébergement" only
    assert "Clinique juridique PTR" not in found
    assert page.partial


def test_a_word_found_nowhere_is_left_out_and_named(catalogue):
    page = search(q="hebergement zzzz")
    assert names(page) == names(search(q="hebergement"))
    assert page.ignored == ["zzzz"]
    assert search(q="zzzz").total == 0


def test_inactive_services_are_not_found(catalogue):
    assert "Hébergement fermé" not in names(search(q="hebergement"))


def test_category_filter(catalogue):
    assert names(search(category="legal_immigration")) == {"Clinique juridique PTR"}


def test_gender_filter_men(catalogue):
    found = names(search(category="housing_emergency", gender="gender_men"))
    # The youth shelter states no gender restriction: it serves men too.
    assert found == {"Maison pour hommes", "Hébergement jeunesse"}


def test_immigration_status_none_filter(catalogue):
    assert names(search(status="status_none")) == {
        "Hébergement d'urgence pour femmes",
        "Clinique juridique PTR",
    }


def test_language_filter_spanish(catalogue):
    assert names(search(language="es")) == {
        "Hébergement d'urgence pour femmes",
        "Clinique juridique PTR",
    }


def test_age_filter(catalogue):
    found = names(search(category="housing_emergency", age=15))
    assert "Hébergement jeunesse" in found
    assert "Hébergement d'urgence pour femmes" not in found  # 18 and over
    assert "Maison Aube" in found  # no age limit stated


def test_region_filter(catalogue):
    assert names(search(region="QC-13")) == {
        "Hébergement d'urgence pour femmes",
        "Maison pour hommes",
    }


def test_municipality_and_radius(catalogue):
    assert names(search(municipality="Laval")) == {"Hébergement d'urgence pour femmes"}
    near = names(search(municipality="laval", radius_km=25))
    assert {"Hébergement d'urgence pour femmes", "Maison pour hommes", "Maison Aube"} <= near
    assert "Hébergement jeunesse" not in near  # Gatineau is far
    assert "Clinique juridique PTR" not in near  # Sherbrooke is far


def test_unknown_municipality_says_so(catalogue):
    page = search(municipality="Atlantide")
    assert page.unknown_place and page.total == 0


def test_available_now_excludes_full_and_stale(catalogue):
    found = names(search(available_now=True))
    assert "Hébergement d'urgence pour femmes" in found
    assert "Maison pour hommes" not in found  # 0 beds
    assert "Maison Aube" not in found  # 1 room, but updated 30 h ago


def test_safety_filter(catalogue):
    assert names(search(safety=("safety_confidential_address",))) == {"Maison Aube"}
    assert names(search(safety=("safety_staff_24_7",))) == {"Hébergement d'urgence pour femmes"}


def test_filters_combine_with_the_box(catalogue):
    assert names(search(q="shelter", region="QC-13", gender="gender_women")) == {
        "Hébergement d'urgence pour femmes"
    }


def test_ranking_puts_name_matches_first(catalogue):
    page = search(q="jeunesse")
    assert page.hits[0].name_fr == "Hébergement jeunesse"


def test_pagination(side_a):
    org = directory_org(side_a.organisation)
    for number in range(25):
        service_make(org, name_fr=f"Banque alimentaire {number:02d}", terms=("basic_needs",))
    first, second = search(q="banque", page=1), search(q="banque", page=2)
    assert first.total == second.total == 25 and first.pages == 2
    assert len(first.hits) == 20 and len(second.hits) == 5
    assert not names(first) & names(second)


def test_search_page_shows_eligibility_and_freshness(client, catalogue):
    response = client.get("/repertoire/", {"q": "hebergement", "region": "QC-13"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hébergement d&#x27;urgence pour femmes" in html
    assert "Accepts people without status" in html or "sans statut" in html
    assert "2 h" in html  # updated 2 h ago
    assert "18" in html  # age at a glance


def test_search_page_marks_stale_availability(client, side_a, catalogue):
    # Maison Aube's address is confidential: its availability is for members only.
    assert "stale-flag" not in client.get("/repertoire/", {"q": "Aube"}).content.decode()
    login(client, side_a.user("caseworker"))
    html = client.get("/repertoire/", {"q": "Aube"}).content.decode()
    assert "stale-flag" in html
    fresh = client.get("/repertoire/", {"q": "femmes", "region": "QC-13"}).content.decode()
    assert "stale-flag" not in fresh


def test_search_json_endpoint(client, catalogue):
    data = client.get("/repertoire/recherche.json", {"q": "shelter", "gender": "gender_men"}).json()
    assert {r["name_fr"] for r in data["results"]} == {"Maison pour hommes", "Hébergement jeunesse"}
    assert client.get("/repertoire/recherche.json", {"age": "-3"}).status_code == 400


def test_broad_search_is_capped_and_still_pages(side_a, monkeypatch):
    from arrimage.directory import search as search_module

    monkeypatch.setattr(search_module, "RANK_LIMIT", 30)
    org = directory_org(side_a.organisation)
    for number in range(45):
        service_make(org, name_fr=f"Banque alimentaire {number:02d}", terms=("basic_needs",))
    first = search(q="banque")
    assert first.is_broad and first.total == 31 and first.has_next
    seen = names(first)
    page = 1
    while first.has_next:
        page += 1
        first = search(q="banque", page=page)
        assert not names(first) & seen
        seen |= names(first)
    assert len(seen) == 45
    narrow = search(q="banque 07")
    assert narrow.hits[0].name_fr == "Banque alimentaire 07"  # then those holding "banque"
    assert narrow.partial


def test_search_page_says_when_a_search_is_broad(client, side_a, monkeypatch):
    from arrimage.directory import search as search_module

    monkeypatch.setattr(search_module, "RANK_LIMIT", 5)
    org = directory_org(side_a.organisation)
    for number in range(8):
        service_make(org, name_fr=f"Banque alimentaire {number:02d}", terms=("basic_needs",))
    html = client.get("/repertoire/", {"q": "banque"}).content.decode()
    assert "More than" in html or "Plus de" in html


def test_search_json_refuses_unknown_values(client, catalogue):
    for bad in (
        {"category": "nope"},
        {"region": "QC-99"},
        {"radius": "7"},
        {"page": "0"},
        {"safety": "walls"},
        {"q": "x" * 201},
        {"gender": "x"},
    ):
        response = client.get("/repertoire/recherche.json", bad)
        assert response.status_code == 400, bad
    ok = client.get(
        "/repertoire/recherche.json",
        {"region": "QC-13", "available": "on", "safety": "safety_staff_24_7"},
    )
    assert [r["name_fr"] for r in ok.json()["results"]] == ["Hébergement d'urgence pour femmes"]
