"""Advocacy briefs: the coordinator's recommendations beside a release's gap report."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrimage.awareness import selectors, services
from arrimage.awareness.brief_pdf import brief_pdf, paragraphs
from arrimage.core.errors import NotFound
from arrimage.trends.presentation import marks_sentence, method_sentence, release_views
from arrimage.trends.selectors import STATISTICS_ROLES, releases_visible


def _membership(request: HttpRequest) -> Any:
    return getattr(request, "membership", None)


def _statistics_reader(request: HttpRequest) -> Any:
    actor = _membership(request)
    if actor is None or actor.role not in STATISTICS_ROLES:
        raise NotFound
    return actor


def _releases_for_briefs(actor: Any) -> Any:
    coordinated = selectors.coalitions_coordinated(actor=actor).values("pk")
    return (
        releases_visible(actor=actor)
        .filter(Q(coalition__in=coordinated) | Q(recipient__in=coordinated))
        .order_by("-created_at")
    )


def brief_list_view(request: HttpRequest) -> HttpResponse:
    actor = _statistics_reader(request)
    return render(
        request,
        "awareness/brief_list.html",
        {
            "briefs": selectors.briefs_visible(actor=actor)[:200],
            "may_write": selectors.coalitions_coordinated(actor=actor).exists(),
            "section": "advocacy",
        },
    )


@require_http_methods(["GET", "POST"])
def brief_create_view(request: HttpRequest) -> HttpResponse:
    actor = _statistics_reader(request)
    if not selectors.coalitions_coordinated(actor=actor).exists():
        raise NotFound
    releases = list(_releases_for_briefs(actor)[:100])
    errors: list[str] = []
    if request.method == "POST":
        try:
            brief = services.brief_create(
                actor=actor,
                release_id=request.POST.get("release", ""),
                data=request.POST.dict(),
            )
        except ValidationError as error:
            errors = error.messages
        except NotFound:
            errors = [_("Choose a release from the list.")]
        else:
            messages.success(request, _("The brief is saved."))
            return redirect("awareness:brief_detail", brief_id=brief.pk)
    return render(
        request,
        "awareness/brief_form.html",
        {
            "releases": releases,
            "values": request.POST if request.method == "POST" else request.GET,
            "errors": errors,
            "section": "advocacy",
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def brief_detail_view(request: HttpRequest, brief_id: UUID) -> HttpResponse:
    actor = _membership(request)
    brief = selectors.brief_get(actor=actor, brief_id=brief_id)
    may_edit = selectors.brief_may_edit(actor=actor, brief=brief)
    errors: list[str] = []
    if request.method == "POST":
        if not may_edit:
            raise NotFound
        try:
            services.brief_update(actor=actor, brief_id=brief.pk, data=request.POST.dict())
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The recommendations are saved."))
            return redirect("awareness:brief_detail", brief_id=brief.pk)
    content = brief.release.content
    return render(
        request,
        "awareness/brief_detail.html",
        {
            "brief": brief,
            "content": content,
            "recommendations": paragraphs(brief.recommendations),
            "views": release_views(content),
            "method_sentence": method_sentence(content),
            "marks_sentence": marks_sentence(),
            "may_edit": may_edit,
            "values": request.POST if errors else {},
            "errors": errors,
            "section": "advocacy",
        },
        status=400 if errors else 200,
    )


def brief_pdf_view(request: HttpRequest, brief_id: UUID) -> HttpResponse:
    actor = _membership(request)
    brief = selectors.brief_get(actor=actor, brief_id=brief_id)
    language = str(request.GET.get("langue", "")) or translation.get_language() or "fr-ca"
    if language not in ("fr-ca", "en"):
        language = "fr-ca"
    with translation.override(language):
        body = brief_pdf(brief)
    services.brief_export_audit(actor=actor, brief=brief)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"plaidoyer-{brief.release.year}-{str(brief.pk)[:8]}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
