"""The guided intake: one URL, four steps (who, needs, options, consent and send).

Each step posts what was entered in every step (the others as hidden fields), so "Back" and a
validation error lose nothing, and nothing is written before the last step. The last step is
one call to :func:`arrimage.orientation.intake.intake_send`.
"""

from typing import Any
from uuid import UUID, uuid4

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrimage.accounts.models import Membership
from arrimage.core.errors import NotFound
from arrimage.directory import geo
from arrimage.directory.models import Service
from arrimage.directory.presentation import language_label
from arrimage.directory.taxonomy import LANGUAGES
from arrimage.orientation.intake import (
    IntakeChoice,
    IntakePerson,
    categories_with_consent,
    holdable_unit,
    intake_recipient,
    intake_send,
)
from arrimage.orientation.intake_forms import (
    FIRST_LANGUAGES,
    INTAKE_NEED_LABELS,
    URGENCY_LABELS,
    ConsentStepForm,
    NeedsStepForm,
    WhoForm,
    hidden_state,
    initial_from,
)
from arrimage.orientation.matching import MatchResult, match_profile
from arrimage.orientation.needs import GENDERS, NeedsProfile, need_category
from arrimage.orientation.referral_rules import SENDER_ROLES, default_response_hours
from arrimage.orientation.unmet import unmet_needs_record, unmet_subject
from arrimage.privacy.categories import Category
from arrimage.privacy.consent import DEFAULT_DURATION, READ_ALOUD_LANGUAGES, consent_request_text

STEPS = ("who", "needs", "options", "consent")
STEP_TITLES = {
    "who": _("Who"),
    "needs": _("Needs"),
    "options": _("Options"),
    "consent": _("Consent and sending"),
}
READ_ALOUD_NAMES = {"fr": "Français", "en": "English", "es": "Español"}


def _membership(request: HttpRequest) -> Membership:
    membership = getattr(request, "membership", None)
    if membership is None or membership.role not in SENDER_ROLES:
        raise NotFound
    return membership  # type: ignore[no-any-return]


def _token(data: QueryDict) -> UUID:
    try:
        return UUID(str(data.get("token", "")))
    except ValueError:
        return uuid4()


def _render(
    request: HttpRequest, step: str, data: QueryDict, token: UUID, **context: Any
) -> HttpResponse:
    index = STEPS.index(step)
    context.update(
        step=step,
        token=token,
        steps=[(name, STEP_TITLES[name], i < index, i == index) for i, name in enumerate(STEPS)],
        step_number=index + 1,
        step_count=len(STEPS),
        hidden=hidden_state(data, step, drop=tuple(context.pop("drop", ()))),
    )
    status = 400 if context.get("invalid") else 200
    return render(request, "orientation/intake.html", context, status=status)


def _who_page(
    request: HttpRequest, data: QueryDict, token: UUID, form: WhoForm | None = None
) -> HttpResponse:
    membership = _membership(request)
    if form is None:
        initial = initial_from(data)
        initial.setdefault("region", membership.organisation.region.code)
        form = WhoForm(initial=initial)
    return _render(
        request,
        "who",
        data,
        token,
        form=form,
        first_languages=FIRST_LANGUAGES,
        municipalities=sorted(m.name for m in geo.municipalities().values()),
        invalid=form.is_bound,
    )


def _needs_page(
    request: HttpRequest, data: QueryDict, token: UUID, form: NeedsStepForm | None = None
) -> HttpResponse:
    form = form or NeedsStepForm(initial=initial_from(data))
    rows = [
        (
            form[f"urgency_{need}"],
            need,
            label,
        )
        for need, label in INTAKE_NEED_LABELS.items()
    ]
    chosen = data.getlist("needs") if form.is_bound or "needs" in data else []
    return _render(
        request,
        "needs",
        data,
        token,
        form=form,
        rows=rows,
        chosen=chosen,
        invalid=form.is_bound,
    )


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


def _receivers(result: MatchResult) -> set[UUID]:
    """The options that receive referrals in Arrimage (the others are called)."""
    ids = {option.service_id for need in result.needs for option in need.options}
    return set(
        Service.objects.filter(pk__in=ids, organization__owner__isnull=False).values_list(
            "pk", flat=True
        )
    )


def _options_page(
    request: HttpRequest,
    data: QueryDict,
    token: UUID,
    result: MatchResult,
    notice: str = "",
) -> HttpResponse:
    return _render(
        request,
        "options",
        data,
        token,
        result=result,
        needs=[(need, INTAKE_NEED_LABELS[need.need]) for need in result.needs],
        receivers=_receivers(result),
        notice=notice,
        drop=("service", "need", "categories", "method", "response_hours"),
    )


def _received(
    who: WhoForm, urgencies: dict[str, str], categories: list[str]
) -> list[tuple[str, str, str]]:
    """(category, its name, what of it the service receives), in the reader's language."""
    person = who.cleaned_data
    by_category: dict[str, list[str]] = {}
    for need, urgency in urgencies.items():
        by_category.setdefault(need_category(need), []).append(
            f"{INTAKE_NEED_LABELS[need]} ({URGENCY_LABELS[urgency]})"
        )
    identity = [
        " ".join(
            part
            for part in (person.get("alias"), person.get("given_name"), person.get("family_name"))
            if part
        )
    ]
    identity += [language_label(code) for code in person.get("languages") or ()]
    if person.get("gender"):
        identity.append(str(GENDERS[person["gender"]][0]))
    values = {
        Category.IDENTITY: identity,
        Category.LOCATION: [person.get("municipality") or ""],
        Category.COORDINATION: by_category.get(Category.COORDINATION, []),
        Category.HEALTH: by_category.get(Category.HEALTH, []),
        Category.IMMIGRATION: by_category.get(Category.IMMIGRATION, []),
    }
    return [
        (
            code,
            str(Category(code).label),
            " · ".join(v for v in values.get(Category(code)) or [] if v),
        )
        for code in categories
    ]


