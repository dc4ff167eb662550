"""What the search box understands: stems (plurals, French and English), typos, synonyms from
the taxonomy, places (postal codes, FSAs, municipalities, regions), partial matches, field
weights, and what an empty or unsearchable box gets."""

import uuid

import pytest

from arrimage.directory import geo
from arrimage.directory.indexing import search_entries_refresh
from arrimage.directory.models import SearchTerm, Service
from arrimage.directory.search import directory_search
from arrimage.directory.search_query import query_parse
from arrimage.directory.search_types import SearchParams
from arrimage.directory.text import stems
from arrimage.directory.vocabulary import corrections
from tests.directory.conftest import directory_org, service_make

pytestmark = pytest.mark.django_db


def search(**kwargs):
    return directory_search(actor=None, params=SearchParams(**kwargs))


def first_names(page, count: int = 20) -> list[str]:
    return [hit.name_fr for hit in page.hits[:count]]


@pytest.fixture
def org(side_a):
    return directory_org(side_a.organisation, "Réseau Essai")


# --- stems -----------------------------------------------------------------------------------


def test_french_and_english_plurals_share_a_stem():
    assert set(stems("hébergements")) & set(stems("Hébergement"))
    assert set(stems("psychologues")) & set(stems("psychologue"))
    assert set(stems("avocats")) & set(stems("avocat"))
    assert set(stems("shelters")) & set(stems("shelter"))
    assert set(stems("women")) & set(stems("woman"))
    # Accents or not, the same stem: the French stemmer gets the accented word too.
    assert set(stems("exploitées")) & set(stems("exploitation"))
    assert set(stems("exploitees")) & set(stems("exploitées"))
    assert not set(stems("travailleuses")) & set(stems("travail"))


def test_plurals_find_the_singular(org):
    service_make(org, name_fr="Hébergement d'urgence pour femmes", terms=("housing_emergency",))
    service_make(org, name_fr="Psychologue communautaire", terms=("mental_health",))
    service_make(org, name_fr="Food bank", terms=("basic_needs",))
    assert first_names(search(q="hébergements pour femmes")) == [
        "Hébergement d'urgence pour femmes"
    ]
    assert first_names(search(q="psychologues"))[0] == "Psychologue communautaire"
    assert first_names(search(q="food banks")) == ["Food bank"]


# --- typos -----------------------------------------------------------------------------------


def test_corrections_allow_one_edit_up_to_seven_letters_and_two_from_eight(org):
    service_make(org, name_fr="Hébergement Clinique Logement", terms=())
    assert corrections("hebergment") == ["hebergement"]  # a letter missing
    assert corrections("hebregement") == ["hebergement"]  # two letters swapped: one edit
    assert corrections("hbergment") == ["hebergement"]  # two edits, eleven letters
    assert corrections("clinque") == ["clinique"]
    assert corrections("clnque") == []  # two edits, seven letters
    assert corrections("lgmt") == []
    assert corrections("ptr") == []  # too short: an acronym, never corrected


def test_a_mistyped_word_is_read_as_the_closest_known_word_and_the_page_says_so(client, org):
    service_make(org, name_fr="Santé mentale et trauma", terms=("mental_health",))
    service_make(org, name_fr="Banque alimentaire", terms=("basic_needs",))
    page = search(q="psycologue")
    assert first_names(page) == ["Santé mentale et trauma"]
    assert page.corrections == [("psycologue", "psychologue")]
    assert first_names(search(q="santé mentalle")) == ["Santé mentale et trauma"]
    html = client.get("/repertoire/", {"q": "psycologue"}).content.decode()
    assert "psychologue" in html and "Santé mentale et trauma" in html


def test_a_word_found_nowhere_is_searched_as_a_prefix_then_left_out(org):
    service_make(org, name_fr="Interprétation et accompagnement", terms=())
    assert first_names(search(q="interpr")) == ["Interprétation et accompagnement"]
    page = search(q="interpr zzzz")
    assert first_names(page) == ["Interprétation et accompagnement"]
    assert page.ignored == ["zzzz"]


# --- synonyms --------------------------------------------------------------------------------


