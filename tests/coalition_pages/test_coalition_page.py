"""A coalition's page shows its place among the levels, its member organisations and its
coordinators; the list shows the levels as a tree. Another coalition's page is 404."""

from html import unescape

import pytest
from django.test import Client

from arrimage.accounts.models import Role
from arrimage.coalition.models import Coalition, CoalitionLevel
from tests.conftest import login, make_side

pytestmark = pytest.mark.django_db


def test_page_shows_levels_members_and_coordinators(coalition, side_a, side_b):
    local = Coalition.objects.create(
        name="Table locale Centre-Sud", level=CoalitionLevel.LOCAL, parent=coalition, province="QC"
    )
    local_side = make_side("Locale", coalition=local)
    client = login(Client(HTTP_ACCEPT_LANGUAGE="fr"), local_side.user(Role.CASEWORKER))
    body = unescape(client.get(f"/coalitions/{local.pk}/").content.decode())
    # The levels above, national first, each a link.
    assert body.index(">Nationale</a>") < body.index(">Québec</a>") < body.index(">Montréal</a>")
    assert "Palier\u00a0: Local" in body
    assert local_side.user(Role.COORDINATOR).full_name in body  # the local coordinator
    assert side_a.user(Role.COORDINATOR).full_name not in body  # coordinates the region
    assert "Organisation Locale" in body
    # The regional page: its coordinator, its members, the local table below it.
    body = unescape(client.get(f"/coalitions/{coalition.pk}/").content.decode())
    assert side_a.user(Role.COORDINATOR).full_name in body
    assert local_side.user(Role.COORDINATOR).full_name not in body
    assert "Table locale Centre-Sud" in body
    assert side_a.user(Role.CASEWORKER).full_name not in body  # only coordinators are named
    # The other coalition: 404, its coordinator never named.
    other = side_b.organisation.coalitions.get()
    assert client.get(f"/coalitions/{other.pk}/").status_code == 404
    listing = unescape(client.get("/coalitions/").content.decode())
    assert "Estrie" not in listing
    # The list nests the levels: national, provincial, regional, local, indented by depth.
    order = [listing.index(name) for name in ("Nationale", "Québec", "Montréal", "Centre-Sud")]
    assert order == sorted(order)
    assert 'class="depth-3"><a href="/coalitions/' + str(local.pk) in listing


def test_list_links_each_coalition_to_its_announcements_decisions_and_training(
    client, coalition, side_a
):
    login(client, side_a.user(Role.CASEWORKER))
    listing = client.get("/coalitions/").content.decode()
    for page in ("annonces/", "decisions/", "formations/"):
        assert f'href="/coalitions/{coalition.pk}/{page}"' in listing
        assert f'href="/coalitions/{coalition.parent.pk}/{page}"' in listing
