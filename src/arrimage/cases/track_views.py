"""The protected tracks of a case: exploitation, immigration and health. Thin: each calls
a service with ``request.membership``."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from arrimage.cases import (
    selectors,
    track_services,
)
from arrimage.cases import vocabularies as v
from arrimage.cases.exploitation_vocabularies import (
    RECRUITMENTS_RETIRED,
    LabourExploitationType,
    MethodOfControl,
    MethodOfRecruitment,
    SexExploitationType,
    StatusDecidedBy,
    TraffickingStatus,
)
from arrimage.cases.forms import (
    EXPLOITATION_FIELDS,
    HEALTH_FIELDS,
    IMMIGRATION_FIELDS,
    form_data,
)
from arrimage.cases.immigration_health_vocabularies import (
    IRCC_LINKS,
    ApplicationStatus,
    ImmigrationStatus,
)
from arrimage.cases.view_support import case_url, page_labels, request_membership, run_service
from arrimage.privacy.categories import Category


@require_http_methods(["GET", "POST"])
def exploitation_edit_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    membership = request_membership(request)
    case = selectors.case_get(
        actor_membership=membership,
        case_id=case_id,
        path="page",
        require=Category.EXPLOITATION,
    )
    if request.method == "POST" and run_service(
        request,
        lambda: track_services.exploitation_update(
            actor_membership=membership,
            case_id=case_id,
            data=form_data(request.POST, EXPLOITATION_FIELDS),
        ),
        _("Saved."),
    ):
        return redirect(case_url(case_id, "exploitation"))
    return render(
        request,
        "cases/exploitation_edit.html",
        {
            "case": case,
            "values": case["exploitation"],
            "labels": page_labels(),
            "sex_types": SexExploitationType.choices,
            "labour_types": LabourExploitationType.choices,
            "controls": MethodOfControl.choices,
            "recruitments": v.offered(
                MethodOfRecruitment.choices,
                RECRUITMENTS_RETIRED,
                recorded=case["exploitation"].get("methods_of_recruitment"),
            ),
            "statuses": TraffickingStatus.choices,
            "deciders": StatusDecidedBy.choices,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def immigration_edit_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    membership = request_membership(request)
    case = selectors.case_get(
        actor_membership=membership,
        case_id=case_id,
        path="page",
        require=Category.IMMIGRATION,
    )
    if request.method == "POST" and run_service(
        request,
        lambda: track_services.immigration_update(
            actor_membership=membership,
            case_id=case_id,
            data=form_data(request.POST, IMMIGRATION_FIELDS),
        ),
        _("Saved."),
    ):
        return redirect(case_url(case_id, "immigration"))
    return render(
        request,
        "cases/immigration_edit.html",
        {
            "case": case,
            "values": case["immigration"],
            "ircc": IRCC_LINKS,
            "statuses": ImmigrationStatus.choices,
            "applications": ApplicationStatus.choices,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def health_add_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    run_service(
        request,
        lambda: track_services.health_follow_up_add(
            actor_membership=request_membership(request),
            case_id=case_id,
            data=form_data(request.POST, HEALTH_FIELDS),
        ),
        _("The follow-up is saved."),
    )
    return redirect(case_url(case_id, "health"))
