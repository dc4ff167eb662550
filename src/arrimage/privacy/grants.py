"""Grants: what the policy allows one actor to open of one subject, for one purpose.

A grant is the only thing that opens sealed personal data (:mod:`arrimage.privacy.sealing`).
The kernel knows nothing of cases or referrals: a subject is plain values (what it is, its id,
the person it is about and the organisation that holds it). The domain apps describe their
records as subjects and ask for grants (``cases/access.py`` builds ``case_grant`` on
:func:`grants_issue`).

A grant covers the subject's own rows and the person's rows (``covers``): a sealed field opens
only if its row belongs to one of them and its category is in the grant.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.privacy.agreements import AgreementResolver
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.consent import consents_active_for_recipient, consents_statistics_scope
from arrimage.privacy.models import ConsentRecord
from arrimage.privacy.policy import Reader, readable_categories, reader_of

# A row of sealed data belongs to a subject (``("case", id)``) or to a person
# (``("person", id)``).
SubjectKey = tuple[str, str]

# The categories the retention schedule reads to keep what statistics count, and no others.
ANONYMISATION_CATEGORIES = frozenset(
    {Category.IDENTITY, Category.EXPLOITATION, Category.IMMIGRATION}
)


@dataclass(frozen=True)
class Subject:
    """A record of personal data, as the policy sees it."""

    kind: str
    id: UUID
    person_id: UUID
    owner_organisation_id: UUID
    owner_organisation_type: str

    @property
    def keys(self) -> frozenset[SubjectKey]:
        return frozenset({(self.kind, str(self.id)), ("person", str(self.person_id))})


@dataclass(frozen=True)
class Grant:
    """Issued by the policy only. ``actor_user_id`` is None when Arrimage itself acts (the
    statistics worker, the retention schedule)."""

    actor_user_id: UUID | None
    actor_organisation_id: UUID | None
    subject: Subject
    purpose: Purpose
    categories: frozenset[Category]

    def may(self, category: str | Category) -> bool:
        return Category(category) in self.categories

    def covers(self, key: SubjectKey) -> bool:
        return key in self.subject.keys

    @property
    def is_owner(self) -> bool:
        return self.actor_organisation_id == self.subject.owner_organisation_id


def grants_issue(
    *,
    actor: Membership,
    subjects: Sequence[Subject],
    purpose: Purpose = Purpose.COORDINATION,
    at: datetime | None = None,
) -> list[Grant]:
    """One grant per subject, in the same order, from the one policy function with the actor's
    membership, the agreement between the two organisations and the person's consents naming
    the actor's organisation. A grant whose categories are empty opens nothing."""
    at = at or timezone.now()
    reader = reader_of(actor)
    others = [s for s in subjects if s.owner_organisation_id != reader.organisation_id]
    consents: dict[UUID, list[ConsentRecord]] = defaultdict(list)
    resolver = AgreementResolver(reader.organisation_id)
    if others:
        for consent in consents_active_for_recipient(
            recipient_id=reader.organisation_id,
            purpose=purpose,
            at=at,
            person_ids={s.person_id for s in others},
        ):
            consents[consent.person_id].append(consent)
        resolver.prime({s.owner_organisation_id for s in others if consents.get(s.person_id)})
    grants = []
    # For the actor's own records every input of the policy is the same: ask it once.
    own: frozenset[Category] | None = None
    for subject in subjects:
        is_owner = subject.owner_organisation_id == reader.organisation_id
        person_consents = consents.get(subject.person_id, [])
        if not is_owner and not person_consents:
            categories: frozenset[Category] = frozenset()
        elif is_owner and own is not None:
            categories = own
        else:
            categories = readable_categories(
                reader=reader,
                owner_organisation_id=subject.owner_organisation_id,
                owner_organisation_type=subject.owner_organisation_type,
                purpose=purpose,
                agreement=None
                if is_owner
                else resolver.agreement_for(subject.owner_organisation_id),
                consents=person_consents,
                at=at,
            )
            if is_owner:
                own = categories
        grants.append(
            Grant(
                actor_user_id=actor.user_id,
                actor_organisation_id=reader.organisation_id,
                subject=subject,
                purpose=purpose,
                categories=categories,
            )
        )
    return grants


