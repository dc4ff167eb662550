"""The session's idle limit is renewed at most once a minute, not written on every request
(issue 12 item 5: ``SESSION_SAVE_EVERY_REQUEST`` made every page a database write, and on
SQLite every page then queued for the one write lock under load)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arrimage.accounts.middleware import RENEWED_KEY
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(
        1
        for query in queries.captured_queries
        if "django_session" in query["sql"]
        and query["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    )


def _age_renewal(client, seconds: int) -> None:
    """As if the session's expiry last moved ``seconds`` ago (in the real session store)."""
    session = client.session
    session[RENEWED_KEY] = session[RENEWED_KEY] - seconds
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=30, seconds=-seconds))


def test_pages_read_within_a_minute_write_no_session(client, side_a, side_b):
    login(client, side_a.user("caseworker"))
    client.get("/tableau/")  # the first page records the acting organisation in the session
    for url in ("/dossiers/", "/tableau/", "/dossiers/"):
        assert _session_writes(client, url) == 0


def test_a_page_after_a_minute_moves_the_expiry_forward(client, side_a, settings):
    login(client, side_a.user("caseworker"))
    client.get("/tableau/")
    _age_renewal(client, settings.ARRIMAGE_SESSION_RENEW_SECONDS + 1)
    before = Session.objects.get().expire_date
    assert _session_writes(client, "/tableau/") == 1
    after = Session.objects.get().expire_date
    assert after - before > timedelta(seconds=settings.ARRIMAGE_SESSION_RENEW_SECONDS)
    assert timedelta(minutes=29) < after - timezone.now() <= timedelta(minutes=30)
    assert _session_writes(client, "/tableau/") == 0


def test_a_session_idle_for_the_limit_still_ends(client, side_a, settings):
    login(client, side_a.user("caseworker"))
    _age_renewal(client, settings.SESSION_COOKIE_AGE + 1)
    assert client.get("/tableau/").status_code == 302


def test_an_anonymous_page_creates_no_session(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/compte/connexion/").status_code == 200
    assert not any("django_session" in q["sql"] for q in queries.captured_queries)
    assert not Session.objects.exists()
