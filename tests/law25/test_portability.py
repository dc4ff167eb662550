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


def test_post_is_refused(client, side_a, cases):
    login(client, side_a.user(Role.CASEWORKER))
    assert client.post(_url(cases[0], "json")).status_code == 405
