"""Pages of conferences. Thin: each calls a selector or a service with ``request.membership``.
Bad input renders the page again with the message and what was typed (status 400)."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from arrimage.accounts.models import Membership
from arrimage.cases import vocabularies as v
from arrimage.cases.access import case_grant
from arrimage.conferences import selectors, services
from arrimage.conferences.calendar import conference_ical
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category


def _membership(request: HttpRequest) -> Membership | None:
    return getattr(request, "membership", None)


def conference_list_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    conferences = selectors.conference_list(actor_membership=membership)
    return render(
        request,
        "conferences/list.html",
        {**conferences, "may_convene": services.may_convene(membership)},
    )


@require_http_methods(["GET", "POST"])
def conference_create_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if not services.may_convene(membership):
        raise NotFound
    assert membership is not None
    case_id = request.GET.get("dossier") or request.POST.get("case_id") or ""
    case_reference = ""
    if case_id:
        # The case page's link: the case must exist for the actor (coordination), else 404.
        case_reference = case_grant(
            actor_membership=membership, case_id=case_id, require=Category.COORDINATION
        ).case.reference
    coalitions = services.coalitions_for(membership)
    coalition_id = request.POST.get("coalition_id") or request.GET.get("coalition") or ""
    coalition = next((c for c in coalitions if str(c.pk) == coalition_id), None)
    if coalition is None and len(coalitions) == 1:
        coalition = coalitions[0]
    errors: list[str] = []
    if request.method == "POST" and "create" in request.POST:
        try:
            conference = services.conference_create(
                actor_membership=membership,
                coalition_id=coalition_id,
                case_id=case_id or None,
                data=request.POST.dict(),
                participant_ids=request.POST.getlist("participant"),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The conference is planned."))
            return redirect("conferences:detail", conference.pk)
    invitable = services.invitable_memberships(coalition) if coalition is not None else []
    return render(
        request,
        "conferences/create.html",
        {
            "errors": errors,
            "values": request.POST,
            "chosen": set(request.POST.getlist("participant")),
            "case_id": case_id,
            "case_reference": case_reference,
            "coalitions": coalitions,
            "coalition": coalition,
            "invitable": [m for m in invitable if m.pk != membership.pk],
        },
        status=400 if errors else 200,
    )


def _detail(
    request: HttpRequest,
    conference_id: UUID,
    *,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = selectors.conference_get(
        actor_membership=_membership(request), conference_id=conference_id
    )
    errors = errors or {}
    for item in context["agenda"]:
        item["errors"] = errors.get(str(item["id"]), [])
        item["action_errors"] = errors.get(f"action-{item['id']}", [])
    context.update(errors=errors, values=request.POST, task_statuses=dict(v.TaskStatus.choices))
    return render(request, "conferences/detail.html", context, status=status)


def conference_detail_view(request: HttpRequest, conference_id: UUID) -> HttpResponse:
    return _detail(request, conference_id)


def conference_ics_view(request: HttpRequest, conference_id: UUID) -> HttpResponse:
    conference = selectors.conference_invitation(
        actor_membership=_membership(request), conference_id=conference_id
    )
    response = HttpResponse(
        conference_ical(conference), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="concertation.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


def _write(
    request: HttpRequest,
    conference_id: UUID,
    call: Callable[[], object],
    *,
    form: str,
    success: str,
    anchor: str,
) -> HttpResponse:
    try:
        call()
    except ValidationError as error:
        return _detail(request, conference_id, errors={form: error.messages}, status=400)
    messages.success(request, success)
    return redirect(reverse("conferences:detail", args=[conference_id]) + f"#{anchor}")


@require_POST
def item_add_view(request: HttpRequest, conference_id: UUID) -> HttpResponse:
    return _write(
        request,
        conference_id,
        lambda: services.agenda_item_add(
            actor_membership=_membership(request),
            conference_id=conference_id,
            category=request.POST.get("category", ""),
            title=request.POST.get("title", ""),
        ),
        form="item_add",
        success=_("The item is on the agenda."),
        anchor="agenda",
    )


@require_POST
def item_record_view(request: HttpRequest, conference_id: UUID, item_id: UUID) -> HttpResponse:
    return _write(
        request,
        conference_id,
        lambda: services.agenda_item_record(
            actor_membership=_membership(request),
            conference_id=conference_id,
            item_id=item_id,
            minutes=request.POST.get("minutes", ""),
            decision=request.POST.get("decision", ""),
        ),
        form=str(item_id),
        success=_("The minutes are saved."),
        anchor=f"item-{item_id}",
    )


@require_POST
def action_add_view(request: HttpRequest, conference_id: UUID, item_id: UUID) -> HttpResponse:
    return _write(
        request,
        conference_id,
        lambda: services.action_item_add(
            actor_membership=_membership(request),
            conference_id=conference_id,
            item_id=item_id,
            title=request.POST.get("title", ""),
            due_on=request.POST.get("due_on", ""),
            assignee_membership_id=request.POST.get("assignee", ""),
        ),
        form=f"action-{item_id}",
        success=_("The action is a task of the case."),
        anchor=f"item-{item_id}",
    )