def _with_data(who: WhoForm, urgencies: dict[str, str]) -> set[str]:
    found = {Category.IDENTITY.value, Category.COORDINATION.value}
    if who.cleaned_data.get("municipality"):
        found.add(Category.LOCATION.value)
    found.update(need_category(need).value for need in urgencies)
    return found


def _consent_page(
    request: HttpRequest,
    data: QueryDict,
    token: UUID,
    *,
    who: WhoForm,
    needs: NeedsStepForm,
    service_id: UUID,
    need: str,
    form: ConsentStepForm | None = None,
    notice: str = "",
) -> HttpResponse:
    membership = _membership(request)
    service, recipient = intake_recipient(service_id)
    urgencies = needs.urgencies()
    allowed = sorted(
        c
        for c in _with_data(who, urgencies)
        if Category(c)
        in categories_with_consent(sender=membership.organisation, recipient=recipient)
    )
    wanted = {Category.IDENTITY.value, Category.COORDINATION.value, need_category(need).value}
    if form is None:
        form = ConsentStepForm(
            allowed=allowed,
            initial={
                "categories": data.getlist("categories") or [c for c in allowed if c in wanted],
                "method": data.get("method") or "verbal",
                "response_hours": data.get("response_hours")
                or default_response_hours(need, urgent=urgencies.get(need) == "high"),
            },
        )
    chosen = (
        [c for c in data.getlist("categories") if c in allowed]
        if form.is_bound or "categories" in data
        else [c for c in allowed if c in wanted]
    )
    languages = list(who.cleaned_data.get("languages") or ())
    spoken = [code for code in languages if code in READ_ALOUD_LANGUAGES] or ["fr", "en"]
    expires = timezone.now() + DEFAULT_DURATION
    texts = [
        {
            "code": code,
            "name": READ_ALOUD_NAMES[code],
            "lang": {"fr": "fr-CA", "en": "en-CA", "es": "es"}[code],
            "open": code in spoken,
            "sentences": consent_request_text(
                language=code,
                organisation=recipient.name,
                categories=chosen,
                expires_at=expires,
            ),
        }
        for code in sorted(READ_ALOUD_LANGUAGES, key=lambda c: (c not in spoken, c))
    ]
    interpreters = [
        language_label(code)
        for code in languages
        if code not in READ_ALOUD_LANGUAGES and code in LANGUAGES
    ]
    try:
        unit = holdable_unit(service, need)
    except ValidationError:
        unit = None
    data = data.copy()
    data["service"], data["need"] = str(service.pk), need
    return _render(
        request,
        "consent",
        data,
        token,
        form=form,
        service=service,
        recipient=recipient,
        need_label=INTAKE_NEED_LABELS[need],
        received=_received(who, urgencies, chosen),
        texts=texts,
        interpreters=interpreters,
        unit=unit,
        own=recipient.pk == membership.organisation_id,
        notice=notice,
        invalid=form.is_bound and bool(form.errors),
    )


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
    receivers = _receivers(result)
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
    membership = _membership(request)
    if request.method == "GET":
        return _who_page(request, QueryDict(), uuid4())
    data = request.POST
    token = _token(data)
    step = data.get("step") if data.get("step") in STEPS else "who"
    go = data.get("go", "next")
    if go == "back":
        step = STEPS[max(0, STEPS.index(step) - 1)]
        if step == "who":
            return _who_page(request, data, token)
        if step == "needs":
            return _needs_page(request, data, token)
    who, needs = _valid_who_and_needs(data)
    if not who.is_valid():
        return _who_page(request, data, token, form=who if step == "who" else None)
    if step == "who":
        return _needs_page(request, data, token)
    if not needs.is_valid():
        return _needs_page(request, data, token, form=needs if step == "needs" else None)
    profile = _profile(who, needs)
    if step in ("needs", "options") and not data.get("choose"):
        return _options_page(request, data, token, _match(membership, profile))
    chosen = _chosen(data)
    if chosen is None or chosen[1] not in needs.cleaned_data["needs"]:
        return _options_page(request, data, token, _match(membership, profile))
    service_id, need = chosen
    if step == "options" or go != "send":
        return _consent_page(
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
        for c in _with_data(who, needs.urgencies())
        if Category(c)
        in categories_with_consent(sender=membership.organisation, recipient=recipient)
    )
    form = ConsentStepForm(data, allowed=allowed)
    page = {"who": who, "needs": needs, "service_id": service_id, "need": need}
    if not form.is_valid():
        return _consent_page(request, data, token, form=form, **page)  # type: ignore[arg-type]
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
        return _consent_page(request, data, token, form=form, **page)  # type: ignore[arg-type]
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
        return _options_page(
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
    return _consent_page(
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
