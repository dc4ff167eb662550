"""A release runs in the background (issue 12): the page queues it, shows its progress, then
the release or why it could not be made. Through HTTP, two organisations with identical
data: only the coordinator who started it sees its page."""

import re

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from arrimage.accounts.models import Role
from arrimage.core.background import PERIODIC, tasks_discover
from arrimage.core.models import TaskProgress
from arrimage.trends.models import PrivacyBudget, Release, StatisticsRecord
from arrimage.trends.tasks import statistics_refresh
from tests.conftest import login, run_queued_tasks
from tests.trends.conftest import cases_with_consent

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year


def _queue(client, coalition, **form) -> str:
    data = {"coalition_id": str(coalition.pk), "year": YEAR, "method": "suppression", **form}
    response = client.post("/tendances/publier/", data)
    assert response.status_code == 302
    match = re.fullmatch(r"/taches/([0-9a-f-]{36})/", response["Location"])
    assert match, response["Location"]
    return match.group(1)


@pytest.fixture
def queued(client, side_a, partner, coalition) -> str:
    cases_with_consent(side_a, partner.organisation, 9)
    login(client, side_a.user(Role.COORDINATOR))
    return _queue(client, coalition)


def test_the_request_queues_the_release_and_counts_nothing(client, queued):
    assert not Release.objects.exists()
    assert not StatisticsRecord.objects.exists(), "the projection is built by the worker"
    page = client.get(f"/taches/{queued}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<progress" in html and "Diffusion de statistiques" in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    nonce = re.search(r'<script nonce="([^"]+)">', html)
    assert nonce and f"'nonce-{nonce.group(1)}'" in page["Content-Security-Policy"]
    state = client.get(f"/taches/{queued}/etat/").json()
    assert state["status"] == "waiting" and state["finished"] is False


def test_the_page_shows_the_release_when_done(client, queued):
    run_queued_tasks()
    release = Release.objects.get()
    assert str(release.pk) == queued, "the release's id is the task's"
    assert StatisticsRecord.objects.exists()
    state = client.get(f"/taches/{queued}/etat/").json()
    assert state["finished"] is True and state["status"] == "done"
    assert state["total"] >= 3 and state["done"] == state["total"]
    html = client.get(f"/taches/{queued}/").content.decode()
    assert "La diffusion est faite et transmise au niveau supérieur." in html
    assert f'href="/tendances/diffusions/{release.pk}/"' in html
    assert "<progress" not in html and "http-equiv" not in html


@pytest.mark.parametrize("role", [Role.ANALYST, Role.CASEWORKER, Role.ORGANISATION_ADMIN])
def test_nobody_else_sees_the_task(client, queued, side_a, side_b, role):
    for user in (side_a.user(role), side_b.user(Role.COORDINATOR), side_b.user(role)):
        client.logout()
        login(client, user)
        assert client.get(f"/taches/{queued}/").status_code == 404
        assert client.get(f"/taches/{queued}/etat/").status_code == 404
    client.logout()
    assert client.get(f"/taches/{queued}/").status_code == 302


def test_a_refusal_met_in_the_worker_shows_on_the_page(client, queued, coalition):
    """Two exact releases queued before either ran: the second finds the budget spent."""
    second = _queue(client, coalition)
    run_queued_tasks()
    assert Release.objects.count() == 1
    budget = PrivacyBudget.objects.get()
    assert budget.spent_epsilon == budget.total_epsilon
    html = client.get(f"/taches/{second}/").content.decode()
    assert "Les nombres exacts exigent un budget intact" in html
    assert client.get(f"/taches/{second}/etat/").json()["status"] == "refused"
    assert 'href="/tendances/diffusions/' not in html


def test_a_release_run_again_after_a_lost_worker_is_made_once(client, queued):
    run_queued_tasks()
    spent = PrivacyBudget.objects.get().spent_epsilon
    DBTaskResult.objects.filter(pk=queued).update(status="READY", finished_at=None)
    run_queued_tasks()
    assert Release.objects.count() == 1
    assert PrivacyBudget.objects.get().spent_epsilon == spent
    assert client.get(f"/taches/{queued}/etat/").json()["status"] == "done"


def test_the_release_page_in_english(client, queued):
    client.post("/compte/langue/", {"language": "en", "next": "/"})
    run_queued_tasks()
    html = client.get(f"/taches/{queued}/").content.decode()
    assert "Statistics release" in html and "The release is made" in html
    assert TaskProgress.objects.get(task_id=queued).kind == "trends_release"


def test_the_worker_keeps_the_statistics_projection_up_to_date(side_a, partner):
    tasks_discover()
    assert PERIODIC["arrimage.trends.tasks.statistics_refresh"].every.total_seconds() == 900
    cases = cases_with_consent(side_a, partner.organisation, 3)
    assert not StatisticsRecord.objects.exists()
    statistics_refresh.call()
    assert StatisticsRecord.objects.filter(case_id__in=[c.pk for c in cases]).count() == 3
