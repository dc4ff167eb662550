"""An empty list says what to do next (issue 13, item 5): the cases of a new organisation, a
case search that finds nothing, the holds, the referrals and a directory search that finds
nothing each show the next step as a link the reader may follow, for the roles that have
one; the others are told why the list is empty. Two organisations with identical data: B's
case is never what fills A's list."""

import re

import pytest

from arrimage.accounts.models import Membership, Role
from arrimage.cases import services
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"#?]+)', html))


def _empty_state(html: str) -> str:
    match = re.search(r'class="empty-state[^"]*">(.*?)</(li|td|div)>', html, re.S)
    assert match, "no empty state"
    return match.group(1)


def test_empty_lists_say_what_to_do_next(client, side_a, side_b):
    # Organisation B has a case; A has none: A's lists are empty.
    services.case_create(
        actor_membership=Membership.objects.get(
            organisation=side_b.organisation, role=Role.CASEWORKER
        ),
        identity={"alias": "Rosa"},
    )
    login(client, side_a.user(Role.CASEWORKER))
    html = client.get("/dossiers/").content.decode()
    state = _empty_state(html)
    assert "Ouvrez-en un pour une personne que vous accompagnez" in state
    assert {"/orientation/accueil/", "/dossiers/nouveau/"} <= _links(state)
    assert "Rosa" not in html
    for url in _links(state):
        assert client.get(url).status_code == 200, url

    html = client.post("/dossiers/recherche/", {"q": "Rosa"}, follow=True).content.decode()
    state = _empty_state(html)
    assert "Aucun dossier ne correspond" in state and "/dossiers/nouveau/" in _links(state)

    html = client.get("/orientation/reservations/").content.decode()
    state = _empty_state(html)
    assert {"/orientation/accueil/", "/orientation/"} <= _links(state)
    for url in _links(state):
        assert client.get(url).status_code == 200, url

    html = client.get("/repertoire/?q=zzzqqq").content.decode()
    assert "Par exemple" in html  # the search help, with examples to follow

    client.logout()
    login(client, side_a.user(Role.COORDINATOR))
    state = _empty_state(client.get("/dossiers/").content.decode())
    assert "quand la personne consent à le partager" in state
    assert "/orientation/accueil/" not in _links(state)
