"""Law 25 retention: when a case is anonymised, what its conferences said about the person
(agenda items, minutes, decisions, actions) goes with it; the same conference of an identical
case that stays open keeps everything."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases import services as case_services
from arrimage.conferences.models import ActionItem, AgendaItem
from arrimage.conferences.services import action_item_add
from arrimage.law25.retention_cases import case_retention_anonymise
from tests.cases.conftest import populate
from tests.conferences.conftest import case_conference, member
from tests.conftest import login, make_side

pytestmark = pytest.mark.django_db


def test_anonymising_a_case_erases_what_its_conferences_wrote(client, coalition):
    side_a = make_side("A", coalition=coalition)
    side_b = make_side("B", coalition=coalition)
    conferences = {}
    for label, side in (("A", side_a), ("B", side_b)):
        case = populate(side, label)
        conference = case_conference(side, case, label)
        action_item_add(
            actor_membership=member(side),
            conference_id=conference.pk,
            item_id=conference.items.get(category="coordination").pk,
            title=f"mk-{label.lower()}-conference-action",
            due_on=timezone.localdate() + timedelta(days=3),
            assignee_membership_id=member(side).pk,
        )
        conferences[label] = (case, conference)
    case_a, conference_a = conferences["A"]
    case_services.case_status_change(
        actor_membership=member(side_a), case_id=case_a.pk, status="Closed"
    )
    anonymised = case_retention_anonymise(
        organisation_id=side_a.organisation.pk,
        closed_before=timezone.now() + timedelta(days=1),
        limit=10,
    )
    assert anonymised == [case_a.pk]
    assert not AgendaItem.objects.filter(
        conference=conference_a, content_sealed__isnull=False
    ).exists()
    assert not ActionItem.objects.filter(item__conference=conference_a).exists()
    login(client, side_a.user(Role.CASEWORKER))
    assert "mk-a-" not in client.get(f"/concertations/{conference_a.pk}/").content.decode()
    _case_b, conference_b = conferences["B"]
    client.logout()
    login(client, side_b.user(Role.CASEWORKER))
    body = client.get(f"/concertations/{conference_b.pk}/").content.decode()
    assert "mk-b-coordination-conference-minutes" in body
    assert "mk-b-conference-action" in body
