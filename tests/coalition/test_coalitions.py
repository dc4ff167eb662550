import pytest

from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_members_see_their_coalitions_and_levels_above(client, side_a, side_b, coalition):
    login(client, side_a.user("caseworker"))
    page = client.get("/coalitions/").content.decode()
    assert "Montréal" in page
    assert "Québec" in page
    assert "Nationale" in page
    assert "Estrie" not in page


def test_coalition_page_lists_member_organisations(client, side_a, coalition):
    login(client, side_a.user("analyst"))
    page = client.get(f"/coalitions/{coalition.pk}/").content.decode()
    assert side_a.organisation.name in page
    assert side_a.organisation.mandate in page  # what it does, in its mandate summary


def test_other_coalition_is_not_found(client, side_a, side_b):
    login(client, side_a.user("caseworker"))
    other = side_b.organisation.coalitions.get()
    assert client.get(f"/coalitions/{other.pk}/").status_code == 404
    assert client.get("/coalitions/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/coalitions/not-a-uuid/").status_code == 404
