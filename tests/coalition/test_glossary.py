"""The glossary through HTTP: legal texts with their links, each partner's definition side by
side, written only by the organisation's own administrators and coordinators. Organisations A
and B hold identical definitions in two coalitions; a partner and the police sit in A's."""

import pytest
from django.utils import translation

from arrimage.accounts.models import Role
from arrimage.coalition.glossary_data import glossary_terms_load
from arrimage.coalition.models import GlossaryTerm, LegalText, OrganisationDefinition
from arrimage.core.models import AuditEvent
from tests.conftest import login, make_side

pytestmark = pytest.mark.django_db

TERM = "/glossaire/traite/"
SLUGS = [
    "traite",
    "exploitation-sexuelle",
    "travail-force",
    "victime",
    "proxenetisme",
    "trafic-de-migrants",
]


def _edit_url(organisation, slug="traite"):
    return f"/glossaire/{slug}/organisations/{organisation.pk}/"


def _write(client, side, role=Role.ORGANISATION_ADMIN, **data):
    client.logout()
    login(client, side.user(role))
    return client.post(_edit_url(side.organisation), data)


@pytest.fixture
def partner(coalition):
    return make_side("Partenaire", coalition=coalition)


@pytest.fixture
def written(client, side_a, side_b, partner):
    """Identical definitions by A, B and A's partner, each written by its own admin."""
    for side, label in ((side_a, "A"), (side_b, "B"), (partner, "P")):
        response = _write(
            client,
            side,
            definition=f"Définition de l’organisme {label}: exploitation, pas d’étiquette.",
            preferred_words=f"mots-{label.lower()}",
        )
        assert response.status_code == 302
    client.logout()


def test_a_fresh_install_has_the_terms_and_their_legal_texts():
    assert list(GlossaryTerm.objects.values_list("slug", flat=True)) == SLUGS
    keys = set(LegalText.objects.values_list("key", flat=True))
    assert {"cc-279-01", "cc-279-02", "cc-279-03", "cc-279-04", "lipr-118", "palermo-3"} <= keys
    # Loading again (the console command) changes nothing and keeps the definitions.
    count = LegalText.objects.count()
    assert glossary_terms_load(term_model=GlossaryTerm, legal_model=LegalText) == len(SLUGS)
    assert LegalText.objects.count() == count


def test_partners_definitions_side_by_side_with_the_legal_texts(client, side_a, written):
    login(client, side_a.user(Role.CASEWORKER))
    page = client.get(TERM).content.decode()
    assert "Définition de l’organisme A" in page
    assert "Définition de l’organisme P" in page
    assert "mots-p" in page
    # B is in another coalition: its definition is not shown to A's side.
    assert "Définition de l’organisme B" not in page
    # One column each: the law, A (first, its own), the partner.
    assert page.count('class="card"') == 3
    assert page.index("Définition de l’organisme A") < page.index("Définition de l’organisme P")
    assert 'class="cards glossary-columns"' in page  # a grid that stacks on a phone


def test_legal_texts_show_their_official_links_in_french_and_english(client, side_a):
    login(client, side_a.user(Role.ANALYST))
    page = client.get(TERM).content.decode()
    assert "https://laws-lois.justice.gc.ca/fra/lois/C-46/article-279.01.html" in page
    assert "https://laws-lois.justice.gc.ca/fra/lois/I-2.5/article-118.html" in page
    assert "https://www.ohchr.org/fr/instruments-mechanisms/instruments/" in page
    assert "Code criminel, art. 279.01" in page
    client.post("/compte/langue/", {"language": "en", "next": TERM})
    page = client.get(TERM).content.decode()
    assert "https://laws-lois.justice.gc.ca/eng/acts/C-46/section-279.01.html" in page
    assert "https://laws-lois.justice.gc.ca/eng/acts/I-2.5/section-118.html" in page
    assert "Criminal Code, ss. 279.01 and 279.011" in page
    assert "Trafficking in persons" in page


def test_the_list_counts_partner_definitions(client, side_a, written):
    login(client, side_a.user(Role.SERVICE_STAFF))
    page = client.get("/glossaire/").content.decode()
    for slug in SLUGS:
        assert f'href="/glossaire/{slug}/"' in page
    assert "2 définitions de partenaires" in page


def test_police_read_the_glossary(client, side_a, police_side, written):
    login(client, police_side.user(Role.CASEWORKER))
    page = client.get(TERM).content.decode()
    assert "Définition de l’organisme A" in page
    assert "laws-lois.justice.gc.ca" in page
    assert client.get("/glossaire/").status_code == 200
    # ... and cannot write A's definition.
    before = OrganisationDefinition.objects.get(organisation=side_a.organisation)
    response = client.post(_edit_url(side_a.organisation), {"definition": "autre"})
    assert response.status_code == 404
    after = OrganisationDefinition.objects.get(organisation=side_a.organisation)
    assert after.definition == before.definition


