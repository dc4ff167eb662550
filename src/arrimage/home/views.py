"""The home page: what needs the acting role's action now, each item a link that acts.

Composes the reads of each app (cases, orientation, directory, trends) through their
selectors, which apply the policy; this module decides only which ones a role sees.
"""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from arrimage.accounts.models import Membership, Role
from arrimage.cases.agenda import case_agenda
from arrimage.conferences.selectors import conferences_soon
from arrimage.core.errors import NotFound
from arrimage.directory.presentation import freshness, unit_label
from arrimage.directory.selectors import capacities_for_staff
from arrimage.directory.services import capacity_update
from arrimage.home import selectors
from arrimage.orientation import agenda
from arrimage.privacy.policy import is_enforcement
from arrimage.screening.selectors import screenings_in_progress

UNCONFIRMED_AFTER = timedelta(hours=24)
STAFF_ROLES = (Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN)


def _caseworker(actor: Membership) -> dict[str, Any]:
    return {
        "outcomes": agenda.referral_outcomes(actor=actor),
        "awaiting": agenda.referrals_awaiting_answer(actor=actor),
        "holds_soon": agenda.holds_expiring(actor=actor),
        "agenda": case_agenda(actor_membership=actor),
        "screenings_open": screenings_in_progress(actor=actor),
    }


def _staff(actor: Membership) -> dict[str, Any]:
    now = timezone.now()
    stale = capacities_for_staff(actor=actor).filter(
        Q(updated__isnull=True) | Q(updated__lt=now - UNCONFIRMED_AFTER)
    )
    return {
        "to_answer": agenda.referrals_to_answer(actor=actor),
        "unconfirmed": [
            {"capacity": c, "unit": unit_label(c.unit), "freshness": freshness(c.updated, now)}
            for c in stale[:10]
        ],
        "holds_ours": agenda.holds_at_our_places(actor=actor),
    }


def _coordinator(actor: Membership) -> dict[str, Any]:
    return {
        "late": agenda.referrals_late_by_organisation(actor=actor),
        "agreements": selectors.agreements_to_renew(actor=actor),
        "unmet": selectors.unmet_needs_this_month(actor=actor),
        "no_two_factor": selectors.members_without_two_factor(actor=actor),
    }


def _analyst(actor: Membership) -> dict[str, Any]:
    return {
        "releases": selectors.analyst_releases(actor=actor),
        "budgets": selectors.budgets_left(actor=actor),
    }


@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    actor: Membership | None = getattr(request, "membership", None)
    context: dict[str, Any] = {"now": timezone.now()}
    if actor is not None:
        role = actor.role
        context["enforcement"] = is_enforcement(actor.organisation.type)
        context["conferences_soon"] = conferences_soon(actor_membership=actor)
        if role == Role.CASEWORKER:
            context.update(_caseworker(actor))
        if role in STAFF_ROLES:
            context.update(_staff(actor))
        if role == Role.COORDINATOR:
            context.update(_coordinator(actor))
        if role == Role.ANALYST:
            context.update(_analyst(actor))
        if role == Role.ORGANISATION_ADMIN:
            context["no_two_factor"] = selectors.members_without_two_factor(actor=actor)
    return render(request, "home/home.html", context)


@require_POST
def availability_confirm_view(request: HttpRequest, capacity_id: UUID) -> HttpResponse:
    """One tap: the figure is still right. Kept in the history with today's date."""
    actor: Membership | None = getattr(request, "membership", None)
    if actor is None or actor.role not in STAFF_ROLES:
        raise NotFound
    try:
        capacity = capacity_update(actor=actor, capacity_id=capacity_id, delta=0)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("Confirmed: %(service)s, %(available)s %(unit)s available.")
            % {
                "service": capacity.service.name,
                "available": capacity.available,
                "unit": unit_label(capacity.unit).lower(),
            },
        )
    return redirect("home:home")
