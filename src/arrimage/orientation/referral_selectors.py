"""Reads of referrals. Each takes the acting membership first; a referral exists only for the
sending organisation's caseworkers and the receiving organisation's staff (404 for everyone
else).

The recipient sees the case's categories the sender shared, and of those only the ones the
policy still allows at this request: a consent withdrawn after sending removes them at once,
and the shared timeline then says that some information is no longer available, never why.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.cases.access import CaseGrant, access_record, case_grants
from arrimage.cases.sealing import open_text
from arrimage.cases.selectors import case_view_build
from arrimage.core.errors import NotFound
from arrimage.directory.service_panels import ServicePanel
from arrimage.orientation.models import (
    BedHold,
    DeclineReason,
    NotCompletedReason,
    Referral,
    ReferralStatus,
    ServiceResponseStats,
)
from arrimage.orientation.needs import NEED_LABELS, need_category, need_shown
from arrimage.orientation.referral_rules import (
    RECIPIENT,
    RECIPIENT_ROLES,
    SENDER_ROLES,
    allowed_moves,
    side_of,
)
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.grants import grant_narrow


@dataclass
class ReferralView:
    referral: Referral
    side: str
    moves: list[str]
    timeline: list[dict[str, Any]]
    shared: list[str]
    visible: list[str]
    case: dict[str, Any] | None
    # The need's code, empty unless the policy lets this reader read its category.
    need: str = ""
    need_label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def access_lapsed(self) -> bool:
        return set(self.visible) != set(self.shared)


def _load(referral_id: UUID | str) -> Referral:
    try:
        pk = UUID(str(referral_id))
    except ValueError as error:
        raise NotFound from error
    referral = (
        Referral.objects.select_related(
            "case__lead_organisation",
            "case__person",
            "service__organization",
            "sender_organisation",
            "recipient_organisation",
            "hold",
        )
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise NotFound
    return referral


def recipient_grant(*, actor: Membership, referral: Referral) -> CaseGrant:
    """The recipient's grant for the referral's case: the shared categories the policy allows
    this reader now (purpose referral), and no others."""
    grant = case_grants(actor_membership=actor, cases=[referral.case], purpose=Purpose.REFERRAL)[0]
    shared = frozenset(Category(c) for c in referral.shared_categories)
    return CaseGrant(case=grant.case, grant=grant_narrow(grant.grant, shared))


def recipient_categories(*, actor: Membership, referral: Referral) -> frozenset[Category]:
    """The shared categories the policy allows this reader now (purpose referral)."""
    return recipient_grant(actor=actor, referral=referral).readable


def _timeline(referral: Referral, *, grant: CaseGrant | None) -> list[dict[str, Any]]:
    """The shared timeline. Its notes are coordination: shown only under a grant that covers
    coordination for the referral's case."""
    items = []
    for event in referral.events.select_related("organisation").all():
        note = ""
        if event.note_sealed and grant is not None and grant.may(Category.COORDINATION):
            note = open_text(grant, event, "note_sealed")
        reason_label = ""
        if event.reason and event.to_status == ReferralStatus.DECLINED:
            reason_label = str(DeclineReason(event.reason).label)
        elif event.reason and event.to_status == ReferralStatus.NOT_COMPLETED:
            reason_label = str(NotCompletedReason(event.reason).label)
        items.append(
            {
                "id": str(event.pk),
                "kind": event.kind,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "to_status_label": str(ReferralStatus(event.to_status).label)
                if event.to_status
                else "",
                "reason": event.reason,
                "reason_label": reason_label,
                "note": note,
                "organisation": event.organisation.name if event.organisation else "",
                "occurred_at": event.occurred_at,
            }
        )
    return items


