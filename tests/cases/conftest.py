"""Fixtures of the case tests: organisations with identical data, an agreement, consents."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.cases import plan_services, services, track_services
from arrimage.cases.models import Case
from arrimage.coalition.models import OrganisationType
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.models import ConsentRecord, SharingAgreement, SharingRule
from arrimage.privacy.policy import is_firewalled
from tests.conftest import Side, make_side


def membership(side: Side, role: str = Role.CASEWORKER) -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation=side.organisation, role=role
    )


def marker(label: str, category: str, kind: str = "note") -> str:
    return f"mk-{label.lower()}-{category}-{kind}"


def populate(side: Side, label: str) -> Case:
    """One case with a marker in every category: person fields, records and a note, a
    task and a plan goal per category. Identical shape for every side."""
    actor = membership(side)
    case = services.case_create(
        actor_membership=actor,
        identity={
            "alias": marker(label, "identity", "alias"),
            "gender": "Female",
            "year_of_birth": 1990,
            "languages": ["es"],
        },
        contact={
            "phone": "+1 514 555 0100",
            "safe_contact_instructions": marker(label, "contact", "field"),
        },
        location={"city": "Montréal", "accommodation": marker(label, "location", "field")},
        immigration={"citizenship": ["MX"]},
    )
    services.legal_update(
        actor_membership=actor,
        case_id=case.pk,
        data={"proceedings": marker(label, "legal", "field")},
    )
    track_services.exploitation_update(
        actor_membership=actor,
        case_id=case.pk,
        data={
            "labour_exploitation_types": ["Agriculture"],
            "methods_of_control": ["WithholdsDocuments"],
            "details": marker(label, "exploitation", "field"),
        },
    )
    track_services.immigration_update(
        actor_membership=actor,
        case_id=case.pk,
        data={
            "status": "trp_victim",
            "legal_representative": marker(label, "immigration", "field"),
        },
    )
    track_services.health_follow_up_add(
        actor_membership=actor,
        case_id=case.pk,
        data={"kind": "referral", "service": marker(label, "health", "field"), "coverage": "ifhp"},
    )
    plan_services.goal_add(
        actor_membership=actor, case_id=case.pk, text=marker(label, "coordination", "field")
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    for category in Category.values:
        plan_services.note_add(
            actor_membership=actor,
            case_id=case.pk,
            category=category,
            body=marker(label, category, "note"),
        )
        plan_services.task_add(
            actor_membership=actor,
            case_id=case.pk,
            category=category,
            title=marker(label, category, "task"),
            due_on=tomorrow,
        )
        plan_services.goal_add(
            actor_membership=actor,
            case_id=case.pk,
            category=category,
            text=marker(label, category, "goal"),
        )
    return Case.objects.select_related("lead_organisation", "person").get(pk=case.pk)


def agreement_allowing_all(coalition, *, purposes=(Purpose.COORDINATION,)) -> SharingAgreement:
    agreement = SharingAgreement.objects.create(coalition=coalition, version=1)
    SharingRule.objects.bulk_create(
        SharingRule(agreement=agreement, from_type=f, to_type=t, category=c, purpose=p)
        for f in OrganisationType.values
        for t in OrganisationType.values
        for c in Category.values
        for p in purposes
        if not is_firewalled(organisation_type=t, category=Category(c))
    )
    return agreement


def consent_for(
    case: Case, recipient, *, state: str = "given", purpose: str = Purpose.COORDINATION
) -> ConsentRecord | None:
    """A consent in the given state, written straight to the table (the states expired and
    withdrawn cannot be reached through the service without waiting)."""
    if state == "none":
        return None
    now = timezone.now()
    categories = [
        c
        for c in Category.values
        if not is_firewalled(organisation_type=recipient.type, category=Category(c))
    ]
    consent = ConsentRecord.objects.create(
        person=case.person,
        organisation=case.lead_organisation,
        recipient=recipient,
        categories=categories,
        purpose=purpose,
        method="verbal",
        recorded_at=now - timedelta(days=400 if state == "expired" else 1),
        expires_at=now - timedelta(days=35) if state == "expired" else now + timedelta(days=300),
        withdrawn_at=now - timedelta(minutes=1) if state == "withdrawn" else None,
    )
    return consent


@dataclass
class World:
    a: Side
    b: Side
    partner: Side
    police: Side
    case_a: Case
    case_b: Case


def build_world(side_a: Side, side_b: Side, police_side: Side, coalition) -> World:
    """A and B hold identical cases (in different coalitions); a partner community
    organisation and a police service sit in A's coalition, which has an agreement allowing
    every category the firewall permits."""
    partner = make_side("Partner", coalition=coalition)
    agreement_allowing_all(coalition)
    return World(
        a=side_a,
        b=side_b,
        partner=partner,
        police=police_side,
        case_a=populate(side_a, "A"),
        case_b=populate(side_b, "B"),
    )


@pytest.fixture
def world(side_a, side_b, police_side, coalition) -> World:
    return build_world(side_a, side_b, police_side, coalition)
