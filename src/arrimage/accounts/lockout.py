"""Login lockout (django-axes): finite cool-offs that double with each lockout.

The lock is on the pair username and IP address, so someone elsewhere who types a worker's email
address with wrong passwords does not lock that worker out at their own desk. Each lockout lasts
15 minutes, then 30, 60 ... and never more than 24 hours.
"""

from datetime import timedelta

from axes.models import AccessFailureLog
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

BASE_COOLOFF = timedelta(minutes=15)
MAX_COOLOFF = timedelta(hours=24)
ESCALATION_WINDOW = timedelta(hours=24)


def _username(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    credentials = getattr(request, "axes_credentials", None) or {}
    username = credentials.get("username") or request.POST.get("username", "")
    return str(username).strip().lower()


def previous_lockouts(*, username: str, ip_address: str | None) -> int:
    """Lockouts of the pair in the last 24 hours, the current one included. Axes logs a
    ``locked_out`` failure once per lockout, at the attempt that starts it: attempts refused
    during a lockout are not logged (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT`` off)."""
    return AccessFailureLog.objects.filter(
        username=username,
        ip_address=ip_address,
        locked_out=True,
        attempt_time__gte=timezone.now() - ESCALATION_WINDOW,
    ).count()


def cooloff_time(request: HttpRequest | None = None) -> timedelta:
    lockouts = previous_lockouts(
        username=_username(request), ip_address=getattr(request, "axes_ip_address", None)
    )
    return min(BASE_COOLOFF * (2 ** max(lockouts - 1, 0)), MAX_COOLOFF)


def lockout_response(
    request: HttpRequest, original_response: object = None, credentials: object = None
) -> HttpResponse:
    minutes = int(cooloff_time(request).total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
