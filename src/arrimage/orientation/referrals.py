"""Closed-loop referrals: the state machine and every write (docs/referrals.md).

Sending checks, on the server, that the person gave a valid consent naming the recipient
organisation for the purpose ``referral``; the sender chooses the categories to share among
those the one policy function allows the recipient (membership aside: the recipient's role is
checked again at every read), and the recipient sees exactly those, as long as the policy still
allows each. There is no override.
"""

from datetime import datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership, Role
from arrimage.cases.access import case_grant, case_grants
from arrimage.cases.models import Case
from arrimage.cases.sealing import seal_text
from arrimage.coalition.models import Organisation
from arrimage.core.audit import audit_record
from arrimage.core.background import background_task, enqueue_once
from arrimage.core.errors import NotFound
from arrimage.core.text import text_check
from arrimage.directory.models import Service
from arrimage.orientation.holds import (
    SHELTER_ROLES,
    bed_hold_accept,
    bed_hold_expire,
    bed_hold_release,
)
from arrimage.orientation.models import (
    BedHold,
    DeclineReason,
    HoldStatus,
    NotCompletedReason,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ServiceResponseStats,
)
from arrimage.orientation.needs import NEED_CATEGORIES
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.grants import Shareable, categories_shareable

S = ReferralStatus
SENDER, RECIPIENT, SYSTEM = "sender", "recipient", "system"

# (from, to) -> who may make the move.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SENT): SENDER,
    (S.DRAFT, S.CANCELLED): SENDER,
    (S.SENT, S.ACCEPTED): RECIPIENT,
    (S.SENT, S.DECLINED): RECIPIENT,
    (S.SENT, S.WAITLISTED): RECIPIENT,
    (S.SENT, S.CANCELLED): SENDER,
    (S.SENT, S.EXPIRED): SYSTEM,
    (S.WAITLISTED, S.ACCEPTED): RECIPIENT,
    (S.WAITLISTED, S.DECLINED): RECIPIENT,
    (S.WAITLISTED, S.CANCELLED): SENDER,
    (S.ACCEPTED, S.IN_PROGRESS): RECIPIENT,
    (S.ACCEPTED, S.NOT_COMPLETED): RECIPIENT,
    (S.ACCEPTED, S.CANCELLED): SENDER,
    (S.IN_PROGRESS, S.COMPLETED): RECIPIENT,
    (S.IN_PROGRESS, S.NOT_COMPLETED): RECIPIENT,
}
TERMINAL = frozenset({S.DECLINED, S.CANCELLED, S.EXPIRED, S.COMPLETED, S.NOT_COMPLETED})
ANSWERS = frozenset({S.ACCEPTED, S.DECLINED, S.WAITLISTED})
SENDER_ROLES = frozenset({Role.CASEWORKER})
RECIPIENT_ROLES = frozenset({Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN, Role.CASEWORKER})
RESPONSE_HOURS = (4, 24, 48, 72)
DEFAULT_RESPONSE_HOURS = 48
# Needs that cannot wait: a referral for one expects the shortest response time by default.
EMERGENCY_NEEDS = frozenset({"emergency_housing"})
NOTE_MAX = 1000


def default_response_hours(need: str, *, urgent: bool = False) -> int:
    """The response time a referral expects unless the sender chooses another: the shortest
    for an emergency need (housing tonight) or a need marked urgent, else 48 h."""
    if urgent or need in EMERGENCY_NEEDS:
        return min(RESPONSE_HOURS)
    return DEFAULT_RESPONSE_HOURS


def transition_allowed(from_status: str, to_status: str, side: str) -> bool:
    return TRANSITIONS.get((from_status, to_status)) == side


def allowed_moves(status: str, side: str) -> list[str]:
    return [to for (frm, to), who in TRANSITIONS.items() if frm == status and who == side]


def side_of(actor: Membership | None, referral: Referral) -> str | None:
    """Which side of the referral the acting membership is on, if any."""
    if actor is None:
        return None
    if actor.organisation_id == referral.sender_organisation_id and actor.role in SENDER_ROLES:
        return SENDER
    if (
        actor.organisation_id == referral.recipient_organisation_id
        and actor.role in RECIPIENT_ROLES
        and referral.status != S.DRAFT
    ):
        return RECIPIENT
    return None


# Categories the recipient may receive ---------------------------------------------------------


