"""Every paginated list takes any page number without failing (issue 11, "Also"): bad, huge,
negative or zero pages are read by ``core.paging.page_number`` — 1, or the last page Arrimage
pages to — never a 500. Two organisations with identical cases: paging never shows B's."""

import pytest

from arrimage.cases.services import case_create
from arrimage.core.paging import MAX_PAGE, page_number
from tests.cases.conftest import membership
from tests.conftest import login

pytestmark = pytest.mark.django_db

PAGES = ["400000000000000000", "-3", "0", "abc", "1e9", "", "٣", "9" * 5000, str(MAX_PAGE + 1)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, 1),
        ("", 1),
        ("abc", 1),
        ("-3", 1),
        ("0", 1),
        ("2", 2),
        (" 7 ", 7),
        ("٣", 1),  # an Arabic-Indic digit is not a page number here
        ("400000000000000000", MAX_PAGE),
        ("9" * 5000, MAX_PAGE),
        (400000000000000000, MAX_PAGE),
        (-5, 1),
        (True, 1),
    ],
)
def test_page_number(raw, expected):
    assert page_number(raw) == expected


def test_page_number_takes_a_smaller_maximum():
    assert page_number("50", maximum=3) == 3


@pytest.fixture
def cases(side_a, side_b):
    for side in (side_a, side_b):
        case_create(actor_membership=membership(side), identity={"alias": "Alias"}, location={})


@pytest.mark.parametrize("page", PAGES)
def test_the_worklist_page_and_api_take_any_page(client, side_a, side_b, cases, page):
    login(client, side_a.user("caseworker"))
    response = client.get("/dossiers/", {"page": page})
    assert response.status_code == 200
    api = client.get("/api/cases/", {"page": page})
    assert api.status_code in (200, 422), api.content  # the API's own validation, never 500
    if page in ("abc", "1e9", "", "٣", "9" * 5000):
        return
    assert api.status_code == 200
    body = api.json()
    assert body["page"] == page_number(page)
    if body["page"] == 1:
        assert len(body["cases"]) == 1  # A's only, never B's


@pytest.mark.parametrize("page", PAGES)
def test_the_other_lists_take_any_page(client, side_a, cases, page):
    login(client, side_a.user("caseworker"))
    for url in ("/repertoire/", "/tendances/reponses/", "/hsds/services"):
        response = client.get(url, {"q": "hebergement", "page": page})
        assert response.status_code < 500, (url, page, response.status_code)
    client.logout()
    login(client, side_a.user("organisation_admin"))
    response = client.get("/confidentialite/journal/", {"before": page})
    assert response.status_code == 200
