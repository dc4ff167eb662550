"""Consent records: the firewall at creation, expiry, withdrawal at the next request, the
plain-language summary."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from arrimage.core.models import AuditEvent
from arrimage.privacy.consent import consent_record, consent_summary, consent_withdraw
from arrimage.privacy.models import ConsentRecord
from tests.cases.conftest import build_world, marker, membership
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(side_a, side_b, police_side, coalition):
    return build_world(side_a, side_b, police_side, coalition)


@pytest.mark.parametrize("category", ["immigration", "health", "location"])
@pytest.mark.parametrize("enforcement_type", ["police", "border_enforcement", "prosecution"])
def test_a_consent_naming_an_enforcement_body_for_a_protected_category_is_refused(
    world, category, enforcement_type
):
    world.police.organisation.type = enforcement_type
    world.police.organisation.save()
    with pytest.raises(ValidationError) as refused:
        consent_record(
            actor_membership=membership(world.a),
            person=world.case_a.person,
            recipient=world.police.organisation,
            categories=["identity", category],
            purpose="coordination",
            method="written",
        )
    assert refused.value.code == "firewall"
    assert world.police.organisation.name in refused.value.messages[0]
    assert not ConsentRecord.objects.exists()


def test_the_firewall_message_names_the_organisation_and_what_to_remove(world):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        consent_record(
            actor_membership=membership(world.a),
            person=world.case_a.person,
            recipient=world.police.organisation,
            categories=["health", "identity", "location"],
            purpose="coordination",
            method="written",
        )
    message = refused.value.messages[0]
    assert world.police.organisation.name in message
    assert "Health" in message and "Where the person stays" in message
    assert "Identity" not in message


def test_the_firewall_holds_even_with_a_consent_row_written_around_the_service(client, world):
    """A consent naming police for health, written straight into the table, still shows
    police nothing of health: the policy's firewall does not depend on the consent check."""
    now = timezone.now()
    ConsentRecord.objects.create(
        person=world.case_a.person,
        organisation=world.a.organisation,
        recipient=world.police.organisation,
        categories=["health", "immigration", "location", "identity"],
        purpose="coordination",
        method="written",
        recorded_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=100),
    )
    login(client, world.police.user("caseworker"))
    body = client.get(f"/dossiers/{world.case_a.pk}/").content.decode()
    assert marker("A", "identity", "note") in body
    for category in ("health", "immigration", "location"):
        assert marker("A", category, "note") not in body
        assert marker("A", category, "field") not in body


def test_a_consent_expires_after_twelve_months_by_default(world):
    consent = consent_record(
        actor_membership=membership(world.a),
        person=world.case_a.person,
        recipient=world.partner.organisation,
        categories=["identity"],
        purpose="referral",
        method="verbal",
    )
    assert timedelta(days=364) < consent.expires_at - consent.recorded_at <= timedelta(days=365)
    assert consent.recorded_by == world.a.user("caseworker")


@pytest.mark.parametrize("expires_in", [timedelta(days=-1), timedelta(days=800)])
def test_an_expiry_date_out_of_range_is_refused(world, expires_in):
    with pytest.raises(ValidationError):
        consent_record(
            actor_membership=membership(world.a),
            person=world.case_a.person,
            recipient=world.partner.organisation,
            categories=["identity"],
            purpose="referral",
            method="verbal",
            expires_at=timezone.now() + expires_in,
        )
    assert not ConsentRecord.objects.exists()


def test_only_the_lead_organisation_records_consents(world):
    from arrimage.core.errors import NotFound

    with pytest.raises(NotFound):
        consent_record(
            actor_membership=membership(world.b),
            person=world.case_a.person,
            recipient=world.partner.organisation,
            categories=["identity"],
            purpose="referral",
            method="verbal",
        )
    assert not ConsentRecord.objects.exists()


def test_withdrawal_removes_access_at_the_next_request(client, world):
    consent = consent_record(
        actor_membership=membership(world.a),
        person=world.case_a.person,
        recipient=world.partner.organisation,
        categories=["identity", "coordination"],
        purpose="coordination",
        method="written",
    )
    login(client, world.partner.user("caseworker"))
    url = f"/dossiers/{world.case_a.pk}/"
    assert marker("A", "identity", "alias") in client.get(url).content.decode()
    assert client.get(f"/api/cases/{world.case_a.pk}").status_code == 200

    consent_withdraw(
        actor_membership=membership(world.a), consent_id=consent.pk, person=world.case_a.person
    )

    assert client.get(url).status_code == 404
    assert client.get(f"/api/cases/{world.case_a.pk}").status_code == 404
    assert str(world.case_a.pk) not in client.get("/dossiers/").content.decode()
    event = AuditEvent.objects.filter(action="consent_withdrawn").get()
    assert event.target_id == str(consent.pk)


def test_withdrawal_through_the_page(client, world):
    consent = consent_record(
        actor_membership=membership(world.a),
        person=world.case_a.person,
        recipient=world.partner.organisation,
        categories=["identity"],
        purpose="coordination",
        method="written",
    )
    login(client, world.a.user("caseworker"))
    response = client.post(f"/dossiers/{world.case_a.pk}/consentements/{consent.pk}/retrait/")
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_recording_a_consent_through_the_page_and_the_api(client, world):
    login(client, world.a.user("caseworker"))
    response = client.post(
        f"/dossiers/{world.case_a.pk}/consentements/",
        {
            "recipient_id": world.partner.organisation.pk,
            "categories": ["identity", "contact"],
            "purpose": "referral",
            "method": "written",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/dossiers/{world.case_a.pk}/consentements/",
        {
            "recipient_id": world.police.organisation.pk,
            "categories": ["location"],
            "purpose": "referral",
            "method": "written",
        },
    )
    assert response.status_code == 400
    assert 'class="message error"' in response.content.decode()
    assert world.police.organisation.name in response.content.decode()
    response = client.post(
        f"/api/cases/{world.case_a.pk}/consents",
        json.dumps(
            {
                "recipient_id": str(world.police.organisation.pk),
                "categories": ["immigration"],
                "purpose": "coordination",
                "method": "verbal",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert ConsentRecord.objects.count() == 1


def test_the_summary_reads_in_plain_language(world):
    consent = consent_record(
        actor_membership=membership(world.a),
        person=world.case_a.person,
        recipient=world.partner.organisation,
        categories=["identity"],
        purpose="referral",
        method="verbal",
    )
    sentences = consent_summary(
        consents=ConsentRecord.objects.select_related("recipient"), language="en"
    )
    assert sentences[0].startswith(
        f"You agreed that {world.partner.organisation.name} may "
        "receive your identity, for referral."
    )
    assert "verbally" in sentences[0]
    assert "never" in sentences[-1]
    consent_withdraw(
        actor_membership=membership(world.a), consent_id=consent.pk, person=world.case_a.person
    )
    sentences = consent_summary(
        consents=ConsentRecord.objects.select_related("recipient"), language="en"
    )
    assert sentences[0].startswith("You took back your agreement")
    assert consent_summary(consents=[], language="en")[0].startswith("You have not agreed")


def test_the_summary_page_is_for_the_lead_organisation(client, world):
    login(client, world.partner.user("caseworker"))
    assert client.get(f"/dossiers/{world.case_a.pk}/consentements/resume/").status_code == 404
    client.logout()
    login(client, world.a.user("caseworker"))
    response = client.get(f"/dossiers/{world.case_a.pk}/consentements/resume/?lang=en")
    assert response.status_code == 200
    assert 'lang="en-CA"' in response.content.decode()
