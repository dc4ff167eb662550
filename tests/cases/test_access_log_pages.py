"""The case's access log (/dossiers/<id>/journal/) shows every entry, by pages of 50: the
entries past the 500th (the page once stopped there) are reached through the page links. A
page number that is not one answers the first page, never an error. Organisation B, whose
identical case has the same long log, gets 404 on A's log, whatever the page."""

import math
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases.case_views import ACCESS_LOG_PAGE_SIZE
from arrimage.cases.models import CaseAccess
from tests.conftest import login

pytestmark = pytest.mark.django_db

OLD_ENTRIES = 560  # more than the 500 the page once stopped at


def _long_log(case, side) -> None:
    """560 reads by the caseworker, older than the case's own entries, and before them the
    oldest entry of all, by the organisation's administrator: the last row of the last page."""
    start = timezone.now() - timedelta(days=400)
    caseworker, admin = side.user(Role.CASEWORKER), side.user(Role.ORGANISATION_ADMIN)
    entries = [
        CaseAccess(
            case=case,
            actor=admin if number == 0 else caseworker,
            organisation=side.organisation,
            action="case_read",
            path="page",
            categories="coordination",
            occurred_at=start + timedelta(minutes=number),
        )
        for number in range(OLD_ENTRIES + 1)
    ]
    CaseAccess.objects.bulk_create(entries)


def _rows(body: str) -> int:
    return body.count("<tr><td>")


def _log_url(case) -> str:
    return f"/dossiers/{case.pk}/journal/"


@pytest.fixture
def long_logs(world):
    _long_log(world.case_a, world.a)
    _long_log(world.case_b, world.b)
    return world


def test_every_entry_is_reached_page_by_page(client, long_logs):
    world = long_logs
    total = CaseAccess.objects.filter(case_id=world.case_a.pk).count()
    assert total > 500 + ACCESS_LOG_PAGE_SIZE
    pages = math.ceil(total / ACCESS_LOG_PAGE_SIZE)
    admin_name = world.a.user(Role.ORGANISATION_ADMIN).full_name
    login(client, world.a.user(Role.CASEWORKER))
    seen = 0
    for number in range(1, pages + 1):
        response = client.get(_log_url(world.case_a), {"page": number})
        assert response.status_code == 200
        body = response.content.decode()
        assert re.search(rf"Page\s+{number}\s+\w+\s+{pages}\b", body), number
        rows = _rows(body)
        assert rows == (ACCESS_LOG_PAGE_SIZE if number < pages else total - seen)
        seen += rows
        assert (f'href="?page={number + 1}"' in body) == (number < pages)
        assert (f'href="?page={number - 1}"' in body) == (number > 1)
        assert (admin_name in body) == (number == pages), number
    assert seen == total


@pytest.mark.parametrize("raw", ["abc", "0", "-3", "1.5", "", "\u00b2", "9" * 40])
def test_a_page_number_that_is_not_one_answers_a_page(client, long_logs, raw):
    world = long_logs
    login(client, world.a.user(Role.CASEWORKER))
    response = client.get(_log_url(world.case_a), {"page": raw})
    assert response.status_code == 200
    body = response.content.decode()
    assert _rows(body) > 0
    if raw == "9" * 40:  # past the end: the last page, with the oldest entry
        assert world.a.user(Role.ORGANISATION_ADMIN).full_name in body
    else:
        assert _rows(body) == ACCESS_LOG_PAGE_SIZE
        assert re.findall(r'href="\?page=(\d+)"', body) == ["2"]  # the first page's links


@pytest.mark.parametrize("page", ["1", "12", "abc"])
def test_the_other_organisation_gets_404_on_every_page(client, long_logs, page):
    world = long_logs
    login(client, world.b.user(Role.CASEWORKER))
    assert client.get(_log_url(world.case_b), {"page": page}).status_code == 200  # its own
    before = CaseAccess.objects.count()
    response = client.get(_log_url(world.case_a), {"page": page})
    assert response.status_code == 404
    assert world.case_a.reference not in response.content.decode()
    assert CaseAccess.objects.count() == before
