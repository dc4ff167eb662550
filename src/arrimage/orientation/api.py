"""The JSON API of orientation (``/api/orientation/``): matching, bed holds, referrals (with
their HL7 FHIR Task / Gravity view, docs/referrals.md) and unmet needs. The acting organisation
comes from the session; denied and missing both answer 404."""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from arrimage.core.errors import NotFound
from arrimage.core.schemas import ErrorOut
from arrimage.orientation import fhir
from arrimage.orientation.api_schemas import (
    Code,
    HoldIn,
    HoldListsOut,
    HoldOut,
    IndicatorOut,
    MatchOut,
    NeedsIn,
    ReferralIn,
    ReferralOut,
    ReferralSummaryOut,
    TransitionIn,
)
from arrimage.orientation.case_profile import profile_from_case
from arrimage.orientation.holds import (
    bed_hold_accept,
    bed_hold_create,
    bed_hold_get,
    bed_hold_release,
    bed_holds_for,
)
from arrimage.orientation.matching import MatchResult, match_profile
from arrimage.orientation.models import BedHold, Referral
from arrimage.orientation.needs import NeedsProfile
from arrimage.orientation.referral_list_selectors import referrals_for
from arrimage.orientation.referral_selectors import ReferralView, referral_get, referral_needs
from arrimage.orientation.referrals import referral_create_and_send, referral_transition
from arrimage.orientation.response_indicators import service_response_indicator
from arrimage.orientation.unmet import unmet_needs_record, unmet_subject

router = Router(tags=["orientation"])


def _membership(request: HttpRequest) -> Any:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise NotFound
    return membership


def _invalid(error: ValidationError) -> Status[dict[str, Any]]:
    return Status(400, {"detail": error.messages[0], "errors": error.messages})


def _match_out(result: MatchResult) -> dict[str, Any]:
    return {
        "needs": [
            {
                "need": n.need,
                "label": n.label,
                "eligible_count": n.eligible_count,
                "unmet_reason": n.unmet_reason,
                "options": [
                    {**o.__dict__, "reasons": [r.__dict__ for r in o.reasons]} for o in n.options
                ],
                "excluded": [
                    {**e.__dict__, "reasons": [r.__dict__ for r in e.reasons]} for e in n.excluded
                ],
            }
            for n in result.needs
        ]
    }


@router.post(
    "/match", response={200: MatchOut, 400: ErrorOut, 404: ErrorOut}, url_name="orientation_match"
)
def match(request: HttpRequest, body: NeedsIn) -> Any:
    """Options for each need, with reasons, and exclusions with theirs. With
    ``record_unmet``, needs with no option are recorded as anonymised unmet needs, once a day
    per case (or profile) and need."""
    membership = _membership(request)
    data = body.dict()
    case_id = data.pop("case_id")
    record_unmet = data.pop("record_unmet")
    if case_id is not None:
        base = profile_from_case(actor=membership, case_id=case_id).__dict__.copy()
        base.pop("extra", None)
        data = {
            k: (v if v not in ("", [], None, 0, False) else base.get(k, v)) for k, v in data.items()
        }
    data["languages"] = tuple(data["languages"])
    data["needs"] = tuple(data["needs"])
    try:
        profile = NeedsProfile(**data)
    except ValueError:
        message = _("This needs profile is not valid: choose its values from the lists.")
        return Status(400, {"detail": message, "errors": [message]})
    if not profile.needs:
        message = _("Choose at least one need.")
        return Status(400, {"detail": message, "errors": [message]})
    result = match_profile(actor=membership, profile=profile)
    recorded = []
    if record_unmet:
        recorded = unmet_needs_record(
            result=result,
            subject=unmet_subject(actor=membership, case_id=case_id, profile=profile),
        )
    return {**_match_out(result), "unmet_recorded": [row.need for row in recorded]}


def _hold_out(hold: BedHold) -> dict[str, Any]:
    return {
        "id": hold.pk,
        "service_id": hold.service_id,
        "unit": hold.unit,
        "status": hold.status,
        "organisation_id": hold.organisation_id,
        "created_at": hold.created_at,
        "expires_at": hold.expires_at,
        "ended_at": hold.ended_at,
    }


@router.get("/holds", response=HoldListsOut, url_name="orientation_holds")
def holds(request: HttpRequest) -> Any:
    lists = bed_holds_for(actor=_membership(request))
    return {
        "held_by_us": [_hold_out(h) for h in lists.held_by_us],
        "at_our_services": [_hold_out(h) for h in lists.at_our_services],
    }


