"""Information-sharing agreements: versioned, edited by coordinators, audited, and read by
the policy."""

import pytest
from django.core.exceptions import ValidationError

from arrimage.cases import selectors
from arrimage.core.errors import NotFound
from arrimage.core.models import AuditEvent
from arrimage.privacy.agreements import AgreementResolver, agreement_version_create
from arrimage.privacy.models import SharingAgreement
from tests.cases.conftest import build_world, consent_for, membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(side_a, side_b, police_side, coalition):
    return build_world(side_a, side_b, police_side, coalition)


RULE = ("community", "community", "identity", "coordination")


def test_a_coordinator_saves_versions_and_each_change_is_audited(world, coalition):
    coordinator = membership(world.a, "coordinator")
    first = agreement_version_create(
        actor_membership=coordinator,
        coalition=coalition,
        rules=[RULE],
        summary="Identité entre organismes",
    )
    assert first.version == 2  # the world fixture made version 1
    second = agreement_version_create(actor_membership=coordinator, coalition=coalition, rules=[])
    assert second.version == 3
    assert first.rule_keys() == frozenset({RULE}) and second.rule_keys() == frozenset()
    events = AuditEvent.objects.filter(action="sharing_agreement_changed")
    assert [e.details["version"] for e in events] == [2, 3]
    assert events[0].details["rules_removed"] > 0


@pytest.mark.parametrize("role", ["caseworker", "service_staff", "analyst", "organisation_admin"])
def test_only_coordinators_edit(world, coalition, role):
    with pytest.raises(NotFound):
        agreement_version_create(
            actor_membership=membership(world.a, role), coalition=coalition, rules=[RULE]
        )
    assert SharingAgreement.objects.filter(coalition=coalition).count() == 1


def test_a_coordinator_of_another_coalition_cannot_edit(world, coalition):
    with pytest.raises(NotFound):
        agreement_version_create(
            actor_membership=membership(world.b, "coordinator"), coalition=coalition, rules=[RULE]
        )


@pytest.mark.parametrize("category", ["immigration", "health", "location"])
def test_no_agreement_can_open_the_firewall(world, coalition, category):
    with pytest.raises(ValidationError) as refused:
        agreement_version_create(
            actor_membership=membership(world.a, "coordinator"),
            coalition=coalition,
            rules=[("community", "police", category, "coordination")],
        )
    assert refused.value.code == "firewall"


def test_the_version_in_force_governs_at_the_next_request(world, coalition):
    consent_for(world.case_a, world.partner.organisation)
    partner = membership(world.partner)
    assert selectors.case_get(actor_membership=partner, case_id=world.case_a.pk)
    agreement_version_create(
        actor_membership=membership(world.a, "coordinator"), coalition=coalition, rules=[]
    )
    with pytest.raises(NotFound):
        selectors.case_get(actor_membership=partner, case_id=world.case_a.pk)
    agreement_version_create(
        actor_membership=membership(world.a, "coordinator"), coalition=coalition, rules=[RULE]
    )
    view = selectors.case_get(actor_membership=partner, case_id=world.case_a.pk)
    assert view["readable_categories"] == ["identity"]
    assert "notes" in view and all(n["category"] == "identity" for n in view["notes"])


def test_an_agreement_higher_up_covers_the_levels_below(world, coalition):
    SharingAgreement.objects.filter(coalition=coalition).delete()
    provincial = coalition.parent
    agreement_version_create(
        actor_membership=membership(world.a, "coordinator"), coalition=provincial, rules=[RULE]
    )
    resolver = AgreementResolver(world.partner.organisation.pk)
    combined = resolver.agreement_for(world.a.organisation.pk)
    assert combined is not None
    assert combined.allows(
        from_type="community", to_type="community", category="identity", purpose="coordination"
    )
    # B shares no coalition with A: no agreement at all.
    assert AgreementResolver(world.b.organisation.pk).agreement_for(world.a.organisation.pk) is None