def test_synonyms_lead_worker_words_to_the_taxonomy(org):
    service_make(org, name_fr="Suivi psychosocial", terms=("mental_health",))
    service_make(org, name_fr="Clinique juridique PST", terms=("legal_immigration", "status_trp"))
    service_make(org, name_fr="Accompagnement à la cour", terms=("legal_criminal",))
    service_make(org, name_fr="Droit du travail", terms=("legal_labour",))
    service_make(
        org,
        name_fr="Maison Aube",
        terms=("housing_emergency", "exploitation_sexual"),
    )
    service_make(org, name_fr="Banque alimentaire", terms=("basic_needs",))
    assert first_names(search(q="psychologues")) == ["Suivi psychosocial"]
    assert first_names(search(q="avocats immigration"))[0] == "Clinique juridique PST"
    assert first_names(search(q="travailleurs agricoles")) == ["Droit du travail"]
    trafficking = first_names(search(q="human trafficking"))
    assert {"Maison Aube", "Clinique juridique PST"} <= set(trafficking)
    assert "Banque alimentaire" not in trafficking


def test_a_phrase_found_whole_beats_its_words_scattered(org):
    service_make(org, name_fr="Soutien au revenu", terms=("income",))
    service_make(
        org,
        name_fr="Aide aux demandeurs d'asile",
        description_fr="Travailleuse sociale sur place",
        terms=("legal_immigration",),
    )
    assert first_names(search(q="aide sociale"))[0] == "Soutien au revenu"


# --- ranking ---------------------------------------------------------------------------------


def test_name_outweighs_taxonomy_description_and_eligibility(org):
    service_make(org, name_fr="Refuge Alpha")
    service_make(org, name_fr="Maison Bêta", terms=("housing_emergency",))  # "refuge" word
    service_make(org, name_fr="Maison Gamma", description_fr="Un refuge discret")
    delta = service_make(org, name_fr="Maison Delta")
    Service.objects.filter(pk=delta.pk).update(eligibility_description_fr="Refuge accepté")
    search_entries_refresh(service_ids=[delta.pk])
    assert first_names(search(q="refuge")) == [
        "Refuge Alpha",
        "Maison Bêta",
        "Maison Gamma",
        "Maison Delta",
    ]


def test_eligibility_labels_do_not_outrank_a_name(org):
    for number in range(3):
        service_make(
            org,
            name_fr=f"Centre {number}",
            terms=("basic_needs", "gender_women", "children_accepted"),
        )
    service_make(org, name_fr="Maison des femmes", terms=("basic_needs",))
    assert first_names(search(q="femmes"))[0] == "Maison des femmes"


def test_more_words_matched_rank_first(org):
    service_make(org, name_fr="Hébergement jeunesse", terms=("housing_emergency",))
    service_make(org, name_fr="Hébergement d'urgence", terms=("housing_emergency",))
    service_make(org, name_fr="Jeunesse en action", terms=("employment",))
    page = search(q="hébergement jeunesse")
    assert first_names(page)[0] == "Hébergement jeunesse"
    assert set(first_names(page)[1:]) == {"Hébergement d'urgence", "Jeunesse en action"}
    assert page.partial


# --- places ----------------------------------------------------------------------------------


def test_postal_codes_and_fsas_resolve_to_municipalities():
    assert geo.municipality_for_postcode("H2X 1Y4").code == "plateau"  # FSA table
    assert geo.municipality_for_postcode("h1g").code == "montreal-nord"
    assert geo.municipality_for_postcode("H2B 1A1").code == "montreal"  # two characters
    assert geo.municipality_for_postcode("J1H 2B3").code == "sherbrooke"
    assert geo.municipality_for_postcode("T5A 0A1") is None


def test_a_postal_code_in_the_box_ranks_services_by_distance(org):
    service_make(
        org, name_fr="Refuge Gatineau", terms=("housing_emergency",), municipality="gatineau"
    )
    service_make(org, name_fr="Refuge Laval", terms=("housing_emergency",), municipality="laval")
    service_make(
        org, name_fr="Refuge Plateau", terms=("housing_emergency",), municipality="plateau"
    )
    service_make(org, name_fr="Banque Verdun", terms=("basic_needs",), municipality="verdun")
    page = search(q="refuge H2X")
    assert page.place == "H2X"
    assert first_names(page) == ["Refuge Plateau", "Refuge Laval", "Refuge Gatineau"]
    # A place alone: what is near it (100 km at most), nearest first.
    assert first_names(search(q="H2X")) == ["Refuge Plateau", "Banque Verdun", "Refuge Laval"]
    unknown = search(q="refuge T5A")
    assert unknown.ignored == ["T5A"] and unknown.place == ""


