"""The calendar feed (/dossiers/calendrier/<token>.ics) is one user's, bounded by time and not
by a count: every open task assigned to the user due from 30 days ago on, however many and
however far ahead (it once stopped at 500 tasks, dropping the latest dates without a word). A
and B hold identical tasks; each feed carries its own user's and nothing of the other's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases import plan_services
from arrimage.cases.models import Task
from arrimage.cases.reminder_selectors import CALENDAR_PAST_DAYS
from arrimage.privacy.categories import Category
from tests.cases.conftest import membership
from tests.conftest import login

pytestmark = pytest.mark.django_db

FUTURE_TASKS = 520  # more than the 500 the feed once stopped at
PAST_DAYS = (CALENDAR_PAST_DAYS + 1, CALENDAR_PAST_DAYS, CALENDAR_PAST_DAYS - 1)


def _due_tasks(side, case) -> None:
    """Open tasks assigned to the side's caseworker: three around the window's start, and
    520 ahead, one a day."""
    today = timezone.localdate()
    days = [-days_ago for days_ago in PAST_DAYS] + list(range(1, FUTURE_TASKS + 1))
    for offset in days:
        plan_services.task_add(
            actor_membership=membership(side),
            case_id=case.pk,
            category=Category.COORDINATION,
            title="Rappel",
            due_on=today + timedelta(days=offset),
        )
    Task.objects.filter(case=case).update(assignee=side.user(Role.CASEWORKER))


def _feed(client, user) -> str:
    client.logout()
    login(client, user)
    url = client.post("/dossiers/calendrier/").context["feed_url"]
    client.logout()
    response = client.get(url.replace("http://testserver", ""))
    assert response.status_code == 200
    return response.content.decode()


def _dates(body: str) -> list[str]:
    return [line.split(":", 1)[1] for line in body.split("\r\n") if line.startswith("DTSTART")]


def test_the_feed_holds_every_task_from_30_days_ago_on(client, world):
    for side, case in ((world.a, world.case_a), (world.b, world.case_b)):
        _due_tasks(side, case)
    today = timezone.localdate()
    window_start = today - timedelta(days=CALENDAR_PAST_DAYS)
    feeds = {
        label: _feed(client, side.user(Role.CASEWORKER))
        for label, side in (("a", world.a), ("b", world.b))
    }
    for label, case in (("a", world.case_a), ("b", world.case_b)):
        expected = list(
            Task.objects.filter(case=case, due_on__gte=window_start)
            .order_by("due_on", "pk")
            .values_list("pk", "due_on")
        )
        body = feeds[label]
        assert len(expected) > 500 + 8  # the populated case's own tasks, and ours
        assert body.count("BEGIN:VEVENT") == len(expected)
        assert _dates(body) == [f"{due:%Y%m%d}" for _pk, due in expected]
        last = today + timedelta(days=FUTURE_TASKS)
        assert f"DTSTART;VALUE=DATE:{last:%Y%m%d}" in body  # the 520th day ahead
        assert f"DTSTART;VALUE=DATE:{window_start:%Y%m%d}" in body  # 30 days ago: in
        too_old = today - timedelta(days=CALENDAR_PAST_DAYS + 1)
        assert f"DTSTART;VALUE=DATE:{too_old:%Y%m%d}" not in body  # 31 days ago: out
    for label, other in (("a", world.case_b), ("b", world.case_a)):
        for task_id in Task.objects.filter(case=other).values_list("pk", flat=True):
            assert f"UID:{task_id}@arrimage" not in feeds[label]
        assert str(other.pk) not in feeds[label]
