import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.accounts.services import user_has_two_factor, user_requires_two_factor

ViewFunc = Callable[..., HttpResponseBase]
# The session key holding when the session's expiry last moved forward (seconds since epoch).
RENEWED_KEY = "renewed_at"


def two_factor_exempt(view: ViewFunc) -> ViewFunc:
    """Reachable before a user who must use two-factor has set it up."""
    view.two_factor_exempt = True  # type: ignore[attr-defined]
    return view


class SessionLifetimeMiddleware:
    """End a session past its absolute lifetime, however active it was.

    The idle limit (30 minutes) is the session's age, renewed by ``SessionRenewalMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = request.session.get("auth_started_at") if request.user.is_authenticated else None
        if started:
            age = timezone.now() - datetime.fromisoformat(started)
            if age > settings.ARRIMAGE_SESSION_ABSOLUTE_LIFETIME:
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
        return self.get_response(request)


class SessionRenewalMiddleware:
    """The idle limit (30 minutes, ``SESSION_COOKIE_AGE``) counts from the last use of the
    session, renewed at most once every ``ARRIMAGE_SESSION_RENEW_SECONDS`` (60 s): a session
    idle for the whole limit still ends, up to that much earlier, and a page costs no session
    write unless something in the session changed. (Saving it on every request made each read a
    database write; on SQLite every page then waited for the one write lock.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or session.is_empty():
            return response  # no session to renew: none is created for an anonymous page
        now = int(time.time())
        renewed = session.get(RENEWED_KEY)
        stale = not isinstance(renewed, int) or not (
            0 <= now - renewed < settings.ARRIMAGE_SESSION_RENEW_SECONDS
        )
        if session.modified or stale:
            session[RENEWED_KEY] = now  # saved, with a new expiry, by SessionMiddleware
        return response


class ActingOrganisationMiddleware:
    """``request.membership``: the organisation and role the user acts for, from the session.

    All the user's memberships are read in one query and kept for the request
    (``request.memberships``, for the user ``request.memberships_user_id``): the page's
    organisation switcher uses them instead of asking again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            memberships = list(
                Membership.objects.select_related("organisation")
                .filter(user=request.user)
                .order_by("organisation__name", "role")
            )
            membership_id = request.session.get("membership_id")
            chosen = (
                next((m for m in memberships if m.pk == membership_id), None)
                if isinstance(membership_id, int)
                else None
            )
            if chosen is None:
                chosen = memberships[0] if memberships else None
                request.session["membership_id"] = chosen.pk if chosen else None
            request.membership = chosen  # type: ignore[attr-defined]
            request.memberships = memberships  # type: ignore[attr-defined]
            request.memberships_user_id = request.user.pk  # type: ignore[attr-defined]
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Users whose roles read personal data must log in with a second factor.

    Without a confirmed authenticator they can reach only the enrolment pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: ViewFunc, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.ARRIMAGE_REQUIRE_TWO_FACTOR:
            return None
        user = request.user
        if not user.is_authenticated or getattr(view_func, "two_factor_exempt", False):
            return None
        if getattr(view_func, "login_required", True) is False:
            return None
        if user.is_verified():  # type: ignore[union-attr,attr-defined]
            return None
        if not user_requires_two_factor(user):  # type: ignore[arg-type]
            return None
        if user_has_two_factor(user):  # type: ignore[arg-type]
            # Enrolled but this session never passed the second factor: start again.
            logout(request)
            return redirect(settings.LOGIN_URL)
        messages.warning(
            request, _("Your role reads personal data: set up two-factor login to continue.")
        )
        return redirect("accounts:two_factor")
