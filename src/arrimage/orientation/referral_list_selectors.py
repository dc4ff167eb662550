"""The lists of referrals: those the acting organisation sent or received, those of a case, and
the referrals page with its filters. Lists carry no personal data: case reference, service,
state and dates."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.core.errors import NotFound
from arrimage.core.paging import page_number
from arrimage.orientation.models import Referral, ReferralStatus
from arrimage.orientation.referral_rules import RECIPIENT_ROLES, SENDER_ROLES


def referrals_for(*, actor: Membership | None, box: str, limit: int = 100) -> list[Referral]:
    """The referrals the acting organisation sent (``out``) or received (``in``). Lists carry
    no personal data: case reference, service, state and dates."""
    if actor is None:
        raise NotFound
    base = Referral.objects.select_related(
        "service", "sender_organisation", "recipient_organisation", "case__lead_organisation"
    )
    if box == "out":
        if actor.role not in SENDER_ROLES:
            return []
        return list(
            base.filter(sender_organisation_id=actor.organisation_id).order_by("-updated_at")[
                :limit
            ]
        )
    if actor.role not in RECIPIENT_ROLES:
        return []
    return list(
        base.filter(recipient_organisation_id=actor.organisation_id)
        .exclude(status=ReferralStatus.DRAFT)
        .order_by("-updated_at")[:limit]
    )


def referrals_for_case(*, actor: Membership | None, case_id: UUID) -> list[Referral]:
    if actor is None or actor.role not in SENDER_ROLES:
        return []
    return list(
        Referral.objects.select_related("service")
        .filter(case_id=case_id, sender_organisation_id=actor.organisation_id)
        .order_by("-updated_at")
    )


REFERRALS_PER_PAGE = 20


@dataclass(frozen=True)
class ReferralFilters:
    """What the referrals list is narrowed to: the state, the other organisation (the
    sender of a received referral, the recipient of a sent one) and the days sent."""

    status: str = ""
    organisation_id: UUID | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class ReferralPage:
    referrals: list[Referral]
    page: int
    has_next: bool
    # The organisations on the other side of this box, for the filter: only those the
    # acting organisation deals with.
    organisations: list[tuple[UUID, str]]


def referrals_page(
    *, actor: Membership | None, box: str, filters: ReferralFilters, page: int = 1
) -> ReferralPage:
    """One page of the referrals the acting organisation received (``in``) or sent
    (``out``), newest activity first, narrowed by ``filters``. Lists carry no personal data."""
    if actor is None:
        raise NotFound
    if box == "out":
        if actor.role not in SENDER_ROLES:
            return ReferralPage([], 1, False, [])
        mine = Referral.objects.filter(sender_organisation_id=actor.organisation_id)
        other = "recipient_organisation"
    else:
        if actor.role not in RECIPIENT_ROLES:
            return ReferralPage([], 1, False, [])
        mine = Referral.objects.filter(recipient_organisation_id=actor.organisation_id).exclude(
            status=ReferralStatus.DRAFT
        )
        other = "sender_organisation"
    organisations = sorted(
        {(pk, name) for pk, name in mine.values_list(f"{other}_id", f"{other}__name")},
        key=lambda pair: pair[1].casefold(),
    )
    chosen = mine.select_related("service", "sender_organisation", "recipient_organisation")
    if filters.status:
        chosen = chosen.filter(status=filters.status)
    if filters.organisation_id is not None:
        chosen = chosen.filter(**{f"{other}_id": filters.organisation_id})
    zone = timezone.get_current_timezone()
    if filters.since is not None:
        start = datetime.combine(filters.since, time.min, tzinfo=zone)
        chosen = chosen.filter(created_at__gte=start)
    if filters.until is not None:
        end = datetime.combine(filters.until + timedelta(days=1), time.min, tzinfo=zone)
        chosen = chosen.filter(created_at__lt=end)
    page = page_number(page)
    offset = (page - 1) * REFERRALS_PER_PAGE
    found = list(chosen.order_by("-updated_at", "-pk")[offset : offset + REFERRALS_PER_PAGE + 1])
    return ReferralPage(
        found[:REFERRALS_PER_PAGE], page, len(found) > REFERRALS_PER_PAGE, organisations
    )
