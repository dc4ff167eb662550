"""Who reads what of a conference. Every decision is the policy's
(:mod:`arrimage.privacy.policy`): a participant of a case conference reads an agenda item if
the grant of its organisation for the case (:func:`arrimage.cases.access.case_grant`: role,
firewall, agreement, consent) covers the item's category; a participant of a theme conference
reads an item unless the firewall keeps its category from the participant's organisation
(:func:`arrimage.privacy.policy.may_share_with`): police, border enforcement and prosecution
never read immigration, health or location items, whatever the theme.

An item a participant may not read is absent from everything they get: no title, no
placeholder, no count, no gap in the numbering. Its category alone would tell an enforcement
body that there is an immigration or health matter on the case.

A conference the acting membership does not take part in does not exist for it (``NotFound``,
as for a missing id).
"""

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from arrimage.accounts.models import Membership
from arrimage.cases.access import CaseGrant, case_grants
from arrimage.cases.models import Case
from arrimage.cases.sealing import open_text, seal_text
from arrimage.conferences.models import AgendaItem, Conference, Participant
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category
from arrimage.privacy.policy import may_share_with


@dataclass(frozen=True)
class ConferenceAccess:
    """A conference as one participant reads it: the categories its items may be in, and
    for a case conference the case's grant (None when the case reads nothing for them)."""

    conference: Conference
    membership: Membership
    readable: frozenset[Category]
    case_grant: CaseGrant | None

    def may(self, category: str | Category) -> bool:
        return str(category) in {str(c) for c in self.readable}


def _uuid(value: UUID | str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError as error:
        raise NotFound from error


def conference_access(
    *, actor_membership: Membership | None, conference_id: UUID | str, for_update: bool = False
) -> ConferenceAccess:
    """The conference for a participant (the acting membership itself was invited), with what
    the policy lets it read; anyone else: ``NotFound``."""
    if actor_membership is None:
        raise NotFound
    queryset = Conference.objects.select_related(
        "case__lead_organisation", "case__person", "organiser_organisation"
    )
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    conference = queryset.filter(pk=_uuid(conference_id)).first()
    if conference is None:
        raise NotFound
    if not Participant.objects.filter(conference=conference, membership=actor_membership).exists():
        raise NotFound
    return ConferenceAccess(
        conference=conference,
        membership=actor_membership,
        readable=_readable(actor_membership, conference.case),
        case_grant=_case_grant(actor_membership, conference.case),
    )


def _case_grant(membership: Membership, case: Case | None) -> CaseGrant | None:
    if case is None:
        return None
    grant = case_grants(actor_membership=membership, cases=[case])[0]
    return grant if grant.readable else None


def _readable(membership: Membership, case: Case | None) -> frozenset[Category]:
    if case is not None:
        grant = _case_grant(membership, case)
        return grant.readable if grant is not None else frozenset()
    return theme_categories(membership)


def theme_categories(membership: Membership) -> frozenset[Category]:
    """The categories of theme items a member reads: all but what the firewall keeps from
    its organisation's type."""
    organisation_type = membership.organisation.type
    return frozenset(
        category
        for category in Category
        if may_share_with(organisation_type=organisation_type, category=category)
    )


def item_content(access: ConferenceAccess, item: AgendaItem) -> dict[str, str]:
    """Title, minutes and decision of an item the participant may read (the caller checks
    ``access.may(item.category)`` first; the kernel refuses otherwise)."""
    if not access.may(item.category):
        raise NotFound
    if access.conference.case_id is None:
        return {key: str(item.content.get(key, "")) for key in ("title", "minutes", "decision")}
    if access.case_grant is None:
        raise NotFound
    data: dict[str, Any] = json.loads(open_text(access.case_grant, item, "content_sealed") or "{}")
    return {key: str(data.get(key, "")) for key in ("title", "minutes", "decision")}


def item_content_write(conference: Conference, item: AgendaItem, data: dict[str, str]) -> None:
    """Put the content on the row: sealed for the case's lead organisation on a case
    conference, plain on a theme (the caller saves)."""
    if conference.case_id is None:
        item.content = data
        item.content_sealed = None
    else:
        item.content = {}
        seal_text(item, "content_sealed", json.dumps(data, sort_keys=True))
