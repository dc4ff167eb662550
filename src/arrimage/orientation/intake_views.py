"""The guided intake: one URL, four steps (who, needs, options, consent and send).

Each step posts what was entered in every step (the others as hidden fields), so "Back" and a
validation error lose nothing, and nothing is written before the last step. The last step is
one call to :func:`arrimage.orientation.intake.intake_send`. The pages are in
``intake_pages.py``.
"""

from typing import Any
from uuid import UUID, uuid4

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrimage.accounts.models import Membership
from arrimage.directory.models import Service
from arrimage.orientation.intake import (
    IntakeChoice,
    IntakePerson,
    categories_with_consent,
    intake_recipient,
    intake_send,
)
from arrimage.orientation.intake_forms import ConsentStepForm, NeedsStepForm, WhoForm
from arrimage.orientation.intake_pages import (
    STEPS,
    consent_page,
    intake_membership,
    intake_receivers,
    needs_page,
    options_page,
    who_page,
    with_data,
)
from arrimage.orientation.matching import MatchResult, match_profile
from arrimage.orientation.needs import NeedsProfile
from arrimage.orientation.unmet import unmet_needs_record, unmet_subject
from arrimage.privacy.categories import Category


def _token(data: QueryDict) -> UUID:
    try:
        return UUID(str(data.get("token", "")))
    except ValueError:
        return uuid4()


def _valid_who_and_needs(
    data: QueryDict,
) -> tuple[WhoForm, NeedsStepForm]:
    return WhoForm(data), NeedsStepForm(data)


def _profile(who: WhoForm, needs: NeedsStepForm) -> NeedsProfile:
    person = who.cleaned_data
    return NeedsProfile(
        needs=tuple(needs.cleaned_data["needs"]),
        gender=person.get("gender") or "",
        languages=tuple(person.get("languages") or ()),
        region=person.get("region") or "",
        municipality=person.get("municipality") or "",
    )


def _match(membership: Membership, profile: NeedsProfile) -> MatchResult:
    result = match_profile(actor=membership, profile=profile)
    unmet_needs_record(
        result=result, subject=unmet_subject(actor=membership, case_id=None, profile=profile)
    )
    return result


def _chosen(data: QueryDict) -> tuple[UUID, str] | None:
    raw = data.get("choose") or f"{data.get('need', '')}|{data.get('service', '')}"
    need, _sep, service = raw.partition("|")
    try:
        return UUID(service), need
    except ValueError:
        return None


def _next_option(
    membership: Membership, profile: NeedsProfile, need: str, failed: UUID
) -> UUID | None:
    result = _match(membership, profile)
    receivers = intake_receivers(result)
    for found in result.needs:
        if found.need != need:
            continue
        for option in found.options:
            if option.service_id != failed and option.service_id in receivers:
                return option.service_id
    return None


@require_http_methods(["GET", "POST"])
def intake_view(request: HttpRequest) -> HttpResponse:
    """The guided intake, from a person at the door to a referral sent with a place held."""
    membership = intake_membership(request)
    if request.method == "GET":
        return who_page(request, QueryDict(), uuid4())
    data = request.POST
    token = _token(data)
    step = data.get("step") if data.get("step") in STEPS else "who"
    go = data.get("go", "next")
    if go == "back":
        step = STEPS[max(0, STEPS.index(step) - 1)]
        if step == "who":
            return who_page(request, data, token)
        if step == "needs":
            return needs_page(request, data, token)
    who, needs = _valid_who_and_needs(data)
    if not who.is_valid():
        return who_page(request, data, token, form=who if step == "who" else None)
    if step == "who":
        return needs_page(request, data, token)
    if not needs.is_valid():
        return needs_page(request, data, token, form=needs if step == "needs" else None)
    profile = _profile(who, needs)
    if step in ("needs", "options") and not data.get("choose"):
        return options_page(request, data, token, _match(membership, profile))
    chosen = _chosen(data)
    if chosen is None or chosen[1] not in needs.cleaned_data["needs"]:
        return options_page(request, data, token, _match(membership, profile))
    service_id, need = chosen
    if step == "options" or go != "send":
        return consent_page(
            request, data, token, who=who, needs=needs, service_id=service_id, need=need
        )
    return _send(request, data, token, membership, who, needs, profile, service_id, need)


