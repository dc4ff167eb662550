"""Plan goals and manual tasks carry the category of what they are about, like notes.

Until now a goal was always coordination and a manual task defaulted to it: every organisation
the person let coordinate read them, police included, so "renouveler le PST" or "suivi
psychiatrique" typed as a goal told police about immigration or health. Now the writer picks
the category; readers see a goal or a task only if they may read its category, on every path;
a writer may only pick a category it may read.

Organisations A and B hold identical data (B in another coalition: nothing of it may appear).
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.cases import plan_services, worklist_selectors
from arrimage.cases.models import Goal, Task
from arrimage.core.errors import NotFound
from tests.cases.conftest import consent_for, membership
from tests.conftest import login

pytestmark = pytest.mark.django_db

# What a worker types, by category: the text itself says what it is about.
GOALS = {
    "immigration": "Renouveler le PST",
    "health": "Suivi psychiatrique",
    "coordination": "Ouvrir un compte bancaire",
}
TASKS = {
    "immigration": "Préparer la demande d'asile",
    "health": "Rendez-vous en psychiatrie",
    "coordination": "Rappeler la personne",
}
PROTECTED = ("immigration", "health")


def _tag(label: str, kind: str, category: str) -> str:
    """What the tests look for: plain ASCII, the same in HTML and in escaped JSON."""
    return f"{label}-{kind}-{category}"


def _goal(label: str, category: str) -> str:
    return f"{GOALS[category]} ({_tag(label, 'goal', category)})"


def _task(label: str, category: str) -> str:
    return f"{TASKS[category]} ({_tag(label, 'task', category)})"


def _write_through_http(client, side, case, label: str) -> None:
    """The lead organisation's caseworker adds a goal and a task per category, with the
    case page's forms (goals) and both the form and the API (tasks)."""
    login(client, side.user("caseworker"))
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    for category in GOALS:
        response = client.post(
            f"/dossiers/{case.pk}/plan/",
            {"text": _goal(label, category), "category": category, "target_on": due},
        )
        assert response.status_code == 302
        if category == "health":
            response = client.post(
                f"/api/cases/{case.pk}/tasks",
                json.dumps({"title": _task(label, category), "due_on": due, "category": category}),
                content_type="application/json",
            )
            assert response.status_code == 201, response.content
        else:
            response = client.post(
                f"/dossiers/{case.pk}/taches/",
                {"title": _task(label, category), "due_on": due, "category": category},
            )
            assert response.status_code == 302
    client.logout()


@pytest.fixture
def planned(client, world):
    """A and B each write the same goals and tasks on their own case; A's person consents to
    share with the partner and with police (police: every category the firewall permits)."""
    _write_through_http(client, world.a, world.case_a, "A")
    _write_through_http(client, world.b, world.case_b, "B")
    consent_for(world.case_a, world.partner.organisation)
    consent_for(world.case_a, world.police.organisation)
    return world


def _outputs(client, world) -> dict[str, str]:
    case = world.case_a
    paths = {
        "page": f"/dossiers/{case.pk}/",
        "export": f"/dossiers/{case.pk}/export/",
        "api": f"/api/cases/{case.pk}",
        "api_export": f"/api/cases/{case.pk}/export",
        "portability": f"/confidentialite/personnes/{case.person_id}/export.json",
        "worklist": "/dossiers/",
        "api_worklist": "/api/cases/",
        "reminders": "/dossiers/rappels/",
        "api_reminders": "/api/cases/notifications",
    }
    outputs = {}
    for name, url in paths.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        outputs[name] = response.content.decode()
    return outputs


def _assign_tasks_of_case_a_to(world, user) -> None:
    """So that they reach the reader's worklist and reminders too."""
    Task.objects.filter(case=world.case_a).update(assignee=user)


DETAIL_PATHS = ("page", "export", "api", "api_export", "portability")


@pytest.mark.parametrize("side_name", ["police", "partner", "a"])
def test_each_reader_sees_exactly_the_goals_and_tasks_of_the_categories_it_reads(
    client, planned, side_name
):
    """Police sees no immigration or health goal or task anywhere; the partner (consent for
    every category) and the lead organisation see them all; everyone sees the coordination
    ones."""
    world = planned
    side = getattr(world, side_name)
    reader = side.user("caseworker")
    _assign_tasks_of_case_a_to(world, reader)
    login(client, reader)
    outputs = _outputs(client, world)
    may_read_protected = side_name != "police"
    for name, body in outputs.items():
        assert "B-task-" not in body and "B-goal-" not in body, f"{name}: B leaked"
        for category in PROTECTED:
            task_shown = _tag("A", "task", category) in body
            assert task_shown == may_read_protected, (name, category, "task")
            if name in DETAIL_PATHS:
                goal_shown = _tag("A", "goal", category) in body
                assert goal_shown == may_read_protected, (name, category, "goal")
        assert _tag("A", "task", "coordination") in body, (name, "coordination task")
        if name in DETAIL_PATHS:
            assert _tag("A", "goal", "coordination") in body, (name, "coordination goal")


