"""The referral as HL7 FHIR R4B (Gravity SDOH Clinical Care): a ServiceRequest, the Task that
manages it and the Patient, valid for ``fhir.resources``; and only what the reader may read,
so that a health or immigration need never reaches police. Two organisations with identical
data; police sit in the same coalition."""

import json
from datetime import timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from arrimage.accounts.models import Role
from arrimage.orientation.models import Referral, ReferralStatus
from arrimage.orientation.referrals import (
    referral_create_and_send,
    referral_draft_create,
    referral_transition,
)
from tests.conftest import login, make_side
from tests.orientation.conftest import (
    agreement_for_referrals,
    consent_to,
    make_service,
    membership,
    open_case,
)

pytestmark = pytest.mark.django_db

# FHIR R4B value sets (required bindings) fhir.resources does not check.
TASK_STATUSES = {
    "draft",
    "requested",
    "received",
    "accepted",
    "rejected",
    "ready",
    "cancelled",
    "in-progress",
    "on-hold",
    "failed",
    "completed",
    "entered-in-error",
}
REQUEST_STATUSES = {
    "draft",
    "active",
    "on-hold",
    "revoked",
    "completed",
    "entered-in-error",
    "unknown",
}


@pytest.fixture
def world(coalition, side_a, side_b, police_side):
    """A shelter and a police unit each with a service; A and B each with an identical case;
    A's person consented to the shelter for their identity, coordination, health and
    immigration, and to the police for their identity and coordination."""
    shelter = make_side("Refuge", org_type="shelter", coalition=coalition)
    agreement_for_referrals(coalition, membership(side_a, Role.COORDINATOR))
    service = make_service(
        shelter.organisation,
        name_fr="Refuge Arrimage",
        terms=("housing_emergency",),
        capacities=(("bed", 2, 5, timedelta(hours=1)),),
    )
    police_service = make_service(
        police_side.organisation, name_fr="Unité d'enquête", terms=("legal_criminal",)
    )
    cases = {"a": open_case(side_a), "b": open_case(side_b)}
    consent_to(
        cases["a"], shelter.organisation, ["identity", "coordination", "health", "immigration"]
    )
    consent_to(cases["a"], police_side.organisation, ["identity", "coordination"])
    return {
        "shelter": shelter,
        "service": service,
        "police": police_side,
        "police_service": police_service,
        "cases": cases,
    }


def send(world, side, *, service, need, categories) -> Referral:
    return referral_create_and_send(
        actor=membership(side),
        case_id=world["cases"]["a"].pk,
        service_id=service.pk,
        categories=categories,
        need=need,
    )


def fhir_of(client, user, referral: Referral) -> dict:
    login(client, user)
    response = client.get(f"/api/orientation/referrals/{referral.pk}/fhir")
    client.logout()
    assert response.status_code == 200, response.content
    return response.json()


def resources(bundle: dict) -> dict[str, dict]:
    Bundle.model_validate(bundle)
    found = {entry["resource"]["resourceType"]: entry["resource"] for entry in bundle["entry"]}
    assert set(found) == {"ServiceRequest", "Task", "Patient"}
    Task.model_validate(found["Task"])
    ServiceRequest.model_validate(found["ServiceRequest"])
    Patient.model_validate(found["Patient"])
    assert found["Task"]["status"] in TASK_STATUSES
    assert found["ServiceRequest"]["status"] in REQUEST_STATUSES
    return found


def test_the_referral_is_a_service_request_and_a_task_for_the_patient(client, world, side_a):
    referral = send(
        world,
        side_a,
        service=world["service"],
        need="mental_health",
        categories=["identity", "coordination", "health"],
    )
    bundle = fhir_of(client, world["shelter"].user("service_staff"), referral)
    found = resources(bundle)
    task, request, patient = found["Task"], found["ServiceRequest"], found["Patient"]
    assert task["for"] == {"reference": f"Patient/{patient['id']}"}
    assert task["focus"] == {"reference": f"ServiceRequest/{request['id']}"}
    assert request["subject"] == {"reference": f"Patient/{patient['id']}"}
    assert (task["status"], task["intent"], request["status"]) == ("requested", "order", "active")
    assert task["authoredOn"] == referral.sent_at.isoformat()
    assert task["restriction"]["period"]["end"] == referral.response_due_at.isoformat()
    # The recipient may read the need (health is shared) and the person's identity.
    assert request["code"]["coding"][0]["code"] == "mental_health"
    assert patient["identifier"][0]["value"] == world["cases"]["a"].reference
    assert patient["name"] == [{"text": "Alias Organisation A"}]
    assert patient["gender"] == "female"
    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(set(full_urls)) == 3
    assert all(url.startswith("http://testserver/api/orientation/fhir/") for url in full_urls)