def _send(
    request: HttpRequest,
    data: QueryDict,
    token: UUID,
    membership: Membership,
    who: WhoForm,
    needs: NeedsStepForm,
    profile: NeedsProfile,
    service_id: UUID,
    need: str,
) -> HttpResponse:
    _service, recipient = intake_recipient(service_id)
    allowed = sorted(
        c
        for c in with_data(who, needs.urgencies())
        if Category(c)
        in categories_with_consent(sender=membership.organisation, recipient=recipient)
    )
    form = ConsentStepForm(data, allowed=allowed)
    page = {"who": who, "needs": needs, "service_id": service_id, "need": need}
    if not form.is_valid():
        return consent_page(request, data, token, form=form, **page)  # type: ignore[arg-type]
    person = who.cleaned_data
    choice = IntakeChoice(
        service_id=service_id,
        need=need,
        categories=tuple(form.cleaned_data["categories"]),
        method=form.cleaned_data["method"],
        consent_given=bool(form.cleaned_data["consent_given"]),
        response_hours=form.cleaned_data["response_hours"],
        needs=needs.urgencies(),
    )
    try:
        result = intake_send(
            actor=membership,
            token=token,
            person=IntakePerson(
                alias=person.get("alias") or "",
                given_name=person.get("given_name") or "",
                family_name=person.get("family_name") or "",
                gender=person.get("gender") or "",
                languages=tuple(person.get("languages") or ()),
                municipality=person.get("municipality") or "",
            ),
            choice=choice,
        )
    except ValidationError as error:
        if getattr(error, "code", "") == "full":
            return _full(request, data, token, membership, profile, page, service_id, need)
        field = "consent_given" if getattr(error, "code", "") == "no_consent" else None
        for message in error.messages:
            form.add_error(field, message)
        return consent_page(request, data, token, form=form, **page)  # type: ignore[arg-type]
    referral = result.referral
    if not result.is_new:
        messages.info(request, _("This intake was already sent: here is its referral."))
    elif referral.hold_id and referral.hold is not None:
        messages.success(
            request,
            _("Referral sent. A place is held until %(time)s.")
            % {"time": time_format(timezone.localtime(referral.hold.expires_at))},
        )
    else:
        messages.success(request, _("Referral sent."))
    return redirect("orientation:referral_detail", referral_id=referral.pk)


def _full(
    request: HttpRequest,
    data: QueryDict,
    token: UUID,
    membership: Membership,
    profile: NeedsProfile,
    page: dict[str, Any],
    service_id: UUID,
    need: str,
) -> HttpResponse:
    """The place was taken meanwhile: nothing was written. Offer the next option, whose
    consent the person must hear again (it names another organisation)."""
    failed = Service.objects.filter(pk=service_id).first()
    name = failed.name if failed is not None else ""
    following = _next_option(membership, profile, need, service_id)
    if following is None:
        return options_page(
            request,
            data,
            token,
            _match(membership, profile),
            notice=_(
                "%(service)s has no free place any more: nothing was sent or recorded. "
                "No other option is open for this need now: call the services below or "
                "choose another need."
            )
            % {"service": name},
        )
    cleaned = data.copy()
    for key in ("categories", "consent_given", "choose"):
        cleaned.pop(key, None)
    page.update(service_id=following)
    return consent_page(
        request,
        cleaned,
        token,
        notice=_(
            "%(service)s has no free place any more: nothing was sent or recorded. Here is the "
            "next option. Read the text to the person again: it names another organisation."
        )
        % {"service": name},
        **page,
    )