def test_municipalities_and_regions_in_the_box_are_places(org):
    service_make(
        org, name_fr="Refuge Nord", terms=("housing_emergency",), municipality="saint-jerome"
    )
    service_make(org, name_fr="Refuge Sud", terms=("housing_emergency",), municipality="sherbrooke")
    assert first_names(search(q="refuge st-jérôme"))[0] == "Refuge Nord"
    assert first_names(search(q="refuge Sherbrooke"))[0] == "Refuge Sud"
    assert first_names(search(q="refuge estrie"))[0] == "Refuge Sud"
    assert query_parse("hébergement Chomedey").place.municipality.code == "laval-chomedey"
    assert query_parse("shelter ville de Québec").place.municipality.code == "quebec"


# --- an empty box ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "   ", "!!!", "?!… — «»", "le la les"])
def test_an_empty_or_unsearchable_box_gets_a_helpful_page(client, org, typed):
    service_make(org, name_fr="Refuge Alpha", terms=("housing_emergency",))
    response = client.get("/repertoire/", {"q": typed, "language": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Refuge Alpha" not in html  # not a list of everything
    assert "category=housing_emergency" in html  # categories to browse
    assert "q=" in html  # examples to follow
    data = client.get("/repertoire/recherche.json", {"q": typed})
    assert data.status_code == 400
    assert data.json()["errors"]["q"]
    assert "housing_emergency" in data.json()["categories"]
    if typed.strip():
        assert typed.strip() in html  # the page says what was typed held no word


def test_unsearchable_text_with_a_filter_searches_the_filter(org):
    service_make(org, name_fr="Refuge Alpha", terms=("housing_emergency",))
    service_make(org, name_fr="Banque Bêta", terms=("basic_needs",))
    page = search(q="!!!", category="housing_emergency")
    assert first_names(page) == ["Refuge Alpha"] and page.nothing_to_search


# --- HSDS ------------------------------------------------------------------------------------


def test_hsds_search_is_ordered_by_relevance(client, org):
    """The best match is given the largest id, so that the former order (by id) puts it
    last."""
    for number in range(4):
        service_make(org, name_fr=f"Centre {number}", description_fr="Une clinique sur place")
    best = Service.objects.create(
        id=uuid.UUID(int=2**128 - 1), organization=org, name_fr="Clinique juridique"
    )
    search_entries_refresh(service_ids=[best.pk])
    data = client.get("/hsds/services", {"search": "cliniques"}).json()
    assert data["total_items"] == 5
    assert data["contents"][0]["name"] == "Clinique juridique"
    minimal = client.get("/hsds/services", {"search": "cliniques", "minimal": "true"}).json()
    assert minimal["contents"][0]["name"] == "Clinique juridique"
    refused = client.get("/hsds/services", {"search": "?!"})
    assert refused.status_code == 400 and "search" in refused.json()["error"]


def test_hsds_taxonomy_and_organization_searches_ignore_accents(client, org):
    terms = client.get("/hsds/taxonomy_terms", {"search": "hebergement d urgence"}).json()
    assert [t["code"] for t in terms["contents"]] == ["housing_emergency"]
    upper = client.get("/hsds/taxonomy_terms", {"search": "HÉBERGEMENT D'URGENCE"}).json()
    assert upper["contents"] == terms["contents"]
    english = client.get("/hsds/taxonomy_terms", {"search": "emergency housing"}).json()
    assert [t["code"] for t in english["contents"]] == ["housing_emergency"]
    taxonomies = client.get("/hsds/taxonomies", {"search": "categories de services"}).json()
    assert taxonomies["total_items"] == 1
    organizations = client.get("/hsds/organizations", {"search": "reseau essai"}).json()
    assert [o["name"] for o in organizations["contents"]] == ["Réseau Essai"]


# --- the vocabulary --------------------------------------------------------------------------


def test_the_vocabulary_holds_the_words_and_stems_of_search_documents(org):
    service_make(org, name_fr="Hébergement Zéphyrine", terms=("housing_emergency",))
    words = set(SearchTerm.objects.filter(kind=SearchTerm.WORD).values_list("term", flat=True))
    assert {"hebergement", "zephyrine", "refuge", "shelter"} <= words
    assert set(stems("zéphyrine")) <= set(
        SearchTerm.objects.filter(kind=SearchTerm.STEM).values_list("term", flat=True)
    )
