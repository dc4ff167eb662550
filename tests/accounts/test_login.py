"""Login by email, lockouts with escalating cool-offs, session lifetimes, disabled users."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from arrimage.accounts.lockout import BASE_COOLOFF, MAX_COOLOFF, cooloff_time
from arrimage.accounts.models import User
from arrimage.core.models import AuditEvent
from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def test_password_is_hashed_with_argon2(side_a):
    assert side_a.user("caseworker").password.startswith("argon2")


def test_production_hasher_is_argon2():
    from pathlib import Path

    from arrimage import settings as app_settings

    source = Path(app_settings.__file__).read_text()
    assert '"django.contrib.auth.hashers.Argon2PasswordHasher",\n    "django.contrib.auth' in source


def test_login_by_email_is_case_insensitive_and_audited(client, side_a):
    user = side_a.user("caseworker")
    response = client.post(
        "/compte/connexion/", {"username": user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    assert AuditEvent.objects.filter(action="login", actor_id=user.pk).exists()


def test_wrong_password_gets_a_clear_message_and_is_audited(client, side_a):
    user = side_a.user("caseworker")
    response = client.post("/compte/connexion/", {"username": user.email, "password": "nope"})
    assert response.status_code == 200
    assert (
        "Cette adresse courriel et ce mot de passe ne correspondent pas."
        in response.content.decode()
    )
    assert SESSION_KEY not in client.session
    event = AuditEvent.objects.get(action="login_failed")
    assert event.target_id == str(user.pk)
    assert user.email not in str(event.details)


def test_malformed_and_oversized_fields_are_refused_cleanly(client, db):
    response = client.post("/compte/connexion/", {"username": "not-an-email", "password": "x"})
    assert response.status_code == 200
    assert "Entrez une adresse courriel valide." in response.content.decode()
    response = client.post(
        "/compte/connexion/", {"username": "a" * 5000 + "@x.org", "password": "p" * 10000}
    )
    assert response.status_code == 200
    assert b"Traceback" not in response.content


def test_logout_is_post_only_and_audited(client, side_a):
    user = side_a.user("caseworker")
    login(client, user)
    assert client.get("/compte/deconnexion/").status_code == 405
    client.post("/compte/deconnexion/")
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="logout", actor_id=user.pk).exists()


def fail(client, email: str, ip: str = "10.0.0.1"):
    return client.post(
        "/compte/connexion/", {"username": email, "password": "wrong"}, REMOTE_ADDR=ip
    )


def test_lockout_on_username_and_ip_with_translated_page(client, side_a, settings):
    user = side_a.user("caseworker")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert fail(client, user.email).status_code == 200
    response = fail(client, user.email)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    # Even the right password is refused from that address while locked.
    response = client.post(
        "/compte/connexion/", {"username": user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    # The worker at their own desk (another address) is not locked out.
    response = client.post(
        "/compte/connexion/", {"username": user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 302


def test_lockout_ends_after_the_cool_off(client, side_a, settings):
    user = side_a.user("caseworker")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail(client, user.email)
    AccessAttempt.objects.update(attempt_time=timezone.now() - BASE_COOLOFF - timedelta(minutes=1))
    response = client.post(
        "/compte/connexion/", {"username": user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302


def test_cool_off_escalates_and_stays_finite(side_a, rf):
    from axes.models import AccessFailureLog

    user = side_a.user("caseworker")
    request = rf.post("/compte/connexion/", {"username": user.email})
    request.axes_ip_address = "10.0.0.1"
    assert cooloff_time(request) == BASE_COOLOFF
    durations = []
    for _ in range(12):
        AccessFailureLog.objects.create(
            username=user.email,
            ip_address="10.0.0.1",
            locked_out=True,
            user_agent="t",
            http_accept="t",
            path_info="/",
        )
        durations.append(cooloff_time(request))
    assert durations[0] == BASE_COOLOFF
    assert durations[1] == BASE_COOLOFF * 2
    assert durations[2] == BASE_COOLOFF * 4
    assert durations == sorted(durations)
    assert durations[-1] == MAX_COOLOFF


def test_idle_session_expires_after_thirty_minutes(client, side_a, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    login(client, side_a.user("caseworker"))
    client.get("/tableau/")
    remaining = Session.objects.get().expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/tableau/").status_code == 302


def test_session_has_an_absolute_lifetime(client, side_a, settings):
    login(client, side_a.user("caseworker"))
    session = client.session
    started = timezone.now() - settings.ARRIMAGE_SESSION_ABSOLUTE_LIFETIME - timedelta(minutes=1)
    session["auth_started_at"] = started.isoformat()
    session.save()
    response = client.get("/tableau/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_disabled_user_sessions_end_at_once(client, side_a):
    user = side_a.user("caseworker")
    login(client, user)
    assert client.get("/tableau/").status_code == 200
    call_command("user_disable", user.email)
    assert not User.objects.get(pk=user.pk).is_active
    assert client.get("/tableau/").status_code == 302
    assert not Session.objects.exists()
    response = client.post("/compte/connexion/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="user_disabled", target_id=str(user.pk)).exists()


def test_open_redirect_is_refused(client, side_a):
    user = side_a.user("caseworker")
    response = client.post(
        "/compte/connexion/?next=https://evil.example/",
        {"username": user.email, "password": PASSWORD},
    )
    assert response["Location"] == "/tableau/"


def test_audit_verify_prints_the_head_to_anchor_outside(capsys, side_a, client):
    from arrimage.core.models import AuditHead

    login(client, side_a.user("caseworker"))
    call_command("audit_verify")
    out = capsys.readouterr().out
    for head in AuditHead.objects.filter(sequence__gt=0):
        assert f"chain {head.pk}: sequence {head.sequence}, hash {head.hash}" in out
    assert "head: sequence " in out


def _locked_minutes(response) -> int:
    import re

    assert response.status_code == 429
    text = response.content.decode().replace("\xa0", " ")
    return int(re.search(r"pendant (\d+) minute", text).group(1))


def _cool_off_passes(minutes: int) -> None:
    """Move every trace of the attempts back in time, as if ``minutes`` had passed."""
    from axes.models import AccessFailureLog

    shift = timedelta(minutes=minutes, seconds=1)
    for model in (AccessAttempt, AccessFailureLog):
        for row in model.objects.all():
            model.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - shift)


def test_thirty_bad_logins_in_a_row_lock_for_15_minutes_not_24_hours(client, side_a, settings):
    """Issue 12, D7: the cool-off grew with every refused attempt, so 30 bad logins in 5 s
    locked the pair for 24 hours. It grows with each lockout: 15, then 30, then 60 minutes."""
    user = side_a.user("caseworker")
    responses = [fail(client, user.email) for _ in range(30)]
    assert [r.status_code for r in responses[: settings.AXES_FAILURE_LIMIT - 1]] == [200] * 4
    assert _locked_minutes(responses[-1]) == 15
    assert _locked_minutes(fail(client, user.email)) == 15
    _cool_off_passes(15)
    assert fail(client, user.email).status_code == 200  # the lock is over
    responses = [fail(client, user.email) for _ in range(30)]
    assert _locked_minutes(responses[-1]) == 30
    _cool_off_passes(30)
    responses = [fail(client, user.email) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert _locked_minutes(responses[-1]) == 60
    # Still locked for the right password, at another address not at all.
    right = client.post(
        "/compte/connexion/", {"username": user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert right.status_code == 429
    assert login(client, user) is client
