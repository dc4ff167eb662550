"""An organisation's audit log for its administrators only: its own events with its members'
names, never another organisation's (two organisations with identical data), paged from the
newest, each reading audited."""

import pytest

from arrimage.accounts.models import Membership, Role, User
from arrimage.cases import services
from arrimage.cases.models import Case
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.core.models import AuditEvent
from arrimage.law25.audit_views import audit_events_for_organisation
from tests.conftest import login, make_side

pytestmark = pytest.mark.django_db


def _membership(side, role=Role.CASEWORKER) -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation=side.organisation, role=role
    )


def _case(side, label: str) -> Case:
    return services.case_create(
        actor_membership=_membership(side), identity={"alias": f"Alias {label}"}
    )


@pytest.fixture
def two_cases(side_a, side_b, coalition):
    """Identical cases opened by A and B; a partner of A's coalition logs in."""
    partner = make_side("Partner", coalition=coalition)
    audit_record(
        action="login",
        actor_id=partner.user(Role.CASEWORKER).pk,
        organisation_id=partner.organisation.pk,
    )
    return _case(side_a, "A"), _case(side_b, "B"), partner


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


def test_the_organisation_log_pages_from_newest_to_oldest(client, side_a, side_b, two_cases):
    admin = _membership(side_a, Role.ORGANISATION_ADMIN)
    for number in range(3):
        for side in (side_a, side_b):
            audit_record(
                action="case_read",
                actor_id=side.user(Role.CASEWORKER).pk,
                organisation_id=side.organisation.pk,
                target_type="case",
                details={"n": number},
            )
    first = audit_events_for_organisation(actor_membership=admin, limit=2)
    assert [dict(line.details).get("n") for line in first.lines] == ["2", "1"]
    assert first.older_before == first.lines[-1].event_id
    second = audit_events_for_organisation(
        actor_membership=admin, limit=2, before=first.older_before
    )
    assert [dict(line.details).get("n") for line in second.lines] == ["0", None]
    login(client, side_a.user(Role.ORGANISATION_ADMIN))
    older = client.get(f"/confidentialite/journal/?before={first.older_before}")
    assert older.status_code == 200
    assert "Caseworker B" not in older.content.decode()
