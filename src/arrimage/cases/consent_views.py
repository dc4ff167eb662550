"""A person's consents from the case: recording, withdrawing and the printable summary.
Thin: each calls the privacy kernel's consent service."""

from datetime import datetime, time
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from arrimage.cases import (
    selectors,
)
from arrimage.cases.validation import parse_date
from arrimage.cases.view_support import page_labels, request_membership, run_service
from arrimage.coalition.models import Organisation
from arrimage.core.errors import NotFound
from arrimage.privacy import consent as consent_service
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.models import ConsentMethod

# Consents -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def consents_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    membership = request_membership(request)
    person = selectors.person_of_case(actor_membership=membership, case_id=case_id)
    if not consent_service.consent_may_record(actor_membership=membership, person=person):
        raise NotFound
    if request.method == "POST":

        def record() -> None:
            recipient_id = _uuid_or_none(request.POST.get("recipient_id"))
            recipient = (
                Organisation.objects.filter(pk=recipient_id).first() if recipient_id else None
            )
            if recipient is None:
                raise ValidationError(
                    _("Choose the organisation that will receive the information.")
                )
            expires_at = None
            if request.POST.get("expires_on"):
                day = parse_date(
                    request.POST["expires_on"],
                    label=_("The expiry date"),
                    past_years=0,
                    future_years=2,
                    required=True,
                )
                expires_at = timezone.make_aware(datetime.combine(day, time(23, 59)))  # type: ignore[arg-type]
            consent_service.consent_record(
                actor_membership=membership,  # type: ignore[arg-type]
                person=person,
                recipient=recipient,
                categories=request.POST.getlist("categories"),
                purpose=request.POST.get("purpose", ""),
                method=request.POST.get("method", ""),
                expires_at=expires_at,
            )

        if run_service(request, record, _("The consent is recorded.")):
            return redirect("cases:consents", case_id)
    consents = consent_service.consents_of_person(person=person)
    now = timezone.now()
    return render(
        request,
        "cases/consents.html",
        {
            "case_id": case_id,
            "consents": [(c, consent_service.consent_state(c, now)) for c in consents],
            "organisations": Organisation.objects.exclude(pk=person.organisation_id).order_by(
                "name"
            ),
            "categories": Category.choices,
            "purposes": Purpose.choices,
            "methods": ConsentMethod.choices,
            "labels": page_labels(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _uuid_or_none(value: object) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


@require_POST
def consent_withdraw_view(request: HttpRequest, case_id: UUID, consent_id: UUID) -> HttpResponse:
    membership = request_membership(request)
    person = selectors.person_of_case(actor_membership=membership, case_id=case_id)
    consent_service.consent_withdraw(
        actor_membership=membership,  # type: ignore[arg-type]
        consent_id=consent_id,
        person=person,
    )
    messages.success(request, _("The consent is withdrawn. It no longer shares anything."))
    return redirect("cases:consents", case_id)


def consent_summary_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    membership = request_membership(request)
    person = selectors.person_of_case(actor_membership=membership, case_id=case_id)
    if not consent_service.consent_may_record(actor_membership=membership, person=person):
        raise NotFound
    language = "en" if request.GET.get("lang") == "en" else "fr-ca"
    sentences = consent_service.consent_summary(
        consents=consent_service.consents_of_person(person=person), language=language
    )
    return render(
        request,
        "cases/consent_summary.html",
        {
            "case_id": case_id,
            "sentences": sentences,
            "summary_language": "en-CA" if language == "en" else "fr-CA",
        },
    )
