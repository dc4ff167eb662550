"""Two-factor: enrolment with a QR code, login with a code or a recovery code, enforcement."""

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django_otp.oath import TOTP

from arrimage.accounts.models import RecoveryCodeDevice, TOTPDevice
from arrimage.core.models import AuditEvent
from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.seed(), device.step, 0, device.digits, 0)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():06d}"


def enrol(client, user) -> list[str]:
    started = client.post("/compte/double-authentification/activer/", {"start": "1"})
    assert started.status_code == 302
    response = client.get("/compte/double-authentification/activer/")
    assert response.status_code == 200
    assert b"data:image/svg+xml" in response.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(
        "/compte/double-authentification/activer/", {"code": current_code(device)}
    )
    assert response.status_code == 200
    return re.findall(r"<li>([0-9A-F]{6}-[0-9A-F]{6})</li>", response.content.decode())


def test_enrolment_confirms_device_and_shows_ten_recovery_codes(client, side_a):
    user = side_a.user("caseworker")
    login(client, user)
    codes = enrol(client, user)
    assert len(codes) == 10
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    recovery = RecoveryCodeDevice.objects.get(user=user)
    assert all(code not in str(recovery.code_digests) for code in codes)
    assert AuditEvent.objects.filter(action="two_factor_enabled", actor_id=user.pk).exists()


def test_seed_is_stored_encrypted(client, side_a):
    user = side_a.user("caseworker")
    login(client, user)
    enrol(client, user)
    device = TOTPDevice.objects.get(user=user)
    assert device.seed().hex().encode() not in bytes(device.key_ciphertext)
    assert device.seed() not in bytes(device.key_ciphertext)


def test_wrong_enrolment_code_is_refused_with_a_message(client, side_a):
    user = side_a.user("caseworker")
    login(client, user)
    client.post("/compte/double-authentification/activer/", {"start": "1"})
    response = client.post("/compte/double-authentification/activer/", {"code": "000000"})
    assert response.status_code == 200
    assert "est pas valide" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_login_with_two_factor_asks_for_the_code(client, side_a, settings):
    # A failure throttles the next try for a while (1 s by default): a long while here, so that
    # a loaded machine between two requests cannot outlast it.
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600
    user = side_a.user("caseworker")
    login(client, user)
    codes = enrol(client, user)
    client.post("/compte/deconnexion/")

    response = client.post("/compte/connexion/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/code/")
    assert SESSION_KEY not in client.session, "the password alone does not log in"
    assert client.get("/tableau/").status_code == 302

    response = client.post("/compte/connexion/code/", {"code": "123456"})
    assert "est pas valide" in response.content.decode()
    assert SESSION_KEY not in client.session
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/compte/connexion/code/", {"code": current_code(device, 1)})
    assert "attendez quelques secondes" in response.content.decode(), (
        "throttled right after a failure"
    )
    assert SESSION_KEY not in client.session

    # Past the throttle that follows a wrong code (1 s, doubling with each failure).
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=None)
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/compte/connexion/code/", {"code": current_code(device, 1)})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.get("/tableau/").status_code == 200
    assert codes


def test_a_code_is_accepted_only_once(client, side_a):
    user = side_a.user("caseworker")
    login(client, user)
    enrol(client, user)
    device = TOTPDevice.objects.get(user=user)
    assert device.verify_token(current_code(device, 1))
    device = TOTPDevice.objects.get(user=user)
    assert not device.verify_token(current_code(device, 1))


def test_recovery_code_logs_in_once(client, side_a):
    user = side_a.user("caseworker")
    login(client, user)
    codes = enrol(client, user)
    for attempt in range(2):
        RecoveryCodeDevice.objects.filter(user=user).update(throttling_failure_timestamp=None)
        client.post("/compte/deconnexion/")
        client.post("/compte/connexion/", {"username": user.email, "password": PASSWORD})
        response = client.post("/compte/connexion/code/", {"code": codes[0].lower()})
        if attempt == 0:
            assert response.status_code == 302
            assert client.session[SESSION_KEY] == str(user.pk)
        else:
            assert response.status_code == 200
            assert SESSION_KEY not in client.session
    assert len(RecoveryCodeDevice.objects.get(user=user).code_digests) == 9


def test_too_many_wrong_codes_restart_the_login(client, side_a):
    user = side_a.user("caseworker")
    login(client, user)
    enrol(client, user)
    client.post("/compte/deconnexion/")
    client.post("/compte/connexion/", {"username": user.email, "password": PASSWORD})
    for _ in range(5):
        TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=None)
        RecoveryCodeDevice.objects.filter(user=user).update(throttling_failure_timestamp=None)
        response = client.post("/compte/connexion/code/", {"code": "999999"})
    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/"
    assert "pending_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed", target_id=str(user.pk)).count() == 5


def test_two_factor_required_for_roles_reading_personal_data(client, side_a, settings):
    settings.ARRIMAGE_REQUIRE_TWO_FACTOR = True
    user = side_a.user("caseworker")
    login(client, user)
    response = client.get("/tableau/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/double-authentification/"
    assert client.get("/api/accounts/me").status_code == 401
    enrol(client, user)
    assert client.get("/tableau/").status_code == 200
    assert client.get("/api/accounts/me").status_code == 200


def test_two_factor_not_forced_on_roles_without_personal_data(client, side_a, settings):
    settings.ARRIMAGE_REQUIRE_TWO_FACTOR = True
    login(client, side_a.user("analyst"))
    assert client.get("/tableau/").status_code == 200


def test_regenerating_recovery_codes_needs_the_password(client, side_a):
    user = side_a.user("caseworker")
    login(client, user)
    old = enrol(client, user)
    response = client.post("/compte/double-authentification/codes/", {"password": "wrong"})
    assert response.status_code == 302
    response = client.post("/compte/double-authentification/codes/", {"password": PASSWORD})
    new = re.findall(r"<li>([0-9A-F]{6}-[0-9A-F]{6})</li>", response.content.decode())
    assert len(new) == 10
    assert not set(old) & set(new)
    assert AuditEvent.objects.filter(action="recovery_codes_regenerated").count() == 1


def test_disabling_two_factor_needs_the_password_and_is_audited(client, side_a):
    user = side_a.user("caseworker")
    login(client, user)
    enrol(client, user)
    client.post("/compte/double-authentification/desactiver/", {"password": "wrong"})
    assert TOTPDevice.objects.filter(user=user).exists()
    client.post("/compte/double-authentification/desactiver/", {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCodeDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="two_factor_disabled", actor_id=user.pk).exists()


def test_the_enrolment_page_makes_no_authenticator_on_a_read(client, side_a):
    """Reads never write: the page's GET shows the authenticator made by the button (POST)."""
    user = side_a.user("caseworker")
    login(client, user)
    response = client.get("/compte/double-authentification/activer/")
    assert (
        response.status_code == 302 and response["Location"] == "/compte/double-authentification/"
    )
    assert not TOTPDevice.objects.filter(user=user).exists()
    page = client.get("/compte/double-authentification/").content.decode()
    assert 'name="start"' in page
    client.post("/compte/double-authentification/activer/", {"start": "1"})
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.get("/compte/double-authentification/activer/").status_code == 200
    assert TOTPDevice.objects.get(user=user).pk == device.pk, "a second read changes nothing"
