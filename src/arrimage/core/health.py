"""``/sante/``, for load balancers and uptime checks, with django-health-check's checks.

- **database**: ``SELECT 1`` on a fresh connection (django-health-check's ``Database``);
- **disk**: the data folder (SQLite, collected static files) has room;
- **worker**: some ``arrimage worker`` beat within the heartbeat timeout.

A failed database, or a full disk, answers 503: take this server out of the pool. A missing
worker heartbeat or a disk nearly full answers 200 with ``"status": "degraded"``: the server
still serves pages, and taking every server out because no worker runs would stop everything;
alert on it instead (and on ``arrimage_worker_heartbeat_age_seconds``). The answer names the
checks and their state, nothing else.
"""

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import HealthCheckException, ServiceUnavailable, ServiceWarning

from arrimage.core.background import heartbeat_timeout
from arrimage.core.models import WorkerHeartbeat

DISK_WARNING_PERCENT = 90.0
DISK_FULL_PERCENT = 98.0


@dataclasses.dataclass
class DataDirectoryDisk(HealthCheck):
    """Room left where the data folder is."""

    path: Path = dataclasses.field(default_factory=lambda: Path(settings.DATA_DIR), repr=False)

    def run(self) -> None:
        folder = self.path if self.path.exists() else self.path.parent
        try:
            usage = shutil.disk_usage(folder)
        except OSError as error:
            raise ServiceUnavailable("data folder unreadable") from error
        used = 100.0 * usage.used / usage.total if usage.total else 100.0
        if used >= DISK_FULL_PERCENT:
            raise ServiceUnavailable(f"disk {used:.0f}% full")
        if used >= DISK_WARNING_PERCENT:
            raise ServiceWarning(f"disk {used:.0f}% full")


@dataclasses.dataclass
class WorkerAlive(HealthCheck):
    """Some background worker wrote its heartbeat within the timeout."""

    def run(self) -> None:
        cutoff = timezone.now() - heartbeat_timeout()
        if not WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).exists():
            raise ServiceWarning("no background worker heartbeat")


CHECKS: dict[str, Callable[[], HealthCheck]] = {
    "database": Database,
    "disk": DataDirectoryDisk,
    "worker": WorkerAlive,
}


def health_report() -> tuple[str, dict[str, str]]:
    """The overall state (``ok``, ``degraded``, ``unavailable``) and each check's."""
    states: dict[str, str] = {}
    overall = "ok"
    for name, make in CHECKS.items():
        try:
            make().run()  # type: ignore[call-arg]
        except ServiceWarning as warning:
            states[name] = f"warning: {warning.message}"
            overall = "degraded" if overall == "ok" else overall
        except HealthCheckException as error:
            states[name] = f"unavailable: {error.message}"
            overall = "unavailable"
        except Exception:
            states[name] = "unavailable: unexpected error"
            overall = "unavailable"
        else:
            states[name] = "ok"
    return overall, states
