"""The onboarding checklist reflects the data: signing the agreement, enabling two-factor and
attending a training tick their items, for the coordinator (every member) and the
organisation's administrator (their own). Two coalitions with identical data."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.coalition_pages.models import AgreementSignature, TrainingSession
from arrimage.privacy.agreements import agreement_version_create
from tests.accounts.test_two_factor import enrol
from tests.conftest import login

pytestmark = pytest.mark.django_db

PAST = (timezone.localdate() - dt.timedelta(days=2)).isoformat()


def as_user(user) -> Client:
    return login(Client(HTTP_ACCEPT_LANGUAGE="fr"), user)


def items(client, coalition) -> dict[str, dict[str, str]]:
    """Organisation name -> checklist item -> "yes" or "no", read from the page."""
    response = client.get(f"/coalitions/{coalition.pk}/accueil-membres/")
    assert response.status_code == 200
    found: dict[str, dict[str, str]] = {}
    for section in re.findall(
        r'<section class="card">(.*?)</section>', response.content.decode(), re.S
    ):
        name = unescape(re.search(r"<h2>(.*?) <span", section).group(1))  # type: ignore[union-attr]
        found[name] = dict(re.findall(r'data-item="(\w+)" data-done="(yes|no)"', section))
    return found


def new_agreement(coalition, side, summary=""):
    coordinator = Membership.objects.get(user=side.user(Role.COORDINATOR))
    return agreement_version_create(
        actor_membership=coordinator,
        coalition=coalition,
        rules={("community", "shelter", "identity", "referral")},
        summary=summary,
    )


@pytest.fixture
def both(coalition, side_a, side_b):
    coalition_b = side_b.organisation.coalitions.get()
    agreement_a = new_agreement(coalition, side_a)
    agreement_b = new_agreement(coalition_b, side_b)
    return {
        "a": (coalition, side_a, agreement_a),
        "b": (coalition_b, side_b, agreement_b),
    }


def test_who_sees_the_checklist(both):
    coalition, side_a, _agreement = both["a"]
    coalition_b, side_b, _ = both["b"]
    for role in (Role.CASEWORKER, Role.SERVICE_STAFF, Role.ANALYST):
        response = as_user(side_a.user(role)).get(f"/coalitions/{coalition.pk}/accueil-membres/")
        assert response.status_code == 404
    for role in (Role.COORDINATOR, Role.ORGANISATION_ADMIN):
        client = as_user(side_b.user(role))
        assert client.get(f"/coalitions/{coalition.pk}/accueil-membres/").status_code == 404
        assert client.get(f"/coalitions/{coalition_b.pk}/accueil-membres/").status_code == 200


def test_signing_ticks_the_agreement_and_a_new_version_unticks_it(both):
    coalition, side_a, agreement = both["a"]
    coalition_b, side_b, agreement_b = both["b"]
    name = side_a.organisation.name
    admin = as_user(side_a.user(Role.ORGANISATION_ADMIN))
    coordinator = as_user(side_a.user(Role.COORDINATOR))
    assert items(admin, coalition)[name]["agreement"] == "no"
    assert items(coordinator, coalition)[name]["agreement"] == "no"
    # The other coalition's admin signs nothing here, nor A's agreement in B.
    other_admin = as_user(side_b.user(Role.ORGANISATION_ADMIN))
    url = f"/coalitions/{coalition.pk}/accueil-membres/signer/"
    assert other_admin.post(url, {"agreement": str(agreement.pk)}).status_code == 404
    response = other_admin.post(
        f"/coalitions/{coalition_b.pk}/accueil-membres/signer/", {"agreement": str(agreement.pk)}
    )
    assert response.status_code == 302
    # ... and the coordinator does not sign for the organisation: its administrator does.
    assert coordinator.post(url, {"agreement": str(agreement.pk)}).status_code == 404
    assert not AgreementSignature.objects.exists()
    # B signing its own agreement ticks B only.
    other_admin.post(
        f"/coalitions/{coalition_b.pk}/accueil-membres/signer/", {"agreement": str(agreement_b.pk)}
    )
    assert items(other_admin, coalition_b)[side_b.organisation.name]["agreement"] == "yes"
    assert items(admin, coalition)[name]["agreement"] == "no"

    response = admin.post(url, {"agreement": str(agreement.pk)}, follow=True)
    assert "Votre organisation a signé l" in unescape(response.content.decode())
    assert items(admin, coalition)[name]["agreement"] == "yes"
    assert items(coordinator, coalition)[name]["agreement"] == "yes"

    # A new version in force needs a new signature; signing the old one is refused, in words.
    newer = new_agreement(coalition, side_a, summary="Version 2")
    assert items(admin, coalition)[name]["agreement"] == "no"
    response = admin.post(url, {"agreement": str(agreement.pk)}, follow=True)
    body = unescape(response.content.decode())
    assert "Une nouvelle version de l'entente est entrée en vigueur" in body
    assert "version 1 signée, la version 2 en vigueur ne l'est pas" in body
    assert AgreementSignature.objects.filter(agreement__coalition=coalition).count() == 1
    admin.post(url, {"agreement": str(newer.pk)})
    assert items(admin, coalition)[name]["agreement"] == "yes"


def test_two_factor_is_ticked_when_everyone_who_needs_it_has_it(both):
    """Two-factor is due from the roles that read personal data: caseworkers, service staff,
    coordinators (accounts.TWO_FACTOR_ROLES); administrators and analysts do not count."""
    coalition, side_a, _agreement = both["a"]
    coalition_b, side_b, _ = both["b"]
    name = side_a.organisation.name
    admin = as_user(side_a.user(Role.ORGANISATION_ADMIN))
    assert items(admin, coalition)[name]["two_factor"] == "no"
    for role in (Role.CASEWORKER, Role.SERVICE_STAFF):
        user = side_a.user(role)
        enrol(as_user(user), user)
    # All but the coordinator: not yet, and the administrator sees who is missing.
    assert items(admin, coalition)[name]["two_factor"] == "no"
    page = unescape(admin.get(f"/coalitions/{coalition.pk}/accueil-membres/").content.decode())
    coordinator_user = side_a.user(Role.COORDINATOR)
    assert f"Toujours sans\u00a0: {coordinator_user.full_name}" in page
    assert "Double authentification\u00a0: 2 personnes sur 3" in page
    coordinator = as_user(coordinator_user)
    enrol(coordinator, coordinator_user)
    assert items(coordinator, coalition)[name]["two_factor"] == "yes"
    assert (
        items(as_user(side_b.user(Role.COORDINATOR)), coalition_b)[side_b.organisation.name][
            "two_factor"
        ]
        == "no"
    )


def test_attending_a_training_ticks_training(both):
    coalition, side_a, _agreement = both["a"]
    coalition_b, side_b, _ = both["b"]
    name = side_a.organisation.name
    coordinator = as_user(side_a.user(Role.COORDINATOR))
    assert items(coordinator, coalition)[name]["training"] == "no"
    coordinator.post(
        f"/coalitions/{coalition.pk}/formations/",
        {"held_on": PAST, "topic": "Accueillir sans juger", "trainer": "Maison X"},
    )
    session = TrainingSession.objects.get(topic="Accueillir sans juger")
    # A session without anyone recorded ticks nothing.
    assert items(coordinator, coalition)[name]["training"] == "no"
    caseworker = Membership.objects.get(user=side_a.user(Role.CASEWORKER))
    coordinator.post(
        f"/coalitions/{coalition.pk}/formations/{session.pk}/", {"attendee": [caseworker.pk]}
    )
    assert items(coordinator, coalition)[name]["training"] == "yes"
    admin_items = items(as_user(side_a.user(Role.ORGANISATION_ADMIN)), coalition)
    assert list(admin_items) == [name] and admin_items[name]["training"] == "yes"
    assert (
        items(as_user(side_b.user(Role.COORDINATOR)), coalition_b)[side_b.organisation.name][
            "training"
        ]
        == "no"
    )


def test_a_coalition_without_its_own_agreement_signs_the_one_above(coalition, side_a, side_b):
    provincial = coalition.parent
    agreement = new_agreement(provincial, side_a, summary="Provinciale")
    admin = as_user(side_a.user(Role.ORGANISATION_ADMIN))
    page = unescape(admin.get(f"/coalitions/{coalition.pk}/accueil-membres/").content.decode())
    assert "l'entente de Québec la couvre" in page
    assert f'href="/ententes/{provincial.pk}/"' in page
    name = side_a.organisation.name
    assert items(admin, coalition)[name]["agreement"] == "no"
    admin.post(f"/coalitions/{coalition.pk}/accueil-membres/signer/", {"agreement": agreement.pk})
    assert items(admin, coalition)[name]["agreement"] == "yes"
    # B's coalition is not under Québec: its agreement does not cover B, nothing to sign.
    other = side_b.organisation.coalitions.get()
    other_admin = as_user(side_b.user(Role.ORGANISATION_ADMIN))
    response = other_admin.post(
        f"/coalitions/{other.pk}/accueil-membres/signer/", {"agreement": agreement.pk}, follow=True
    )
    assert "La coalition n'a pas encore d'entente à signer." in unescape(response.content.decode())
    assert items(other_admin, other)[side_b.organisation.name]["agreement"] == "no"
    assert AgreementSignature.objects.count() == 1
