"""A health or immigration need says as much as the record itself: it follows its category, so
the firewall keeps it from police even with a consent for coordination (found in QA: the needs
list, the export and the matching form showed them)."""

import json

import pytest

from arrimage.cases import plan_services, selectors
from arrimage.cases.models import Need
from arrimage.core.errors import NotFound
from arrimage.orientation.case_profile import profile_from_case
from tests.cases.conftest import consent_for, membership
from tests.conftest import login

pytestmark = pytest.mark.django_db

PROTECTED_NEEDS = ["health", "mental_health", "immigration"]


@pytest.fixture
def case_with_needs(world):
    for need_type in [*PROTECTED_NEEDS, "housing"]:
        plan_services.need_add(
            actor_membership=membership(world.a),
            case_id=world.case_a.pk,
            need_type=need_type,
            urgency="high",
        )
    return world


def test_partner_sees_every_need_and_police_only_the_unprotected(case_with_needs):
    world = case_with_needs
    for side in (world.partner, world.police):
        consent_for(world.case_a, side.organisation)
    partner = selectors.case_get(
        actor_membership=membership(world.partner), case_id=world.case_a.pk, path="page"
    )
    police = selectors.case_get(
        actor_membership=membership(world.police), case_id=world.case_a.pk, path="page"
    )
    assert set(PROTECTED_NEEDS) <= {n["need_type"] for n in partner["needs"]}
    assert "housing" in {n["need_type"] for n in police["needs"]}
    assert not {n["need_type"] for n in police["needs"]} & set(PROTECTED_NEEDS)


def test_police_page_export_and_matching_carry_no_protected_need(client, case_with_needs):
    world = case_with_needs
    consent_for(world.case_a, world.police.organisation)
    login(client, world.police.user("caseworker"))
    page = client.get(f"/dossiers/{world.case_a.pk}/").content.decode()
    export = client.get(f"/dossiers/{world.case_a.pk}/export/").content.decode()
    assert "Hébergement" in page or "housing" in export
    for need_type in PROTECTED_NEEDS:
        assert f'"need_type": "{need_type}"' not in export
    needs = [n["need_type"] for n in json.loads(export).get("needs", [])]
    assert not set(needs) & set(PROTECTED_NEEDS)
    for label in ("Santé physique", "Santé mentale", "Aide en immigration"):
        assert label not in page
    profile = profile_from_case(actor=membership(world.police), case_id=world.case_a.pk)
    assert not {"physical_health", "mental_health", "immigration_legal"} & set(profile.needs)


def test_police_cannot_record_or_change_a_protected_need(case_with_needs):
    world = case_with_needs
    consent_for(world.case_a, world.police.organisation)
    before = sorted(Need.objects.values_list("need_type", "status"))
    with pytest.raises(NotFound):
        plan_services.need_add(
            actor_membership=membership(world.police),
            case_id=world.case_a.pk,
            need_type="immigration",
            urgency="high",
        )
    health = Need.objects.get(case=world.case_a, need_type="health")
    with pytest.raises(NotFound):
        plan_services.need_set_status(
            actor_membership=membership(world.police),
            case_id=world.case_a.pk,
            need_id=health.pk,
            status="met",
        )
    assert sorted(Need.objects.values_list("need_type", "status")) == before
