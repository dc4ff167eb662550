"""The person in charge of the protection of personal information, and the public privacy
page."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from arrimage.accounts.models import Membership, Role
from arrimage.core.errors import NotFound
from arrimage.core.models import AuditEvent
from arrimage.law25.models import PrivacyOfficer, RetentionOverride
from arrimage.law25.officer import privacy_officer_set
from tests.conftest import login

pytestmark = pytest.mark.django_db

OTHERS = (Role.CASEWORKER, Role.SERVICE_STAFF, Role.COORDINATOR, Role.ANALYST)


def _membership(side, role) -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation=side.organisation, role=role
    )


@pytest.fixture
def english(client):
    """Content assertions read the English page (the msgids)."""
    client.cookies["arrimage_language"] = "en"
    return client


def _officer(side, label: str) -> PrivacyOfficer:
    return privacy_officer_set(
        actor=_membership(side, Role.ORGANISATION_ADMIN),
        name=f"Officer {label}",
        title="Directrice générale",
        email=f"Officer.{label}@Example.org",
        phone="+1 514 555 0199",
    )


def test_public_page_needs_no_login_and_explains_the_firewall(client, english, side_a):
    _officer(side_a, "A")
    response = client.get("/confidentialite/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Officer A" in page and "officer.a@example.org" in page
    assert "Organisation A" in page
    # The firewall, in plain words, names the three protected kinds of information.
    assert "police services, border enforcement or prosecutors" in page
    for category in ("Immigration", "Health", "Where the person stays"):
        assert category in page


@override_settings(
    ARRIMAGE_OPERATOR_NAME="Coalition opératrice",
    ARRIMAGE_PRIVACY_OFFICER_NAME="Nadia Roy",
    ARRIMAGE_PRIVACY_OFFICER_TITLE="Responsable",
    ARRIMAGE_PRIVACY_OFFICER_EMAIL="prp@op.example",
    ARRIMAGE_PRIVACY_OFFICER_PHONE="",
)
def test_public_page_shows_the_operator_officer(client):
    page = client.get("/confidentialite/").content.decode()
    assert "Coalition opératrice" in page and "Nadia Roy" in page
    assert "mailto:prp@op.example" in page


@override_settings(ARRIMAGE_PRIVACY_OFFICER_NAME="")
def test_public_page_says_who_holds_the_role_when_nobody_is_named(client, english):
    page = client.get("/confidentialite/").content.decode()
    assert "highest authority" in page


def test_admins_name_their_own_officer_only(side_a, side_b):
    officer = _officer(side_a, "A")
    assert officer.organisation_id == side_a.organisation.pk
    assert officer.email == "officer.a@example.org"
    assert not PrivacyOfficer.objects.filter(organisation=side_b.organisation).exists()
    event = AuditEvent.objects.get(action="privacy_officer_changed")
    assert event.organisation_id == side_a.organisation.pk
    assert event.details == {"created": True}
    _officer(side_a, "A2")
    assert PrivacyOfficer.objects.get().name == "Officer A2"


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_cannot_name_an_officer(side_a, role):
    with pytest.raises(NotFound):
        privacy_officer_set(
            actor=_membership(side_a, role), name="X", title="Y", email="x@example.org", phone=""
        )
    assert not PrivacyOfficer.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"title": ""}, "title"),
        ({"email": "", "phone": ""}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "call me maybe"}, "phone"),
    ],
)
def test_officer_needs_a_name_a_title_and_a_contact(side_a, fields, field):
    values = {"name": "N", "title": "T", "email": "n@example.org", "phone": "", **fields}
    with pytest.raises(ValidationError) as error:
        privacy_officer_set(actor=_membership(side_a, Role.ORGANISATION_ADMIN), **values)
    assert field in error.value.message_dict
    assert not PrivacyOfficer.objects.exists()


def test_settings_page_publishes_the_officer_and_sets_retention(client, side_a, side_b):
    login(client, side_a.user(Role.ORGANISATION_ADMIN))
    assert client.get("/confidentialite/organisation/").status_code == 200
    response = client.post(
        "/confidentialite/organisation/",
        {
            "form": "officer",
            "officer-name": "Lise Tremblay",
            "officer-title": "Directrice",
            "officer-email": "lise@example.org",
            "officer-phone": "",
        },
    )
    assert response.status_code == 302
    assert "Lise Tremblay" in client.get("/confidentialite/").content.decode()
    response = client.post(
        "/confidentialite/organisation/", {"form": "retention", "retention-days": "3650"}
    )
    assert response.status_code == 302
    assert RetentionOverride.objects.get().organisation_id == side_a.organisation.pk
    response = client.post(
        "/confidentialite/organisation/", {"form": "retention", "retention-days": "5"}
    )
    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    assert RetentionOverride.objects.get().days == 3650
    assert not PrivacyOfficer.objects.filter(organisation=side_b.organisation).exists()


@pytest.mark.parametrize("role", OTHERS)
def test_settings_page_is_not_found_for_other_roles(client, side_a, role):
    login(client, side_a.user(role))
    assert client.get("/confidentialite/organisation/").status_code == 404
    response = client.post(
        "/confidentialite/organisation/",
        {
            "form": "officer",
            "officer-name": "X",
            "officer-title": "Y",
            "officer-email": "x@example.org",
            "officer-phone": "",
        },
    )
    assert response.status_code == 404
    assert not PrivacyOfficer.objects.exists()
