"""The JSON API of a person's consents (``/api/cases/{case_id}/consents``), for the lead
organisation in a role that records consent; any other reader gets 404, like a missing case.
Mounted beside ``cases/api.py`` under the same prefix; the operation ids are those the routes
had when they lived there, so the OpenAPI description did not change."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from arrimage.cases import selectors
from arrimage.cases.api_schemas import ConsentIn, ConsentOut
from arrimage.coalition.models import Organisation
from arrimage.core.errors import NotFound
from arrimage.core.schemas import ErrorOut
from arrimage.privacy import consent as consent_service

router = Router(tags=["cases"])


def _membership(request: HttpRequest) -> Any:
    return getattr(request, "membership", None)


def _invalid(error: ValidationError) -> Status[dict[str, Any]]:
    return Status(400, {"detail": error.messages[0], "errors": error.messages})


def _consent_person(request: HttpRequest, case_id: UUID) -> Any:
    membership = _membership(request)
    person = selectors.person_of_case(actor_membership=membership, case_id=case_id)
    if not consent_service.consent_may_record(actor_membership=membership, person=person):
        raise NotFound
    return person


def _consent_out(consent: Any) -> dict[str, Any]:
    return {
        "id": consent.pk,
        "recipient_id": consent.recipient_id,
        "categories": consent.categories,
        "purpose": consent.purpose,
        "method": consent.method,
        "recorded_at": consent.recorded_at,
        "expires_at": consent.expires_at,
        "withdrawn_at": consent.withdrawn_at,
        "state": consent_service.consent_state(consent, timezone.now()),
    }


@router.get(
    "/{case_id}/consents",
    response={200: list[ConsentOut], 404: ErrorOut},
    url_name="cases_consents",
    summary="The person's consents (lead organisation)",
    operation_id="arrimage_cases_api_consents",
)
def consents(request: HttpRequest, case_id: UUID) -> Any:
    person = _consent_person(request, case_id)
    return [_consent_out(c) for c in consent_service.consents_of_person(person=person)]


@router.post(
    "/{case_id}/consents",
    response={201: ConsentOut, 400: ErrorOut, 404: ErrorOut},
    url_name="cases_consent_add",
    summary="Record an express consent",
    operation_id="arrimage_cases_api_consent_add",
)
def consent_add(request: HttpRequest, case_id: UUID, payload: ConsentIn) -> Any:
    person = _consent_person(request, case_id)
    recipient = Organisation.objects.filter(pk=payload.recipient_id).first()
    if recipient is None:
        message = _("Choose the organisation that will receive the information.")
        return Status(400, {"detail": message, "errors": [message]})
    try:
        consent = consent_service.consent_record(
            actor_membership=_membership(request),
            person=person,
            recipient=recipient,
            categories=payload.categories,
            purpose=payload.purpose,
            method=payload.method,
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(201, _consent_out(consent))


@router.post(
    "/{case_id}/consents/{consent_id}/withdraw",
    response={200: ConsentOut, 404: ErrorOut},
    url_name="cases_consent_withdraw",
    summary="Withdraw a consent, effective at once",
    operation_id="arrimage_cases_api_consent_withdraw",
)
def consent_withdraw(request: HttpRequest, case_id: UUID, consent_id: UUID) -> Any:
    person = _consent_person(request, case_id)
    consent = consent_service.consent_withdraw(
        actor_membership=_membership(request), consent_id=consent_id, person=person
    )
    return _consent_out(consent)
