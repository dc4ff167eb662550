"""A caseworker corrects the person's identity and a need's status from the case page; another
organisation with identical data can do neither (404, nothing changed)."""

import pytest

from arrimage.cases import plan_services, selectors
from arrimage.cases.models import Need
from tests.cases.conftest import membership
from tests.conftest import login

pytestmark = pytest.mark.django_db


def identity(world, side, case):
    return selectors.case_get(actor_membership=membership(side), case_id=case.pk, path="page")[
        "person"
    ]


def test_the_case_page_offers_the_identity_and_need_status_forms(client, world):
    plan_services.need_add(
        actor_membership=membership(world.a),
        case_id=world.case_a.pk,
        need_type="housing",
        urgency="high",
    )
    login(client, world.a.user("caseworker"))
    page = client.get(f"/dossiers/{world.case_a.pk}/").content.decode()
    assert f'action="/dossiers/{world.case_a.pk}/personne/identity/"' in page
    assert 'name="given_name"' in page
    assert 'id="need-status-' in page


def test_lead_caseworker_corrects_the_identity(client, world):
    login(client, world.a.user("caseworker"))
    response = client.post(
        f"/dossiers/{world.case_a.pk}/personne/identity/",
        {
            "alias": "Rosa",
            "given_name": "",
            "family_name": "",
            "year_of_birth": "1999",
            "age_band": "",
            "gender": "Female",
            "languages": "es, fr",
        },
    )
    assert response.status_code == 302
    person = identity(world, world.a, world.case_a)
    assert person["alias"] == "Rosa"
    assert person["year_of_birth"] == 1999
    assert person["languages"] == ["es", "fr"]
    assert "citizenship" not in person
    # The citizenship is immigration: changed on the immigration page.
    response = client.post(
        f"/dossiers/{world.case_a.pk}/immigration/",
        {"status": "trp_victim", "citizenship": ["CO", "MX"]},
    )
    assert response.status_code == 302
    case = selectors.case_get(actor_membership=membership(world.a), case_id=world.case_a.pk)
    assert case["immigration"]["citizenship"] == ["CO", "MX"]
    assert case["immigration"]["status"] == "trp_victim"


def test_other_organisation_cannot_change_identity_or_need(client, world):
    need = plan_services.need_add(
        actor_membership=membership(world.a),
        case_id=world.case_a.pk,
        need_type="housing",
        urgency="high",
    )
    before = identity(world, world.a, world.case_a)
    login(client, world.b.user("caseworker"))
    response = client.post(f"/dossiers/{world.case_a.pk}/personne/identity/", {"alias": "Changé"})
    assert response.status_code == 404
    response = client.post(f"/dossiers/{world.case_a.pk}/besoins/{need.pk}/", {"status": "met"})
    assert response.status_code == 404
    assert identity(world, world.a, world.case_a) == before
    assert Need.objects.get(pk=need.pk).status == "open"


def test_lead_caseworker_changes_a_need_status(client, world):
    need = plan_services.need_add(
        actor_membership=membership(world.a),
        case_id=world.case_a.pk,
        need_type="housing",
        urgency="high",
    )
    login(client, world.a.user("caseworker"))
    client.post(f"/dossiers/{world.case_a.pk}/besoins/{need.pk}/", {"status": "met"})
    assert Need.objects.get(pk=need.pk).status == "met"
