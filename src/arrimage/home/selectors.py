"""Reads of the home page that belong to no single app: what a coordinator, an analyst or an
organisation administrator must act on. The per-app reads (cases, orientation, directory)
stay in their apps; ``views.home_view`` composes them by role."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from arrimage.accounts.models import Membership, Role, TOTPDevice
from arrimage.accounts.services import TWO_FACTOR_ROLES
from arrimage.coalition.models import Coalition, Organisation
from arrimage.core.errors import NotFound
from arrimage.privacy.sharing_models import SharingAgreement
from arrimage.trends.models import PrivacyBudget, Release
from arrimage.trends.presentation import Figure
from arrimage.trends.selectors import coalitions_of, releases_visible, yearly_budget
from arrimage.trends.unmet import TOTAL, unmet_needs_summary

# An information-sharing agreement is reviewed every year; it shows 30 days before.
AGREEMENT_REVIEW = timedelta(days=365)
REVIEW_NOTICE = timedelta(days=30)
SHOWN = 10


@dataclass(frozen=True)
class AgreementDue:
    coalition: Coalition
    version: int | None  # None: the coalition has no agreement yet
    review_by: datetime | None


def _coalitions(actor: Membership) -> list[Coalition]:
    return list(Coalition.objects.filter(organisations=actor.organisation_id).order_by("name"))


def agreements_to_renew(*, actor: Membership | None) -> list[AgreementDue]:
    """The coordinator's coalitions whose agreement in force is due for its yearly review
    within 30 days (or past it), or that have none."""
    if actor is None:
        raise NotFound
    if actor.role != Role.COORDINATOR:
        return []
    now = timezone.now()
    due = []
    for coalition in _coalitions(actor):
        latest = SharingAgreement.objects.filter(coalition=coalition).order_by("-version").first()
        if latest is None:
            due.append(AgreementDue(coalition, None, None))
            continue
        review_by = latest.created_at + AGREEMENT_REVIEW
        if review_by - REVIEW_NOTICE <= now:
            due.append(AgreementDue(coalition, latest.version, review_by))
    return due


@dataclass(frozen=True)
class WithoutTwoFactor:
    organisation: str
    count: int


def members_without_two_factor(*, actor: Membership | None) -> list[WithoutTwoFactor]:
    """Members whose role needs two-factor login and who have none, counted by organisation:
    the coordinator's coalitions' members, or the administrator's own organisation."""
    if actor is None:
        raise NotFound
    if actor.role == Role.COORDINATOR:
        organisations = Organisation.objects.filter(
            coalitions__in=[c.pk for c in _coalitions(actor)]
        ).distinct()
    elif actor.role == Role.ORGANISATION_ADMIN:
        organisations = Organisation.objects.filter(pk=actor.organisation_id)
    else:
        return []
    has_device = TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)
    rows = (
        Membership.objects.filter(
            organisation__in=organisations, role__in=TWO_FACTOR_ROLES, user__is_active=True
        )
        .exclude(Exists(has_device))
        .values("organisation__name")
        .annotate(n=Count("user_id", distinct=True))
        .order_by("-n", "organisation__name")
    )
    return [WithoutTwoFactor(row["organisation__name"], row["n"]) for row in rows[:SHOWN]]


@dataclass(frozen=True)
class UnmetThisMonth:
    total: Figure
    by_need: list[tuple[str, Figure]]
    threshold: int


def unmet_needs_this_month(*, actor: Membership | None) -> UnmetThisMonth | None:
    """The unmet needs of the last 30 days, by need, small counts suppressed as on the
    unmet-needs page (the same selector)."""
    if actor is None:
        raise NotFound
    if actor.role != Role.COORDINATOR:
        return None
    summary = unmet_needs_summary(actor=actor, days=30)
    if not summary.by_region:
        return UnmetThisMonth(Figure(0, 0, ""), [], summary.threshold)
    return UnmetThisMonth(
        total=summary.by_region[(TOTAL, TOTAL)],
        by_need=[(label, summary.by_region[(TOTAL, code)]) for code, label in summary.needs],
        threshold=summary.threshold,
    )


@dataclass(frozen=True)
class BudgetLeft:
    coalition: Coalition
    percent: int


def analyst_releases(*, actor: Membership | None) -> list[Release]:
    if actor is None:
        raise NotFound
    if actor.role != Role.ANALYST:
        return []
    return list(releases_visible(actor=actor)[:5])


def budgets_left(*, actor: Membership | None) -> list[BudgetLeft]:
    """The share of this year's privacy budget each of the analyst's coalitions has left."""
    if actor is None:
        raise NotFound
    if actor.role not in (Role.ANALYST, Role.COORDINATOR):
        return []
    year = timezone.localdate().year
    found = []
    for coalition in coalitions_of(actor=actor):
        budget = PrivacyBudget.objects.filter(coalition=coalition, year=year).first()
        total = budget.total_epsilon if budget else yearly_budget()
        left = max(0.0, budget.total_epsilon - budget.spent_epsilon) if budget else total
        found.append(BudgetLeft(coalition, round(100 * left / total) if total else 0))
    return found
