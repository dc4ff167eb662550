"""/sante/ for load balancers and /metrics for Prometheus (issue 12 item 7)."""

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.core import health
from arrimage.core.models import WorkerHeartbeat
from arrimage.orientation.models import BedHold, Referral
from tests.conftest import login
from tests.core.test_tasks import record

pytestmark = pytest.mark.django_db
TOKEN = "t" * 40


def test_health_answers_anonymously_with_each_check(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "checks"}
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["worker"].startswith("warning")
    assert body["status"] == "degraded", "no worker beats: degraded, still in the pool"
    assert "no-cache" in response["Cache-Control"]


def test_health_is_ok_with_a_beating_worker(client):
    WorkerHeartbeat.objects.create(worker_id="w", host="h", pid=1, beat_at=timezone.now())
    body = client.get("/sante/").json()
    assert body == {"status": "ok", "checks": {"database": "ok", "disk": "ok", "worker": "ok"}}
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=5))
    assert client.get("/sante/").json()["status"] == "degraded"


def test_a_full_disk_takes_the_server_out(client, monkeypatch):
    WorkerHeartbeat.objects.create(worker_id="w", host="h", pid=1, beat_at=timezone.now())
    monkeypatch.setattr(health, "DISK_FULL_PERCENT", 0.0)
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"].startswith("unavailable")


@pytest.mark.parametrize("role", [None, Role.COORDINATOR, Role.ORGANISATION_ADMIN])
def test_metrics_are_not_public(client, side_a, role):
    if role is not None:
        login(client, side_a.user(role))
    assert client.get("/metrics").status_code == 404
    with override_settings(ARRIMAGE_METRICS_TOKEN=TOKEN):
        assert client.get("/metrics").status_code == 404
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
        assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 404


@override_settings(ARRIMAGE_METRICS_TOKEN=TOKEN)
def test_metrics_count_tasks_holds_and_referrals(client):
    record.using(run_after=timezone.now() - timedelta(minutes=3)).enqueue(n=1)
    client.get("/sante/")  # a request, so that the latency histogram has a sample
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'arrimage_tasks{state="ready"} 1.0' in text
    age = float(re.search(r"^arrimage_tasks_oldest_ready_age_seconds (\S+)$", text, re.M)[1])
    assert age >= 170
    assert "arrimage_worker_heartbeat_age_seconds -1.0" in text
    assert 'arrimage_bed_holds{status="active"} 0.0' in text
    assert 'arrimage_referrals{status="sent"} 0.0' in text
    assert "django_http_requests_latency_seconds_by_view_method" in text


@override_settings(ARRIMAGE_METRICS_TOKEN=TOKEN)
def test_metrics_hold_no_personal_value(client, walk_world):
    world, readers = walk_world
    # Pages read as a caseworker first, so that every per-view metric has samples.
    login(client, readers[Role.CASEWORKER])
    for side in ("a", "b"):
        client.get(f"/dossiers/{world[side]['case_id']}/")
        client.get(f"/orientation/references/{world[side]['referral_id']}/")
    client.logout()
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'arrimage_bed_holds{status="active"} 2.0' in text
    assert 'arrimage_referrals{status="sent"} 2.0' in text
    personal: set[str] = set()
    for user in readers.values():
        if user is not None:
            personal |= {user.email, user.full_name}
    for referral in Referral.objects.select_related("case__person", "case"):
        personal |= {str(referral.case_id), str(referral.case.person_id), referral.case.reference}
        personal |= {str(referral.pk), referral.service.name_fr}
    personal |= {str(hold.pk) for hold in BedHold.objects.all()}
    personal |= {"mk-a-identity-alias", "mk-b-identity-alias", "Montréal", "Organisation A"}
    found = sorted(value for value in personal if value and value in text)
    assert not found, found
