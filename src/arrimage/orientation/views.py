"""Orientation pages: the needs form and its options, and holds (the referrals' pages are
in ``referral_views.py``).

Thin: each view reads the acting membership (``request.membership``), calls a selector or a
service, and renders. Forbidden and missing both answer 404.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from arrimage.accounts.models import Membership, Role
from arrimage.cases.access import case_grant
from arrimage.cases.models import Case
from arrimage.coalition.models import Organisation
from arrimage.core.errors import NotFound
from arrimage.directory import geo
from arrimage.directory.models import Service
from arrimage.orientation.case_profile import profile_from_case
from arrimage.orientation.forms import HoldForm, NeedsForm
from arrimage.orientation.holds import (
    HOLD_ROLES,
    bed_hold_accept,
    bed_hold_create,
    bed_hold_release,
    bed_holds_for,
)
from arrimage.orientation.matching import MatchResult, match_profile
from arrimage.orientation.needs import NEED_CATEGORIES
from arrimage.orientation.referral_rules import (
    SENDER_ROLES,
    shareable_categories,
)
from arrimage.orientation.unmet import unmet_needs_record, unmet_subject


def _membership(request: HttpRequest) -> Membership:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise NotFound
    return membership  # type: ignore[no-any-return]


def _record_unmet(membership: Membership, result: MatchResult, case_id: UUID | None) -> None:
    """Submitting the form (or opening matching from a case) is the act that records the
    unmet needs; the same need of the same case, or of the same profile in this organisation,
    is recorded once a day (a reload is not a second person)."""
    unmet_needs_record(
        result=result,
        subject=unmet_subject(actor=membership, case_id=case_id, profile=result.profile),
    )


def _results_context(
    request: HttpRequest, result: MatchResult, case_id: UUID | None
) -> dict[str, Any]:
    membership = _membership(request)
    # Only the lead organisation refers from a case (the referral page refuses the others).
    leads_case = (
        case_id is None
        or Case.objects.filter(pk=case_id, lead_organisation_id=membership.organisation_id).exists()
    )
    return {
        "result": result,
        "case_id": case_id,
        "may_hold": membership.role in HOLD_ROLES,
        "may_refer": membership.role in SENDER_ROLES and leads_case,
    }


def _page(
    request: HttpRequest, form: NeedsForm, result: MatchResult | None, case_id: UUID | None = None
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "municipalities": sorted(m.name for m in geo.municipalities().values()),
        "case_id": case_id,
    }
    if result is not None:
        context.update(_results_context(request, result, case_id))
    return render(request, "orientation/match.html", context)


@require_http_methods(["GET", "POST"])
def match_view(request: HttpRequest) -> HttpResponse:
    """The quick needs form (POST, so that nothing about the person goes into a URL or a
    server log) and the options for each need."""
    membership = _membership(request)
    case_id = None
    raw_case = request.POST.get("case") or request.GET.get("case")
    if raw_case:
        try:
            case_id = UUID(raw_case)
        except ValueError as error:
            raise NotFound from error
        case_grant(actor_membership=membership, case_id=case_id)
    if request.method != "POST":
        return _page(request, NeedsForm(), None, case_id)
    form = NeedsForm(request.POST)
    if not form.is_valid():
        return _page(request, form, None, case_id)
    result = match_profile(actor=membership, profile=form.profile())
    _record_unmet(membership, result, case_id)
    return _page(request, form, result, case_id)


@require_http_methods(["GET"])
def match_case_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    """Start from a case: the form is filled from what the user may see of it."""
    membership = _membership(request)
    profile = profile_from_case(actor=membership, case_id=case_id)
    form = NeedsForm(initial=NeedsForm.initial_from(profile))
    result = None
    if profile.needs:
        result = match_profile(actor=membership, profile=profile)
        _record_unmet(membership, result, case_id)
    else:
        messages.info(request, _("The case lists no open need: choose the needs below."))
    return _page(request, form, result, case_id)


# Holds ---------------------------------------------------------------------------------------


def _consented(membership: Membership, case_id: UUID, service_id: UUID) -> bool:
    """Whether the person of the case consented to a referral to the service's organisation
    (or the organisation is the case's own): a hold for a person comes after that."""
    grant = case_grant(actor_membership=membership, case_id=case_id)
    owner = (
        Service.objects.filter(pk=service_id).values_list("organization__owner", flat=True).first()
    )
    recipient = Organisation.objects.filter(pk=owner).first() if owner else None
    if recipient is None:
        return True  # not in Arrimage: no referral will follow the hold
    return shareable_categories(
        case_lead=grant.case.lead_organisation,
        person_id=grant.case.person_id,
        recipient=recipient,
        at=timezone.now(),
    ).has_consent


@require_POST
def hold_create_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    form = HoldForm(request.POST)
    if not form.is_valid():
        raise NotFound
    data = form.cleaned_data
    if data.get("case") and not _consented(membership, data["case"], data["service"]):
        messages.error(
            request,
            _(
                "No place is held before the person consents. Record their consent to a "
                "referral to this organisation first, then hold the place."
            ),
        )
        return redirect("cases:consents", data["case"])
    try:
        hold = bed_hold_create(actor=membership, service_id=data["service"], unit=data["unit"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("orientation:holds")
    messages.success(
        request,
        _("Unit held until %(time)s. Now send the referral.")
        % {"time": timezone.localtime(hold.expires_at).strftime("%H:%M")},
    )
    query = {"service": str(hold.service_id), "hold": str(hold.pk)}
    if data.get("need") in NEED_CATEGORIES:
        query["need"] = data["need"]
    if data.get("case"):
        query["case"] = str(data["case"])
    return redirect(f"{reverse('orientation:referral_create')}?{urlencode(query)}")


@require_http_methods(["GET"])
def holds_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    lists = bed_holds_for(actor=membership)
    return render(
        request,
        "orientation/holds.html",
        {
            "lists": lists,
            "may_answer": membership.role in (Role.SERVICE_STAFF, Role.ORGANISATION_ADMIN),
        },
    )


@require_POST
def hold_accept_view(request: HttpRequest, hold_id: UUID) -> HttpResponse:
    try:
        bed_hold_accept(actor=_membership(request), hold_id=hold_id)
        messages.success(request, _("Hold accepted: the unit is now occupied."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("orientation:holds")


@require_POST
def hold_release_view(request: HttpRequest, hold_id: UUID) -> HttpResponse:
    try:
        bed_hold_release(actor=_membership(request), hold_id=hold_id)
        messages.success(request, _("Hold released: the unit is free again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("orientation:holds")
