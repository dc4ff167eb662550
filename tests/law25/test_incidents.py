"""The confidentiality-incident register: the eight items of the regulation, kept by the
organisation's admins and coordinators, invisible to everyone else, sealed and audited."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from arrimage.accounts.models import Membership, Role
from arrimage.core.errors import NotFound
from arrimage.core.models import AuditEvent
from arrimage.law25.incidents import (
    IncidentData,
    incident_get,
    incident_record,
    incident_update,
    incidents_list,
)
from arrimage.law25.models import ConfidentialityIncident, RiskLevel
from tests.conftest import login

pytestmark = pytest.mark.django_db

KEEPERS = (Role.ORGANISATION_ADMIN, Role.COORDINATOR)
OTHERS = (Role.CASEWORKER, Role.SERVICE_STAFF, Role.ANALYST)


def _membership(side, role) -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation=side.organisation, role=role
    )


def _data(label: str = "A", **changes) -> IncidentData:
    today = timezone.localdate()
    data = IncidentData(
        information_concerned=f"Contact details of persons followed {label}",
        circumstances=f"A laptop was stolen from a car {label}",
        occurred_from=today - timedelta(days=10),
        occurred_to=None,
        occurred_is_approximate=False,
        aware_from=today - timedelta(days=9),
        aware_to=None,
        persons_concerned=12,
        persons_is_approximate=True,
        risk_level=RiskLevel.SERIOUS,
        risk_sensitivity="High: locations of shelters",
        risk_consequences="Traffickers could find the persons",
        risk_likelihood="Low: the disk was encrypted",
        commission_notified_on=today - timedelta(days=8),
        persons_notified_on=today - timedelta(days=7),
        public_notice_on=None,
        public_notice_reason="",
        measures=f"Passwords changed, persons warned {label}",
    )
    return replace(data, **changes)


def _form(data: IncidentData) -> dict[str, str]:
    form = {}
    for name, value in data.__dict__.items():
        if isinstance(value, bool):
            if value:
                form[name] = "on"
        elif value is None:
            form[name] = ""
        elif isinstance(value, date):
            form[name] = value.isoformat()
        else:
            form[name] = str(value)
    return form


def test_the_register_holds_the_eight_items_sealed(side_a):
    admin = _membership(side_a, Role.ORGANISATION_ADMIN)
    incident = incident_record(actor=admin, data=_data())
    assert incident.number == 1
    entry = incident_get(actor=admin, incident_id=incident.pk)
    assert entry.data == _data()
    # The free text is not in the table in plain text.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text_sealed FROM {ConfidentialityIncident._meta.db_table}")
        raw = bytes(cursor.fetchone()[0])
    assert b"laptop" not in raw and b"Passwords" not in raw
    actions = list(
        AuditEvent.objects.filter(target_id=str(incident.pk)).values_list(
            "action", "organisation_id", "details"
        )
    )
    assert actions == [
        ("incident_recorded", side_a.organisation.pk, {"risk_level": "serious"}),
        ("incident_viewed", side_a.organisation.pk, {}),
    ]


def test_numbers_are_per_organisation(side_a, side_b):
    first_a = incident_record(actor=_membership(side_a, Role.COORDINATOR), data=_data())
    second_a = incident_record(actor=_membership(side_a, Role.ORGANISATION_ADMIN), data=_data())
    first_b = incident_record(actor=_membership(side_b, Role.COORDINATOR), data=_data("B"))
    assert (first_a.number, second_a.number, first_b.number) == (1, 2, 1)


@pytest.mark.parametrize("role", KEEPERS)
def test_keepers_see_only_their_own_register(side_a, side_b, role):
    incident_a = incident_record(actor=_membership(side_a, role), data=_data("A"))
    incident_b = incident_record(actor=_membership(side_b, role), data=_data("B"))
    actor_a = _membership(side_a, role)
    assert list(incidents_list(actor=actor_a)) == [incident_a]
    with pytest.raises(NotFound):
        incident_get(actor=actor_a, incident_id=incident_b.pk)
    with pytest.raises(NotFound):
        incident_update(actor=actor_a, incident_id=incident_b.pk, data=_data("changed"))
    assert incident_get(actor=_membership(side_b, role), incident_id=incident_b.pk).data == (
        _data("B")
    )


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_get_not_found_and_change_nothing(side_a, role):
    incident = incident_record(actor=_membership(side_a, Role.ORGANISATION_ADMIN), data=_data())
    actor = _membership(side_a, role)
    events = AuditEvent.objects.count()
    for call in (
        lambda: incidents_list(actor=actor),
        lambda: incident_get(actor=actor, incident_id=incident.pk),
        lambda: incident_record(actor=actor, data=_data("x")),
        lambda: incident_update(actor=actor, incident_id=incident.pk, data=_data("x")),
    ):
        with pytest.raises(NotFound):
            call()
    assert ConfidentialityIncident.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_update_keeps_the_register_current_and_is_audited(side_a):
    admin = _membership(side_a, Role.ORGANISATION_ADMIN)
    incident = incident_record(
        actor=admin,
        data=_data(
            risk_level=RiskLevel.UNDER_ASSESSMENT,
            commission_notified_on=None,
            persons_notified_on=None,
        ),
    )
    updated = _data(measures="Everything changed")
    incident_update(actor=admin, incident_id=incident.pk, data=updated)
    assert incident_get(actor=admin, incident_id=incident.pk).data == updated
    event = AuditEvent.objects.get(action="incident_updated")
    assert event.details == {"risk_level": "serious", "previous_risk_level": "under_assessment"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"information_concerned": "  "}, "information_concerned"),
        ({"circumstances": ""}, "circumstances"),
        ({"measures": ""}, "measures"),
        ({"risk_likelihood": ""}, "risk_likelihood"),
        ({"risk_level": "catastrophic"}, "risk_level"),
        ({"occurred_from": date(2999, 1, 1)}, "occurred_from"),
        ({"occurred_to": date(2001, 1, 1)}, "occurred_to"),
        ({"aware_from": date(2001, 1, 1)}, "aware_from"),
        ({"commission_notified_on": date(2001, 1, 1)}, "commission_notified_on"),
        ({"public_notice_on": timezone.localdate() - timedelta(days=5)}, "public_notice_reason"),
        ({"persons_concerned": 0}, "persons_concerned"),
        ({"circumstances": "x" * 5001}, "circumstances"),
    ],
)
def test_bad_entries_are_refused_with_a_message(side_a, changes, field):
    with pytest.raises(ValidationError) as error:
        incident_record(actor=_membership(side_a, Role.ORGANISATION_ADMIN), data=_data(**changes))
    assert field in error.value.message_dict
    assert not ConfidentialityIncident.objects.exists()


def test_an_assessment_under_way_needs_no_criteria_yet(side_a):
    incident_record(
        actor=_membership(side_a, Role.COORDINATOR),
        data=_data(
            risk_level=RiskLevel.UNDER_ASSESSMENT,
            risk_sensitivity="",
            risk_consequences="",
            risk_likelihood="",
            commission_notified_on=None,
            persons_notified_on=None,
        ),
    )
    assert ConfidentialityIncident.objects.count() == 1


# Pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", KEEPERS)
def test_pages_record_show_and_update_an_incident(client, side_a, side_b, role):
    other = incident_record(actor=_membership(side_b, role), data=_data("B"))
    login(client, side_a.user(role))
    assert client.get("/confidentialite/incidents/").status_code == 200
    response = client.post("/confidentialite/incidents/nouveau/", _form(_data("A")))
    assert response.status_code == 302
    incident = ConfidentialityIncident.objects.get(organisation=side_a.organisation)
    page = client.get(response["Location"]).content.decode()
    assert "A laptop was stolen from a car A" in page
    listing = client.get("/confidentialite/incidents/").content.decode()
    assert f"/confidentialite/incidents/{incident.pk}/" in listing
    assert str(other.pk) not in listing
    edit = client.get(f"/confidentialite/incidents/{incident.pk}/modifier/")
    assert edit.status_code == 200 and "Passwords changed" in edit.content.decode()
    response = client.post(
        f"/confidentialite/incidents/{incident.pk}/modifier/",
        _form(_data("A", measures="New measures")),
    )
    assert response.status_code == 302
    assert "New measures" in client.get(response["Location"]).content.decode()
    # The other organisation's entry does not exist here.
    for url in (
        f"/confidentialite/incidents/{other.pk}/",
        f"/confidentialite/incidents/{other.pk}/modifier/",
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            f"/confidentialite/incidents/{other.pk}/modifier/",
            _form(_data("B", measures="hijacked")),
        ).status_code
        == 404
    )
    assert (
        incident_get(actor=_membership(side_b, role), incident_id=other.pk).data.measures
        != "hijacked"
    )


def test_page_shows_errors_and_saves_nothing(client, side_a):
    login(client, side_a.user(Role.ORGANISATION_ADMIN))
    for bad in (_data(measures=""), _data(aware_from=date(2001, 1, 1))):
        response = client.post("/confidentialite/incidents/nouveau/", _form(bad))
        assert response.status_code == 200
        assert 'class="errorlist"' in response.content.decode()
    assert not ConfidentialityIncident.objects.exists()


@pytest.mark.parametrize("role", OTHERS)
def test_pages_are_not_found_for_other_roles(client, side_a, role):
    incident = incident_record(actor=_membership(side_a, Role.ORGANISATION_ADMIN), data=_data())
    login(client, side_a.user(role))
    for url in (
        "/confidentialite/incidents/",
        "/confidentialite/incidents/nouveau/",
        f"/confidentialite/incidents/{incident.pk}/",
        f"/confidentialite/incidents/{incident.pk}/modifier/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/confidentialite/incidents/nouveau/", _form(_data("x"))).status_code == 404
    assert ConfidentialityIncident.objects.count() == 1
