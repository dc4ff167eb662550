"""The policy function: each rule of DESIGN.md, and the firewall for every enforcement type."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from arrimage.accounts.models import Role
from arrimage.coalition.models import OrganisationType
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.policy import (
    ENFORCEMENT_TYPES,
    FIREWALLED_CATEGORIES,
    ROLE_CATEGORIES,
    Reader,
    is_firewalled,
    may_read,
    readable_categories,
)

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
OWNER = uuid.uuid4()
RECIPIENT = uuid.uuid4()


@dataclass
class AllowAll:
    def allows(self, *, from_type, to_type, category, purpose) -> bool:
        return True


@dataclass
class AllowOnly:
    category: Category

    def allows(self, *, from_type, to_type, category, purpose) -> bool:
        return category == self.category


@dataclass
class FakeConsent:
    recipient_id: uuid.UUID
    categories: frozenset[Category]
    purpose: Purpose
    expires_at: datetime
    withdrawn: bool = False

    def covers(self, *, recipient_id, category, purpose, at) -> bool:
        return (
            recipient_id == self.recipient_id
            and category in self.categories
            and purpose == self.purpose
            and at < self.expires_at
            and not self.withdrawn
        )


def consent_for_everything(recipient=RECIPIENT, **kwargs) -> FakeConsent:
    return FakeConsent(
        recipient, frozenset(Category), Purpose.COORDINATION, NOW + timedelta(days=30), **kwargs
    )


def decide(reader: Reader, category: Category, *, agreement=None, consents=()) -> bool:
    return may_read(
        reader=reader,
        category=category,
        owner_organisation_id=OWNER,
        owner_organisation_type="community",
        purpose=Purpose.COORDINATION,
        agreement=agreement,
        consents=consents,
        at=NOW,
    )


def test_role_table_names_every_role():
    assert set(ROLE_CATEGORIES) == set(Role.values)


def test_enforcement_types_are_the_three_of_the_design():
    assert {"police", "border_enforcement", "prosecution"} == ENFORCEMENT_TYPES
    assert set(OrganisationType.values) >= ENFORCEMENT_TYPES
    assert {Category.IMMIGRATION, Category.HEALTH, Category.LOCATION} == FIREWALLED_CATEGORIES


@pytest.mark.parametrize("org_type", sorted(ENFORCEMENT_TYPES))
@pytest.mark.parametrize("category", sorted(FIREWALLED_CATEGORIES))
def test_firewall_holds_against_consent_agreement_and_ownership(org_type, category):
    """No consent, agreement or ownership opens a protected category to enforcement."""
    recipient = Reader(RECIPIENT, org_type, Role.CASEWORKER)
    owner = Reader(OWNER, org_type, Role.CASEWORKER)
    assert is_firewalled(organisation_type=org_type, category=category)
    assert not decide(
        recipient, category, agreement=AllowAll(), consents=[consent_for_everything()]
    )
    assert not decide(owner, category, agreement=AllowAll())


@pytest.mark.parametrize("org_type", sorted(ENFORCEMENT_TYPES))
@pytest.mark.parametrize("category", sorted(set(Category) - FIREWALLED_CATEGORIES))
def test_enforcement_reads_unprotected_categories_only_with_consent(org_type, category):
    reader = Reader(RECIPIENT, org_type, Role.CASEWORKER)
    assert not is_firewalled(organisation_type=org_type, category=category)
    assert not decide(reader, category, agreement=AllowAll())
    assert decide(reader, category, agreement=AllowAll(), consents=[consent_for_everything()])


@pytest.mark.parametrize("org_type", sorted(set(OrganisationType.values) - ENFORCEMENT_TYPES))
@pytest.mark.parametrize("category", sorted(FIREWALLED_CATEGORIES))
def test_protected_categories_reach_other_types_with_consent(org_type, category):
    reader = Reader(RECIPIENT, org_type, Role.CASEWORKER)
    assert not is_firewalled(organisation_type=org_type, category=category)
    assert decide(reader, category, agreement=AllowAll(), consents=[consent_for_everything()])


@pytest.mark.parametrize("role", Role.values)
def test_membership_role_limits_categories_even_in_the_owning_organisation(role):
    reader = Reader(OWNER, "shelter", role)
    for category in Category:
        assert decide(reader, category) == (category in ROLE_CATEGORIES[role])


def test_owner_needs_no_agreement_nor_consent():
    assert decide(Reader(OWNER, "community", Role.CASEWORKER), Category.IDENTITY)


def test_other_organisation_needs_an_agreement():
    reader = Reader(RECIPIENT, "shelter", Role.CASEWORKER)
    assert not decide(reader, Category.IDENTITY, consents=[consent_for_everything()])


def test_agreement_limits_the_categories():
    reader = Reader(RECIPIENT, "shelter", Role.CASEWORKER)
    consents = [consent_for_everything()]
    agreement = AllowOnly(Category.CONTACT)
    assert decide(reader, Category.CONTACT, agreement=agreement, consents=consents)
    assert not decide(reader, Category.IDENTITY, agreement=agreement, consents=consents)


@pytest.mark.parametrize(
    "consent",
    [
        consent_for_everything(recipient=uuid.uuid4()),
        FakeConsent(RECIPIENT, frozenset(Category), Purpose.COORDINATION, NOW),
        consent_for_everything(withdrawn=True),
        FakeConsent(RECIPIENT, frozenset(Category), Purpose.STATISTICS, NOW + timedelta(days=1)),
        FakeConsent(
            RECIPIENT, frozenset({Category.CONTACT}), Purpose.COORDINATION, NOW + timedelta(days=1)
        ),
    ],
    ids=["other recipient", "expired", "withdrawn", "other purpose", "other category"],
)
def test_consent_must_name_recipient_category_purpose_and_be_valid(consent):
    reader = Reader(RECIPIENT, "shelter", Role.CASEWORKER)
    assert not decide(reader, Category.IDENTITY, agreement=AllowAll(), consents=[consent])


def test_readable_categories_for_police_with_full_consent_excludes_the_firewalled():
    reader = Reader(RECIPIENT, "police", Role.CASEWORKER)
    readable = readable_categories(
        reader=reader,
        owner_organisation_id=OWNER,
        owner_organisation_type="community",
        purpose=Purpose.COORDINATION,
        agreement=AllowAll(),
        consents=[consent_for_everything()],
        at=NOW,
    )
    assert readable == frozenset(Category) - FIREWALLED_CATEGORIES
