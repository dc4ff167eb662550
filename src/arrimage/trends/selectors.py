"""Reads of trends. A user sees releases only in the roles that read statistics (coordinator,
analyst), and only those made by or released to a coalition their organisation belongs to:
a level sees what was released from below, never the rows."""

import os
from uuid import UUID

from django.conf import settings
from django.db.models import Q, QuerySet

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Coalition
from arrimage.core.errors import NotFound
from arrimage.trends import signing
from arrimage.trends.models import PrivacyBudget, Release

STATISTICS_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST})


def _setting(name: str, default: str) -> str:
    return str(getattr(settings, name, os.environ.get(name, default)))


def suppression_threshold() -> int:
    """Cells below this (and above 0) are suppressed. ``ARRIMAGE_TRENDS_THRESHOLD``, 5."""
    return max(2, int(_setting("ARRIMAGE_TRENDS_THRESHOLD", "5")))


def yearly_budget() -> float:
    """Epsilon a coalition may spend on one year. ``ARRIMAGE_TRENDS_EPSILON_BUDGET``, 4."""
    return float(_setting("ARRIMAGE_TRENDS_EPSILON_BUDGET", "4"))


def contribution_bound() -> int:
    """At most this many exploitation types counted per person. ``ARRIMAGE_TRENDS_TYPES``."""
    return max(1, int(_setting("ARRIMAGE_TRENDS_TYPES", "2")))


def screening_bound() -> int:
    """At most this many screening indicators counted per person.
    ``ARRIMAGE_TRENDS_SCREENING_INDICATORS``."""
    return max(1, int(_setting("ARRIMAGE_TRENDS_SCREENING_INDICATORS", "4")))


def coalitions_of(*, actor: Membership | None) -> QuerySet[Coalition]:
    """The coalitions the actor's organisation belongs to directly."""
    if actor is None:
        return Coalition.objects.none()
    return Coalition.objects.filter(organisations=actor.organisation_id).order_by("name")


def coalitions_releasing(*, actor: Membership | None) -> QuerySet[Coalition]:
    """The coalitions the actor may release for: coordinators of a member organisation."""
    if actor is None or actor.role != Role.COORDINATOR:
        return Coalition.objects.none()
    return coalitions_of(actor=actor)


def coalition_for_release(*, actor: Membership | None, coalition_id: UUID | str) -> Coalition:
    coalition = coalitions_releasing(actor=actor).filter(pk=coalition_id).first()
    if coalition is None:
        raise NotFound
    return coalition


def releases_visible(*, actor: Membership | None) -> QuerySet[Release]:
    if actor is None or actor.role not in STATISTICS_ROLES:
        return Release.objects.none()
    mine = coalitions_of(actor=actor).values("pk")
    return Release.objects.filter(Q(coalition__in=mine) | Q(recipient__in=mine)).select_related(
        "coalition", "recipient"
    )


def release_payload_is_intact(release: Release) -> bool:
    return signing.digest(release.content) == release.content_digest and signing.signature_valid(
        release.content, signature=release.signature, public_key=release.signer_public_key
    )


def release_get(*, actor: Membership | None, release_id: UUID | str) -> Release:
    try:
        release_uuid = UUID(str(release_id))
    except ValueError as error:
        raise NotFound from error
    release = releases_visible(actor=actor).filter(pk=release_uuid).first()
    if release is None:
        raise NotFound
    return release


def budget_remaining(*, coalition: Coalition, year: int) -> float:
    budget = PrivacyBudget.objects.filter(coalition=coalition, year=year).first()
    if budget is None:
        return yearly_budget()
    return max(0.0, budget.total_epsilon - budget.spent_epsilon)
