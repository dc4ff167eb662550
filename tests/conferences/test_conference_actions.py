"""Action items become case tasks, in the category of their agenda item, visible to the
person they are assigned to (if that person's organisation reads the category), and never to
an enforcement body when the item is immigration or health. Two organisations with identical
data: B's caseworker sees none of A's tasks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases.models import Task
from arrimage.coalition.models import Coalition, CoalitionLevel, Region
from arrimage.conferences.models import ActionItem
from tests.cases.conftest import agreement_allowing_all, consent_for, populate
from tests.conferences.conftest import case_conference, member
from tests.conftest import login, make_side

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(coalition):
    side_a = make_side("A", coalition=coalition)
    other = Coalition.objects.create(
        name="Estrie",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-05"),
    )
    side_b = make_side("B", coalition=other)
    agreement_allowing_all(coalition)
    police = make_side("Police", org_type="police", coalition=coalition)
    case_a = populate(side_a, "A")
    populate(side_b, "B")
    consent_for(case_a, police.organisation)
    conference = case_conference(side_a, case_a, "A", others=[member(police)])
    case_conference(side_b, case_b := populate(side_b, "B2"), "B")
    return {
        "a": side_a,
        "b": side_b,
        "police": police,
        "case": case_a,
        "conference": conference,
        "case_b": case_b,
    }


def _add_action(client, conference, category: str, title: str, assignee) -> object:
    item = conference.items.get(category=category)
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    return client.post(
        f"/concertations/{conference.pk}/points/{item.pk}/actions/",
        {"title": title, "due_on": due, "assignee": str(assignee.pk)},
    )


def test_an_action_becomes_a_task_of_the_case_seen_by_its_assignee(client, world):
    conference, a = world["conference"], world["a"]
    login(client, a.user(Role.CASEWORKER))
    coordinator = member(a, Role.COORDINATOR)
    response = _add_action(client, conference, "coordination", "Appeler le refuge", coordinator)
    assert response.status_code == 302
    task = Task.objects.get(case=world["case"], assignee=coordinator.user, category="coordination")
    assert ActionItem.objects.filter(task=task, item__conference=conference).exists()
    # The assignee finds it in the reminders and on the conference.
    client.logout()
    login(client, coordinator.user)
    assert "Appeler le refuge" in client.get("/dossiers/rappels/").content.decode()
    assert "Appeler le refuge" in client.get(f"/concertations/{conference.pk}/").content.decode()
    # Organisation B, identical data, sees nothing of it.
    client.logout()
    login(client, world["b"].user(Role.CASEWORKER))
    assert "Appeler le refuge" not in client.get("/dossiers/rappels/").content.decode()


def test_an_action_on_an_immigration_item_is_an_immigration_task(client, world):
    conference, a = world["conference"], world["a"]
    login(client, a.user(Role.CASEWORKER))
    coordinator = member(a, Role.COORDINATOR)
    response = _add_action(client, conference, "immigration", "Renouveler le permis", coordinator)
    assert response.status_code == 302
    task = Task.objects.get(case=world["case"], kind="manual", assignee=coordinator.user)
    assert task.category == "immigration"
    # The coordinator reads coordination only: the task, derived from immigration, stays
    # hidden from them, on the reminders and on the conference alike.
    client.logout()
    login(client, coordinator.user)
    assert "Renouveler le permis" not in client.get("/dossiers/rappels/").content.decode()
    assert (
        "Renouveler le permis"
        not in client.get(f"/concertations/{conference.pk}/").content.decode()
    )
    # Police, a participant, never sees it anywhere.
    client.logout()
    login(client, world["police"].user(Role.CASEWORKER))
    for url in ("/dossiers/rappels/", f"/concertations/{conference.pk}/"):
        assert "Renouveler le permis" not in client.get(url).content.decode()


def test_police_cannot_add_an_action_on_an_item_it_cannot_read(client, world):
    conference = world["conference"]
    login(client, world["police"].user(Role.CASEWORKER))
    tasks = Task.objects.count()
    response = _add_action(client, conference, "health", "Rendez-vous", member(world["police"]))
    assert response.status_code == 404
    assert Task.objects.count() == tasks


def test_the_assignee_must_be_a_participant(client, world):
    conference, a = world["conference"], world["a"]
    login(client, a.user(Role.CASEWORKER))
    tasks = Task.objects.count()
    response = _add_action(
        client, conference, "coordination", "Appeler", member(a, Role.SERVICE_STAFF)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choisissez la personne responsable dans la liste." in body
    assert 'value="Appeler"' in body  # what was typed is kept
    assert Task.objects.count() == tasks


@pytest.mark.parametrize("assignee", ["99999999999999999999999", "-1", "0", "9223372036854775808"])
def test_an_out_of_range_assignee_is_refused_like_an_unknown_one(client, world, assignee):
    conference, a = world["conference"], world["a"]
    login(client, a.user(Role.CASEWORKER))
    tasks = Task.objects.count()
    item = conference.items.get(category="coordination")
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        f"/concertations/{conference.pk}/points/{item.pk}/actions/",
        {"title": "Appeler", "due_on": due, "assignee": assignee},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choisissez la personne responsable dans la liste." in body
    assert 'value="Appeler"' in body
    assert Task.objects.count() == tasks
