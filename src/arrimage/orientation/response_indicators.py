"""How a service answers referrals: its response rate and mean response time, from the
counters kept per service (``ServiceResponseStats``). Members only; the service page shows it
as a panel."""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from arrimage.accounts.models import Membership
from arrimage.core.errors import NotFound
from arrimage.directory.service_panels import ServicePanel
from arrimage.orientation.models import ServiceResponseStats


@dataclass(frozen=True)
class ResponseIndicator:
    sent: int
    answered: int
    expired: int
    rate: float | None
    mean_response: timedelta | None


def response_indicator_context(indicator: ResponseIndicator) -> dict[str, float | None]:
    """What ``orientation/_response_indicator.html`` shows: the rate in percent, hours."""
    return {
        "rate_percent": round(indicator.rate * 100) if indicator.rate is not None else None,
        "mean_hours": round(indicator.mean_response.total_seconds() / 3600, 1)
        if indicator.mean_response
        else None,
    }


def service_response_indicator(*, actor: Membership | None, service_id: UUID) -> ResponseIndicator:
    """Response rate and mean response time of a service, from its referrals. Members only."""
    if actor is None:
        raise NotFound
    stats = ServiceResponseStats.objects.filter(service_id=service_id).first()
    if stats is None:
        return ResponseIndicator(0, 0, 0, None, None)
    closed = stats.answered + stats.expired
    rate = stats.answered_in_time / closed if closed >= 3 else None
    mean = timedelta(seconds=stats.response_seconds / stats.answered) if stats.answered else None
    return ResponseIndicator(stats.sent, stats.answered, stats.expired, rate, mean)


def response_indicator_panel(*, actor: Membership | None, service_id: UUID) -> ServicePanel | None:
    """The service page's panel of how the service answers referrals: members only, the
    public sees nothing (registered with the directory in ``orientation/apps.py``)."""
    if actor is None:
        return None
    indicator = service_response_indicator(actor=actor, service_id=service_id)
    return ServicePanel(
        "orientation/_response_indicator_panel.html", response_indicator_context(indicator)
    )
