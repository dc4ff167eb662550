"""Writes of a coalition's life: texts, training sessions and attendance, signatures of the
agreement. Each checks who acts (access.py), validates, saves and is audited."""

import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Coalition, CoalitionMembership
from arrimage.coalition_pages.access import is_direct_member, may_coordinate
from arrimage.coalition_pages.models import (
    AgreementSignature,
    CoalitionText,
    TextKind,
    TrainingAttendance,
    TrainingSession,
)
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.core.text import NAME, NOTE, text_check
from arrimage.privacy.models import SharingAgreement


def today() -> dt.date:
    return timezone.localdate()


def _required_text(value: str, *, label: str, max_length: int) -> str:
    value = text_check(value.strip(), label=label, max_length=max_length)
    if not value:
        raise ValidationError(_("%(field)s is required.") % {"field": label}, code="required")
    return value


def coalition_text_publish(
    *,
    actor: Membership,
    coalition: Coalition,
    kind: str,
    title: str,
    body: str,
    happened_on: dt.date | None = None,
    replaces_id: int | None = None,
) -> CoalitionText:
    """Publish an announcement, the minutes of a meeting or a decision. Coordinators only."""
    if not may_coordinate(actor=actor, coalition=coalition):
        raise NotFound
    if kind not in TextKind.values:
        raise NotFound
    title = _required_text(title, label=_("Title"), max_length=NAME)
    body = _required_text(body, label=_("Text"), max_length=NOTE)
    if kind == TextKind.ANNOUNCEMENT or happened_on is None:
        happened_on = today()
    if happened_on > today():
        raise ValidationError(
            _("The date cannot be in the future: write the minutes or the decision once taken."),
            code="future",
        )
    with transaction.atomic():
        number = None
        replaces = None
        if kind == TextKind.DECISION:
            # One decision at a time per coalition, so that numbers follow without a gap.
            Coalition.objects.select_for_update().filter(pk=coalition.pk).first()
            last = CoalitionText.objects.filter(coalition=coalition, kind=kind).aggregate(
                last=Max("number")
            )["last"]
            number = (last or 0) + 1
            if replaces_id is not None:
                replaces = CoalitionText.objects.filter(
                    coalition=coalition, kind=TextKind.DECISION, pk=replaces_id
                ).first()
                if replaces is None:
                    raise ValidationError(
                        _("Choose the decision it replaces from the list."), code="replaces"
                    )
        text = CoalitionText.objects.create(
            coalition=coalition,
            kind=kind,
            number=number,
            title=title,
            body=body,
            happened_on=happened_on,
            replaces=replaces,
            author=actor.user,
            author_organisation_id=actor.organisation_id,
        )
        audit_record(
            action="coalition_text_published",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="coalition",
            target_id=coalition.pk,
            details={"kind": kind, "text_id": text.pk},
        )
    return text


def training_session_create(
    *, actor: Membership, coalition: Coalition, held_on: dt.date, topic: str, trainer: str
) -> TrainingSession:
    if not may_coordinate(actor=actor, coalition=coalition):
        raise NotFound
    topic = _required_text(topic, label=_("Topic"), max_length=NAME)
    trainer = _required_text(trainer, label=_("Trainer"), max_length=NAME)
    with transaction.atomic():
        session = TrainingSession.objects.create(
            coalition=coalition,
            held_on=held_on,
            topic=topic,
            trainer=trainer,
            created_by=actor.user,
        )
        audit_record(
            action="training_session_created",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="coalition",
            target_id=coalition.pk,
            details={"session_id": session.pk},
        )
    return session


def training_attendance_record(
    *, actor: Membership, session: TrainingSession, membership_ids: list[int]
) -> int:
    """Who attended the session: exactly these people (memberships in the coalition's member
    organisations), replacing what was recorded before. Returns how many attended."""
    coalition = session.coalition
    if not may_coordinate(actor=actor, coalition=coalition):
        raise NotFound
    if session.held_on > today():
        raise ValidationError(
            _("Attendance is recorded once the session has taken place."), code="future"
        )
    members = CoalitionMembership.objects.filter(coalition=coalition).values("organisation_id")
    chosen = list(
        Membership.objects.filter(
            pk__in=set(membership_ids), organisation_id__in=members, user__is_active=True
        ).order_by("pk")
    )
    if len(chosen) != len(set(membership_ids)):
        raise ValidationError(_("Choose the people from the list."), code="attendee")
    by_user: dict[UUID, Membership] = {}
    for membership in chosen:
        by_user.setdefault(membership.user_id, membership)
    with transaction.atomic():
        TrainingAttendance.objects.filter(session=session).exclude(user_id__in=by_user).delete()
        known = set(
            TrainingAttendance.objects.filter(session=session).values_list("user_id", flat=True)
        )
        TrainingAttendance.objects.bulk_create(
            TrainingAttendance(
                session=session,
                user_id=membership.user_id,
                organisation_id=membership.organisation_id,
                recorded_by=actor.user,
            )
            for user_id, membership in by_user.items()
            if user_id not in known
        )
        audit_record(
            action="training_attendance_recorded",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="training_session",
            target_id=session.pk,
            details={"attendees": len(by_user)},
        )
    return len(by_user)


def agreement_in_force(*, coalition: Coalition) -> SharingAgreement | None:
    """The agreement that governs the coalition's members: the version in force of its own,
    or, when it has none, of the nearest level above that has one (a provincial agreement
    covers its regional tables, docs/policy.md)."""
    seen: set[object] = set()
    current: Coalition | None = coalition
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        agreement = (
            SharingAgreement.objects.filter(coalition=current)
            .select_related("coalition")
            .order_by("-version")
            .first()
        )
        if agreement is not None:
            return agreement
        current = current.parent
    return None


def agreement_sign(
    *, actor: Membership, coalition: Coalition, agreement_id: object
) -> AgreementSignature:
    """The acting organisation's administrator signs the version in force, for it."""
    if actor.role != Role.ORGANISATION_ADMIN or not is_direct_member(
        actor=actor, coalition=coalition
    ):
        raise NotFound
    current = agreement_in_force(coalition=coalition)
    if current is None:
        raise ValidationError(_("The coalition has no agreement to sign yet."), code="none")
    if str(current.pk) != str(agreement_id):
        raise ValidationError(
            _(
                "A new version of the agreement came into force: read version %(version)s, "
                "then sign it."
            )
            % {"version": current.version},
            code="stale",
        )
    with transaction.atomic():
        signature, created = AgreementSignature.objects.get_or_create(
            agreement=current,
            organisation_id=actor.organisation_id,
            defaults={"signed_by": actor.user},
        )
        if created:
            audit_record(
                action="sharing_agreement_signed",
                actor_id=actor.user_id,
                organisation_id=actor.organisation_id,
                target_type="coalition",
                target_id=coalition.pk,
                details={"version": current.version},
            )
    return signature
