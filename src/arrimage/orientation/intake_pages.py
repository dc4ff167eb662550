"""The four pages of the guided intake (``intake_views.py``): who, needs, options, consent and
send. Each page carries what was entered in the other steps as hidden fields."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.core.errors import NotFound
from arrimage.directory import geo
from arrimage.directory.models import Service
from arrimage.directory.presentation import language_label
from arrimage.directory.taxonomy import LANGUAGES
from arrimage.orientation.intake import categories_with_consent, holdable_unit, intake_recipient
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
from arrimage.orientation.matching import MatchResult
from arrimage.orientation.needs import GENDERS, need_category
from arrimage.orientation.referral_rules import SENDER_ROLES, default_response_hours
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


def intake_membership(request: HttpRequest) -> Membership:
    membership = getattr(request, "membership", None)
    if membership is None or membership.role not in SENDER_ROLES:
        raise NotFound
    return membership  # type: ignore[no-any-return]


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


def who_page(
    request: HttpRequest, data: QueryDict, token: UUID, form: WhoForm | None = None
) -> HttpResponse:
    membership = intake_membership(request)
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


def needs_page(
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


def intake_receivers(result: MatchResult) -> set[UUID]:
    """The options that receive referrals in Arrimage (the others are called)."""
    ids = {option.service_id for need in result.needs for option in need.options}
    return set(
        Service.objects.filter(pk__in=ids, organization__owner__isnull=False).values_list(
            "pk", flat=True
        )
    )


def options_page(
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
        receivers=intake_receivers(result),
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


def with_data(who: WhoForm, urgencies: dict[str, str]) -> set[str]:
    found = {Category.IDENTITY.value, Category.COORDINATION.value}
    if who.cleaned_data.get("municipality"):
        found.add(Category.LOCATION.value)
    found.update(need_category(need).value for need in urgencies)
    return found


def consent_page(
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
    membership = intake_membership(request)
    service, recipient = intake_recipient(service_id)
    urgencies = needs.urgencies()
    allowed = sorted(
        c
        for c in with_data(who, urgencies)
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
