"""What every write on a referral shares: the locked row, the timeline entry (which also marks
the case changed), the audit record, and the bed hold that follows the referral's answer."""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.cases.models import Case
from arrimage.cases.sealing import seal_text
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.orientation.holds import (
    SHELTER_ROLES,
    bed_hold_accept,
    bed_hold_expire,
    bed_hold_release,
)
from arrimage.orientation.models import BedHold, HoldStatus, Referral, ReferralEvent
from arrimage.orientation.referral_rules import S


def referral_event_add(
    referral: Referral,
    *,
    kind: str,
    actor: Membership | None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    note: str = "",
    now: datetime | None = None,
) -> ReferralEvent:
    event = ReferralEvent(
        referral=referral,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        owner_organisation_id=referral.case.lead_organisation_id,
        organisation_id=actor.organisation_id if actor else None,
        actor_id=actor.user_id if actor else None,
        occurred_at=now or timezone.now(),
    )
    if note:
        seal_text(event, "note_sealed", note)
    event.save()
    # The case changed too: its statistics projection (trends) reads its referrals again.
    Case.objects.filter(pk=referral.case_id).update(updated_at=timezone.now())
    return event


def referral_audit(
    action: str, referral: Referral, actor: Membership | None, **details: str | int | bool | None
) -> None:
    audit_record(
        action=action,
        actor_id=actor.user_id if actor else None,
        organisation_id=actor.organisation_id if actor else None,
        target_type="referral",
        target_id=referral.pk,
        details={
            "case_id": str(referral.case_id),
            "service_id": str(referral.service_id),
            "status": referral.status,
            **details,
        },
    )


def referral_lock(referral_id: UUID | str) -> Referral:
    try:
        pk = UUID(str(referral_id))
    except ValueError as error:
        raise NotFound from error
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case__lead_organisation", "recipient_organisation")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise NotFound
    return referral


def referral_hold_settle(
    referral: Referral, *, actor: Membership | None, to_status: str, now: datetime
) -> None:
    """The unit held for the referral follows it: accepted by the shelter's staff, it is
    occupied; declined, cancelled or expired, it is free again. A hold that already ended is
    left as it is."""
    if referral.hold_id is None:
        return
    if not BedHold.objects.filter(pk=referral.hold_id, status=HoldStatus.ACTIVE).exists():
        return
    try:
        if to_status == S.ACCEPTED and actor is not None and actor.role in SHELTER_ROLES:
            bed_hold_accept(actor=actor, hold_id=referral.hold_id, now=now)
        elif to_status in (S.DECLINED, S.CANCELLED) and actor is not None:
            bed_hold_release(actor=actor, hold_id=referral.hold_id, now=now)
        elif to_status == S.EXPIRED:
            BedHold.objects.filter(pk=referral.hold_id).update(expires_at=now)
            bed_hold_expire(hold_id=referral.hold_id, now=now)
    except ValidationError:
        return
