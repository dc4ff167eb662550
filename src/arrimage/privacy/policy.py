"""The one policy function. Every output path that shows personal data asks it.

A reader sees a category of a person's record only if ALL hold (DESIGN.md):

1. membership: the reader's role reads that category;
2. firewall: immigration, health and location never reach police, border enforcement or
   prosecution, whatever any setting or consent says;
3. agreement: the coalition's information-sharing agreement allows the category between the two
   organisation types, for the purpose;
4. consent: the reader's organisation owns the record, or the person gave an express, unexpired,
   unwithdrawn consent naming that organisation, the category and the purpose.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from arrimage.accounts.models import Membership
from arrimage.privacy.categories import Category, Purpose

ENFORCEMENT_TYPES: frozenset[str] = frozenset({"police", "border_enforcement", "prosecution"})
FIREWALLED_CATEGORIES: frozenset[Category] = frozenset(
    {Category.IMMIGRATION, Category.HEALTH, Category.LOCATION}
)

ROLE_CATEGORIES: dict[str, frozenset[Category]] = {
    "caseworker": frozenset(Category),
    "service_staff": frozenset(
        {
            Category.IDENTITY,
            Category.CONTACT,
            Category.LOCATION,
            Category.HEALTH,
            Category.COORDINATION,
        }
    ),
    "coordinator": frozenset({Category.COORDINATION}),
    "analyst": frozenset(),
    "organisation_admin": frozenset(),
}

# Who reads a record's access log (dates, names of readers, actions and category codes: no
# personal data of the person): members of the organisation that holds the record, in these
# roles. The organisation's administrator answers for access, so reads it though it reads no
# category of the record itself.
ACCESS_LOG_ROLES: frozenset[str] = frozenset({"caseworker", "coordinator", "organisation_admin"})


@dataclass(frozen=True)
class Reader:
    """Who asks: the organisation the user acts for, its type, and the user's role there."""

    organisation_id: UUID
    organisation_type: str
    role: str


class Agreement(Protocol):
    def allows(
        self, *, from_type: str, to_type: str, category: Category, purpose: Purpose
    ) -> bool: ...


class Consent(Protocol):
    def covers(
        self, *, recipient_id: UUID, category: Category, purpose: Purpose, at: datetime
    ) -> bool: ...


def is_firewalled(*, organisation_type: str, category: Category) -> bool:
    """True when the category may never reach an organisation of this type. Outside the
    kernel, ask :func:`may_share_with`."""
    return organisation_type in ENFORCEMENT_TYPES and category in FIREWALLED_CATEGORIES


def is_enforcement(organisation_type: str) -> bool:
    """Whether organisations of this type enforce the law (police, border enforcement,
    prosecution): the firewall keeps immigration, health and location from them, and they
    never hold beds or receive survivors' referrals for shelter."""
    return organisation_type in ENFORCEMENT_TYPES


def categories_firewalled() -> frozenset[Category]:
    """The categories that never reach an enforcement organisation (rule 2), for the pages
    that explain the rule."""
    return FIREWALLED_CATEGORIES


def categories_member_reads(membership: Membership) -> frozenset[Category]:
    """The categories a member may read in its own organisation's records: its role's
    (rule 1), less what the firewall keeps from its organisation's type (rule 2). Records of
    other organisations ask :func:`may_read` (agreement and consent)."""
    return frozenset(
        category
        for category in categories_role_reads(membership.role)
        if not is_firewalled(organisation_type=membership.organisation.type, category=category)
    )


def member_reads(membership: Membership, category: Category | str) -> bool:
    """Whether :func:`categories_member_reads` holds this category."""
    return Category(category) in categories_member_reads(membership)


def reader_of(membership: Membership) -> Reader:
    """The reader a membership is: its organisation, that organisation's type, the role."""
    return Reader(
        organisation_id=membership.organisation_id,
        organisation_type=membership.organisation.type,
        role=membership.role,
    )


def categories_role_reads(role: str) -> frozenset[Category]:
    """The categories a role reads in its own organisation's records (rule 1)."""
    return ROLE_CATEGORIES.get(role, frozenset())


def categories_role_may_write(role: str) -> frozenset[Category]:
    """The categories a role may write: exactly those it reads. Opening a case takes identity
    and coordination; recording a consent takes identity."""
    return categories_role_reads(role)


def may_share_with(*, organisation_type: str, category: Category | str) -> bool:
    """Whether any agreement or consent could ever let this category reach an organisation of
    this type (the firewall, rule 2). Forms use it to offer only what can be allowed."""
    return not is_firewalled(organisation_type=organisation_type, category=Category(category))


def reads_in_own_records(*, reader: Reader, category: Category) -> bool:
    """Whether the reader may read this category in its own organisation's records (rules 1
    and 2; no agreement or consent is involved). What is derived from a category — the
    urgency a detention gives, the order of a worklist by it — is shown only under this."""
    return may_read(
        reader=reader,
        category=category,
        owner_organisation_id=reader.organisation_id,
        owner_organisation_type=reader.organisation_type,
        purpose=Purpose.COORDINATION,
        agreement=None,
        consents=(),
        at=datetime.now(UTC),
    )


def may_read_access_log(*, reader: Reader, owner_organisation_id: UUID) -> bool:
    """Whether the reader may read the access log of a record its organisation holds."""
    return reader.organisation_id == owner_organisation_id and reader.role in ACCESS_LOG_ROLES


def may_read(
    *,
    reader: Reader,
    category: Category,
    owner_organisation_id: UUID,
    owner_organisation_type: str,
    purpose: Purpose,
    agreement: Agreement | None,
    consents: Iterable[Consent],
    at: datetime,
) -> bool:
    if category not in categories_role_reads(reader.role):
        return False
    if is_firewalled(organisation_type=reader.organisation_type, category=category):
        return False
    if reader.organisation_id == owner_organisation_id:
        return True
    if agreement is None:
        return False
    if not agreement.allows(
        from_type=owner_organisation_type,
        to_type=reader.organisation_type,
        category=category,
        purpose=purpose,
    ):
        return False
    return any(
        consent.covers(
            recipient_id=reader.organisation_id, category=category, purpose=purpose, at=at
        )
        for consent in consents
    )


def readable_categories(
    *,
    reader: Reader,
    owner_organisation_id: UUID,
    owner_organisation_type: str,
    purpose: Purpose,
    agreement: Agreement | None,
    consents: Iterable[Consent],
    at: datetime,
) -> frozenset[Category]:
    """Every category :func:`may_read` allows, for one record."""
    consents = list(consents)
    return frozenset(
        category
        for category in Category
        if may_read(
            reader=reader,
            category=category,
            owner_organisation_id=owner_organisation_id,
            owner_organisation_type=owner_organisation_type,
            purpose=purpose,
            agreement=agreement,
            consents=consents,
            at=at,
        )
    )
