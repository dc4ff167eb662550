"""A coalition's page (its place among the levels, its members, its coordinators, the way to
its texts and trainings) and the onboarding checklist of its member organisations.

The coalition app serves the list of coalitions; this page composes accounts (coordinators)
and the coalition's life, so it lives here, at the address it always had."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from arrimage.accounts.models import Role
from arrimage.coalition import selectors as coalition_selectors
from arrimage.coalition_pages import selectors, services
from arrimage.coalition_pages.access import (
    coalition_for_onboarding,
    coalition_for_reader,
    may_coordinate,
    may_read_onboarding,
)
from arrimage.coalition_pages.models import TextKind
from arrimage.core.errors import NotFound


@require_GET
def coalition_detail_view(request: HttpRequest, coalition_id: UUID) -> HttpResponse:
    actor = getattr(request, "membership", None)
    coalition = coalition_for_reader(actor=actor, coalition_id=coalition_id)
    visible = coalition_selectors.coalitions_visible(membership=actor)
    latest = {
        kind: selectors.coalition_texts(coalition=coalition, kind=kind).first()
        for kind in (TextKind.ANNOUNCEMENT, TextKind.DECISION)
    }
    return render(
        request,
        "coalition_pages/coalition_detail.html",
        {
            "coalition": coalition,
            "ancestors": selectors.coalition_ancestors(coalition=coalition),
            "organisations": coalition_selectors.coalition_organisations(coalition=coalition),
            "coordinators": selectors.coalition_coordinators(coalition=coalition),
            "children": visible.filter(parent=coalition).order_by("name"),
            "latest_announcement": latest[TextKind.ANNOUNCEMENT],
            "latest_decision": latest[TextKind.DECISION],
            "may_coordinate": may_coordinate(actor=actor, coalition=coalition),
            "may_read_onboarding": may_read_onboarding(actor=actor, coalition=coalition),
        },
    )


@require_GET
def onboarding_view(request: HttpRequest, coalition_id: UUID) -> HttpResponse:
    actor = getattr(request, "membership", None)
    coalition = coalition_for_onboarding(actor=actor, coalition_id=coalition_id)
    is_admin = actor is not None and actor.role == Role.ORGANISATION_ADMIN
    checklists = selectors.onboarding_checklists(
        coalition=coalition,
        organisation_ids=[actor.organisation_id] if is_admin and actor else None,
    )
    return render(
        request,
        "coalition_pages/onboarding.html",
        {
            "coalition": coalition,
            "checklists": checklists,
            "is_admin": is_admin,
            "agreement": services.agreement_in_force(coalition=coalition),
        },
    )


@require_POST
def agreement_sign_view(request: HttpRequest, coalition_id: UUID) -> HttpResponse:
    actor = getattr(request, "membership", None)
    coalition = coalition_for_onboarding(actor=actor, coalition_id=coalition_id)
    if actor is None or actor.role != Role.ORGANISATION_ADMIN:
        raise NotFound
    try:
        services.agreement_sign(
            actor=actor, coalition=coalition, agreement_id=request.POST.get("agreement", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your organisation signed the agreement."))
    return redirect("coalition:onboarding", coalition_id=coalition.pk)