def test_a_health_or_immigration_need_never_reaches_police(client, world, side_a):
    for need in ("mental_health", "physical_health", "immigration_legal"):
        referral = send(
            world,
            side_a,
            service=world["police_service"],
            need=need,
            categories=["identity", "coordination"],
        )
        bundle = fhir_of(client, world["police"].user("caseworker"), referral)
        found = resources(bundle)
        text = json.dumps(bundle)
        assert need not in text and "code" not in found["ServiceRequest"]
        assert "category" not in found["ServiceRequest"]
        assert found["Patient"]["name"] == [{"text": "Alias Organisation A"}]  # consented
    # The same need to the shelter, with health shared, is readable there.
    referral = send(
        world,
        side_a,
        service=world["service"],
        need="physical_health",
        categories=["identity", "coordination", "health"],
    )
    found = resources(fhir_of(client, world["shelter"].user("caseworker"), referral))
    assert found["ServiceRequest"]["code"]["coding"][0]["code"] == "physical_health"


def test_a_need_whose_category_was_not_shared_is_left_out(client, world, side_a):
    referral = send(
        world,
        side_a,
        service=world["service"],
        need="immigration_legal",
        categories=["identity", "coordination"],
    )
    found = resources(fhir_of(client, world["shelter"].user("caseworker"), referral))
    assert "code" not in found["ServiceRequest"]
    housing = send(
        world,
        side_a,
        service=world["service"],
        need="emergency_housing",
        categories=["coordination"],
    )
    found = resources(fhir_of(client, world["shelter"].user("caseworker"), housing))
    assert found["ServiceRequest"]["category"][0]["coding"][0]["code"] == "homelessness"
    assert set(found["Patient"]) == {"resourceType", "id", "identifier"}  # identity not shared


def test_the_sender_sees_the_case_reference_only(client, world, side_a):
    referral = send(
        world,
        side_a,
        service=world["service"],
        need="emergency_housing",
        categories=["identity", "coordination"],
    )
    found = resources(fhir_of(client, side_a.user("caseworker"), referral))
    assert set(found["Patient"]) == {"resourceType", "id", "identifier"}
    assert found["Task"]["requester"]["identifier"]["value"] == str(side_a.organisation.pk)


def test_a_draft_carries_authored_on(client, world, side_a):
    draft = referral_draft_create(
        actor=membership(side_a), case_id=world["cases"]["a"].pk, service_id=world["service"].pk
    )
    found = resources(fhir_of(client, side_a.user("caseworker"), draft))
    assert found["Task"]["status"] == "draft" and found["ServiceRequest"]["status"] == "draft"
    assert found["Task"]["authoredOn"] == draft.created_at.isoformat()
    assert "statusReason" not in found["Task"]


@pytest.mark.parametrize(
    ("moves", "status", "reason"),
    [
        ([("declined", "at_capacity")], "rejected", "at_capacity"),
        ([("accepted", ""), ("not_completed", "unreachable")], "failed", "unreachable"),
    ],
)
def test_a_rejected_or_failed_task_carries_its_status_reason(
    client, world, side_a, moves, status, reason
):
    referral = send(world, side_a, service=world["service"], need="", categories=["coordination"])
    staff = membership(world["shelter"], "service_staff")
    for to_status, why in moves:
        referral_transition(actor=staff, referral_id=referral.pk, to_status=to_status, reason=why)
    found = resources(fhir_of(client, world["shelter"].user("service_staff"), referral))
    assert found["Task"]["status"] == status
    assert found["Task"]["statusReason"]["coding"][0]["code"] == reason
    assert found["ServiceRequest"]["status"] == "revoked"
    # A reason that was never given is still said to be missing.
    Referral.objects.filter(pk=referral.pk).update(decline_reason="", outcome_reason="")
    found = resources(fhir_of(client, world["shelter"].user("service_staff"), referral))
    assert found["Task"]["statusReason"]["coding"][0]["code"] == "not_given"


def test_another_organisation_gets_nothing(client, world, side_a, side_b):
    referral = send(
        world, side_a, service=world["service"], need="mental_health", categories=["health"]
    )
    login(client, side_b.user("caseworker"))
    response = client.get(f"/api/orientation/referrals/{referral.pk}/fhir")
    assert response.status_code == 404
    assert b"mental_health" not in response.content
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
