"""Closed-loop referrals: drafting, sending and answering (docs/referrals.md). The rules
(state machine, response times) are in ``referral_rules.py``, the scheduled work in
``referral_expiry.py``, the e-mails in ``referral_notices.py``.

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
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.cases.access import case_grant
from arrimage.core.background import background_task, enqueue_once
from arrimage.core.errors import NotFound
from arrimage.core.text import text_check
from arrimage.directory.models import Service
from arrimage.orientation.models import (
    BedHold,
    DeclineReason,
    HoldStatus,
    NotCompletedReason,
    Referral,
    ServiceResponseStats,
)
from arrimage.orientation.needs import NEED_CATEGORIES
from arrimage.orientation.referral_expiry import referral_expire
from arrimage.orientation.referral_notices import referral_notify, referral_reminder_send
from arrimage.orientation.referral_records import (
    referral_audit,
    referral_event_add,
    referral_hold_settle,
    referral_lock,
)
from arrimage.orientation.referral_rules import (
    ANSWERS,
    NOTE_MAX,
    RESPONSE_HOURS,
    SENDER,
    SENDER_ROLES,
    TERMINAL,
    S,
    default_response_hours,
    shareable_categories,
    side_of,
    transition_allowed,
)
from arrimage.privacy.categories import Category


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
        referral_event_add(referral, kind="created", actor=actor, to_status=S.DRAFT, now=now)
        referral_audit("referral_created", referral, actor)
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
        referral = referral_lock(referral_id)
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
        referral_event_add(
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
        referral_audit(
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
        referral = referral_lock(referral_id)
        if side_of(actor, referral) is None:
            raise NotFound
    # Past its response time, a referral is expired: by the scheduled task, or here if the
    # task has not run yet. Then nothing else may move it.
    if referral_expire(referral_id=referral.pk, now=now):
        raise ValidationError(
            _("The response time has passed: this referral has expired."), code="state"
        )
    with transaction.atomic():
        referral = referral_lock(referral_id)
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
        referral_event_add(
            referral,
            kind="status",
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            note=note,
            now=now,
        )
        referral_audit(
            "referral_status_changed",
            referral,
            actor,
            from_status=from_status,
            reason=reason or None,
        )
        referral_hold_settle(referral, actor=actor, to_status=to_status, now=now)
    return referral


# Background tasks (run by `arrimage worker`), queued by referral_send in its transaction.


@background_task(max_attempts=5)
def referral_notify_task(*, referral_id: str) -> None:
    referral_notify(referral_id=referral_id)


@background_task(max_attempts=3)
def referral_remind_task(*, referral_id: str) -> None:
    referral_reminder_send(referral_id=referral_id)
