"""The directory's public pages: the search (page and JSON) and a service's page."""

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from arrimage.directory import selectors
from arrimage.directory.forms import (
    SearchForm,
)
from arrimage.directory.models import (
    Service,
)
from arrimage.directory.presentation import (
    age_label,
    freshness,
    glance,
    is_stale,
    language_label,
    term_label,
    unit_label,
)
from arrimage.directory.query import search_params_parse
from arrimage.directory.search import RANK_LIMIT, directory_search
from arrimage.directory.service_panels import service_panels
from arrimage.directory.services import (
    EDIT_ROLES,
)
from arrimage.directory.taxonomy import CATEGORIES, CATEGORY_CODES
from arrimage.directory.view_support import request_membership


def _search(request: HttpRequest) -> tuple[SearchForm, Any]:
    form = SearchForm(request.GET or None, language=get_language() or "fr")
    page = (
        directory_search(actor=request_membership(request), params=form.params())
        if form.is_bound and form.is_valid()
        else None
    )
    return form, page


def _search_examples() -> list[tuple[str, str]]:
    """Searches to start from, as a worker would type them: (label, query string)."""
    examples = [
        _("women's shelter"),
        _("immigration lawyer"),
        _("psychologist"),
        _("food bank Laval"),
        "H2X",
    ]
    return [(example, urlencode({"q": example})) for example in examples]


def _search_categories() -> list[tuple[str, str]]:
    return [(term_label(term.code), urlencode({"category": term.code})) for term in CATEGORIES]


def _blank_message(page: Any, typed: str) -> str:
    """What an empty or unsearchable box gets told (the page and the JSON answer)."""
    if page.nothing_to_search:
        return _(
            "“%(text)s” holds no word to search for. Type a need, a kind of service, a "
            "place or a postal code, or choose a filter."
        ) % {"text": typed.strip()[:60]}
    return _(
        "Type what you are looking for: a need, a kind of service, a place or a postal code, "
        "or choose a filter."
    )


@login_not_required
@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """The directory search page. Public: results carry no confidential data."""
    form, page = _search(request)
    query = request.GET.copy()
    query.pop("page", None)
    blank = page is not None and page.is_blank
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "page": page,
            "results": [(hit, glance(hit)) for hit in page.hits] if page else [],
            "query": query.urlencode(),
            "rank_limit": RANK_LIMIT,
            "blank_message": _blank_message(page, request.GET.get("q", "")) if blank else "",
            "examples": _search_examples(),
            "categories": _search_categories(),
        },
    )


@login_not_required
@require_GET
def search_json_view(request: HttpRequest) -> JsonResponse:
    """The same search as JSON (public fields only). An empty box without a filter, or one
    with nothing to search in it, gets a 400 that says what to type."""
    params, errors = search_params_parse(request.GET)
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    page = directory_search(actor=request_membership(request), params=params)
    if page.is_blank:
        return JsonResponse(
            {
                "errors": {"q": _blank_message(page, params.q)},
                "examples": [example for example, _query in _search_examples()],
                "categories": sorted(CATEGORY_CODES),
            },
            status=400,
        )
    return JsonResponse(
        {
            "total": page.total,
            "total_is_lower_bound": page.is_broad,
            "page": page.page,
            "has_next": page.has_next,
            "place": page.place,
            "ignored": page.ignored,
            "corrections": [{"typed": t, "read_as": r} for t, r in page.corrections],
            "nothing_to_search": page.nothing_to_search,
            "partial": page.partial,
            "results": [
                {
                    "id": str(hit.service_id),
                    "name_fr": hit.name_fr,
                    "name_en": hit.name_en,
                    "available": hit.available,
                    "updated": hit.capacity_updated.isoformat() if hit.capacity_updated else None,
                    "stale": hit.is_stale,
                    **hit.summary,
                }
                for hit in page.hits
            ],
        }
    )


def _is_confidential(service: Service) -> bool:
    """Offered at a confidential location: its availability is for signed-in members only."""
    return any(sal.location.is_confidential for sal in service.service_at_locations.all())


@login_not_required
@require_GET
def service_view(request: HttpRequest, service_id: UUID) -> HttpResponse:
    actor = request_membership(request)
    view = selectors.service_view_get(actor=actor, service_id=service_id)
    service = view.service
    now = timezone.now()
    return render(
        request,
        "directory/service.html",
        {
            "view": view,
            "panels": service_panels(actor=actor, service_id=service.pk),
            "service": service,
            "categories": [term_label(c) for c in view.term_codes if c in CATEGORY_CODES],
            "eligibility": [term_label(c) for c in view.term_codes if c not in CATEGORY_CODES],
            "accepts_no_status": "status_none" in view.term_codes,
            "ages": age_label(service.minimum_age, service.maximum_age),
            "languages": [language_label(x.code) for x in service.languages.all()],
            "capacities": [
                {
                    "capacity": c,
                    "unit": unit_label(c.unit),
                    "freshness": freshness(c.updated, now),
                    "stale": is_stale(c.updated, now),
                }
                for c in service.capacities.all()
            ]
            if actor is not None or not _is_confidential(service)
            else [],
            "availability_for_members": actor is None and _is_confidential(service),
            "may_edit": view.is_own and actor.role in EDIT_ROLES,
        },
    )
