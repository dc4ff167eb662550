"""The GBVIMS question, case by case: already reported by another member organisation?"""

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arrimage.accounts.models import Role
from arrimage.cases.access import case_grants
from arrimage.cases.models import Case
from arrimage.core.errors import NotFound
from arrimage.core.paging import page_number
from arrimage.trends import services
from arrimage.trends.models import StatisticsRecord
from arrimage.trends.view_helpers import membership_of


def answers_view(request: HttpRequest) -> HttpResponse:
    """The GBVIMS question for each case of the organisation: already reported by another
    member? Only the lead organisation answers, in a role that reads coordination."""
    actor = membership_of(request)
    if actor is None or actor.role not in (Role.CASEWORKER, Role.SERVICE_STAFF, Role.COORDINATOR):
        raise NotFound
    cases = (
        Case.objects.filter(lead_organisation_id=actor.organisation_id)
        .select_related("lead_organisation", "person")
        .order_by("-opened_at", "pk")
    )
    page = Paginator(cases, 50).get_page(page_number(request.GET.get("page")))
    grants = [g for g in case_grants(actor_membership=actor, cases=list(page)) if g.readable]
    answers = dict(
        StatisticsRecord.objects.filter(case_id__in=[g.case.pk for g in grants]).values_list(
            "case_id", "is_reported_elsewhere"
        )
    )
    rows = [(g.case, answers.get(g.case.pk, False)) for g in grants]
    return render(request, "trends/answers.html", {"rows": rows, "page": page})


@require_POST
def answer_set_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    services.statistics_answer_record(
        actor=membership_of(request),
        case_id=case_id,
        is_reported_elsewhere=request.POST.get("is_reported_elsewhere") == "yes",
    )
    messages.success(request, _("The answer is recorded."))
    return redirect("trends:answers")
