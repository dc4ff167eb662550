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
