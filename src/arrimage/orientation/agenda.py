"""What needs an organisation's action now in orientation, for the home page: referrals waiting
for an answer (sent and received), the answers received lately, holds about to end, holds on
our places, and, for a coordinator, referrals left past their response time by organisation.

Reads only: an overdue referral is shown as overdue here; the queue expires it. Lists carry
no personal data (case reference, service, state, dates). A referral's need is named only to
readers the policy grants its category for the case (``referral_needs``: for the recipient,
among the categories the sender shared): a health or immigration need never reaches police,
border enforcement or prosecution.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Count, Q
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Coalition, Organisation
from arrimage.core.errors import NotFound
from arrimage.directory.models import Service
from arrimage.orientation.holds import HOLD_ROLES, SHELTER_ROLES
from arrimage.orientation.models import BedHold, HoldStatus, Referral, ReferralStatus
from arrimage.orientation.needs import NEED_LABELS
from arrimage.orientation.referral_rules import RECIPIENT_ROLES, SENDER_ROLES
from arrimage.orientation.referral_selectors import referral_needs
from arrimage.privacy.policy import is_enforcement

S = ReferralStatus
WAITING = (S.SENT, S.WAITLISTED)
OUTCOME_DAYS = 7
HOLD_SOON = timedelta(hours=24)
LATE_DAYS = 30
SHOWN = 10


@dataclass(frozen=True)
class ReferralItem:
    id: UUID
    reference: str
    status: str
    status_label: str
    service: str
    organisation: str
    need_label: str
    due_at: datetime | None
    is_overdue: bool


def _items(actor: Membership, referrals: list[Referral], *, outgoing: bool) -> list[ReferralItem]:
    now = timezone.now()
    labels = dict(S.choices)
    needs = referral_needs(actor=actor, referrals=referrals) if referrals else {}
    return [
        ReferralItem(
            id=r.pk,
            reference=r.reference,
            status=r.status,
            status_label=str(labels[r.status]),
            service=r.service.name,
            organisation=(r.recipient_organisation if outgoing else r.sender_organisation).name,
            need_label=str(NEED_LABELS.get(needs.get(r.pk, ""), "")),
            # Only a sent referral waits for an answer: a waitlisted one was answered.
            due_at=r.response_due_at if r.status == S.SENT else None,
            is_overdue=r.status == S.SENT
            and r.response_due_at is not None
            and r.response_due_at <= now,
        )
        for r in referrals
    ]


def referrals_awaiting_answer(*, actor: Membership | None) -> list[ReferralItem]:
    """Referrals the organisation sent that wait for an answer, the soonest due first."""
    if actor is None:
        raise NotFound
    if actor.role not in SENDER_ROLES:
        return []
    found = list(
        Referral.objects.select_related(
            "service", "recipient_organisation", "sender_organisation", "case__lead_organisation"
        )
        .filter(sender_organisation_id=actor.organisation_id, status__in=WAITING)
        .order_by("response_due_at")[:SHOWN]
    )
    return _items(actor, found, outgoing=True)


def referral_outcomes(*, actor: Membership | None) -> list[ReferralItem]:
    """Answers to the organisation's referrals in the last 7 days, the latest first."""
    if actor is None:
        raise NotFound
    if actor.role not in SENDER_ROLES:
        return []
    since = timezone.now() - timedelta(days=OUTCOME_DAYS)
    found = list(
        Referral.objects.select_related(
            "service", "recipient_organisation", "sender_organisation", "case__lead_organisation"
        )
        .filter(
            sender_organisation_id=actor.organisation_id,
            answered_at__gte=since,
        )
        .exclude(status__in=[S.DRAFT, S.SENT, S.CANCELLED])
        .order_by("-updated_at")[:SHOWN]
    )
    return _items(actor, found, outgoing=True)


def referrals_to_answer(*, actor: Membership | None) -> list[ReferralItem]:
    """Referrals the organisation received and has not answered yet, the soonest due first."""
    if actor is None:
        raise NotFound
    if actor.role not in RECIPIENT_ROLES or actor.role == Role.CASEWORKER:
        return []
    found = list(
        Referral.objects.select_related(
            "service", "recipient_organisation", "sender_organisation", "case__lead_organisation"
        )
        .filter(recipient_organisation_id=actor.organisation_id, status__in=WAITING)
        .order_by("response_due_at")[:SHOWN]
    )
    return _items(actor, found, outgoing=False)


def holds_expiring(*, actor: Membership | None) -> list[BedHold]:
    """The organisation's active holds that end within 24 hours. None for police, border
    enforcement or prosecution: where a person will stay is location."""
    if actor is None:
        raise NotFound
    if actor.role not in HOLD_ROLES or is_enforcement(actor.organisation.type):
        return []
    now = timezone.now()
    return list(
        BedHold.objects.select_related("service")
        .filter(
            organisation_id=actor.organisation_id,
            status=HoldStatus.ACTIVE,
            expires_at__gt=now,
            expires_at__lte=now + HOLD_SOON,
        )
        .order_by("expires_at")[:SHOWN]
    )


def holds_at_our_places(*, actor: Membership | None) -> list[BedHold]:
    """Active holds on the organisation's own services, the soonest ending first."""
    if actor is None:
        raise NotFound
    if actor.role not in SHELTER_ROLES:
        return []
    own = Service.objects.filter(organization__owner_id=actor.organisation_id).values("pk")
    return list(
        BedHold.objects.select_related("service", "organisation")
        .filter(service_id__in=own, status=HoldStatus.ACTIVE, expires_at__gt=timezone.now())
        .order_by("expires_at")[:SHOWN]
    )


@dataclass(frozen=True)
class LateCount:
    organisation: str
    late: int


def referrals_late_by_organisation(*, actor: Membership | None) -> list[LateCount]:
    """For a coordinator: per member organisation of its coalitions, the referrals received
    and left past their response time (still waiting, or expired in the last 30 days)."""
    if actor is None:
        raise NotFound
    if actor.role != Role.COORDINATOR:
        return []
    coalitions = Coalition.objects.filter(organisations=actor.organisation_id)
    members = Organisation.objects.filter(coalitions__in=coalitions).distinct()
    now = timezone.now()
    late = Q(status=S.SENT, response_due_at__lte=now) | Q(
        status=S.EXPIRED, closed_at__gte=now - timedelta(days=LATE_DAYS)
    )
    rows = (
        Referral.objects.filter(late, recipient_organisation__in=members)
        .values("recipient_organisation__name")
        .annotate(n=Count("id"))
        .order_by("-n", "recipient_organisation__name")
    )
    return [LateCount(row["recipient_organisation__name"], row["n"]) for row in rows[:SHOWN]]
