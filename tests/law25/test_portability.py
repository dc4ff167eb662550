"""Portability: a person's data as JSON and as a PDF in French or English, with exactly what the
policy lets the acting organisation read, audited."""

import io
import json

import pytest
from django.utils import translation
from pypdf import PdfReader

from arrimage.accounts.models import Membership, Role
from arrimage.cases.models import Case
from arrimage.core.models import AuditEvent
from arrimage.privacy.categories import Category
from arrimage.privacy.policy import FIREWALLED_CATEGORIES
from tests.cases.conftest import agreement_allowing_all, consent_for, marker, populate
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _membership(side, role=Role.CASEWORKER) -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation=side.organisation, role=role
    )


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def cases(side_a, side_b):
    return populate(side_a, "A"), populate(side_b, "B")


def _url(case: Case, extension: str) -> str:
    return f"/confidentialite/personnes/{case.person_id}/export.{extension}"


def test_json_export_holds_the_person_and_is_audited(client, side_a, cases):
    case_a, _case_b = cases
    login(client, side_a.user(Role.CASEWORKER))
    response = client.get(_url(case_a, "json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["format"] == "arrimage-person/1"
    assert document["person"]["alias"] == marker("A", "identity", "alias")
    # The citizenship is in the case's immigration part, not in the person's identity.
    assert "citizenship" not in document["person"]
    assert [c["immigration"]["citizenship"] for c in document["cases"]] == [["MX"]]
    text = response.content.decode()
    for category in Category.values:
        assert marker("A", category, "note") in text
    event = AuditEvent.objects.get(action="person_export_delivered")
    assert (event.actor_id, event.organisation_id, event.target_id, event.details) == (
        side_a.user(Role.CASEWORKER).pk,
        side_a.organisation.pk,
        str(case_a.person_id),
        {"format": "json"},
    )


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_pdf_export_in_french_or_english(client, side_a, cases, language):
    case_a, _case_b = cases
    login(client, side_a.user(Role.CASEWORKER))
    response = client.get(_url(case_a, "pdf") + f"?langue={language}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert marker("A", "identity", "alias") in text
    assert marker("A", "health", "note") in text
    with translation.override("fr-ca"):
        french = str(Category.LEGAL.label)
    with translation.override("en"):
        english = str(Category.LEGAL.label)
    assert french != english
    assert (french if language == "fr-ca" else english) in text
    assert (english if language == "fr-ca" else french) not in text
    event = AuditEvent.objects.get(action="person_export_delivered")
    assert event.details == {"format": "pdf"}


def test_pdf_follows_the_users_language_by_default(client, side_a, cases):
    case_a, _case_b = cases
    login(client, side_a.user(Role.CASEWORKER))
    client.cookies["arrimage_language"] = "en"
    text = _pdf_text(client.get(_url(case_a, "pdf")).content)
    with translation.override("en"):
        assert str(Category.LEGAL.label) in text


def test_another_organisation_gets_not_found_and_nothing_is_delivered(client, side_b, cases):
    case_a, case_b = cases
    login(client, side_b.user(Role.CASEWORKER))
    for extension in ("json", "pdf"):
        response = client.get(_url(case_a, extension))
        assert response.status_code == 404
        assert marker("A", "identity", "alias").encode() not in response.content
    assert not AuditEvent.objects.filter(action="person_export_delivered").exists()
    # The same request for its own identical person works.
    assert client.get(_url(case_b, "json")).status_code == 200


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ORGANISATION_ADMIN])
def test_roles_that_read_no_personal_data_get_not_found(client, side_a, cases, role):
    login(client, side_a.user(role))
    for extension in ("json", "pdf"):
        assert client.get(_url(cases[0], extension)).status_code == 404
    assert not AuditEvent.objects.filter(action="person_export_delivered").exists()


def test_the_firewall_holds_in_exports(client, side_a, police_side, coalition, cases):
    """Even with an agreement and the person's consent, the police export has no protected
    category, in JSON or in PDF."""
    case_a, _case_b = cases
    agreement_allowing_all(coalition)
    consent_for(case_a, police_side.organisation, state="given")
    login(client, police_side.user(Role.CASEWORKER))
    json_text = client.get(_url(case_a, "json")).content.decode()
    pdf_text = _pdf_text(client.get(_url(case_a, "pdf")).content)
    assert marker("A", "coordination", "note") in json_text
    assert marker("A", "coordination", "note") in pdf_text
    for category in FIREWALLED_CATEGORIES:
        for text in (json_text, pdf_text):
            assert marker("A", category, "note") not in text
            assert marker("A", category, "task") not in text
    # The citizenship is immigration (docs/policy.md): not even its label reaches police.
    assert "citizenship" not in json_text and '"MX"' not in json_text
    assert not any(word in pdf_text for word in ("Mexique", "Mexico", "Citoyenneté", "Citizen"))


def test_post_is_refused(client, side_a, cases):
    login(client, side_a.user(Role.CASEWORKER))
    assert client.post(_url(cases[0], "json")).status_code == 405


# The person's referrals, holds, consents and the access log of their case. ------------------


@pytest.fixture
def referred(coalition, side_a, side_b, cases):
    """Each side's identical case referred, with a hold and a note, to a shelter of its own
    coalition, after the person's consent."""
    from datetime import timedelta

    from arrimage.orientation.holds import bed_hold_create
    from arrimage.orientation.referrals import referral_create_and_send
    from tests.conftest import make_side
    from tests.orientation.conftest import agreement_for_referrals, consent_to, make_service

    made = {}
    for side, label, case in ((side_a, "A", cases[0]), (side_b, "B", cases[1])):
        home = side.organisation.coalitions.get()
        shelter = make_side(f"Refuge {label}", org_type="shelter", coalition=home)
        agreement_for_referrals(home, _membership(side, Role.COORDINATOR))
        service = make_service(
            shelter.organisation,
            name_fr=f"Refuge {label}",
            terms=("housing_emergency",),
            capacities=(("bed", 3, 5, timedelta(hours=1)),),
        )
        consent_to(case, shelter.organisation, ["identity", "coordination"])
        hold = bed_hold_create(actor=_membership(side), service_id=service.pk, unit="bed")
        referral = referral_create_and_send(
            actor=_membership(side),
            case_id=case.pk,
            service_id=service.pk,
            categories=["identity", "coordination"],
            need="emergency_housing",
            hold_id=hold.pk,
            note=f"mk-{label.lower()}-referral-note",
        )
        made[label] = (referral, hold)
    return made


def test_the_export_holds_referrals_holds_consents_and_the_access_log(
    client, side_a, cases, referred
):
    case_a, case_b = cases
    referral_a, hold_a = referred["A"]
    referral_b, hold_b = referred["B"]
    login(client, side_a.user(Role.CASEWORKER))
    client.get(f"/dossiers/{case_a.pk}/")  # a read the access log keeps
    response = client.get(_url(case_a, "json"))
    assert response.status_code == 200
    document = json.loads(response.content)
    [referral] = document["referrals"]
    assert referral["id"] == str(referral_a.pk)
    assert referral["service"] == "Refuge A"
    assert referral["status"] == "sent"
    assert referral["shared_categories"] == ["coordination", "identity"]
    assert [event["note"] for event in referral["timeline"]] == ["", "mk-a-referral-note"]
    assert referral["hold"]["id"] == str(hold_a.pk)
    assert referral["hold"]["unit"] == "bed"
    assert referral["hold"]["status"] == "active"
    [consent] = document["consents"]
    assert consent["recipient"] == "Organisation Refuge A"
    log = document["cases"][0]["access_log"]
    assert {"case_read", "case_created"} <= {entry["action"] for entry in log}
    assert all(entry["organisation"] == "Organisation A" for entry in log)
    text = response.content.decode()
    # Nothing of the other organisation's identical person.
    for other in (str(referral_b.pk), str(hold_b.pk), "mk-b-", "Refuge B", str(case_b.pk)):
        assert other not in text
    pdf_text = _pdf_text(client.get(_url(case_a, "pdf") + "?langue=fr-ca").content)
    assert "mk-a-referral-note" in pdf_text
    assert "Refuge A" in pdf_text
    assert "Refuge B" not in pdf_text and "mk-b-" not in pdf_text


def test_a_partner_export_holds_no_access_log_and_no_consent(
    client, side_a, coalition, cases, referred
):
    """A partner with the person's consent exports what it may read: never the lead's access
    log, consents or referrals."""
    from tests.conftest import make_side

    case_a, _case_b = cases
    from arrimage.coalition.models import OrganisationType
    from arrimage.privacy.agreements import agreement_version_create
    from arrimage.privacy.categories import Purpose
    from arrimage.privacy.policy import may_share_with

    partner = make_side("Partner", coalition=coalition)
    agreement_version_create(
        actor_membership=_membership(side_a, Role.COORDINATOR),
        coalition=coalition,
        rules=[
            (f, t, c, p)
            for f in OrganisationType.values
            for t in OrganisationType.values
            for c in Category.values
            for p in (Purpose.COORDINATION, Purpose.REFERRAL)
            if may_share_with(organisation_type=t, category=c)
        ],
    )
    consent_for(case_a, partner.organisation, state="given")
    login(client, partner.user(Role.CASEWORKER))
    document = json.loads(client.get(_url(case_a, "json")).content)
    assert document["referrals"] == []
    assert document["consents"] == []
    assert "access_log" not in document["cases"][0]
    assert "mk-a-referral-note" not in json.dumps(document)
