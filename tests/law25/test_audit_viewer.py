"""The audit viewer: a case's access log for its lead organisation only, and an organisation's
own log for its administrators."""

import pytest
from django.template.loader import render_to_string

from arrimage.accounts.models import Membership, Role, User
from arrimage.cases import services
from arrimage.cases.models import Case
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.core.models import AuditEvent
from arrimage.law25 import audit_views
from arrimage.law25.audit_views import (
    audit_events_for_organisation,
    audit_events_for_target,
)
from tests.conftest import login, make_side

pytestmark = pytest.mark.django_db

LOG_READERS = (Role.CASEWORKER, Role.COORDINATOR, Role.ORGANISATION_ADMIN)
NOT_LOG_READERS = (Role.SERVICE_STAFF, Role.ANALYST)


def _membership(side, role=Role.CASEWORKER) -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation=side.organisation, role=role
    )


def _lead_of(case_id: str):
    return Case.objects.filter(pk=case_id).values_list("lead_organisation_id", flat=True).first()


@pytest.fixture(autouse=True)
def case_owner(monkeypatch):
    """The owner of a case is its lead organisation (as the cases part registers it)."""
    monkeypatch.setitem(audit_views.AUDIT_OWNERS, "case", _lead_of)


def _case(side, label: str) -> Case:
    return services.case_create(
        actor_membership=_membership(side), identity={"alias": f"Alias {label}"}
    )


@pytest.fixture
def two_cases(side_a, side_b, coalition):
    partner = make_side("Partner", coalition=coalition)
    case_a, case_b = _case(side_a, "A"), _case(side_b, "B")
    # A partner's worker read case A (as the cases part audits a read).
    audit_record(
        action="case_read",
        actor_id=partner.user(Role.CASEWORKER).pk,
        organisation_id=partner.organisation.pk,
        target_type="case",
        target_id=case_a.pk,
        details={"path": "page", "categories": "coordination"},
    )
    return case_a, case_b, partner


@pytest.mark.parametrize("role", LOG_READERS)
def test_the_lead_organisation_sees_who_saw_its_case(side_a, side_b, two_cases, role):
    case_a, _case_b, _partner = two_cases
    page = audit_events_for_target(
        actor_membership=_membership(side_a, role), target_type="case", target_id=case_a.pk
    )
    assert [line.action for line in page.lines] == ["case_read", "case_created"]
    read, created = page.lines
    assert read.actor_name == "Caseworker Partner"
    assert read.organisation_name == "Organisation Partner"
    assert ("categories", "coordination") in read.details
    assert created.actor_name == "Caseworker A"
    assert all(line.target_id == str(case_a.pk) for line in page.lines)
    assert page.older_before is None
    viewed = AuditEvent.objects.filter(action="audit_log_viewed").last()
    assert (viewed.actor_id, viewed.target_id) == (side_a.user(role).pk, str(case_a.pk))


@pytest.mark.parametrize("role", LOG_READERS)
def test_another_organisation_gets_not_found(side_a, side_b, two_cases, role):
    case_a, case_b, partner = two_cases
    for actor in (_membership(side_b, role), _membership(partner, role)):
        with pytest.raises(NotFound):
            audit_events_for_target(actor_membership=actor, target_type="case", target_id=case_a.pk)
    # Each side sees its own identical case.
    page_b = audit_events_for_target(
        actor_membership=_membership(side_b, role), target_type="case", target_id=case_b.pk
    )
    assert [line.action for line in page_b.lines] == ["case_created"]


@pytest.mark.parametrize("role", NOT_LOG_READERS)
def test_roles_without_the_log_get_not_found(side_a, two_cases, role):
    case_a, _case_b, _partner = two_cases
    before = AuditEvent.objects.count()
    with pytest.raises(NotFound):
        audit_events_for_target(
            actor_membership=_membership(side_a, role), target_type="case", target_id=case_a.pk
        )
    assert AuditEvent.objects.count() == before


def test_unknown_records_and_kinds_get_not_found(side_a, two_cases):
    actor = _membership(side_a)
    with pytest.raises(NotFound):
        audit_events_for_target(
            actor_membership=actor,
            target_type="case",
            target_id="00000000-0000-0000-0000-000000000000",
        )
    with pytest.raises(NotFound):
        audit_events_for_target(
            actor_membership=actor, target_type="nothing_registered", target_id=two_cases[0].pk
        )
    with pytest.raises(NotFound):
        audit_events_for_target(
            actor_membership=None, target_type="case", target_id=two_cases[0].pk
        )


def test_the_log_pages_from_newest_to_oldest(side_a, two_cases):
    case_a = two_cases[0]
    actor = _membership(side_a)
    for number in range(3):
        audit_record(
            action="case_read",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="case",
            target_id=case_a.pk,
            details={"n": number},
        )
    first = audit_events_for_target(
        actor_membership=actor, target_type="case", target_id=case_a.pk, limit=2
    )
    assert [dict(line.details).get("n") for line in first.lines] == ["2", "1"]
    assert first.older_before == first.lines[-1].event_id
    second = audit_events_for_target(
        actor_membership=actor,
        target_type="case",
        target_id=case_a.pk,
        limit=2,
        before=first.older_before,
    )
    assert [dict(line.details).get("n") for line in second.lines] == ["0", None]


def test_the_include_renders_the_log(side_a, two_cases):
    page = audit_events_for_target(
        actor_membership=_membership(side_a), target_type="case", target_id=two_cases[0].pk
    )
    html = render_to_string("law25/_audit_events.html", {"audit_page": page})
    assert "Caseworker Partner" in html and "Organisation Partner" in html


# The organisation's own log. ------------------------------------------------------------------


def test_admins_see_their_organisation_events_with_member_names(side_a, side_b, two_cases):
    stranger = User.objects.create_user(email="stranger@example.org", full_name="Stranger")
    audit_record(action="login", actor_id=stranger.pk, organisation_id=side_a.organisation.pk)
    admin = _membership(side_a, Role.ORGANISATION_ADMIN)
    page = audit_events_for_organisation(actor_membership=admin)
    organisations = set(
        AuditEvent.objects.filter(pk__in=[line.event_id for line in page.lines]).values_list(
            "organisation_id", flat=True
        )
    )
    assert organisations == {side_a.organisation.pk}
    names = {line.actor_name for line in page.lines}
    assert "Caseworker A" in names
    assert "Stranger" not in names
    assert "Ne fait pas partie de votre organisme" in names
    assert not any("Partner" in name or name.endswith(" B") for name in names)
    assert AuditEvent.objects.filter(
        action="organisation_audit_viewed", organisation_id=side_a.organisation.pk
    ).exists()


@pytest.mark.parametrize(
    "role", (Role.CASEWORKER, Role.SERVICE_STAFF, Role.COORDINATOR, Role.ANALYST)
)
def test_only_admins_see_the_organisation_log(side_a, role):
    with pytest.raises(NotFound):
        audit_events_for_organisation(actor_membership=_membership(side_a, role))


def test_organisation_log_page(client, side_a, side_b, two_cases):
    login(client, side_a.user(Role.ORGANISATION_ADMIN))
    response = client.get("/confidentialite/journal/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Caseworker A" in html
    assert "Caseworker B" not in html and "Caseworker Partner" not in html
    assert client.get("/confidentialite/journal/?before=abc").status_code == 200
    client.logout()
    login(client, side_a.user(Role.CASEWORKER))
    assert client.get("/confidentialite/journal/").status_code == 404