def grant_narrow(grant: Grant, categories: Iterable[Category]) -> Grant:
    """The same grant, limited to ``categories`` (what a referral shares, for example). A
    grant can only shrink."""
    return Grant(
        actor_user_id=grant.actor_user_id,
        actor_organisation_id=grant.actor_organisation_id,
        subject=grant.subject,
        purpose=grant.purpose,
        categories=grant.categories & frozenset(Category(c) for c in categories),
    )


def statistics_grants(*, subjects: Sequence[Subject], at: datetime) -> list[Grant]:
    """For the statistics worker (no user): each subject's categories that the person's live
    consents for statistics cover, and nothing else."""
    scopes = consents_statistics_scope({s.person_id for s in subjects}, at=at)
    return [
        Grant(
            actor_user_id=None,
            actor_organisation_id=None,
            subject=subject,
            purpose=Purpose.STATISTICS,
            categories=scopes.get(subject.person_id, frozenset()),
        )
        for subject in subjects
    ]


def anonymisation_grant(*, subject: Subject) -> Grant:
    """For the retention schedule (no user), acting for the organisation that holds the
    record: it reads identity, exploitation and immigration to keep the codes statistics count
    and erases the rest. Each use is audited by the anonymisation (``case_anonymised``)."""
    return Grant(
        actor_user_id=None,
        actor_organisation_id=subject.owner_organisation_id,
        subject=subject,
        purpose=Purpose.COORDINATION,
        categories=ANONYMISATION_CATEGORIES,
    )


def search_index_grant(*, subject: Subject) -> Grant:
    """For rebuilding case search's blind index (no user), acting for the organisation that
    holds the record: it reads identity to hash the names under that organisation's own index
    key, and shows nothing to anyone. The rebuild is audited (``case_search_index_rebuilt``)."""
    return Grant(
        actor_user_id=None,
        actor_organisation_id=subject.owner_organisation_id,
        subject=subject,
        purpose=Purpose.COORDINATION,
        categories=frozenset({Category.IDENTITY}),
    )


def category_move_grant(*, subject: Subject, categories: Iterable[Category]) -> Grant:
    """For a data migration that moves a field from one category to another (no user), acting
    for the organisation that holds the record: it opens the categories the field leaves and
    joins, to seal the field again under its new category, and shows nothing to anyone. Meant
    for migrations only (``cases/migrations/0006_citizenship_immigration.py``); each run is
    audited by the migration (``citizenship_moved_to_immigration``)."""
    return Grant(
        actor_user_id=None,
        actor_organisation_id=subject.owner_organisation_id,
        subject=subject,
        purpose=Purpose.COORDINATION,
        categories=frozenset(Category(c) for c in categories),
    )


@dataclass(frozen=True)
class Shareable:
    has_consent: bool
    categories: frozenset[Category]


def categories_shareable(
    *,
    owner_organisation_id: UUID,
    owner_organisation_type: str,
    person_id: UUID,
    recipient_id: UUID,
    recipient_type: str,
    purpose: Purpose,
    at: datetime,
) -> Shareable:
    """What the one policy function lets pass from the owner of a person's record to another
    organisation (a referral's recipient): firewall, agreement and the person's express
    consent. The recipient's role is checked again at each read; here a role that reads every
    category stands for it."""
    consents = list(
        consents_active_for_recipient(
            recipient_id=recipient_id, purpose=purpose, at=at, person_ids=[person_id]
        )
    )
    own = recipient_id == owner_organisation_id
    if not consents and not own:
        return Shareable(False, frozenset())
    reader = Reader(
        organisation_id=recipient_id, organisation_type=recipient_type, role=Role.CASEWORKER
    )
    agreement = (
        None if own else AgreementResolver(recipient_id).agreement_for(owner_organisation_id)
    )
    allowed = readable_categories(
        reader=reader,
        owner_organisation_id=owner_organisation_id,
        owner_organisation_type=owner_organisation_type,
        purpose=purpose,
        agreement=agreement,
        consents=consents,
        at=at,
    )
    return Shareable(bool(consents) or own, allowed)
