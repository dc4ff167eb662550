"""Throttling: at most N requests per client in each window of time, counted in the database.

The rates are settings (``ARRIMAGE_RATES``: ``"300/min"``, ``"30/min"``, ...). Each request adds
one to the row of its client and window with one atomic upsert, so every app server and every
worker process counts into the same row: N servers behind a load balancer allow N times nothing
more. A refused request answers 429 with ``Retry-After``, the seconds until the window ends.

Fixed windows: a client may send up to twice the rate across the boundary of two windows; the
limit is a ceiling against floods and scripts, not an exact meter. Why the database and not a
cache: docs/security.md.
"""

import math
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from arrimage.core.models import RateWindow

_UNITS = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def rate_parse(text: str) -> Rate:
    """``"300/min"`` -> 300 requests per 60 seconds; also ``/s``, ``/h``, ``/day``, ``/10min``."""
    try:
        count_text, period = text.strip().split("/", 1)
        digits = period.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = period[len(digits) :]
        rate = Rate(int(count_text), int(digits or 1) * _UNITS[unit])
    except (ValueError, KeyError):
        raise ImproperlyConfigured(f"a rate is written like 300/min, not {text!r}") from None
    if rate.count < 1 or rate.seconds < 1:
        raise ImproperlyConfigured(f"a rate needs a positive count and period, not {text!r}")
    return rate


def rate_for(scope: str) -> Rate:
    return rate_parse(settings.ARRIMAGE_RATES[scope])


_TABLE = RateWindow._meta.db_table


def clock() -> float:
    """Seconds since the epoch (a function, so that the tests can hold time still)."""
    return time.time()


def rate_hit(*, scope: str, client: str, now: float | None = None) -> int | None:
    """Count one request of ``client`` in ``scope``. None if it is within the rate, else the
    seconds to wait until the window ends (at least 1)."""
    rate = rate_for(scope)
    now = clock() if now is None else now
    start = int(now) // rate.seconds * rate.seconds
    end = start + rate.seconds
    key = f"{scope}:{client}"[:200]
    with connection.cursor() as cursor:
        # One statement, atomic on SQLite and PostgreSQL: concurrent requests never lose a count.
        cursor.execute(
            f"INSERT INTO {_TABLE} (client_key, window_start, window_end, hits) "  # noqa: S608
            "VALUES (%s, %s, %s, 1) "
            "ON CONFLICT (client_key, window_start) "
            f"DO UPDATE SET hits = {_TABLE}.hits + 1 RETURNING hits",
            [key, start, end],
        )
        hits = cursor.fetchone()[0]
        if hits == 1:
            # A new window: the rows of windows that are over are of no use any more.
            cursor.execute(f"DELETE FROM {_TABLE} WHERE window_end < %s", [int(now)])  # noqa: S608
    if hits <= rate.count:
        return None
    return max(1, math.ceil(end - now))


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind ``ARRIMAGE_TRUSTED_PROXIES`` proxies
    the address the last trusted one added to ``X-Forwarded-For`` (as the login lockouts)."""
    return BaseThrottle().get_ident(request) or "unknown"


class RateThrottle(BaseThrottle):
    """django-ninja's throttle hook on ``rate_hit``: per user when the API authenticated the
    request. ``wait`` is kept per thread, as ninja asks for it just after ``allow_request``."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", None)
        client = str(user.pk) if user is not None else client_address(request)
        self._local.wait = rate_hit(scope=self.scope, client=client)
        return self._local.wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


def retry_after(seconds: Any) -> str:
    """The ``Retry-After`` value: whole seconds, at least 1 (RFC 9110)."""
    return str(max(1, math.ceil(seconds or 1)))
