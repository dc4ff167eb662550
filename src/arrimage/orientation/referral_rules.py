"""The rules of a referral (docs/referrals.md): its state machine (who may make which move), the
response times, and the categories the recipient may be sent."""

from datetime import datetime
from uuid import UUID

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Organisation
from arrimage.orientation.models import Referral, ReferralStatus
from arrimage.privacy.categories import Purpose
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
