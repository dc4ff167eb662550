"""The referrals list (issue 13, item 5): paginated, and filterable by state, by the other
organisation and by date. Two shelters with identical referrals: each sees only its own, and
its organisation filter offers only the organisations it deals with. Bad filter input gets a
translated message and the whole list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.orientation.models import Referral, ReferralStatus
from tests.conftest import login, make_side
from tests.orientation.conftest import make_service, open_case

pytestmark = pytest.mark.django_db
URL = "/orientation/references/"


@pytest.fixture
def shelves(coalition, side_a):
    """Two shelters, each with 25 referrals received: 15 from side A, 10 from side C, one
    in three accepted, sent one day apart."""
    other = make_side("C", coalition=coalition)
    made = {}
    now = timezone.now()
    case_a, case_c = open_case(side_a), open_case(other)
    for label in ("X", "Y"):
        shelter = make_side(label, org_type="shelter", coalition=coalition)
        service = make_service(shelter.organisation, name_fr=f"Refuge {label}")
        for number in range(25):
            sender, case = (side_a, case_a) if number < 15 else (other, case_c)
            when = now - timedelta(days=number)
            Referral.objects.create(
                case=case,
                service=service,
                sender_organisation=sender.organisation,
                recipient_organisation=shelter.organisation,
                status=ReferralStatus.ACCEPTED if number % 3 == 0 else ReferralStatus.SENT,
                created_at=when,
                sent_at=when,
                updated_at=when,
            )
        made[label] = shelter
    made["A"], made["C"] = side_a, other
    return made


def rows(html: str) -> int:
    return html.count('class="referral-row"')


@pytest.mark.parametrize("label", ["X", "Y"])
def test_received_referrals_are_paginated_and_filtered(client, shelves, label):
    shelter = shelves[label]
    login(client, shelter.user("service_staff"))
    first = client.get(URL).content.decode()
    assert rows(first) == 20
    assert 'href="?box=in&amp;page=2"' in first
    second = client.get(URL, {"box": "in", "page": 2}).content.decode()
    assert rows(second) == 5

    accepted = client.get(URL, {"box": "in", "status": "accepted"}).content.decode()
    assert rows(accepted) == 9  # 0, 3, ..., 24
    from_c = client.get(
        URL, {"box": "in", "organisation": str(shelves["C"].organisation.pk)}
    ).content.decode()
    assert rows(from_c) == 10
    week = (timezone.localdate() - timedelta(days=6)).isoformat()
    recent = client.get(URL, {"box": "in", "since": week}).content.decode()
    assert rows(recent) == 7
    # The organisation filter names only the organisations this shelter deals with.
    assert "Organisation A" in first and "Organisation C" in first
    other = "Y" if label == "X" else "X"
    assert f"Organisation {other}" not in first


def test_another_shelters_organisation_shows_nothing(client, shelves):
    login(client, shelves["X"].user("service_staff"))
    html = client.get(
        URL, {"box": "in", "organisation": str(shelves["Y"].organisation.pk)}
    ).content.decode()
    assert 'class="errorlist' in html  # not one of its organisations: left out, said so
    assert "Refuge Y" not in html and "Organisation Y" not in html


def test_bad_filters_say_so_and_list_everything(client, shelves):
    login(client, shelves["X"].user("service_staff"))
    response = client.get(URL, {"status": "bogus", "since": "demain", "page": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist' in html
    assert rows(html) == 20


def test_an_empty_list_says_what_to_do_next(client, side_a):
    login(client, side_a.user("caseworker"))
    html = client.get(URL).content.decode()
    assert 'class="empty-state' in html
    assert 'href="/orientation/accueil/"' in html


@pytest.mark.parametrize(
    "number", ["99999999999999999999", "400000000000000000", "10001", "-3", "abc", "0"]
)
def test_a_page_number_past_any_list_answers_a_page(client, shelves, number):
    """A page number a database cannot count to (an offset past SQLite's integers failed with
    a 500) answers a page: the first for junk, an empty page past the end."""
    login(client, shelves["X"].user("service_staff"))
    response = client.get(URL, {"box": "in", "page": number})
    assert response.status_code == 200
    assert rows(response.content.decode()) in (0, 20)
    assert client.get(URL).status_code == 200
