"""Who reads and who writes a coalition's pages (docs/coalition.md, "Who does what").

- Members read: every user acting for an organisation that belongs to the coalition, directly
  or through a coalition below it (a national announcement reaches the local tables).
- Coordinators write: users in the coordinator role of an organisation that is itself a
  member of the coalition. A coordinator of a local table does not write for the national
  network.
- The onboarding checklist: the coordinators, for every member organisation; an
  organisation's administrator, for that organisation only.

Anyone else gets the same 404 as a missing coalition.
"""

from uuid import UUID

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Coalition, CoalitionMembership
from arrimage.coalition.selectors import coalition_get
from arrimage.core.errors import NotFound


def coalition_for_reader(*, actor: Membership | None, coalition_id: UUID) -> Coalition:
    """The coalition, if the acting organisation belongs to it or to one below it."""
    return coalition_get(membership=actor, coalition_id=coalition_id)


def is_direct_member(*, actor: Membership, coalition: Coalition) -> bool:
    return CoalitionMembership.objects.filter(
        coalition=coalition, organisation_id=actor.organisation_id
    ).exists()


def may_coordinate(*, actor: Membership | None, coalition: Coalition) -> bool:
    if actor is None:
        return False
    if actor.role != Role.COORDINATOR:
        return False
    return is_direct_member(actor=actor, coalition=coalition)


def may_read_onboarding(*, actor: Membership | None, coalition: Coalition) -> bool:
    if actor is None:
        return False
    if actor.role not in {Role.COORDINATOR, Role.ORGANISATION_ADMIN}:
        return False
    return is_direct_member(actor=actor, coalition=coalition)


def coalition_for_coordinator(*, actor: Membership | None, coalition_id: UUID) -> Coalition:
    coalition = coalition_for_reader(actor=actor, coalition_id=coalition_id)
    if not may_coordinate(actor=actor, coalition=coalition):
        raise NotFound
    return coalition


def coalition_for_onboarding(*, actor: Membership | None, coalition_id: UUID) -> Coalition:
    coalition = coalition_for_reader(actor=actor, coalition_id=coalition_id)
    if not may_read_onboarding(actor=actor, coalition=coalition):
        raise NotFound
    return coalition
