"""Mandates through HTTP: what an organisation does, does not do, and its limits on sharing,
written by its own administrators and coordinators, read by partners on the coalition's page,
in the directory and in a case's team. A and B hold identical mandates in two coalitions."""

import pytest

from arrimage.accounts.models import Role
from arrimage.coalition.models import Organisation
from arrimage.core.models import AuditEvent
from tests.cases.conftest import build_world, consent_for
from tests.conftest import login
from tests.orientation.conftest import make_service

pytestmark = pytest.mark.django_db

MANDATE = {
    "mandate": "Hébergement d’urgence et accompagnement",
    "mandate_excludes": "Aucune représentation juridique",
    "mandate_sharing_limits": "Adresse jamais communiquée",
}


def _url(organisation) -> str:
    return f"/mandats/{organisation.pk}/"


def _mandate_of(organisation) -> tuple[str, str, str]:
    fresh = Organisation.objects.get(pk=organisation.pk)
    return (fresh.mandate, fresh.mandate_excludes, fresh.mandate_sharing_limits)


@pytest.fixture
def mandates(client, side_a, side_b):
    for side in (side_a, side_b):
        client.logout()
        login(client, side.user(Role.ORGANISATION_ADMIN))
        label = side.organisation.name[-1]
        response = client.post(
            _url(side.organisation), {k: f"{v} {label}" for k, v in MANDATE.items()}
        )
        assert response.status_code == 302
    client.logout()


@pytest.mark.parametrize("role", [Role.ORGANISATION_ADMIN, Role.COORDINATOR])
def test_admins_and_coordinators_write_the_three_parts(client, side_a, role):
    login(client, side_a.user(role))
    page = client.get(_url(side_a.organisation)).content.decode()
    assert "Accompagnement" in page  # the text the organisation had: "what we do"
    response = client.post(_url(side_a.organisation), MANDATE)
    assert response.status_code == 302
    assert _mandate_of(side_a.organisation) == tuple(MANDATE.values())
    assert AuditEvent.objects.filter(
        action="organisation_mandate_changed", organisation_id=side_a.organisation.pk
    ).exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SERVICE_STAFF, Role.ANALYST])
def test_other_roles_do_not_write_it(client, side_a, role):
    login(client, side_a.user(role))
    before = _mandate_of(side_a.organisation)
    assert client.get(_url(side_a.organisation)).status_code == 404
    assert client.post(_url(side_a.organisation), MANDATE).status_code == 404
    assert _mandate_of(side_a.organisation) == before


@pytest.mark.parametrize("role", [Role.ORGANISATION_ADMIN, Role.COORDINATOR])
def test_a_admin_cannot_edit_b_mandate(client, side_a, side_b, police_side, mandates, role):
    login(client, side_a.user(role))
    events = AuditEvent.objects.count()
    for other in (side_b, police_side):
        before = _mandate_of(other.organisation)
        assert client.get(_url(other.organisation)).status_code == 404
        response = client.post(_url(other.organisation), {"mandate": "écrasé"})
        assert response.status_code == 404
        assert _mandate_of(other.organisation) == before
    assert AuditEvent.objects.count() == events


def test_anonymous_is_refused(client, side_a):
    before = _mandate_of(side_a.organisation)
    response = client.post(_url(side_a.organisation), MANDATE)
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")
    assert _mandate_of(side_a.organisation) == before


def test_bad_input_gets_a_translated_error_and_loses_nothing(client, side_a):
    login(client, side_a.user(Role.ORGANISATION_ADMIN))
    before = _mandate_of(side_a.organisation)
    data = {**MANDATE, "mandate_excludes": "x" * 2001, "mandate_sharing_limits": "a\x1bb"}
    response = client.post(_url(side_a.organisation), data)
    assert response.status_code == 400
    page = response.content.decode()
    too_long = (
        "Ce que nous ne faisons pas\u00a0: le texte est trop long (2000 caractères au maximum)."
    )
    character = "Nos limites au partage d’information contient un caractère non permis (U+001B)."
    assert too_long in page
    assert character in page
    assert MANDATE["mandate"] in page and "x" * 2001 in page  # nothing typed is lost
    assert _mandate_of(side_a.organisation) == before


def test_partners_and_police_see_mandates_on_the_coalition_page(
    client, side_a, police_side, coalition, mandates
):
    for reader in (side_a.user(Role.ANALYST), police_side.user(Role.CASEWORKER)):
        client.logout()
        login(client, reader)
        page = client.get(f"/coalitions/{coalition.pk}/").content.decode()
        for value in MANDATE.values():
            assert f"{value} A" in page
        assert f"{MANDATE['mandate']} B" not in page
        assert "<details" in page


def test_the_mandate_shows_on_the_directory_page(client, side_a, side_b, mandates):
    service = make_service(side_b.organisation, name_fr="Refuge B")
    login(client, side_a.user(Role.CASEWORKER))
    page = client.get(f"/repertoire/services/{service.pk}/").content.decode()
    assert f'data-mandate="{side_b.organisation.pk}"' in page
    assert f"{MANDATE['mandate_sharing_limits']} B" in page
    client.logout()
    # The public sees the service, not the partners' mandates.
    public = client.get(f"/repertoire/services/{service.pk}/")
    assert public.status_code == 200
    assert "Refuge B" in public.content.decode()
    assert "data-mandate" not in public.content.decode()


def test_the_mandates_show_in_the_case_team(client, side_a, side_b, police_side, coalition):
    world = build_world(side_a, side_b, police_side, coalition)
    for side, label in ((world.a, "A"), (world.partner, "Partner")):
        client.logout()
        login(client, side.user(Role.ORGANISATION_ADMIN))
        client.post(_url(side.organisation), {**MANDATE, "mandate": f"Mandat de {label}"})
    consent_for(world.case_a, world.partner.organisation)
    client.logout()
    login(client, world.a.user(Role.CASEWORKER))
    page = client.get(f"/dossiers/{world.case_a.pk}/").content.decode()
    assert 'id="team"' in page
    assert f'data-mandate="{world.a.organisation.pk}"' in page
    assert "Mandat de A" in page
    client.logout()
    login(client, world.partner.user(Role.CASEWORKER))
    page = client.get(f"/dossiers/{world.case_a.pk}/").content.decode()
    assert "Mandat de A" in page and "Mandat de Partner" in page
