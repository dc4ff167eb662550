"""The policy applied to screenings.

Screening answers are exploitation-category data. A reader opens them only with a grant from
the one policy function (:func:`arrimage.privacy.grants.grants_issue`) that covers
exploitation for this screening, and one more rule holds here: police, border enforcement and
prosecution never see screening answers, whatever their role, an agreement or a consent says.
Their members reach no screening page at all (404, like a missing one).

Only the organisation that did a screening changes it (answers, attaching it to a case). A
partner whose reading the person consented to may read it, through the same grant.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from arrimage.accounts.models import Membership
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category
from arrimage.privacy.grants import Grant, Subject, grants_issue
from arrimage.privacy.policy import categories_role_may_write, is_enforcement
from arrimage.privacy.subjects import subject_resolve
from arrimage.screening.models import Screening


def screening_subject(screening: Screening) -> Subject:
    """A screening as the policy sees it (needs ``organisation`` loaded). Before it is
    attached to a case it belongs to no known person: the screening stands for its person,
    whom no consent names, so only its organisation reads it."""
    return Subject(
        kind="screening",
        id=screening.pk,
        person_id=screening.person_id or screening.pk,
        owner_organisation_id=screening.organisation_id,
        owner_organisation_type=screening.organisation.type,
    )


def is_screening_reader(actor: Membership | None) -> bool:
    """Whether the acting membership may use screening at all: not an enforcement body, and
    a role that reads (and so writes) exploitation."""
    if actor is None:
        return False
    if is_enforcement(actor.organisation.type):
        return False
    return Category.EXPLOITATION in categories_role_may_write(actor.role)


@dataclass(frozen=True)
class ScreeningGrant:
    screening: Screening
    grant: Grant

    @property
    def is_owner(self) -> bool:
        return self.grant.is_owner


def screening_grants(
    *, actor: Membership | None, screenings: Sequence[Screening]
) -> list[ScreeningGrant]:
    """The screenings of ``screenings`` the actor may read, each with its grant; the others
    are left out."""
    if not is_screening_reader(actor) or not screenings:
        return []
    assert actor is not None
    grants = grants_issue(actor=actor, subjects=[screening_subject(s) for s in screenings])
    return [
        ScreeningGrant(screening, grant)
        for screening, grant in zip(screenings, grants, strict=True)
        if grant.may(Category.EXPLOITATION)
    ]


def screening_grant(
    *,
    actor: Membership | None,
    screening_id: UUID | str,
    owner: bool = False,
    for_update: bool = False,
) -> ScreeningGrant:
    """The grant for one screening. Missing, unreadable, (with ``owner``) not the actor's
    organisation's: ``NotFound``, all alike."""
    if not is_screening_reader(actor):
        raise NotFound
    try:
        screening_uuid = UUID(str(screening_id))
    except ValueError as error:
        raise NotFound from error
    queryset = Screening.objects.select_related("organisation").filter(is_anonymised=False)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    screening = queryset.filter(pk=screening_uuid).first()
    if screening is None:
        raise NotFound
    granted = screening_grants(actor=actor, screenings=[screening])
    if not granted:
        raise NotFound
    if owner and not granted[0].is_owner:
        raise NotFound
    return granted[0]


def case_subject_for_screening(*, actor: Membership | None, case_id: UUID | str) -> Subject:
    """The case a screening may be attached to: one whose exploitation the actor may read,
    and so write (``NotFound`` otherwise, as for a missing case)."""
    if not is_screening_reader(actor):
        raise NotFound
    assert actor is not None
    try:
        case_uuid = UUID(str(case_id))
    except ValueError as error:
        raise NotFound from error
    subject = subject_resolve(kind="case", id=case_uuid)
    if subject is None:
        raise NotFound
    grant = grants_issue(actor=actor, subjects=[subject])[0]
    if not grant.may(Category.EXPLOITATION):
        raise NotFound
    return subject


def screening_access_record(
    *, actor: Membership, screening: Screening, action: str, path: str
) -> None:
    """Audit a read or a write of a screening's answers: ids and category codes only."""
    audit_record(
        action=action,
        actor_id=actor.user_id,
        organisation_id=actor.organisation_id,
        target_type="screening",
        target_id=str(screening.pk),
        details={
            "path": path,
            "categories": Category.EXPLOITATION.value,
            "case_id": str(screening.case_id) if screening.case_id else None,
        },
    )
