"""The case's access log (/dossiers/<id>/journal/) opens to the lead organisation's
caseworker, coordinator and administrator — the roles the policy names
(``ACCESS_LOG_ROLES``) — and to no one else: not its other roles, not B's administrator,
whose identical case is in another coalition, not a partner or police."""

import pytest

from arrimage.accounts.models import Role
from arrimage.cases.models import CaseAccess
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _get(client, user, case):
    client.logout()
    login(client, user)
    return client.get(f"/dossiers/{case.pk}/journal/")


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.COORDINATOR, Role.ORGANISATION_ADMIN])
def test_the_lead_organisation_roles_read_the_log(client, world, role):
    assert CaseAccess.objects.filter(case_id=world.case_a.pk).exists()
    response = _get(client, world.a.user(role), world.case_a)
    assert response.status_code == 200
    body = response.content.decode()
    assert world.case_a.reference in body
    assert world.a.user(Role.CASEWORKER).full_name in body  # who wrote the case


@pytest.mark.parametrize("role", [Role.SERVICE_STAFF, Role.ANALYST])
def test_other_roles_of_the_lead_organisation_do_not(client, world, role):
    assert _get(client, world.a.user(role), world.case_a).status_code == 404


@pytest.mark.parametrize("side", ["b", "partner", "police"])
@pytest.mark.parametrize("role", [Role.ORGANISATION_ADMIN, Role.CASEWORKER, Role.COORDINATOR])
def test_other_organisations_get_nothing(client, world, side, role):
    before = CaseAccess.objects.count()
    response = _get(client, getattr(world, side).user(role), world.case_a)
    assert response.status_code == 404
    assert world.case_a.reference not in response.content.decode()
    assert CaseAccess.objects.count() == before