def referral_get(
    *, actor: Membership | None, referral_id: UUID | str, path: str = "page"
) -> ReferralView:
    """One referral as the acting side sees it. Reading writes nothing but the access log:
    expiry and the timeline's note that shared information is no longer available are the
    scheduled tasks' (``orientation/tasks.py``)."""
    referral = _load(referral_id)
    side = side_of(actor, referral)
    if side is None or actor is None:
        raise NotFound
    shared = sorted(referral.shared_categories)
    case_view: dict[str, Any] | None = None
    if side == RECIPIENT:
        timeline_grant = recipient_grant(actor=actor, referral=referral)
        visible = timeline_grant.readable
        if visible:
            case_view = case_view_build(timeline_grant)
            access_record(
                actor_membership=actor,
                grants=[timeline_grant],
                action="referral_case_read",
                path=path,
            )
        visible_codes = sorted(str(c) for c in visible)
        need = need_shown(referral.need, visible)
    else:
        timeline_grant = case_grants(actor_membership=actor, cases=[referral.case])[0]
        visible_codes = shared
        case_view = {"id": str(referral.case_id), "reference": referral.case.reference}
        need = need_shown(referral.need, timeline_grant.readable)
    return ReferralView(
        referral=referral,
        side=side,
        moves=allowed_moves(referral.status, side),
        timeline=_timeline(referral, grant=timeline_grant),
        shared=shared,
        visible=visible_codes,
        case=case_view,
        need=need,
        need_label=str(NEED_LABELS.get(need, "")),
    )


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
                "timeline": _timeline(referral, grant=grant),
            }
        )
    return exported


def referral_needs(*, actor: Membership, referrals: list[Referral]) -> dict[UUID, str]:
    """The need of each referral as the acting organisation may see it (empty otherwise):
    the sender under its own grant for the case, the recipient under the categories the
    sender shared that the policy allows it now. A health or immigration need is of that
    category, so it never reaches police, border enforcement or prosecution."""
    sent = [r for r in referrals if r.sender_organisation_id == actor.organisation_id]
    received = [r for r in referrals if r.sender_organisation_id != actor.organisation_id]
    needs: dict[UUID, str] = {}
    for referral, grant in zip(
        sent,
        case_grants(actor_membership=actor, cases=[r.case for r in sent]) if sent else [],
        strict=True,
    ):
        needs[referral.pk] = need_shown(referral.need, grant.readable)
    for referral, grant in zip(
        received,
        case_grants(
            actor_membership=actor, cases=[r.case for r in received], purpose=Purpose.REFERRAL
        )
        if received
        else [],
        strict=True,
    ):
        readable = grant.readable & {Category(c) for c in referral.shared_categories}
        needs[referral.pk] = need_shown(referral.need, readable)
    return needs


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


@dataclass(frozen=True)
class ResponseIndicator:
    sent: int
    answered: int
    expired: int
    rate: float | None
    mean_response: timedelta | None


def response_indicator_context(indicator: ResponseIndicator) -> dict[str, float | None]:
    """What ``orientation/_response_indicator.html`` shows: the rate in percent, hours."""
    return {
        "rate_percent": round(indicator.rate * 100) if indicator.rate is not None else None,
        "mean_hours": round(indicator.mean_response.total_seconds() / 3600, 1)
        if indicator.mean_response
        else None,
    }


def service_response_indicator(*, actor: Membership | None, service_id: UUID) -> ResponseIndicator:
    """Response rate and mean response time of a service, from its referrals. Members only."""
    if actor is None:
        raise NotFound
    stats = ServiceResponseStats.objects.filter(service_id=service_id).first()
    if stats is None:
        return ResponseIndicator(0, 0, 0, None, None)
    closed = stats.answered + stats.expired
    rate = stats.answered_in_time / closed if closed >= 3 else None
    mean = timedelta(seconds=stats.response_seconds / stats.answered) if stats.answered else None
    return ResponseIndicator(stats.sent, stats.answered, stats.expired, rate, mean)


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
    page = max(1, page)
    offset = (page - 1) * REFERRALS_PER_PAGE
    found = list(chosen.order_by("-updated_at", "-pk")[offset : offset + REFERRALS_PER_PAGE + 1])
    return ReferralPage(
        found[:REFERRALS_PER_PAGE], page, len(found) > REFERRALS_PER_PAGE, organisations
    )


def response_indicator_panel(*, actor: Membership | None, service_id: UUID) -> ServicePanel | None:
    """The service page's panel of how the service answers referrals: members only, the
    public sees nothing (registered with the directory in ``orientation/apps.py``)."""
    if actor is None:
        return None
    indicator = service_response_indicator(actor=actor, service_id=service_id)
    return ServicePanel(
        "orientation/_response_indicator_panel.html", response_indicator_context(indicator)
    )
