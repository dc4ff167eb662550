"""Referral states and reasons as HL7 FHIR R4 Task statuses, following the Gravity Project's
SDOH Clinical Care implementation guide (Task for referral management). docs/referrals.md
documents the mapping for 211 lines and hospital systems."""

from typing import Any

from arrimage.orientation.models import Referral, ReferralStatus

GRAVITY_TASK_PROFILE = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement"
)
REASON_SYSTEM = "urn:arrimage:referral-reason"
STATE_SYSTEM = "urn:arrimage:referral-state"

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

# Reason codes carried in Task.statusReason (declined: at capacity, not eligible, safety,
# other; not completed: its reason; expired: no answer in time).
REASON_TEXT: dict[str, str] = {
    "at_capacity": "At capacity",
    "not_eligible": "Not eligible",
    "safety": "Safety",
    "other": "Other",
    "person_left": "The person left or stopped",
    "unreachable": "The person could not be reached",
    "service_ended": "The service ended it",
    "expired": "No answer within the response time",
}


def task_for(referral: Referral) -> dict[str, Any]:
    """The referral as a FHIR Task, with no personal data: the person is named only by the
    case reference both sides already see."""
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
        "for": {"identifier": {"system": "urn:arrimage:case", "value": referral.case.reference}},
        "requester": {
            "display": referral.sender_organisation.name,
            "identifier": {
                "system": "urn:arrimage:organisation",
                "value": str(referral.sender_organisation_id),
            },
        },
        "owner": {
            "display": referral.recipient_organisation.name,
            "identifier": {
                "system": "urn:arrimage:organisation",
                "value": str(referral.recipient_organisation_id),
            },
        },
        "focus": {
            "identifier": {"system": "urn:arrimage:service", "value": str(referral.service_id)}
        },
        "lastModified": referral.updated_at.isoformat(),
    }
    if referral.sent_at:
        task["authoredOn"] = referral.sent_at.isoformat()
    if referral.response_due_at:
        task["restriction"] = {"period": {"end": referral.response_due_at.isoformat()}}
    reason = (
        referral.decline_reason
        or referral.outcome_reason
        or ("expired" if referral.status == ReferralStatus.EXPIRED else "")
    )
    if reason:
        task["statusReason"] = {
            "coding": [{"system": REASON_SYSTEM, "code": reason, "display": REASON_TEXT[reason]}],
            "text": REASON_TEXT[reason],
        }
    return task
