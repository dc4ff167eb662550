"""Headers a security reviewer checks: CSP with nonces, no-store on personal pages, referrer
policy, framing; and no stack trace ever reaches a user."""

import re

import pytest
from django.test import Client, override_settings

from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_csp_forbids_inline_code_and_framing(client):
    policy = client.get("/compte/connexion/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_csp_nonce_is_fresh_for_each_response_that_uses_one(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    middleware = CSPMiddleware(view)
    first = middleware(rf.get("/"))
    second = middleware(rf.get("/"))
    nonces = [re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"]) for r in (first, second)]
    assert all(nonces)
    assert nonces[0].group(1) != nonces[1].group(1)
    assert nonces[0].group(1) in first.content.decode()


def test_pages_for_logged_in_users_are_not_stored(client, side_a):
    login(client, side_a.user("caseworker"))
    response = client.get("/tableau/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_referrer_policy_and_framing(client):
    response = client.get("/")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_language_cookie_is_remembered(client, side_a):
    response = client.post("/compte/langue/", {"language": "en", "next": "/"})
    assert response.cookies["arrimage_language"].value == "en"
    assert client.get("/").headers["Content-Language"] == "en"
    assert client.get("/compte/connexion/").headers["Content-Language"] == "en"


def test_language_choice_is_saved_on_the_account(client, side_a):
    user = side_a.user("caseworker")
    login(client, user)
    client.post("/compte/langue/", {"language": "en", "next": "/tableau/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"
    fresh = Client()
    response = login(fresh, user)
    assert response.cookies["arrimage_language"].value == "en"


def test_french_is_the_default(client):
    assert client.get("/").headers["Content-Language"] == "fr-ca"
    assert '<html lang="fr-CA">' in client.get("/").content.decode()


def test_unknown_page_gets_a_translated_404_without_details(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@override_settings(DEBUG=False)
def test_server_error_shows_no_stack_trace(side_a, monkeypatch):
    from arrimage.home import views

    def explode(request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "home_view", explode)
    client = Client(raise_request_exception=False)
    login(client, side_a.user("caseworker"))
    from django.urls import clear_url_caches

    clear_url_caches()
    response = client.get("/tableau/")
    clear_url_caches()
    assert response.status_code in {200, 500}
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content


def test_quebec_french_dates_read_13_h_40():
    from datetime import datetime

    from django.utils import formats, translation

    moment = datetime(2026, 1, 31, 13, 40)
    with translation.override("fr-ca"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "31 janvier 2026, 13\xa0h\xa040"
        assert formats.time_format(moment) == "13\xa0h\xa040"