def test_the_api_and_export_give_each_goal_its_category(client, planned):
    world = planned
    login(client, world.a.user("caseworker"))
    api = client.get(f"/api/cases/{world.case_a.pk}").json()
    goals = {g["text"]: g["category"] for g in api["goals"]}
    export = json.loads(client.get(f"/dossiers/{world.case_a.pk}/export/").content)
    exported = {g["text"]: g["category"] for g in export["goals"]}
    for category in GOALS:
        assert goals[_goal("A", category)] == category
        assert exported[_goal("A", category)] == category


def test_police_is_offered_and_may_write_only_the_categories_it_reads(client, planned):
    world = planned
    case = world.case_a
    login(client, world.police.user("caseworker"))
    page = client.get(f"/dossiers/{case.pk}/").content.decode()
    for select in ("goal-category", "task-category"):
        start = page.index(f'<select id="{select}"')
        options = page[start : page.index("</select>", start)]
        assert 'value="coordination"' in options
        for category in ("immigration", "health", "location"):
            assert f'value="{category}"' not in options, (select, category)

    before = (
        sorted(Goal.objects.values_list("pk", "category")),
        sorted(Task.objects.values_list("pk", "category")),
    )
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    for category in PROTECTED:
        goal = client.post(
            f"/dossiers/{case.pk}/plan/", {"text": "Statut de la personne", "category": category}
        )
        task = client.post(
            f"/dossiers/{case.pk}/taches/",
            {"title": "Vérifier le statut", "due_on": due, "category": category},
        )
        api = client.post(
            f"/api/cases/{case.pk}/tasks",
            json.dumps({"title": "Vérifier le statut", "due_on": due, "category": category}),
            content_type="application/json",
        )
        assert (goal.status_code, task.status_code, api.status_code) == (404, 404, 404)
    after = (
        sorted(Goal.objects.values_list("pk", "category")),
        sorted(Task.objects.values_list("pk", "category")),
    )
    assert after == before, "a refused write changed the goals or tasks"

    # A coordination goal written by police is kept, and the lead organisation sees it.
    goals_before = Goal.objects.filter(plan__case=case).count()
    response = client.post(
        f"/dossiers/{case.pk}/plan/",
        {"text": "Rencontre avec la personne enquêtrice", "category": "coordination"},
    )
    assert response.status_code == 302
    assert Goal.objects.filter(plan__case=case).count() == goals_before + 1
    login(client, world.a.user("caseworker"))
    page = client.get(f"/dossiers/{case.pk}/").content.decode()
    assert "Rencontre avec la personne enquêtrice" in page


def test_police_cannot_add_a_protected_goal_or_task_through_the_services(planned):
    world = planned
    before = (Goal.objects.count(), Task.objects.count())
    due = timezone.localdate() + timedelta(days=3)
    for category in PROTECTED:
        with pytest.raises(NotFound):
            plan_services.goal_add(
                actor_membership=membership(world.police),
                case_id=world.case_a.pk,
                text="Statut",
                category=category,
            )
        with pytest.raises(NotFound):
            plan_services.task_add(
                actor_membership=membership(world.police),
                case_id=world.case_a.pk,
                title="Statut",
                due_on=due,
                category=category,
            )
    assert (Goal.objects.count(), Task.objects.count()) == before


def test_a_goal_without_a_category_is_coordination(world):
    goal = plan_services.goal_add(
        actor_membership=membership(world.a), case_id=world.case_a.pk, text="Trouver un logement"
    )
    assert goal.category == "coordination"


def test_the_recent_events_do_not_tell_police_a_protected_goal_or_task_was_added(planned):
    world = planned

    def added(side) -> set[tuple[str, ...]]:
        worklist = worklist_selectors.case_list_for_worklist(actor_membership=membership(side))
        return {
            tuple(e["categories"])
            for e in worklist.events
            if e["action"] in ("goal_added", "task_added")
        }

    lead, police = added(world.a), added(world.police)
    assert {("immigration",), ("health",), ("coordination",)} <= lead
    assert ("coordination",) in police
    assert not {c for categories in police for c in categories} & set(PROTECTED)


def test_the_case_page_no_longer_says_goals_and_tasks_reach_every_coordinating_organisation(
    client, planned
):
    world = planned
    login(client, world.a.user("caseworker"))
    page = client.get(f"/dossiers/{world.case_a.pk}/").content.decode()
    assert "police included" not in page and "police compris" not in page
    assert 'aria-describedby="goal-category-help"' in page
    assert 'aria-describedby="task-category-help"' in page
