"""The main menu, whose HTML each process keeps per section, role and language (base.html):
every page marks its own section, in the reader's language, with the items of the reader's
role, whatever page, role or language the process rendered before. Two organisations with
identical data: each side's members get their role's menu."""

import re

import pytest

from tests.conftest import login

pytestmark = pytest.mark.django_db

CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>')


def current(client, url: str) -> tuple[str, str]:
    page = client.get(url).content.decode()
    menu = page.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    found = CURRENT.findall(menu)
    assert len(found) == 1, found
    return found[0]


def test_each_page_marks_its_own_section_in_the_readers_language(client, side_a, side_b):
    for side in (side_a, side_b):
        login(client, side.user("caseworker"))
        assert current(client, "/tableau/") == ("/tableau/", "Accueil")
        assert current(client, "/dossiers/") == ("/dossiers/", "Dossiers")
        assert current(client, "/repertoire/") == ("/repertoire/", "Répertoire")
        client.post("/compte/langue/", {"language": "en", "next": "/tableau/"})
        assert current(client, "/dossiers/") == ("/dossiers/", "Cases")
        assert current(client, "/tableau/") == ("/tableau/", "Home")
        client.post("/compte/langue/", {"language": "fr-ca", "next": "/tableau/"})
        assert current(client, "/tableau/") == ("/tableau/", "Accueil")
        client.logout()


def test_each_role_gets_its_own_menu(client, side_a, side_b):
    for side in (side_a, side_b):
        for role, shown, hidden in (
            ("caseworker", "Statistiques", "Tendances"),
            ("coordinator", "Tendances", "Statistiques"),
            ("caseworker", "Statistiques", "Tendances"),
        ):
            login(client, side.user(role))
            page = client.get("/tableau/").content.decode()
            menu = page.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
            assert f">{shown}</a>" in menu and f">{hidden}</a>" not in menu, role
            client.logout()
