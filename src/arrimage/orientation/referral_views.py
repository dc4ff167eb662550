"""Orientation pages: referrals, sent and received (docs/referrals.md), their list, their
page and their moves.

Thin: each view reads the acting membership (``request.membership``), calls a selector or a
service, and renders. Forbidden and missing both answer 404.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from arrimage.accounts.models import Membership, Role
from arrimage.cases.access import access_record, case_grant
from arrimage.cases.labels import field_label, section_value_label
from arrimage.cases.sealing import category_data
from arrimage.cases.vocabularies import AgeBand, Gender
from arrimage.cases.worklist_selectors import visible_grants
from arrimage.core.errors import NotFound
from arrimage.directory.models import Service
from arrimage.directory.presentation import language_label
from arrimage.orientation.forms import ReferralFilterForm, ReferralSendForm
from arrimage.orientation.models import (
    BedHold,
    DeclineReason,
    HoldStatus,
    NotCompletedReason,
    ReferralStatus,
)
from arrimage.orientation.needs import NEED_CATEGORIES, NEED_LABELS
from arrimage.orientation.referral_list_selectors import ReferralFilters, referrals_page
from arrimage.orientation.referral_rules import (
    SENDER_ROLES,
    default_response_hours,
    shareable_categories,
)
from arrimage.orientation.referral_selectors import referral_get
from arrimage.orientation.referrals import referral_create_and_send, referral_transition
from arrimage.orientation.response_indicators import (
    response_indicator_context,
    service_response_indicator,
)
from arrimage.privacy.categories import Category


def _membership(request: HttpRequest) -> Membership:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise NotFound
    return membership  # type: ignore[no-any-return]


def _uuid_param(value: str | None) -> UUID | None:
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError as error:
        raise NotFound from error


def _own_case_choices(membership: Membership) -> list[tuple[str, str]]:
    """The cases the organisation leads, labelled by reference and alias, for the choice of
    the case to refer. Audited as a read of identity."""
    grants, _more = visible_grants(actor_membership=membership, limit=100, include_closed=False)
    own = [g for g in grants if g.is_lead]
    choices = []
    for grant in own:
        alias = ""
        if grant.may(Category.IDENTITY):
            alias = str(
                category_data(grant, grant.case.person, Category.IDENTITY).get("alias") or ""
            )
        choices.append((str(grant.case.pk), f"{grant.case.reference} — {alias}".strip(" —")))
    access_record(
        actor_membership=membership,
        grants=own,
        action="case_list_read",
        path="orientation",
        categories=[Category.IDENTITY],
    )
    return choices


@require_http_methods(["GET", "POST"])
def referral_create_view(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the case (when not given). Step 2: choose what to share among what the
    person's consent, the agreement and the firewall allow; send."""
    membership = _membership(request)
    if membership.role not in SENDER_ROLES:
        raise NotFound
    params = request.POST if request.method == "POST" else request.GET
    service_id = _uuid_param(params.get("service"))
    if service_id is None:
        raise NotFound
    service = (
        Service.objects.select_related("organization__owner")
        .filter(pk=service_id, status="active")
        .first()
    )
    if service is None:
        raise NotFound
    hold_id = _uuid_param(params.get("hold"))
    hold = (
        BedHold.objects.filter(
            pk=hold_id, organisation_id=membership.organisation_id, status=HoldStatus.ACTIVE
        ).first()
        if hold_id
        else None
    )
    need = params.get("need") if params.get("need") in NEED_CATEGORIES else ""
    case_id = _uuid_param(params.get("case"))
    context: dict[str, Any] = {
        "service": service,
        "hold": hold,
        "need": need,
        "need_label": NEED_LABELS.get(need or "", ""),
    }
    if service.organization.owner is None:
        context["no_recipient"] = True
        return render(request, "orientation/referral_create.html", context)
    if case_id is None:
        context["cases"] = _own_case_choices(membership)
        return render(request, "orientation/referral_create.html", context)
    grant = case_grant(actor_membership=membership, case_id=case_id)
    if not grant.is_lead:
        raise NotFound
    shareable = shareable_categories(
        case_lead=grant.case.lead_organisation,
        person_id=grant.case.person_id,
        recipient=service.organization.owner,
        at=timezone.now(),
    )
    allowed = [c for c in Category.values if Category(c) in shareable.categories and grant.may(c)]
    context.update(case=grant.case, shareable=shareable, allowed=allowed)
    form = ReferralSendForm(
        request.POST or None,
        allowed=allowed,
        initial={"response_hours": default_response_hours(need or "")},
    )
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_create_and_send(
                actor=membership,
                case_id=case_id,
                service_id=service.pk,
                categories=form.cleaned_data["categories"],
                need=need or "",
                hold_id=hold.pk if hold else None,
                note=form.cleaned_data["note"],
                response_hours=form.cleaned_data["response_hours"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Referral sent."))
            return redirect("orientation:referral_detail", referral_id=referral.pk)
    return render(request, "orientation/referral_create.html", context)


@require_http_methods(["GET"])
def referrals_view(request: HttpRequest) -> HttpResponse:
    """Received or sent referrals, a page at a time, filtered by state, organisation and
    date. Caseworkers open on what they sent, service staff on what they received."""
    membership = _membership(request)
    default_box = "out" if membership and membership.role in SENDER_ROLES else "in"
    asked = request.GET.get("box", "")
    box = asked if asked in ("in", "out") else default_box
    organisations = referrals_page(
        actor=membership, box=box, filters=ReferralFilters(), page=1
    ).organisations
    form = ReferralFilterForm(request.GET or None, organisations=organisations)
    if form.is_bound:
        form.is_valid()
    filters = form.filters() if form.is_bound else ReferralFilters()
    number = (form.cleaned_data.get("page") or 1) if form.is_bound else 1
    page = referrals_page(actor=membership, box=box, filters=filters, page=number)
    query: dict[str, str] = {
        k: str(v) for k, v in request.GET.items() if k not in ("page", "box") and v
    }
    return render(
        request,
        "orientation/referrals.html",
        {
            "box": box,
            "page": page,
            "form": form,
            "filtered": any(
                (filters.status, filters.organisation_id, filters.since, filters.until)
            ),
            "query": urlencode({"box": box, **query}),
            "may_send": membership is not None and membership.role in SENDER_ROLES,
            "may_update_availability": membership is not None
            and membership.role in (Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN),
        },
    )


def _named(key: str, value: Any) -> Any:
    """A code of the person's record by its name in the reader's language: no raw code
    ("Male", "es") reaches the page. The citizenship is immigration: its names come from
    ``cases.labels.section_value_label``."""
    if key == "languages":
        return [language_label(str(code)) for code in value or []]
    if key == "gender":
        return dict(Gender.choices).get(str(value), value)
    if key == "age_band":
        return dict(AgeBand.choices).get(str(value), value)
    return value


def _shown(value: Any, key: str = "") -> Any:
    """Lists as plain text for the page, codes by their names."""
    value = _named(key, value)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value


@require_http_methods(["GET"])
def referral_detail_view(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    membership = _membership(request)
    view = referral_get(actor=membership, referral_id=referral_id)
    indicator = service_response_indicator(actor=membership, service_id=view.referral.service_id)
    person_fields = {
        field_label(k): _shown(v, k)
        for k, v in (view.case or {}).get("person", {}).items()
        if k != "id"
    }
    sections = {
        key: {
            field_label(f): section_value_label(key, f, value)
            for f, value in view.case[key].items()
        }
        for key in ("immigration", "legal", "exploitation")
        if view.case and isinstance(view.case.get(key), dict) and view.case[key]
    }
    labels = dict(ReferralStatus.choices)
    return render(
        request,
        "orientation/referral_detail.html",
        {
            "view": view,
            "indicator": indicator,
            "person_fields": person_fields,
            "sections": sections,
            "status_label": labels[view.referral.status],
            "moves": [(code, MOVE_VERBS.get(code, labels[code])) for code in view.moves],
            "shared_items": [(Category(c).label, c in view.visible) for c in view.shared],
            "decline_reasons": DeclineReason.choices,
            "outcome_reasons": NotCompletedReason.choices,
            **response_indicator_context(indicator),
        },
    )


@require_POST
def referral_transition_view(request: HttpRequest, referral_id: UUID) -> HttpResponse:
    """A change of state is asked, then confirmed: the first post shows what will happen and
    changes nothing; the second (``confirmed``) makes it."""
    membership = _membership(request)
    if request.POST.get("confirmed") != "yes":
        view = referral_get(actor=membership, referral_id=referral_id)
        to_status = request.POST.get("to_status", "")
        if to_status not in view.moves:
            messages.error(request, _("This change is not possible now."))
            return redirect("orientation:referral_detail", referral_id=referral_id)
        reasons = dict(DeclineReason.choices) | dict(NotCompletedReason.choices)
        return render(
            request,
            "orientation/referral_confirm.html",
            {
                "view": view,
                "to_status": to_status,
                "action": MOVE_VERBS.get(to_status, dict(ReferralStatus.choices)[to_status]),
                "consequence": MOVE_CONSEQUENCES.get(to_status, ""),
                "reason": request.POST.get("reason", ""),
                "reason_label": reasons.get(request.POST.get("reason", ""), ""),
                "note": request.POST.get("note", ""),
            },
        )
    try:
        referral_transition(
            actor=membership,
            referral_id=referral_id,
            to_status=request.POST.get("to_status", ""),
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Referral updated."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("orientation:referral_detail", referral_id=referral_id)


# What each move says on its button and its confirmation.
MOVE_VERBS: dict[str, Any] = {
    ReferralStatus.ACCEPTED: _lazy("Accept the referral"),
    ReferralStatus.DECLINED: _lazy("Decline the referral"),
    ReferralStatus.WAITLISTED: _lazy("Put on the waiting list"),
    ReferralStatus.IN_PROGRESS: _lazy("Start the service"),
    ReferralStatus.COMPLETED: _lazy("Mark as completed"),
    ReferralStatus.NOT_COMPLETED: _lazy("Mark as not completed"),
    ReferralStatus.CANCELLED: _lazy("Cancel the referral"),
}
MOVE_CONSEQUENCES: dict[str, Any] = {
    ReferralStatus.ACCEPTED: _lazy(
        "The sender is told at once. A place held for this referral becomes occupied."
    ),
    ReferralStatus.DECLINED: _lazy(
        "The sender is told at once. A place held for this referral is freed."
    ),
    ReferralStatus.CANCELLED: _lazy(
        "The service is told at once. A place held for this referral is freed."
    ),
}