@router.post(
    "/holds",
    response={201: HoldOut, 400: ErrorOut, 404: ErrorOut},
    url_name="orientation_hold_create",
)
def hold_create(request: HttpRequest, body: HoldIn) -> Any:
    """Hold one unit; 400 when none is free (nobody ever gets the same unit twice)."""
    duration = timedelta(minutes=body.minutes) if body.minutes else None
    try:
        hold = bed_hold_create(
            actor=_membership(request),
            service_id=body.service_id,
            unit=body.unit,
            duration=duration,
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(201, _hold_out(hold))


@router.get(
    "/holds/{hold_id}", response={200: HoldOut, 404: ErrorOut}, url_name="orientation_hold_detail"
)
def hold_detail(request: HttpRequest, hold_id: UUID) -> Any:
    return _hold_out(bed_hold_get(actor=_membership(request), hold_id=hold_id))


@router.post(
    "/holds/{hold_id}/accept",
    response={200: HoldOut, 400: ErrorOut, 404: ErrorOut},
    url_name="orientation_hold_accept",
)
def hold_accept(request: HttpRequest, hold_id: UUID) -> Any:
    try:
        return _hold_out(bed_hold_accept(actor=_membership(request), hold_id=hold_id))
    except ValidationError as error:
        return _invalid(error)


@router.post(
    "/holds/{hold_id}/release",
    response={200: HoldOut, 400: ErrorOut, 404: ErrorOut},
    url_name="orientation_hold_release",
)
def hold_release(request: HttpRequest, hold_id: UUID) -> Any:
    try:
        return _hold_out(bed_hold_release(actor=_membership(request), hold_id=hold_id))
    except ValidationError as error:
        return _invalid(error)


def _summary(referral: Referral, *, need: str) -> dict[str, Any]:
    """``need``: the need as the reader may see it (``referral_needs``), never the row's."""
    return {
        "id": referral.pk,
        "reference": referral.reference,
        "status": referral.status,
        "service_id": referral.service_id,
        "service_name": referral.service.name,
        "sender_organisation": referral.sender_organisation.name,
        "recipient_organisation": referral.recipient_organisation.name,
        "need": need,
        "decline_reason": referral.decline_reason,
        "outcome_reason": referral.outcome_reason,
        "sent_at": referral.sent_at,
        "response_due_at": referral.response_due_at,
        "updated_at": referral.updated_at,
    }


def _referral_out(view: ReferralView) -> dict[str, Any]:
    return {
        **_summary(view.referral, need=view.need),
        "side": view.side,
        "moves": view.moves,
        "shared_categories": view.shared,
        "visible_categories": view.visible,
        "timeline": view.timeline,
        "case": view.case,
    }


@router.get("/referrals", response=list[ReferralSummaryOut], url_name="orientation_referrals")
def referrals(request: HttpRequest, box: Code = "in") -> Any:
    """``box=in``: received; ``box=out``: sent. No personal data in the list."""
    membership = _membership(request)
    found = referrals_for(actor=membership, box=box)
    needs = referral_needs(actor=membership, referrals=found)
    return [_summary(r, need=needs.get(r.pk, "")) for r in found]


@router.post(
    "/referrals",
    response={201: ReferralOut, 400: ErrorOut, 404: ErrorOut},
    url_name="orientation_referral_create",
)
def referral_create(request: HttpRequest, body: ReferralIn) -> Any:
    """Send a referral. Refused without the person's referral consent naming the recipient,
    and for any category the policy does not let pass."""
    membership = _membership(request)
    try:
        referral = referral_create_and_send(
            actor=membership,
            case_id=body.case_id,
            service_id=body.service_id,
            categories=body.categories,
            need=body.need,
            hold_id=body.hold_id,
            note=body.note,
            response_hours=body.response_hours,
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(
        201, _referral_out(referral_get(actor=membership, referral_id=referral.pk, path="api"))
    )


@router.get(
    "/referrals/{referral_id}",
    response={200: ReferralOut, 404: ErrorOut},
    url_name="orientation_referral_detail",
)
def referral_detail(request: HttpRequest, referral_id: UUID) -> Any:
    return _referral_out(
        referral_get(actor=_membership(request), referral_id=referral_id, path="api")
    )


@router.get(
    "/referrals/{referral_id}/fhir",
    response={200: dict[str, Any], 404: ErrorOut},
    url_name="orientation_referral_fhir",
)
def referral_fhir(request: HttpRequest, referral_id: UUID) -> Any:
    """The referral as HL7 FHIR R4B, Gravity SDOH Clinical Care: a collection Bundle of the
    ServiceRequest, the Task that manages it (``focus`` the ServiceRequest, ``for`` the
    Patient) and the Patient. Only what the reader may read: for the recipient, the shared
    categories the policy still allows (the need only when its category is among them, the
    person's identity only with the identity category); for the sender, the case reference."""
    view = referral_get(actor=_membership(request), referral_id=referral_id, path="api")
    base = request.build_absolute_uri("/api/orientation/fhir/")
    return fhir.referral_bundle(view, readable=set(view.visible), base=base)


@router.post(
    "/referrals/{referral_id}/transition",
    response={200: ReferralOut, 400: ErrorOut, 404: ErrorOut},
    url_name="orientation_referral_transition",
)
def referral_move(request: HttpRequest, referral_id: UUID, body: TransitionIn) -> Any:
    membership = _membership(request)
    try:
        referral_transition(
            actor=membership,
            referral_id=referral_id,
            to_status=body.to_status,
            reason=body.reason,
            note=body.note,
        )
    except ValidationError as error:
        return _invalid(error)
    return _referral_out(referral_get(actor=membership, referral_id=referral_id, path="api"))


@router.get(
    "/services/{service_id}/response",
    response=IndicatorOut,
    url_name="orientation_service_response",
)
def service_response(request: HttpRequest, service_id: UUID) -> Any:
    """A service's response rate and mean response time, from its referrals."""
    indicator = service_response_indicator(actor=_membership(request), service_id=service_id)
    return {
        "sent": indicator.sent,
        "answered": indicator.answered,
        "expired": indicator.expired,
        "rate": indicator.rate,
        "mean_response_hours": round(indicator.mean_response.total_seconds() / 3600, 1)
        if indicator.mean_response
        else None,
    }
