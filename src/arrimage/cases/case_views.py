"""The case page: opening a case, reading it, the person, status and legal information, the
access log and the export. Thin: each calls a selector or a service."""

import json
from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from arrimage.accounts.models import Membership
from arrimage.cases import (
    export_selectors,
    selectors,
    services,
)
from arrimage.cases import vocabularies as v
from arrimage.cases.countries import country_choices
from arrimage.cases.forms import (
    IDENTITY_FIELDS,
    LEGAL_FIELDS,
    PERSON_FIELDS,
    form_data,
)
from arrimage.cases.immigration_health_vocabularies import IRCC_LINKS, Coverage, FollowUpKind
from arrimage.cases.models import Need
from arrimage.cases.view_support import case_url, page_labels, request_membership, run_service
from arrimage.coalition.glossary import organisations_for_mandates
from arrimage.core.errors import NotFound
from arrimage.core.paging import page_number
from arrimage.privacy.categories import Category
from arrimage.privacy.policy import categories_role_may_write, is_enforcement, may_share_with

ACCESS_LOG_PAGE_SIZE = 50

# Case ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_create_view(request: HttpRequest) -> HttpResponse:
    membership = request_membership(request)
    if membership is None or not {
        Category.IDENTITY,
        Category.COORDINATION,
    } <= categories_role_may_write(membership.role):
        raise NotFound
    errors: list[str] = []
    if request.method == "POST":
        try:
            case = services.case_create(
                actor_membership=membership,
                identity=form_data(request.POST, IDENTITY_FIELDS),
                contact=form_data(request.POST, PERSON_FIELDS["contact"]),
                location=form_data(request.POST, PERSON_FIELDS["location"]),
                immigration=form_data(request.POST, ["citizenship"]),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The case is open."))
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/case_create.html",
        {
            "errors": errors,
            "values": request.POST,
            "labels": page_labels(),
            "genders": v.offered(v.Gender.choices, v.GENDERS_RETIRED),
            "age_bands": v.AgeBand.choices,
            "countries": country_choices(),
            "may_locate": may_share_with(
                organisation_type=membership.organisation.type, category=Category.LOCATION
            ),
            "may_hold_immigration": Category.IMMIGRATION
            in categories_role_may_write(membership.role)
            and may_share_with(
                organisation_type=membership.organisation.type, category=Category.IMMIGRATION
            ),
        },
        status=400 if errors else 200,
    )


def _next_action(case: dict[str, Any], readable: set[str]) -> dict[str, Any]:
    """What the summary at the top of the case page offers to do next: the open task due
    first, else finding resources for the open needs, else adding a task."""
    open_tasks = [t for t in case.get("tasks", []) if t["status"] == v.TaskStatus.OPEN]
    if open_tasks:
        return {"kind": "task", "task": min(open_tasks, key=lambda t: t["due_on"])}
    open_needs = [
        n
        for n in case.get("needs", [])
        if n["status"] in (v.NeedStatus.OPEN, v.NeedStatus.IN_PROGRESS)
    ]
    if open_needs and "coordination" in readable:
        return {"kind": "needs", "count": len(open_needs)}
    return {"kind": "none"}


def case_detail_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    membership = request_membership(request)
    case = selectors.case_get(actor_membership=membership, case_id=case_id, path="page")
    readable = set(case["readable_categories"])
    immigration = case.get("immigration") or {}
    renewal_soon = False
    if immigration.get("trp_renewal_due_on"):
        due = immigration["trp_renewal_due_on"]
        days = (date.fromisoformat(due) - timezone.localdate()).days
        renewal_soon = days <= 60
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "readable": readable,
            "labels": page_labels(),
            # Screening answers never reach police, border enforcement or prosecution.
            "screening_offered": "exploitation" in readable
            and membership is not None
            and not is_enforcement(membership.organisation.type),
            "writable_categories": [(c, label) for c, label in Category.choices if c in readable],
            "need_types": [
                (value, label)
                for value, label in v.NeedType.choices
                if value in Need.readable_types(frozenset(Category(c) for c in readable))
            ],
            "urgencies": v.Urgency.choices,
            "genders": v.offered(
                v.Gender.choices,
                v.GENDERS_RETIRED,
                recorded=[(case.get("person") or {}).get("gender")],
            ),
            "case_statuses": v.CaseStatus.choices,
            "coverages": Coverage.choices,
            "follow_up_kinds": FollowUpKind.choices,
            "ircc": IRCC_LINKS,
            "renewal_soon": renewal_soon,
            "next_action": _next_action(case, readable),
            # The case's team as the reader knows it: the lead organisation and the reader's
            # own, each with its mandate (not personal data).
            "team": organisations_for_mandates(
                ids=[UUID(case["lead_organisation"]["id"]), membership.organisation_id]  # type: ignore[union-attr]
            ),
            "members": Membership.objects.filter(organisation_id=membership.organisation_id)  # type: ignore[union-attr]
            .select_related("user")
            .only("id", "user_id", "user__id", "user__full_name")
            .order_by("user__full_name"),
        },
    )


@require_POST
def person_edit_view(request: HttpRequest, case_id: UUID, category: str) -> HttpResponse:
    if category not in PERSON_FIELDS:
        raise NotFound
    run_service(
        request,
        lambda: services.person_update(
            actor_membership=request_membership(request),
            case_id=case_id,
            category=category,
            data=form_data(request.POST, PERSON_FIELDS[category]),
        ),
        _("Saved."),
    )
    return redirect(case_url(case_id, "person"))


@require_POST
def status_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    run_service(
        request,
        lambda: services.case_status_change(
            actor_membership=request_membership(request),
            case_id=case_id,
            status=request.POST.get("status", ""),
        ),
        _("Saved."),
    )
    return redirect(case_url(case_id))


@require_POST
def legal_edit_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    run_service(
        request,
        lambda: services.legal_update(
            actor_membership=request_membership(request),
            case_id=case_id,
            data=form_data(request.POST, LEGAL_FIELDS),
        ),
        _("Saved."),
    )
    return redirect(case_url(case_id, "legal"))


def access_log_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    """The case's access log, newest first, by pages: a page number that is not one answers
    the first page, one past the end the last."""
    case, entries = selectors.case_access_log(
        actor_membership=request_membership(request), case_id=case_id
    )
    page = Paginator(entries, ACCESS_LOG_PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    return render(
        request,
        "cases/access_log.html",
        {"case": case, "page": page, "labels": page_labels()},
    )


def export_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    data = export_selectors.case_export(
        actor_membership=request_membership(request), case_id=case_id
    )
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="case-{data["reference"]}.json"'
    return response
