"""Organisation admins manage their own members, and only theirs (two identical organisations)."""

import pytest
from django.core import mail

from arrimage.accounts.models import Membership, Role, User
from arrimage.core.models import AuditEvent
from tests.conftest import login

pytestmark = pytest.mark.django_db


def member(side, role) -> Membership:
    return Membership.objects.get(organisation=side.organisation, user=side.user(role))


def snapshot() -> list[tuple]:
    return sorted(Membership.objects.values_list("user_id", "organisation_id", "role"))


def test_admin_sees_only_own_members(client, side_a, side_b):
    login(client, side_a.user("organisation_admin"))
    page = client.get("/compte/membres/").content.decode()
    for role in Role.values:
        assert side_a.user(role).email in page
        assert side_b.user(role).email not in page


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ORGANISATION_ADMIN])
def test_other_roles_cannot_manage_members(client, side_a, role):
    login(client, side_a.user(role))
    before = snapshot()
    assert client.get("/compte/membres/").status_code == 403
    response = client.post(
        "/compte/membres/",
        {"email": "new@example.org", "full_name": "Nouvelle", "role": "caseworker"},
    )
    assert response.status_code == 403
    target = member(side_a, "caseworker")
    assert client.post(f"/compte/membres/{target.pk}/retirer/").status_code == 403
    assert snapshot() == before


def test_admin_cannot_touch_another_organisations_members(client, side_a, side_b):
    login(client, side_a.user("organisation_admin"))
    before = snapshot()
    audit_before = AuditEvent.objects.count()
    target = member(side_b, "caseworker")
    assert client.post(f"/compte/membres/{target.pk}/role/", {"role": "analyst"}).status_code == 404
    assert client.post(f"/compte/membres/{target.pk}/retirer/").status_code == 404
    assert client.post("/compte/membres/999999/retirer/").status_code == 404
    assert snapshot() == before
    assert AuditEvent.objects.count() == audit_before


def test_acting_organisation_comes_from_the_session_not_the_form(client, side_a, side_b):
    login(client, side_a.user("organisation_admin"))
    client.post(
        "/compte/membres/",
        {
            "email": "new@example.org",
            "full_name": "Nouvelle Personne",
            "role": "caseworker",
            "organisation": str(side_b.organisation.pk),
        },
    )
    new = Membership.objects.get(user__email="new@example.org")
    assert new.organisation == side_a.organisation


def test_admin_adds_a_new_member_who_gets_a_password_link(client, side_a):
    admin = side_a.user("organisation_admin")
    login(client, admin)
    response = client.post(
        "/compte/membres/",
        {"email": "Nouvelle@Example.org", "full_name": "Nouvelle Personne", "role": "caseworker"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.org")
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert "/compte/mot-de-passe/nouveau/" in mail.outbox[0].body
    event = AuditEvent.objects.get(
        action="membership_added", target_id=str(Membership.objects.get(user=user).pk)
    )
    assert event.actor_id == admin.pk
    assert "nouvelle" not in str(event.details)


def test_admin_changes_a_role_and_removes_a_member(client, side_a):
    login(client, side_a.user("organisation_admin"))
    target = member(side_a, "analyst")
    client.post(f"/compte/membres/{target.pk}/role/", {"role": "coordinator"})
    target.refresh_from_db()
    assert target.role == "coordinator"
    client.post(f"/compte/membres/{target.pk}/retirer/")
    assert not Membership.objects.filter(pk=target.pk).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"membership_changed", "membership_removed"} <= actions


def test_invalid_role_and_last_admin_are_refused_with_a_message(client, side_a):
    admin = member(side_a, "organisation_admin")
    login(client, side_a.user("organisation_admin"))
    response = client.post(f"/compte/membres/{admin.pk}/role/", {"role": "king"}, follow=True)
    assert "Choisissez un rôle dans la liste." in response.content.decode()
    response = client.post(f"/compte/membres/{admin.pk}/retirer/", follow=True)
    assert "au moins une personne" in response.content.decode()
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_removed_member_loses_the_acting_organisation_at_once(client, side_a):
    admin_client = client.__class__()
    login(admin_client, side_a.user("organisation_admin"))
    worker = side_a.user("caseworker")
    login(client, worker)
    assert client.get("/tableau/").context["acting_membership"] is not None
    admin_client.post(f"/compte/membres/{member(side_a, 'caseworker').pk}/retirer/")
    assert client.get("/tableau/").context["acting_membership"] is None


def test_switching_organisation_only_to_ones_own_memberships(client, side_a, side_b):
    user = side_a.user("caseworker")
    second = Membership.objects.create(
        user=user, organisation=side_b.organisation, role="caseworker"
    )
    login(client, user)
    client.post("/compte/organisation/", {"membership_id": second.pk})
    assert client.get("/tableau/").context["acting_membership"] == second
    foreign = member(side_b, "organisation_admin")
    response = client.post("/compte/organisation/", {"membership_id": foreign.pk}, follow=True)
    assert response.context["acting_membership"] == second
    client.post("/compte/organisation/", {"membership_id": "not-a-number"})
    assert client.get("/tableau/").context["acting_membership"] == second
