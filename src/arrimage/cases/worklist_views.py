"""Pages across cases: the worklist, the search, notifications and the calendar (page and
feed). Thin: each calls a selector with ``request.membership``."""

import hashlib
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrimage.accounts.middleware import two_factor_exempt
from arrimage.accounts.models import Membership
from arrimage.cases import (
    calendar,
    reminder_selectors,
    search,
    worklist_selectors,
)
from arrimage.cases.models import CalendarFeed
from arrimage.cases.view_support import page_labels, request_membership
from arrimage.core import text
from arrimage.core.errors import NotFound
from arrimage.core.paging import page_number

# Worklist, search, notifications --------------------------------------------------------------


def worklist_view(request: HttpRequest) -> HttpResponse:
    worklist = worklist_selectors.case_list_for_worklist(
        actor_membership=request_membership(request), page=page_number(request.GET.get("page"))
    )
    return render(request, "cases/worklist.html", {"worklist": worklist, "labels": page_labels()})


# Search results live in the session, by a random id in the URL: the terms travel only in a
# POST body, so they reach no URL, no access log and no browser history.
SEARCH_SESSION_KEY = "case_searches"
SEARCH_SECONDS = 15 * 60
SEARCH_KEPT = 5
SEARCH_PAGE_SIZE = 25
SEARCH_QUERY_MAX = 100


def _searches_kept(request: HttpRequest, membership: Membership) -> dict[str, dict[str, Any]]:
    now = timezone.now().timestamp()
    kept = request.session.get(SEARCH_SESSION_KEY, {})
    return {
        sid: held
        for sid, held in kept.items()
        if now - held.get("at", 0) < SEARCH_SECONDS and held.get("membership") == str(membership.pk)
    }


@require_http_methods(["GET", "POST"])
def search_view(request: HttpRequest) -> HttpResponse:
    membership = request_membership(request)
    if membership is None:
        raise NotFound
    context: dict[str, Any] = {"labels": page_labels(), "held": None, "results": []}
    if request.method == "POST":
        query = request.POST.get("q", "")
        try:
            text.text_check(query, label=_("Search"), max_length=SEARCH_QUERY_MAX)
            if len(query.strip()) < 2:
                raise ValidationError(_("Type at least two characters."), code="too_short")
        except ValidationError as error:
            context["errors"] = error.messages
            return render(request, "cases/search.html", context, status=400)
        grants, more = search.case_search(actor_membership=membership, query=query)
        kept = _searches_kept(request, membership)
        sid = secrets.token_urlsafe(12)
        kept[sid] = {
            "ids": [str(g.case.pk) for g in grants],
            "more": more,
            "at": timezone.now().timestamp(),
            "membership": str(membership.pk),
        }
        newest = sorted(kept.items(), key=lambda item: item[1]["at"])[-SEARCH_KEPT:]
        request.session[SEARCH_SESSION_KEY] = dict(newest)
        return redirect(f"{reverse('cases:search')}?r={sid}", permanent=False)
    sid = request.GET.get("r", "")
    if sid:
        held = _searches_kept(request, membership).get(sid)
        if held is None:
            context["expired"] = True
        else:
            try:
                page = max(1, int(request.GET.get("page", "1")))
            except ValueError:
                page = 1
            ids = held["ids"]
            pages = max(1, -(-len(ids) // SEARCH_PAGE_SIZE))
            page = min(page, pages)
            start = (page - 1) * SEARCH_PAGE_SIZE
            context["held"] = {
                "sid": sid,
                "count": len(ids),
                "more": held["more"],
                "page": page,
                "pages": pages,
            }
            context["results"] = search.case_search_page(
                actor_membership=membership, case_ids=ids[start : start + SEARCH_PAGE_SIZE]
            )
    return render(request, "cases/search.html", context)


def notifications_view(request: HttpRequest) -> HttpResponse:
    items = reminder_selectors.notifications_for(actor_membership=request_membership(request))
    return render(request, "cases/notifications.html", {"items": items, "labels": page_labels()})


# Calendar -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def calendar_view(request: HttpRequest) -> HttpResponse:
    membership = request_membership(request)
    if membership is None:
        raise NotFound
    feed_url = None
    if request.method == "POST":
        token = secrets.token_urlsafe(32)
        CalendarFeed.objects.update_or_create(
            membership=membership,
            defaults={
                "token_digest": hashlib.sha256(token.encode()).hexdigest(),
                "created_at": timezone.now(),
            },
        )
        feed_url = request.build_absolute_uri(reverse("cases:calendar_feed", args=[token]))
        messages.success(
            request, _("A new calendar address is ready. Any older address no longer works.")
        )
    return render(
        request,
        "cases/calendar.html",
        {
            "feed_url": feed_url,
            "has_feed": CalendarFeed.objects.filter(membership=membership).exists(),
        },
    )


@login_not_required
@two_factor_exempt
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The user's due dates, with no personal detail: anyone holding the address sees only
    dates and links that need a login."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    feed = (
        CalendarFeed.objects.select_related("membership__organisation", "membership__user")
        .filter(token_digest=digest)
        .first()
    )
    if feed is None or not feed.membership.user.is_active:
        raise NotFound
    due = reminder_selectors.calendar_due_dates(membership=feed.membership)
    body = calendar.ical_feed(
        due,
        link=lambda case_id: request.build_absolute_uri(reverse("cases:detail", args=[case_id])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store, private"
    return response