def shareable_categories(
    *, case_lead: Organisation, person_id: UUID, recipient: Organisation, at: datetime
) -> Shareable:
    """What the one policy function lets pass to the recipient for a referral
    (:func:`arrimage.privacy.grants.categories_shareable`)."""
    return categories_shareable(
        owner_organisation_id=case_lead.pk,
        owner_organisation_type=case_lead.type,
        person_id=person_id,
        recipient_id=recipient.pk,
        recipient_type=recipient.type,
        purpose=Purpose.REFERRAL,
        at=at,
    )


# Writes --------------------------------------------------------------------------------------


def _event(
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


def _audit(
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


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            _("Keep the note under %(count)s characters.") % {"count": NOTE_MAX},
            code="note_too_long",
        )
    return text_check(note, label=_("The note"), max_length=NOTE_MAX)


def referral_draft_create(
    *,
    actor: Membership | None,
    case_id: UUID | str,
    service_id: UUID,
    need: str = "",
    hold_id: UUID | None = None,
    response_hours: int | None = None,
) -> Referral:
    """A draft referral of a case led by the acting organisation to a service of another
    organisation in Arrimage. Without ``response_hours``: :func:`default_response_hours`."""
    if actor is None or actor.role not in SENDER_ROLES:
        raise NotFound
    grant = case_grant(actor_membership=actor, case_id=case_id)
    if not grant.is_lead:
        raise NotFound
    service = (
        Service.objects.select_related("organization__owner")
        .filter(pk=service_id, status="active")
        .first()
    )
    if service is None:
        raise NotFound
    recipient = service.organization.owner
    if recipient is None:
        raise ValidationError(
            _("This service does not receive referrals in Arrimage: call its intake line."),
            code="no_recipient",
        )
    if need and need not in NEED_CATEGORIES:
        raise ValidationError(_("Choose a need from the list."), code="need")
    if response_hours is None:
        response_hours = default_response_hours(need)
    if response_hours not in RESPONSE_HOURS:
        raise ValidationError(_("Choose a response time from the list."), code="response")
    hold = None
    if hold_id is not None:
        hold = BedHold.objects.filter(
            pk=hold_id,
            organisation_id=actor.organisation_id,
            service_id=service.pk,
            status=HoldStatus.ACTIVE,
        ).first()
        if hold is None:
            raise ValidationError(_("That hold is no longer active."), code="hold")
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.create(
            case=grant.case,
            service=service,
            sender_organisation_id=actor.organisation_id,
            recipient_organisation=recipient,
            created_by_id=actor.user_id,
            need=need,
            hold=hold,
            response_hours=response_hours,
            created_at=now,
            updated_at=now,
        )
        _event(referral, kind="created", actor=actor, to_status=S.DRAFT, now=now)
        _audit("referral_created", referral, actor)
    return referral


def _lock_referral(referral_id: UUID | str) -> Referral:
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


def referral_send(
    *, actor: Membership | None, referral_id: UUID | str, categories: list[str], note: str = ""
) -> Referral:
    """Send a draft. Refused without a valid referral consent naming the recipient, or when
    a chosen category is not among those the policy lets pass."""
    note = _clean_note(note)
    chosen = sorted(set(categories))
    if any(code not in Category.values for code in chosen):
        raise ValidationError(_("Choose categories from the list."), code="category")
    now = timezone.now()
    with transaction.atomic():
        referral = _lock_referral(referral_id)
        if side_of(actor, referral) != SENDER:
            raise NotFound
        if not transition_allowed(referral.status, S.SENT, SENDER):
            raise ValidationError(
                _("This referral cannot be sent in its current state."), code="state"
            )
        sender_grant = case_grant(actor_membership=actor, case_id=referral.case_id)
        shareable = shareable_categories(
            case_lead=referral.case.lead_organisation,
            person_id=referral.case.person_id,
            recipient=referral.recipient_organisation,
            at=now,
        )
        if not shareable.has_consent:
            raise ValidationError(
                _(
                    "The person has not consented to a referral to this organisation. Record "
                    "their consent first: there is no way around it."
                ),
                code="no_consent",
            )
        if not chosen:
            raise ValidationError(
                _("Choose at least one category of information to share."), code="no_category"
            )
        refused = [
            c for c in chosen if Category(c) not in shareable.categories or not sender_grant.may(c)
        ]
        if refused:
            raise ValidationError(
                _("These categories cannot be shared with this organisation: %(categories)s.")
                % {"categories": ", ".join(str(Category(c).label) for c in refused)},
                code="category_refused",
            )
        referral.status = S.SENT
        referral.shared_categories = chosen
        referral.sent_at = now
        referral.response_due_at = now + timedelta(hours=referral.response_hours)
        referral.updated_at = now
        referral.save(
            update_fields=[
                "status",
                "shared_categories",
                "sent_at",
                "response_due_at",
                "updated_at",
            ]
        )
        _event(
            referral,
            kind="status",
            actor=actor,
            from_status=S.DRAFT,
            to_status=S.SENT,
            note=note,
            now=now,
        )
        stats, _created = ServiceResponseStats.objects.get_or_create(service_id=referral.service_id)
        ServiceResponseStats.objects.filter(pk=stats.pk).update(sent=F("sent") + 1)
        _audit(
            "referral_sent",
            referral,
            actor,
            categories=",".join(chosen),
            recipient_id=str(referral.recipient_organisation_id),
        )
        referral_notify_task.enqueue(referral_id=referral.pk)
        enqueue_once(
            referral_remind_task,
            key=f"referral-remind:{referral.pk}",
            run_after=reminder_time(referral),
            referral_id=referral.pk,
        )
    return referral


def reminder_time(referral: Referral) -> datetime:
    """A quarter of the response time before it ends (at least 1 h before, at most 12 h)."""
    assert referral.sent_at is not None and referral.response_due_at is not None
    window = referral.response_due_at - referral.sent_at
    lead = min(max(window / 4, timedelta(hours=1)), timedelta(hours=12))
    return max(referral.sent_at, referral.response_due_at - lead)


def referral_create_and_send(
    *,
    actor: Membership | None,
    case_id: UUID | str,
    service_id: UUID,
    categories: list[str],
    need: str = "",
    hold_id: UUID | None = None,
    note: str = "",
    response_hours: int | None = None,
) -> Referral:
    """Draft and send in one step: all or nothing."""
    with transaction.atomic():
        draft = referral_draft_create(
            actor=actor,
            case_id=case_id,
            service_id=service_id,
            need=need,
            hold_id=hold_id,
            response_hours=response_hours,
        )
        return referral_send(actor=actor, referral_id=draft.pk, categories=categories, note=note)


def _stats_on_answer(referral: Referral, now: datetime) -> None:
    assert referral.sent_at is not None
    in_time = referral.response_due_at is None or now <= referral.response_due_at
    ServiceResponseStats.objects.get_or_create(service_id=referral.service_id)
    ServiceResponseStats.objects.filter(pk=referral.service_id).update(
        answered=F("answered") + 1,
        answered_in_time=F("answered_in_time") + (1 if in_time else 0),
        response_seconds=F("response_seconds") + int((now - referral.sent_at).total_seconds()),
    )


def referral_transition(
    *,
    actor: Membership | None,
    referral_id: UUID | str,
    to_status: str,
    reason: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Referral:
    """Move a sent referral along the state machine. A move the acting side may not make is
    refused with the state unchanged."""
    note = _clean_note(note)
    now = now or timezone.now()
    with transaction.atomic():
        referral = _lock_referral(referral_id)
        if side_of(actor, referral) is None:
            raise NotFound
    # Past its response time, a referral is expired: by the scheduled task, or here if the
    # task has not run yet. Then nothing else may move it.
    if referral_expire(referral_id=referral.pk, now=now):
        raise ValidationError(
            _("The response time has passed: this referral has expired."), code="state"
        )
    with transaction.atomic():
        referral = _lock_referral(referral_id)
        side = side_of(actor, referral)
        if side is None:
            raise NotFound
        from_status = referral.status
        if to_status == S.SENT:
            raise ValidationError(_("Use sending to send a draft."), code="state")
        if not transition_allowed(from_status, to_status, side):
            raise ValidationError(_("This change is not possible now."), code="state")
        if to_status == S.DECLINED and reason not in DeclineReason.values:
            raise ValidationError(_("Say why the referral is declined."), code="reason")
        if to_status == S.NOT_COMPLETED and reason not in NotCompletedReason.values:
            raise ValidationError(_("Say why it was not completed."), code="reason")
        if to_status not in (S.DECLINED, S.NOT_COMPLETED):
            reason = ""
        referral.status = to_status
        referral.updated_at = now
        fields = ["status", "updated_at"]
        if to_status == S.DECLINED:
            referral.decline_reason = reason
            fields.append("decline_reason")
        if to_status == S.NOT_COMPLETED:
            referral.outcome_reason = reason
            fields.append("outcome_reason")
        if to_status in ANSWERS and referral.answered_at is None:
            referral.answered_at = now
            fields.append("answered_at")
            _stats_on_answer(referral, now)
        if to_status in TERMINAL:
            referral.closed_at = now
            fields.append("closed_at")
        referral.save(update_fields=fields)
        _event(
            referral,
            kind="status",
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            note=note,
            now=now,
        )
        _audit(
            "referral_status_changed",
            referral,
            actor,
            from_status=from_status,
            reason=reason or None,
        )
        _settle_hold(referral, actor=actor, to_status=to_status, now=now)
    return referral


def _settle_hold(
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


def referral_expire(*, referral_id: UUID | str, now: datetime | None = None) -> bool:
    """Expire a sent referral unanswered past its response time. True if this call did."""
    now = now or timezone.now()
    with transaction.atomic():
        referral = _lock_referral(referral_id)
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
        _event(
            referral, kind="status", actor=None, from_status=S.SENT, to_status=S.EXPIRED, now=now
        )
        _audit("referral_expired", referral, None)
        _settle_hold(referral, actor=None, to_status=S.EXPIRED, now=now)
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
        locked = _lock_referral(referral.pk)
        if locked.events.filter(kind="access_lapsed").exists():
            return False
        _event(locked, kind="access_lapsed", actor=None, now=now)
        _audit("referral_access_lapsed", locked, None)
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


def referral_reminder_send(*, referral_id: UUID | str, now: datetime | None = None) -> bool:
    """Remind the recipient that the response time is ending. No personal data."""
    from django.core.mail import send_mail

    now = now or timezone.now()
    with transaction.atomic():
        referral = _lock_referral(referral_id)
        if referral.status != S.SENT or referral.reminded_at is not None:
            return False
        referral.reminded_at = now
        referral.save(update_fields=["reminded_at"])
        _event(referral, kind="reminder", actor=None, now=now)
        recipients = staff_emails(referral.recipient_organisation_id)
        if recipients:
            send_mail(
                "Référence à traiter bientôt / Referral to answer soon",
                notification_body(referral),
                None,
                recipients,
            )
        _audit("referral_reminded", referral, None, recipients=len(recipients))
    return True


def staff_emails(organisation_id: UUID) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                organisation_id=organisation_id,
                role__in=[Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN],
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


def notification_body(referral: Referral) -> str:
    """The whole notification: a fixed sentence in both languages and a link. No personal
    data, no service or case detail."""
    link = reverse("orientation:referral_detail", args=[referral.pk])
    return f"Nouvelle référence à traiter. / New referral to answer.\n\n{link}\n"


def referral_notes_erase(*, case_ids: list[UUID]) -> int:
    """Erase the free text of the referrals of these cases (the notes of their timelines), for
    the retention schedule; the events themselves (statuses, dates, reasons) stay. Returns the
    number of notes erased."""
    return ReferralEvent.objects.filter(
        referral__case_id__in=case_ids, note_sealed__isnull=False
    ).update(note_sealed=None)


def referral_notify(*, referral_id: UUID | str) -> int:
    """Tell the recipient's staff that a referral waits for them."""
    from django.core.mail import send_mail

    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None or referral.status == S.DRAFT:
        return 0
    recipients = staff_emails(referral.recipient_organisation_id)
    if recipients:
        send_mail(
            "Nouvelle référence à traiter / New referral",
            notification_body(referral),
            None,
            recipients,
        )
    audit_record(
        action="referral_notified",
        target_type="referral",
        target_id=referral.pk,
        organisation_id=referral.recipient_organisation_id,
        details={"recipients": len(recipients)},
    )
    return len(recipients)


# Background tasks (run by `arrimage worker`), queued by referral_send in its transaction.


@background_task(max_attempts=5)
def referral_notify_task(*, referral_id: str) -> None:
    referral_notify(referral_id=referral_id)


@background_task(max_attempts=3)
def referral_remind_task(*, referral_id: str) -> None:
    referral_reminder_send(referral_id=referral_id)
