"""The one way to open personal data: a grant from the policy, checked field by field.

Two organisations with identical data; every refusal decrypts nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Membership, Role, TOTPDevice
from arrimage.cases import plan_services, services
from arrimage.cases.access import case_grants, case_subject
from arrimage.cases.models import Case, Note, Person
from arrimage.cases.sealing import category_data, open_text
from arrimage.core.credentials import NotACredential, credential_open
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.consent import consent_record
from arrimage.privacy.grants import grant_narrow, statistics_grants
from arrimage.privacy.policy import (
    categories_role_may_write,
    categories_role_reads,
    may_share_with,
    reader_of,
)
from arrimage.privacy.sealing import SealedAccessRefused, sealed_open

pytestmark = pytest.mark.django_db


def _membership(side, role=Role.CASEWORKER) -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation=side.organisation, role=role
    )


def _case(side, label: str) -> Case:
    actor = _membership(side)
    case = services.case_create(
        actor_membership=actor,
        identity={"alias": f"Alias {label}", "gender": "Female"},
        contact={"phone": "+1 514 555 0100"},
    )
    plan_services.note_add(
        actor_membership=actor, case_id=case.pk, category="health", body=f"Health note {label}"
    )
    plan_services.note_add(
        actor_membership=actor,
        case_id=case.pk,
        category="coordination",
        body=f"Coordination note {label}",
    )
    return Case.objects.select_related("person", "lead_organisation").get(pk=case.pk)


@pytest.fixture
def two_cases(side_a, side_b):
    return _case(side_a, "A"), _case(side_b, "B")


def test_the_owner_s_grant_opens_its_own_case(side_a, two_cases):
    case_a, _case_b = two_cases
    grant = case_grants(actor_membership=_membership(side_a), cases=[case_a])[0]
    assert grant.is_lead
    assert category_data(grant, case_a.person, Category.IDENTITY)["alias"] == "Alias A"
    bodies = {open_text(grant, n, "body_sealed") for n in Note.objects.filter(case=case_a)}
    assert bodies == {"Health note A", "Coordination note A"}


def test_another_organisation_without_consent_gets_an_empty_grant(side_a, two_cases):
    _case_a, case_b = two_cases
    grant = case_grants(actor_membership=_membership(side_a), cases=[case_b])[0]
    assert grant.readable == frozenset()
    with pytest.raises(SealedAccessRefused):
        category_data(grant, case_b.person, Category.IDENTITY)


def test_a_grant_does_not_open_a_row_of_another_case(side_a, two_cases):
    case_a, case_b = two_cases
    grant = case_grants(actor_membership=_membership(side_a), cases=[case_a])[0]
    note_b = Note.objects.filter(case=case_b, category="coordination").get()
    with pytest.raises(SealedAccessRefused):
        open_text(grant, note_b, "body_sealed")
    with pytest.raises(SealedAccessRefused):
        category_data(grant, case_b.person, Category.IDENTITY)


def test_a_grant_does_not_open_a_category_it_does_not_cover(side_a, two_cases):
    case_a, _case_b = two_cases
    coordinator = _membership(side_a, Role.COORDINATOR)
    grant = case_grants(actor_membership=coordinator, cases=[case_a])[0]
    assert grant.readable == frozenset({Category.COORDINATION})
    health_note = Note.objects.filter(case=case_a, category="health").get()
    with pytest.raises(SealedAccessRefused):
        open_text(grant, health_note, "body_sealed")
    with pytest.raises(SealedAccessRefused):
        category_data(grant, case_a.person, Category.IDENTITY)
    coordination_note = Note.objects.filter(case=case_a, category="coordination").get()
    assert open_text(grant, coordination_note, "body_sealed") == "Coordination note A"


def test_a_narrowed_grant_only_shrinks(side_a, two_cases):
    case_a, _case_b = two_cases
    grant = case_grants(actor_membership=_membership(side_a, Role.COORDINATOR), cases=[case_a])[0]
    narrowed = grant_narrow(grant.grant, [Category.IDENTITY, Category.COORDINATION])
    assert narrowed.categories == frozenset({Category.COORDINATION})


def test_a_consent_opens_only_its_categories_to_the_named_organisation(
    side_a, side_b, coalition, two_cases
):
    from tests.conftest import make_side

    case_a, _case_b = two_cases
    partner = make_side("Partner", coalition=coalition)
    from arrimage.privacy.agreements import agreement_version_create

    coordinator = _membership(side_a, Role.COORDINATOR)
    agreement_version_create(
        actor_membership=coordinator,
        coalition=coalition,
        rules=[
            (side_a.organisation.type, partner.organisation.type, "identity", "coordination"),
            (side_a.organisation.type, partner.organisation.type, "health", "coordination"),
        ],
    )
    consent_record(
        actor_membership=_membership(side_a),
        person=case_a.person,
        recipient=partner.organisation,
        categories=["identity"],
        purpose="coordination",
        method="verbal",
    )
    for side, expected in ((partner, {Category.IDENTITY}), (side_b, set())):
        grant = case_grants(actor_membership=_membership(side), cases=[case_a])[0]
        assert grant.readable == frozenset(expected)
    grant = case_grants(actor_membership=_membership(partner), cases=[case_a])[0]
    assert category_data(grant, case_a.person, Category.IDENTITY)["alias"] == "Alias A"
    with pytest.raises(SealedAccessRefused):
        category_data(grant, case_a.person, Category.CONTACT)


def test_the_statistics_grant_covers_what_the_consent_for_statistics_covers(side_a, two_cases):
    case_a, case_b = two_cases
    consent_record(
        actor_membership=_membership(side_a),
        person=case_a.person,
        recipient=side_a.organisation.__class__.objects.exclude(pk=side_a.organisation.pk).first(),
        categories=["identity"],
        purpose="statistics",
        method="written",
    )
    grant_a, grant_b = statistics_grants(
        subjects=[case_subject(case_a), case_subject(case_b)], at=timezone.now()
    )
    assert grant_a.purpose == Purpose.STATISTICS
    assert grant_a.categories == frozenset({Category.IDENTITY})
    assert grant_b.categories == frozenset()
    assert category_data(grant_a, case_a.person, Category.IDENTITY)["gender"] == "Female"
    with pytest.raises(SealedAccessRefused):
        category_data(grant_b, case_b.person, Category.IDENTITY)


def test_an_unregistered_field_never_opens(side_a, two_cases):
    case_a, _case_b = two_cases
    grant = case_grants(actor_membership=_membership(side_a), cases=[case_a])[0]
    with pytest.raises(SealedAccessRefused):
        sealed_open(grant=grant.grant, instance=case_a, field="reference")


def test_the_credential_door_refuses_personal_data(two_cases):
    case_a, _case_b = two_cases
    person = Person.objects.get(pk=case_a.person_id)
    with pytest.raises(NotACredential):
        credential_open(person, "identity_sealed")


def test_a_totp_seed_goes_through_the_credential_door(side_a):
    device = TOTPDevice.objects.create(user=side_a.user(Role.CASEWORKER), name="app")
    device.set_seed(b"\x01" * 20)
    device.save()
    device.refresh_from_db()
    assert device.seed() == b"\x01" * 20


@pytest.mark.parametrize("organisation_type", ["police", "border_enforcement", "prosecution"])
def test_enforcement_bodies_can_never_receive_protected_categories(organisation_type):
    for category in (Category.IMMIGRATION, Category.HEALTH, Category.LOCATION):
        assert not may_share_with(organisation_type=organisation_type, category=category)
    for category in (Category.IDENTITY, Category.CONTACT, Category.LEGAL):
        assert may_share_with(organisation_type=organisation_type, category=category)


def test_front_line_organisations_may_receive_every_category():
    for category in Category:
        assert may_share_with(organisation_type="shelter", category=category)


def test_roles_write_what_they_read():
    assert categories_role_may_write(Role.CASEWORKER) == frozenset(Category)
    assert categories_role_may_write(Role.COORDINATOR) == frozenset({Category.COORDINATION})
    assert categories_role_may_write(Role.ANALYST) == frozenset()
    assert categories_role_may_write(Role.ORGANISATION_ADMIN) == frozenset()
    assert categories_role_reads("no_such_role") == frozenset()
    for role in Role.values:
        assert categories_role_may_write(role) == categories_role_reads(role)


def test_the_reader_is_the_membership_s_organisation_and_role(side_a):
    membership = _membership(side_a, Role.SERVICE_STAFF)
    reader = reader_of(membership)
    assert reader.organisation_id == side_a.organisation.pk
    assert reader.organisation_type == side_a.organisation.type
    assert reader.role == Role.SERVICE_STAFF


def test_an_expired_consent_gives_nothing(side_a, coalition, two_cases):
    from tests.conftest import make_side

    case_a, _case_b = two_cases
    partner = make_side("Partner", coalition=coalition)
    consent = consent_record(
        actor_membership=_membership(side_a),
        person=case_a.person,
        recipient=partner.organisation,
        categories=["identity"],
        purpose="coordination",
        method="verbal",
    )
    later = consent.expires_at + timedelta(days=1)
    grant = case_grants(actor_membership=_membership(partner), cases=[case_a], at=later)[0]
    assert grant.readable == frozenset()
