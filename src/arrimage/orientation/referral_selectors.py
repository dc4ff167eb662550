"""Reads of referrals. Each takes the acting membership first; a referral exists only for the
sending organisation's caseworkers and the receiving organisation's staff (404 for everyone
else).

The recipient sees the case's categories the sender shared, and of those only the ones the
policy still allows at this request: a consent withdrawn after sending removes them at once,
and the shared timeline then says that some information is no longer available, never why.
"""

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from arrimage.accounts.models import Membership
from arrimage.cases.access import CaseGrant, access_record, case_grants
from arrimage.cases.sealing import open_text
from arrimage.cases.selectors import case_view_build
from arrimage.core.errors import NotFound
from arrimage.orientation.models import (
    DeclineReason,
    NotCompletedReason,
    Referral,
    ReferralStatus,
)
from arrimage.orientation.needs import NEED_LABELS, need_shown
from arrimage.orientation.referral_rules import (
    RECIPIENT,
    allowed_moves,
    side_of,
)
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.grants import grant_narrow


@dataclass
class ReferralView:
    referral: Referral
    side: str
    moves: list[str]
    timeline: list[dict[str, Any]]
    shared: list[str]
    visible: list[str]
    case: dict[str, Any] | None
    # The need's code, empty unless the policy lets this reader read its category.
    need: str = ""
    need_label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def access_lapsed(self) -> bool:
        return set(self.visible) != set(self.shared)


def _load(referral_id: UUID | str) -> Referral:
    try:
        pk = UUID(str(referral_id))
    except ValueError as error:
        raise NotFound from error
    referral = (
        Referral.objects.select_related(
            "case__lead_organisation",
            "case__person",
            "service__organization",
            "sender_organisation",
            "recipient_organisation",
            "hold",
        )
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise NotFound
    return referral


def recipient_grant(*, actor: Membership, referral: Referral) -> CaseGrant:
    """The recipient's grant for the referral's case: the shared categories the policy allows
    this reader now (purpose referral), and no others."""
    grant = case_grants(actor_membership=actor, cases=[referral.case], purpose=Purpose.REFERRAL)[0]
    shared = frozenset(Category(c) for c in referral.shared_categories)
    return CaseGrant(case=grant.case, grant=grant_narrow(grant.grant, shared))


def recipient_categories(*, actor: Membership, referral: Referral) -> frozenset[Category]:
    """The shared categories the policy allows this reader now (purpose referral)."""
    return recipient_grant(actor=actor, referral=referral).readable


def referral_timeline(referral: Referral, *, grant: CaseGrant | None) -> list[dict[str, Any]]:
    """The shared timeline. Its notes are coordination: shown only under a grant that covers
    coordination for the referral's case."""
    items = []
    for event in referral.events.select_related("organisation").all():
        note = ""
        if event.note_sealed and grant is not None and grant.may(Category.COORDINATION):
            note = open_text(grant, event, "note_sealed")
        reason_label = ""
        if event.reason and event.to_status == ReferralStatus.DECLINED:
            reason_label = str(DeclineReason(event.reason).label)
        elif event.reason and event.to_status == ReferralStatus.NOT_COMPLETED:
            reason_label = str(NotCompletedReason(event.reason).label)
        items.append(
            {
                "id": str(event.pk),
                "kind": event.kind,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "to_status_label": str(ReferralStatus(event.to_status).label)
                if event.to_status
                else "",
                "reason": event.reason,
                "reason_label": reason_label,
                "note": note,
                "organisation": event.organisation.name if event.organisation else "",
                "occurred_at": event.occurred_at,
            }
        )
    return items


def referral_get(
    *, actor: Membership | None, referral_id: UUID | str, path: str = "page"
) -> ReferralView:
    """One referral as the acting side sees it. Reading writes nothing but the access log:
    expiry and the timeline's note that shared information is no longer available are the
    scheduled tasks' (``orientation/tasks.py``)."""
    referral = _load(referral_id)
    side = side_of(actor, referral)
    if side is None or actor is None:
        raise NotFound
    shared = sorted(referral.shared_categories)
    case_view: dict[str, Any] | None = None
    if side == RECIPIENT:
        timeline_grant = recipient_grant(actor=actor, referral=referral)
        visible = timeline_grant.readable
        if visible:
            case_view = case_view_build(timeline_grant)
            access_record(
                actor_membership=actor,
                grants=[timeline_grant],
                action="referral_case_read",
                path=path,
            )
        visible_codes = sorted(str(c) for c in visible)
        need = need_shown(referral.need, visible)
    else:
        timeline_grant = case_grants(actor_membership=actor, cases=[referral.case])[0]
        visible_codes = shared
        case_view = {"id": str(referral.case_id), "reference": referral.case.reference}
        need = need_shown(referral.need, timeline_grant.readable)
    return ReferralView(
        referral=referral,
        side=side,
        moves=allowed_moves(referral.status, side),
        timeline=referral_timeline(referral, grant=timeline_grant),
        shared=shared,
        visible=visible_codes,
        case=case_view,
        need=need,
        need_label=str(NEED_LABELS.get(need, "")),
    )


def referral_needs(*, actor: Membership, referrals: list[Referral]) -> dict[UUID, str]:
    """The need of each referral as the acting organisation may see it (empty otherwise):
    the sender under its own grant for the case, the recipient under the categories the
    sender shared that the policy allows it now. A health or immigration need is of that
    category, so it never reaches police, border enforcement or prosecution."""
    sent = [r for r in referrals if r.sender_organisation_id == actor.organisation_id]
    received = [r for r in referrals if r.sender_organisation_id != actor.organisation_id]
    needs: dict[UUID, str] = {}
    for referral, grant in zip(
        sent,
        case_grants(actor_membership=actor, cases=[r.case for r in sent]) if sent else [],
        strict=True,
    ):
        needs[referral.pk] = need_shown(referral.need, grant.readable)
    for referral, grant in zip(
        received,
        case_grants(
            actor_membership=actor, cases=[r.case for r in received], purpose=Purpose.REFERRAL
        )
        if received
        else [],
        strict=True,
    ):
        readable = grant.readable & {Category(c) for c in referral.shared_categories}
        needs[referral.pk] = need_shown(referral.need, readable)
    return needs
