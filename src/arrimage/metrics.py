"""Prometheus metrics at ``/metrics``, with django-prometheus.

- Requests: django-prometheus's middleware (latency histograms by view name, method and
  status; counts of exceptions), and its database metrics.
- Background work, read from the database at each scrape: tasks by state, the age of the
  oldest task waiting to run, the age of the freshest worker heartbeat.
- Orientation: bed holds and referrals by status.

Never a personal value: labels are view names, methods, status codes and state codes; values
are counts and durations. Nothing names a person, a case or an organisation.

Who may read it: nobody by default. With ``ARRIMAGE_METRICS_TOKEN`` set, a scraper that sends
``Authorization: Bearer <token>`` (Prometheus's ``authorization`` setting); anyone else gets
404, as for a page that does not exist. Under ``arrimage serve`` the gunicorn workers share
their request metrics through ``PROMETHEUS_MULTIPROC_DIR``, which it sets.
"""

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from arrimage.core.background import TaskResultStatus
from arrimage.core.models import WorkerHeartbeat
from arrimage.orientation.models import BedHold, HoldStatus, Referral, ReferralStatus


class ArrimageCollector(Collector):
    """Gauges read from the database when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        tasks = GaugeMetricFamily("arrimage_tasks", "Background tasks by state", labels=["state"])
        by_state = dict(
            DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        for state in TaskResultStatus.values:
            tasks.add_metric([state.lower()], by_state.get(state, 0))
        yield tasks

        ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        due_since = ready.exclude(run_after=get_date_max()).filter(run_after__lte=now)
        oldest_due = due_since.aggregate(at=Min("run_after"))["at"]
        oldest_queued = ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))[
            "at"
        ]
        waiting = [at for at in (oldest_due, oldest_queued) if at is not None]
        age = GaugeMetricFamily(
            "arrimage_tasks_oldest_ready_age_seconds",
            "How long the oldest task due to run has waited for a worker (0 if none)",
        )
        age.add_metric([], (now - min(waiting)).total_seconds() if waiting else 0.0)
        yield age

        beat = WorkerHeartbeat.objects.aggregate(at=Max("beat_at"))["at"]
        heartbeat = GaugeMetricFamily(
            "arrimage_worker_heartbeat_age_seconds",
            "Seconds since the freshest worker heartbeat (-1 if no worker ever beat)",
        )
        heartbeat.add_metric([], (now - beat).total_seconds() if beat else -1.0)
        yield heartbeat

        holds = GaugeMetricFamily("arrimage_bed_holds", "Bed holds by status", labels=["status"])
        hold_counts = dict(BedHold.objects.values_list("status").annotate(n=Count("id")).order_by())
        for status in HoldStatus.values:
            holds.add_metric([status], hold_counts.get(status, 0))
        yield holds

        referrals = GaugeMetricFamily(
            "arrimage_referrals", "Referrals by status", labels=["status"]
        )
        referral_counts = dict(
            Referral.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        for status in ReferralStatus.values:
            referrals.add_metric([status], referral_counts.get(status, 0))
        yield referrals


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(ArrimageCollector())
    return registry


def _authorised(request: HttpRequest) -> bool:
    token = str(getattr(settings, "ARRIMAGE_METRICS_TOKEN", ""))
    sent = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


@login_not_required
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        raise Http404
    return HttpResponse(
        generate_latest(_registry()), content_type="text/plain; version=0.0.4; charset=utf-8"
    )
