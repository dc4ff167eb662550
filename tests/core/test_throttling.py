"""Throttling (issue 12): the API per user and per address for calls without a session, the
public HSDS API per address. Refused calls answer 429 with Retry-After. The probe of the issue
sent 500 calls in 19 s and got 500 answers 200."""

import pytest
from django.conf import settings as django_settings
from django.db import connection

from arrimage.core import throttling
from arrimage.core.models import RateWindow
from tests.conftest import login
from tests.orientation.conftest import (
    database_for_threads,  # noqa: F401  (fixture)
    run_in_threads,
    thread_query,
)

START = 1_800_000_000  # a window boundary for every rate below (a multiple of 60 and 3600)


@pytest.fixture
def frozen(monkeypatch):
    """Time stands at ``now[0]`` (seconds since the epoch) until a test moves it."""
    now = [START + 19.0]
    monkeypatch.setattr(throttling, "clock", lambda: now[0])
    return now


@pytest.fixture
def production_rates(settings):
    """The defaults of a production instance (the suite relaxes them)."""
    settings.ARRIMAGE_RATES = {"api_user": "300/min", "api_anonymous": "30/min", "hsds": "120/min"}


@pytest.mark.django_db
def test_500_calls_of_one_user_get_429_beyond_the_rate(client, side_a, frozen, production_rates):
    login(client, side_a.user("caseworker"))
    statuses = [client.get("/api/accounts/me").status_code for _ in range(500)]
    assert statuses.count(200) == 300
    assert statuses[300:] == [429] * 200
    refused = client.get("/api/accounts/me")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "41"  # the window ends 41 s after second 19
    assert refused.json()["detail"] == "Trop de requêtes\xa0: attendez avant de réessayer."
    frozen[0] = START + 60  # the next window
    assert client.get("/api/accounts/me").status_code == 200


@pytest.mark.django_db
def test_each_user_has_their_own_count(client, side_a, side_b, frozen, settings):
    settings.ARRIMAGE_RATES = {**settings.ARRIMAGE_RATES, "api_user": "3/min"}
    login(client, side_a.user("caseworker"))
    assert [client.get("/api/cases/").status_code for _ in range(4)] == [200, 200, 200, 429]
    client.logout()
    login(client, side_b.user("caseworker"))  # same address, another user
    assert client.get("/api/cases/").status_code == 200
    writes = client.post("/api/cases/", "{}", content_type="application/json")
    assert writes.status_code != 429


@pytest.mark.django_db
def test_calls_without_a_session_are_counted_per_address(client, frozen, production_rates):
    statuses = [client.get("/api/cases/", REMOTE_ADDR="203.0.113.7").status_code for _ in range(31)]
    assert statuses == [401] * 30 + [429]
    refused = client.get("/api/cases/", REMOTE_ADDR="203.0.113.7")
    assert refused["Retry-After"] == "41"
    assert client.get("/api/cases/", REMOTE_ADDR="203.0.113.8").status_code == 401
    # Without a trusted proxy, X-Forwarded-For is the client's own word: not used.
    spoofed = client.get(
        "/api/cases/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert spoofed.status_code == 429


@pytest.mark.django_db
def test_the_public_hsds_api_is_limited_per_address(client, frozen, production_rates):
    statuses = [client.get("/hsds/", REMOTE_ADDR="203.0.113.7").status_code for _ in range(121)]
    assert statuses == [200] * 120 + [429]
    refused = client.get("/hsds/taxonomies", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "41"
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["error"]
    assert client.get("/hsds/", REMOTE_ADDR="203.0.113.8").status_code == 200
    frozen[0] = START + 60
    assert client.get("/hsds/", REMOTE_ADDR="203.0.113.7").status_code == 200


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_client_address_counts(client, frozen, settings):
    settings.ARRIMAGE_RATES = {**settings.ARRIMAGE_RATES, "hsds": "2/min"}
    settings.NINJA_NUM_PROXIES = 1

    def call(client_address: str) -> int:
        return client.get(
            "/hsds/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{client_address}"
        ).status_code

    assert [call("203.0.113.7") for _ in range(3)] == [200, 200, 429]
    assert call("203.0.113.8") == 200  # the same proxy, another client


@pytest.mark.django_db
def test_old_windows_are_deleted(frozen, settings):
    settings.ARRIMAGE_RATES = {**settings.ARRIMAGE_RATES, "hsds": "5/min"}
    for client_address in ("a", "b", "c"):
        throttling.rate_hit(scope="hsds", client=client_address)
    assert RateWindow.objects.count() == 3
    throttling.rate_hit(scope="hsds", client="a", now=START + 125)
    assert list(RateWindow.objects.values_list("client_key", "hits")) == [("hsds:a", 1)]


def test_rates_are_read_as_written():
    assert throttling.rate_parse("300/min") == throttling.Rate(300, 60)
    assert throttling.rate_parse("5/10min") == throttling.Rate(5, 600)
    assert throttling.rate_parse("1000/day") == throttling.Rate(1000, 86400)
    from django.core.exceptions import ImproperlyConfigured

    for wrong in ("300", "0/min", "x/min", "3/fortnight"):
        with pytest.raises(ImproperlyConfigured):
            throttling.rate_parse(wrong)
    assert set(django_settings.ARRIMAGE_RATES) == {"api_user", "api_anonymous", "hsds"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_servers_share_one_exact_count(database_for_threads, settings):  # noqa: F811
    """16 connections at once (as 16 app servers would), 10 calls each, rate 100: exactly
    100 pass. The upsert is atomic, so no count is lost between servers."""
    settings.ARRIMAGE_RATES = {**settings.ARRIMAGE_RATES, "hsds": "100/hour"}
    database_for_threads()

    def calls(_n: int) -> list[bool]:
        return [
            throttling.rate_hit(scope="hsds", client="203.0.113.7", now=START + 5) is None
            for _ in range(10)
        ]

    results, errors = run_in_threads(16, calls)
    assert errors == []
    assert sum(sum(r) for r in results) == 100
    hits = thread_query(lambda: RateWindow.objects.get(client_key="hsds:203.0.113.7").hits)
    assert hits == 160
    assert connection.vendor in {"sqlite", "postgresql"}
