"""A referral as HL7 FHIR R4B, following the Gravity Project's SDOH Clinical Care
implementation guide: a ``Bundle`` (collection) of the ``ServiceRequest`` (what is asked for
whom), the ``Task`` that manages it (``SDOHCC-TaskForReferralManagement``: ``focus`` the
ServiceRequest, ``for`` the Patient) and the ``Patient``. docs/referrals.md documents the
mapping for 211 lines and hospital systems.

The output carries only what the reader may read, by the same policy as every other path:
the recipient, the categories the sender shared and the policy still allows
(``ReferralView.visible``); the need as the ServiceRequest's code only when its category is
among them (a health or immigration need never reaches police, border enforcement or
prosecution); the person's identity only through the case view the selector built and
audited. The sender's Patient is the case reference alone: it holds the case itself.
"""

from typing import Any

from arrimage.orientation.models import Referral, ReferralStatus
from arrimage.orientation.needs import NEED_LABELS, need_readable
from arrimage.orientation.referral_rules import RECIPIENT
from arrimage.orientation.referral_selectors import ReferralView
from arrimage.privacy.categories import Category

GRAVITY = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/"
GRAVITY_TASK_PROFILE = GRAVITY + "SDOHCC-TaskForReferralManagement"
GRAVITY_SERVICE_REQUEST_PROFILE = GRAVITY + "SDOHCC-ServiceRequest"
SDOH_CATEGORIES = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
)
REASON_SYSTEM = "urn:arrimage:referral-reason"
STATE_SYSTEM = "urn:arrimage:referral-state"
NEED_SYSTEM = "urn:arrimage:need"
CASE_SYSTEM = "urn:arrimage:case"
ORGANISATION_SYSTEM = "urn:arrimage:organisation"
SERVICE_SYSTEM = "urn:arrimage:service"

# Arrimage state -> FHIR Task.status
TASK_STATUS: dict[str, str] = {
    ReferralStatus.DRAFT: "draft",
    ReferralStatus.SENT: "requested",
    ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.DECLINED: "rejected",
    ReferralStatus.WAITLISTED: "on-hold",
    ReferralStatus.IN_PROGRESS: "in-progress",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.NOT_COMPLETED: "failed",
    ReferralStatus.CANCELLED: "cancelled",
    ReferralStatus.EXPIRED: "cancelled",
}
# Arrimage state -> FHIR ServiceRequest.status: the request stands while the service may
# still be given, and is revoked once it will not be.
REQUEST_STATUS: dict[str, str] = {
    ReferralStatus.DRAFT: "draft",
    ReferralStatus.SENT: "active",
    ReferralStatus.ACCEPTED: "active",
    ReferralStatus.DECLINED: "revoked",
    ReferralStatus.WAITLISTED: "on-hold",
    ReferralStatus.IN_PROGRESS: "active",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.NOT_COMPLETED: "revoked",
    ReferralStatus.CANCELLED: "revoked",
    ReferralStatus.EXPIRED: "revoked",
}

# Reason codes carried in Task.statusReason (declined: at capacity, not eligible, safety,
# other; not completed: its reason; expired: no answer in time). A failed or rejected Task
# always carries one: "not_given" when the recipient gave none.
REASON_TEXT: dict[str, str] = {
    "at_capacity": "At capacity",
    "not_eligible": "Not eligible",
    "safety": "Safety",
    "other": "Other",
    "person_left": "The person left or stopped",
    "unreachable": "The person could not be reached",
    "service_ended": "The service ended it",
    "expired": "No answer within the response time",
    "not_given": "No reason given",
}

# The Gravity SDOH category of each need, where one fits.
NEED_SDOH: dict[str, str] = {
    "emergency_housing": "homelessness",
    "long_term_housing": "housing-instability",
    "income": "financial-insecurity",
    "employment": "employment-status",
}
# Arrimage's gender (HTCDS) -> FHIR administrative gender.
PATIENT_GENDER = {
    "Female": "female",
    "Male": "male",
    "TransgenderFeminine": "other",
    "TransgenderMasculine": "other",
    "NonConforming": "other",
    "TransgenderNonConforming": "other",
    "Unknown": "unknown",
}


def _organisation(name: str, pk: Any) -> dict[str, Any]:
    return {"display": name, "identifier": {"system": ORGANISATION_SYSTEM, "value": str(pk)}}