def test_anonymous_is_refused(client, written):
    for url in ("/glossaire/", TERM):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/")
        assert "Définition" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.ORGANISATION_ADMIN, Role.COORDINATOR])
def test_admins_and_coordinators_write_their_own_organisation_definition(client, side_a, role):
    login(client, side_a.user(role))
    assert client.get(_edit_url(side_a.organisation)).status_code == 200
    response = client.post(
        _edit_url(side_a.organisation),
        {"definition": "Nous parlons d’exploitation.", "preferred_words": "personne concernée"},
    )
    assert response.status_code == 302 and response["Location"] == TERM
    row = OrganisationDefinition.objects.get(organisation=side_a.organisation)
    assert row.preferred_words == "personne concernée"
    assert AuditEvent.objects.filter(
        action="glossary_definition_changed", organisation_id=side_a.organisation.pk
    ).exists()
    # Both fields emptied: the definition is removed.
    client.post(_edit_url(side_a.organisation), {"definition": " ", "preferred_words": ""})
    assert not OrganisationDefinition.objects.filter(organisation=side_a.organisation).exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SERVICE_STAFF, Role.ANALYST])
def test_other_roles_do_not_write_the_definition(client, side_a, written, role):
    login(client, side_a.user(role))
    assert client.get(_edit_url(side_a.organisation)).status_code == 404
    response = client.post(_edit_url(side_a.organisation), {"definition": "changée"})
    assert response.status_code == 404
    assert (
        "changée"
        not in OrganisationDefinition.objects.get(organisation=side_a.organisation).definition
    )
    assert "Changer notre définition" not in client.get(TERM).content.decode()


@pytest.mark.parametrize("role", [Role.ORGANISATION_ADMIN, Role.COORDINATOR])
def test_a_admin_cannot_edit_b_definition(client, side_a, side_b, partner, written, role):
    login(client, side_a.user(role))
    events = AuditEvent.objects.count()
    for other in (side_b, partner):
        before = list(OrganisationDefinition.objects.filter(organisation=other.organisation))
        assert client.get(_edit_url(other.organisation)).status_code == 404
        response = client.post(
            _edit_url(other.organisation), {"definition": "écrasée", "preferred_words": "x"}
        )
        assert response.status_code == 404
        assert "écrasée" not in response.content.decode()
        after = list(OrganisationDefinition.objects.filter(organisation=other.organisation))
        assert [(r.definition, r.preferred_words) for r in after] == [
            (r.definition, r.preferred_words) for r in before
        ]
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"definition": "Avant\x07après", "preferred_words": ""},
            "Notre définition contient un caractère non permis (U+0007).",
        ),
        (
            {"definition": "d" * 2001, "preferred_words": ""},
            "Notre définition\u00a0: le texte est trop long (2000 caractères au maximum).",
        ),
        (
            {"definition": "correcte", "preferred_words": "m" * 201},
            "Les mots que nous employons\u00a0: le texte est trop long "
            "(200 caractères au maximum).",
        ),
    ],
)
def test_bad_input_gets_a_translated_error_and_loses_nothing(client, side_a, data, message):
    login(client, side_a.user(Role.ORGANISATION_ADMIN))
    response = client.post(_edit_url(side_a.organisation), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert not OrganisationDefinition.objects.filter(organisation=side_a.organisation).exists()
    # What was typed comes back in the form.
    assert data["definition"] in page


def test_the_error_is_in_english_for_an_english_reader(client, side_a):
    login(client, side_a.user(Role.ORGANISATION_ADMIN))
    client.post("/compte/langue/", {"language": "en", "next": TERM})
    response = client.post(_edit_url(side_a.organisation), {"definition": "x\x00y"})
    assert response.status_code == 400
    assert "Our definition contains a character that is not allowed (U+0000)." in (
        response.content.decode()
    )


def test_unknown_term_is_not_found(client, side_a):
    login(client, side_a.user(Role.ORGANISATION_ADMIN))
    assert client.get("/glossaire/inconnu/").status_code == 404
    assert client.get(_edit_url(side_a.organisation, "inconnu")).status_code == 404


def test_terms_are_named_in_the_reader_language():
    term = GlossaryTerm.objects.get(slug="victime")
    with translation.override("en"):
        assert term.name == "Victim / survivor / person concerned"
    with translation.override("fr-ca"):
        assert term.name == "Victime / survivant·e / personne concernée"
