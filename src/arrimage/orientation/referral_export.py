"""Law 25 portability: the referrals of a person's cases, as the acting organisation may export
them (``law25/portability.py``)."""

from typing import Any

from arrimage.accounts.models import Membership
from arrimage.cases.access import CaseGrant
from arrimage.orientation.models import BedHold, Referral
from arrimage.orientation.needs import NEED_LABELS, need_category
from arrimage.orientation.referral_rules import RECIPIENT, side_of
from arrimage.orientation.referral_selectors import recipient_grant, referral_timeline
from arrimage.privacy.categories import Category


def _hold_export(hold: BedHold | None) -> dict[str, Any] | None:
    if hold is None:
        return None
    return {
        "id": str(hold.pk),
        "service": hold.service.name,
        "unit": hold.unit,
        "status": hold.status,
        "created_at": hold.created_at,
        "expires_at": hold.expires_at,
        "ended_at": hold.ended_at,
    }


def referrals_export(*, actor: Membership, grants: list[CaseGrant]) -> list[dict[str, Any]]:
    """Law 25 portability: the referrals of these cases (the actor's grants, from
    :func:`arrimage.cases.selectors.person_export_grants`) that the acting organisation sent
    or received, each with its hold and its shared timeline. The need is named only to a
    reader of its category; the timeline's notes open only under a grant that covers
    coordination (the recipient's: the shared categories the policy still allows)."""
    by_case = {grant.case.pk: grant for grant in grants}
    referrals = (
        Referral.objects.filter(case_id__in=list(by_case))
        .select_related("service", "sender_organisation", "recipient_organisation", "hold")
        .select_related("hold__service", "case__lead_organisation", "case__person")
        .order_by("created_at", "id")
    )
    exported = []
    for referral in referrals:
        side = side_of(actor, referral)
        if side is None:
            continue
        grant = by_case[referral.case_id]
        if side == RECIPIENT:
            grant = recipient_grant(actor=actor, referral=referral)
        need_label = ""
        readable = grant.may(Category.COORDINATION) and grant.may(need_category(referral.need))
        if referral.need in NEED_LABELS and readable:
            need_label = str(NEED_LABELS[referral.need])
        exported.append(
            {
                "id": str(referral.pk),
                "reference": referral.reference,
                "case_id": str(referral.case_id),
                "service": referral.service.name,
                "sender": referral.sender_organisation.name,
                "recipient": referral.recipient_organisation.name,
                "need": need_label,
                "status": referral.status,
                "shared_categories": sorted(referral.shared_categories),
                "created_at": referral.created_at,
                "sent_at": referral.sent_at,
                "answered_at": referral.answered_at,
                "closed_at": referral.closed_at,
                "decline_reason": referral.decline_reason,
                "outcome_reason": referral.outcome_reason,
                "hold": _hold_export(referral.hold),
                "timeline": referral_timeline(referral, grant=grant),
            }
        )
    return exported