def _status_reason(referral: Referral) -> dict[str, Any] | None:
    reason = (
        referral.decline_reason
        or referral.outcome_reason
        or ("expired" if referral.status == ReferralStatus.EXPIRED else "")
    )
    if not reason and TASK_STATUS[referral.status] in {"rejected", "failed"}:
        reason = "not_given"
    if not reason:
        return None
    return {
        "coding": [{"system": REASON_SYSTEM, "code": reason, "display": REASON_TEXT[reason]}],
        "text": REASON_TEXT[reason],
    }


def task_for(referral: Referral, *, patient_id: str) -> dict[str, Any]:
    """The Task managing the referral: ``focus`` the ServiceRequest, ``for`` the Patient."""
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": str(referral.pk),
        "meta": {"profile": [GRAVITY_TASK_PROFILE]},
        "status": TASK_STATUS[referral.status],
        "businessStatus": {
            "coding": [{"system": STATE_SYSTEM, "code": referral.status}],
            "text": referral.status,
        },
        "intent": "order",
        "code": {
            "coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]
        },
        "focus": {"reference": f"ServiceRequest/{referral.pk}"},
        "for": {"reference": f"Patient/{patient_id}"},
        # Created when the request is sent; a draft, when it was written.
        "authoredOn": (referral.sent_at or referral.created_at).isoformat(),
        "lastModified": referral.updated_at.isoformat(),
        "requester": _organisation(
            referral.sender_organisation.name, referral.sender_organisation_id
        ),
        "owner": _organisation(
            referral.recipient_organisation.name, referral.recipient_organisation_id
        ),
    }
    if referral.response_due_at:
        task["restriction"] = {"period": {"end": referral.response_due_at.isoformat()}}
    reason = _status_reason(referral)
    if reason:
        task["statusReason"] = reason
    return task


def service_request_for(
    referral: Referral, *, patient_id: str, readable: set[str]
) -> dict[str, Any]:
    """What is asked, for whom, of whom. The need only where the reader may read it."""
    request: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": str(referral.pk),
        "meta": {"profile": [GRAVITY_SERVICE_REQUEST_PROFILE]},
        "status": REQUEST_STATUS[referral.status],
        "intent": "order",
        "subject": {"reference": f"Patient/{patient_id}"},
        "authoredOn": (referral.sent_at or referral.created_at).isoformat(),
        "requester": _organisation(
            referral.sender_organisation.name, referral.sender_organisation_id
        ),
        "performer": [
            _organisation(referral.recipient_organisation.name, referral.recipient_organisation_id),
            {
                "display": referral.service.name,
                "identifier": {"system": SERVICE_SYSTEM, "value": str(referral.service_id)},
            },
        ],
    }
    if need_readable(referral.need, readable):
        label = str(NEED_LABELS.get(referral.need, referral.need))
        request["code"] = {
            "coding": [{"system": NEED_SYSTEM, "code": referral.need, "display": label}],
            "text": label,
        }
        sdoh = NEED_SDOH.get(referral.need, "sdoh-category-unspecified")
        request["category"] = [{"coding": [{"system": SDOH_CATEGORIES, "code": sdoh}]}]
    return request


def patient_for(view: ReferralView) -> dict[str, Any]:
    """The person: the case reference, and for the recipient what the case view it may read
    holds of the person's identity."""
    referral = view.referral
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(referral.case_id),
        "identifier": [{"system": CASE_SYSTEM, "value": referral.case.reference}],
    }
    if view.side != RECIPIENT or not view.case or Category.IDENTITY not in view.visible:
        return patient
    person = view.case.get("person") or {}
    name = person.get("alias") or " ".join(
        filter(None, [person.get("given_name"), person.get("family_name")])
    )
    if name:
        patient["name"] = [{"text": name}]
    if person.get("gender") in PATIENT_GENDER:
        patient["gender"] = PATIENT_GENDER[person["gender"]]
    if person.get("year_of_birth"):
        patient["birthDate"] = str(person["year_of_birth"])
    languages = person.get("languages") or []
    if languages:
        patient["communication"] = [
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": code}]}}
            for code in languages
        ]
    return patient


def referral_bundle(view: ReferralView, *, readable: set[str], base: str) -> dict[str, Any]:
    """The referral as the acting side may read it: ServiceRequest, Task and Patient."""
    referral = view.referral
    patient = patient_for(view)
    resources = [
        service_request_for(referral, patient_id=patient["id"], readable=readable),
        task_for(referral, patient_id=patient["id"]),
        patient,
    ]
    return {
        "resourceType": "Bundle",
        "id": str(referral.pk),
        "type": "collection",
        "timestamp": referral.updated_at.isoformat(),
        "entry": [
            {"fullUrl": f"{base.rstrip('/')}/{r['resourceType']}/{r['id']}", "resource": r}
            for r in resources
        ],
    }
