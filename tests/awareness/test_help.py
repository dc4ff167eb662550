"""The public page « Obtenir de l'aide »: anonymous, French first and English, the hotline,
911, the coalitions' own contacts, the quick exit, nothing from elsewhere."""

import re

import pytest

from arrimage.accounts.models import Role
from arrimage.awareness.models import CoalitionContact
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(coalition, side_b):
    estrie = side_b.organisation.coalitions.get()
    CoalitionContact.objects.create(
        coalition=coalition, name="Ligne de la table de Montréal", phone="514 555-0142"
    )
    CoalitionContact.objects.create(
        coalition=estrie, name="Accueil de l'Estrie", email="accueil@example.org"
    )


def test_the_help_page_answers_anonymously_with_the_hotline_911_and_the_quick_exit(
    client, contacts
):
    response = client.get("/aide/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Obtenir de l’aide" in body or "Obtenir de l'aide" in body
    assert 'href="tel:+18339001010"' in body and "1-833-900-1010" in body
    assert 'href="tel:911"' in body
    assert 'id="quick-exit"' in body and "quick-exit.js" in body
    # The coalitions' contacts, with a tel: link for the phone (country code added).
    assert "Ligne de la table de Montréal" in body
    assert 'href="tel:+15145550142"' in body
    assert 'href="mailto:accueil@example.org"' in body


def test_the_help_page_loads_nothing_from_elsewhere(client, contacts):
    body = client.get("/aide/").content.decode()
    # No script, style, image or frame from another site: nothing to track a visitor.
    for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", body):
        assert "http://" not in tag and "https://" not in tag and "//" not in tag.split("=")[-1]


def test_the_help_page_in_english(client, contacts):
    client.post("/compte/langue/", {"language": "en", "next": "/aide/"})
    body = client.get("/aide/").content.decode()
    assert "Get help" in body and "Canadian Human Trafficking Hotline" in body
    assert "In immediate danger" in body


def test_the_quick_exit_stays_on_the_help_page_for_a_signed_in_worker(client, side_a):
    login(client, side_a.user(Role.CASEWORKER))
    body = client.get("/aide/").content.decode()
    assert 'id="quick-exit"' in body and "quick-exit.js" in body
    # ...and only there: a worker's other pages have none.
    assert 'id="quick-exit"' not in client.get("/sensibilisation/").content.decode()


def test_the_login_page_and_the_public_header_link_to_the_help_page(client):
    body = client.get("/compte/connexion/").content.decode()
    assert body.count('href="/aide/"') >= 2  # the header and the page itself
    assert 'href="/aide/"' in client.get("/").content.decode()


def test_only_the_coordinator_of_the_coalition_publishes_contacts(client, side_a, side_b):
    coalition_a = side_a.organisation.coalitions.get()
    url = f"/aide/coalitions/{coalition_a.pk}/contacts/"
    login(client, side_b.user(Role.COORDINATOR))
    assert client.post(url, {"name": "Intrus", "phone": "514 555-0100"}).status_code == 404
    client.logout()
    login(client, side_a.user(Role.CASEWORKER))
    assert client.post(url, {"name": "Intrus", "phone": "514 555-0100"}).status_code == 404
    assert not CoalitionContact.objects.exists()
    client.logout()
    login(client, side_a.user(Role.COORDINATOR))
    refused = client.post(url, {"name": "Sans numéro"})
    assert refused.status_code == 400
    assert "Indiquez un numéro de téléphone ou une adresse courriel." in refused.content.decode()
    assert not CoalitionContact.objects.exists()
    assert client.post(url, {"name": "Ligne", "phone": "514 555-0100"}).status_code == 302
    contact = CoalitionContact.objects.get()
    assert contact.coalition == coalition_a
    assert "Ligne" in client.get("/aide/").content.decode()
    assert client.post(url, {"remove": str(contact.pk)}).status_code == 302
    assert not CoalitionContact.objects.exists()


def test_the_help_page_leaves_no_trace_on_a_shared_device(client, contacts):
    response = client.get("/aide/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    # No cookie at all: no CSRF token (no form needs one), no language cookie.
    assert not response.cookies
    body = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' not in body
    # The language is a link to the same page.
    assert 'href="?langue=en"' in body
    english = client.get("/aide/?langue=en")
    assert (
        "Get help" in english.content.decode()
        and 'href="?langue=fr-ca"' in english.content.decode()
    )
    assert "no-store" in english["Cache-Control"] and not english.cookies


def test_the_english_page_shows_the_english_hours_else_the_french_ones_marked_french(
    client, coalition
):
    CoalitionContact.objects.create(
        coalition=coalition,
        name="Permanence",
        phone="514 555-0147",
        hours="Lun. au ven., 9 h à 17 h",
        hours_en="Mon. to Fri., 9 a.m. to 5 p.m.",
    )
    CoalitionContact.objects.create(
        coalition=coalition,
        name="Secrétariat",
        phone="418 555-0193",
        hours="Lun. au jeu., 9 h à 16 h",
    )
    english = client.get("/aide/?langue=en").content.decode()
    assert "Mon. to Fri., 9 a.m. to 5 p.m." in english
    assert "Lun. au ven." not in english
    assert '<span class="muted" lang="fr-CA">Lun. au jeu., 9 h à 16 h</span>' in english
    french = client.get("/aide/?langue=fr-ca").content.decode()
    assert "Lun. au ven., 9 h à 17 h" in french and "Mon. to Fri." not in french
    assert 'lang="fr-CA">Lun.' not in french


def test_a_coordinator_publishes_the_english_hours(client, side_a, coalition):
    login(client, side_a.user(Role.COORDINATOR))
    response = client.post(
        f"/aide/coalitions/{coalition.pk}/contacts/",
        {
            "name": "Ligne",
            "phone": "514 555-0142",
            "hours": "Lun., 9 h",
            "hours_en": "Mon., 9 a.m.",
        },
    )
    assert response.status_code in (200, 302)
    contact = CoalitionContact.objects.get(coalition=coalition, name="Ligne")
    assert (contact.hours, contact.hours_en) == ("Lun., 9 h", "Mon., 9 a.m.")
