"""Referrals over time, run by scheduled jobs (reads never write): expiry of unanswered
referrals, the timeline's note that shared information is no longer available, and the
erasure of their free text for the retention schedule."""

from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.cases.access import case_grants
from arrimage.orientation.models import Referral, ReferralEvent, ServiceResponseStats
from arrimage.orientation.referral_records import (
    referral_audit,
    referral_event_add,
    referral_hold_settle,
    referral_lock,
)
from arrimage.orientation.referral_rules import S
from arrimage.privacy.categories import Category, Purpose


def referral_expire(*, referral_id: UUID | str, now: datetime | None = None) -> bool:
    """Expire a sent referral unanswered past its response time. True if this call did."""
    now = now or timezone.now()
    with transaction.atomic():
        referral = referral_lock(referral_id)
        if (
            referral.status != S.SENT
            or referral.response_due_at is None
            or referral.response_due_at > now
        ):
            return False
        referral.status = S.EXPIRED
        referral.closed_at = now
        referral.updated_at = now
        referral.save(update_fields=["status", "closed_at", "updated_at"])
        ServiceResponseStats.objects.get_or_create(service_id=referral.service_id)
        ServiceResponseStats.objects.filter(pk=referral.service_id).update(expired=F("expired") + 1)
        referral_event_add(
            referral, kind="status", actor=None, from_status=S.SENT, to_status=S.EXPIRED, now=now
        )
        referral_audit("referral_expired", referral, None)
        referral_hold_settle(referral, actor=None, to_status=S.EXPIRED, now=now)
    return True


def referrals_expire_due(
    *, now: datetime | None = None, limit: int = 500, organisation_id: UUID | None = None
) -> int:
    now = now or timezone.now()
    due = Referral.objects.filter(status=S.SENT, response_due_at__lte=now)
    if organisation_id is not None:
        due = due.filter(sender_organisation_id=organisation_id) | due.filter(
            recipient_organisation_id=organisation_id
        )
    return sum(
        1
        for pk in list(due.values_list("pk", flat=True)[:limit])
        if referral_expire(referral_id=pk, now=now)
    )


def referral_access_lapse_record(*, referral: Referral, now: datetime | None = None) -> bool:
    """Note once on the timeline that some shared information is no longer available to the
    recipient. The entry says nothing of why (a withdrawn or expired consent, a changed
    agreement)."""
    with transaction.atomic():
        locked = referral_lock(referral.pk)
        if locked.events.filter(kind="access_lapsed").exists():
            return False
        referral_event_add(locked, kind="access_lapsed", actor=None, now=now)
        referral_audit("referral_access_lapsed", locked, None)
    return True


def referral_access_lapses_record(*, now: datetime | None = None) -> int:
    """Note once, on the timeline of each open referral, that information shared with the
    recipient is no longer available to it (a withdrawn or expired consent, a changed
    agreement). Run by a scheduled task: reading a referral writes nothing. The recipient is
    judged as an organisation (the caseworker role, which reads every category), not by the
    role of whoever reads. Returns how many were noted."""
    open_statuses = [S.SENT, S.ACCEPTED, S.WAITLISTED, S.IN_PROGRESS]
    waiting = (
        Referral.objects.filter(status__in=open_statuses)
        .exclude(events__kind="access_lapsed")
        .select_related("case__lead_organisation", "recipient_organisation")
        .order_by("recipient_organisation_id", "pk")
    )
    by_recipient: dict[UUID, list[Referral]] = {}
    for referral in waiting:
        by_recipient.setdefault(referral.recipient_organisation_id, []).append(referral)
    noted = 0
    for referrals in by_recipient.values():
        reader = Membership(organisation=referrals[0].recipient_organisation, role=Role.CASEWORKER)
        grants = case_grants(
            actor_membership=reader, cases=[r.case for r in referrals], purpose=Purpose.REFERRAL
        )
        for referral, grant in zip(referrals, grants, strict=True):
            shared = frozenset(Category(c) for c in referral.shared_categories)
            if shared - grant.readable and referral_access_lapse_record(referral=referral, now=now):
                noted += 1
    return noted


def referral_notes_erase(*, case_ids: list[UUID]) -> int:
    """Erase the free text of the referrals of these cases (the notes of their timelines), for
    the retention schedule; the events themselves (statuses, dates, reasons) stay. Returns the
    number of notes erased."""
    return ReferralEvent.objects.filter(
        referral__case_id__in=case_ids, note_sealed__isnull=False
    ).update(note_sealed=None)
