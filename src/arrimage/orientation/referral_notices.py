"""Messages to the recipient's staff: a new referral waits, its response time is ending. A fixed
sentence in both languages and a link: no personal data, no service or case detail."""

from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.core.audit import audit_record
from arrimage.orientation.models import Referral
from arrimage.orientation.referral_records import referral_audit, referral_event_add, referral_lock
from arrimage.orientation.referral_rules import S


def referral_reminder_send(*, referral_id: UUID | str, now: datetime | None = None) -> bool:
    """Remind the recipient that the response time is ending. No personal data."""
    from django.core.mail import send_mail

    now = now or timezone.now()
    with transaction.atomic():
        referral = referral_lock(referral_id)
        if referral.status != S.SENT or referral.reminded_at is not None:
            return False
        referral.reminded_at = now
        referral.save(update_fields=["reminded_at"])
        referral_event_add(referral, kind="reminder", actor=None, now=now)
        recipients = staff_emails(referral.recipient_organisation_id)
        if recipients:
            send_mail(
                "Référence à traiter bientôt / Referral to answer soon",
                notification_body(referral),
                None,
                recipients,
            )
        referral_audit("referral_reminded", referral, None, recipients=len(recipients))
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
