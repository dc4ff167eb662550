"""The screening result links its words to the glossary (one way, coalition's template tags):
the indicators' sources and the words trafficking, sexual exploitation and forced labour."""

import pytest

from arrimage.accounts.models import Role
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_the_result_links_to_the_glossary(client, sworld):
    login(client, sworld.a.user(Role.CASEWORKER))
    page = client.get(f"/depistage/{sworld.attached_a.pk}/resultat/").content.decode()
    # The indicators found (labour exploitation, ILO indicators) link to "travail forcé".
    assert '<a class="glossary-link" href="/glossaire/travail-force/"' in page
    assert 'data-glossary="exploitation-sexuelle"' in page  # the sources line
    assert 'href="/glossaire/traite/"' in page
    assert 'href="/glossaire/"' in page
    target = client.get("/glossaire/travail-force/")
    assert target.status_code == 200
    assert "Travail forcé" in target.content.decode()


def test_b_screening_stays_hidden_whatever_the_links(client, sworld):
    login(client, sworld.a.user(Role.CASEWORKER))
    assert client.get(f"/depistage/{sworld.attached_b.pk}/resultat/").status_code == 404
