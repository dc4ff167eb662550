"""A referral's need belongs to its category (docs/policy.md): a health or immigration need
sent with only identity shared never reaches the receiving police, on any path — the API list
and detail, the referral page, the home page, the FHIR view. The shelter that was sent the
same kind of referral with the need's category shared sees it. Organisation B holds an
identical case in another coalition (tests/orientation/test_fhir.py's world)."""

import pytest
from django.utils import translation

from arrimage.accounts.models import Role
from arrimage.orientation.needs import NEED_LABELS, need_category
from arrimage.orientation.referral_rules import RECIPIENT_ROLES
from arrimage.privacy.categories import Category
from tests.conftest import login
from tests.orientation import test_fhir
from tests.orientation.test_fhir import send

world = test_fhir.world  # the fixture: a shelter, police, A and B with identical cases

pytestmark = pytest.mark.django_db

# Every need whose category is protected (docs/policy.md: health and immigration).
PROTECTED_NEEDS = [n for n in NEED_LABELS if need_category(n) != Category.COORDINATION]


def test_the_protected_needs_are_the_ones_the_policy_names():
    assert set(PROTECTED_NEEDS) == {"mental_health", "physical_health", "immigration_legal"}


def _paths(referral) -> list[str]:
    return [
        "/api/orientation/referrals?box=in",
        f"/api/orientation/referrals/{referral.pk}",
        f"/api/orientation/referrals/{referral.pk}/fhir",
        f"/orientation/references/{referral.pk}/",
        "/orientation/references/",
        "/tableau/",
    ]


def _bodies(client, user, referral) -> dict[str, str]:
    client.logout()
    login(client, user)
    bodies = {}
    for url in _paths(referral):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        bodies[url] = response.content.decode()
    return bodies


def _says(body: str, need: str) -> bool:
    """The need's code or its label, in French or English, appears in the body."""
    labels = {need}
    for language in ("fr", "en"):
        with translation.override(language):
            labels.add(str(NEED_LABELS[need]))
    return any(label in body for label in labels)


@pytest.mark.parametrize("need", PROTECTED_NEEDS)
def test_a_protected_need_never_reaches_the_receiving_police(client, world, side_a, need):
    referral = send(
        world, side_a, service=world["police_service"], need=need, categories=["identity"]
    )
    for role in sorted(RECIPIENT_ROLES):
        for url, body in _bodies(client, world["police"].user(role), referral).items():
            assert not _says(body, need), (role, url)
    api = client.get(f"/api/orientation/referrals/{referral.pk}").json()
    assert api["need"] == ""


@pytest.mark.parametrize("need", PROTECTED_NEEDS)
def test_the_shelter_given_the_category_sees_the_need(client, world, side_a, need):
    category = str(need_category(need))
    referral = send(
        world,
        side_a,
        service=world["service"],
        need=need,
        categories=["identity", "coordination", category],
    )
    # The shelter's caseworker reads every category; its staff reads no immigration.
    bodies = _bodies(client, world["shelter"].user(Role.CASEWORKER), referral)
    assert _says(bodies[f"/orientation/references/{referral.pk}/"], need)
    assert client.get(f"/api/orientation/referrals/{referral.pk}").json()["need"] == need
    listed = client.get("/api/orientation/referrals?box=in").json()
    assert [r["need"] for r in listed] == [need]


@pytest.mark.parametrize("need", PROTECTED_NEEDS)
def test_the_shelter_not_given_the_category_does_not(client, world, side_a, need):
    referral = send(world, side_a, service=world["service"], need=need, categories=["identity"])
    for url, body in _bodies(client, world["shelter"].user(Role.SERVICE_STAFF), referral).items():
        assert not _says(body, need), url


def test_the_sender_sees_its_own_need(client, world, side_a):
    referral = send(
        world, side_a, service=world["service"], need="mental_health", categories=["identity"]
    )
    client.logout()
    login(client, side_a.user(Role.CASEWORKER))
    assert client.get(f"/api/orientation/referrals/{referral.pk}").json()["need"] == "mental_health"
    sent = client.get("/api/orientation/referrals?box=out").json()
    assert [r["need"] for r in sent] == ["mental_health"]
