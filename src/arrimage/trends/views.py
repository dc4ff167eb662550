"""Trends pages: the index (with the release form and its preview), releasing, summing the
releases received, and a release. Thin: each calls a selector or a service with
``request.membership``. Downloads are in ``download_views.py``, bundles and trusted instances
in ``federation_views.py``, the GBVIMS answers in ``answer_views.py``."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arrimage.core.errors import NotFound
from arrimage.trends import (
    federation,
    preview,
    release_tasks,
    reports,
    selectors,
    services,
    signing,
)
from arrimage.trends.models import ReleaseMethod, TrustedInstance
from arrimage.trends.presentation import (
    marks_sentence,
    method_sentence,
    release_views,
    section_labels,
    totals_note,
)
from arrimage.trends.view_helpers import errors_text, membership_of, uuid_or_404


def _year(value: object) -> int:
    try:
        return int(str(value))
    except ValueError as error:
        raise ValidationError(_("Choose a year from the list."), code="year") from error


def _form_state(request: HttpRequest, coalition: Any, year: int) -> dict[str, Any]:
    """The release form of one coalition: what the coordinator chose when they asked for the
    preview (a GET of this page naming the coalition), or the defaults."""
    asked = request.GET if request.GET.get("coalition_id") == str(coalition.pk) else None
    if asked is None:
        return {
            "year": year,
            "method": ReleaseMethod.PRIVACY.value,
            "share": preview.DEFAULT_SHARE,
            "sections": list(preview.DEFAULT_SECTIONS),
            "asked": False,
        }
    return {
        "year": str(asked.get("year", year))[:8],
        "method": str(asked.get("method", ReleaseMethod.PRIVACY.value))[:16],
        "share": str(asked.get("share", preview.DEFAULT_SHARE))[:8],
        "sections": [str(section)[:32] for section in asked.getlist("sections")][:8],
        "asked": True,
    }


def _preview(actor: Any, coalition: Any, state: dict[str, Any]) -> tuple[Any, str]:
    try:
        return (
            preview.release_preview(
                actor=actor,
                coalition_id=coalition.pk,
                year=_year(state["year"]),
                method=state["method"],
                share=state["share"],
                sections=state["sections"],
            ),
            "",
        )
    except ValidationError as error:
        return None, errors_text(error)


def index_view(request: HttpRequest) -> HttpResponse:
    """The releases the actor sees and, for each coalition they release for, the release
    form with the accuracy its choices would give (computed from the choices alone: nothing
    is counted, nothing is spent)."""
    actor = membership_of(request)
    if actor is None or actor.role not in selectors.STATISTICS_ROLES:
        raise NotFound
    year = timezone.now().year
    releasing = []
    for coalition in selectors.coalitions_releasing(actor=actor):
        counts_rows = coalition.level in services.COUNTING_LEVELS
        state = _form_state(request, coalition, year)
        shown, error = _preview(actor, coalition, state) if counts_rows else (None, "")
        releasing.append(
            {
                "coalition": coalition,
                "counts_rows": counts_rows,
                "left": {
                    y: preview.share_percent_left(coalition=coalition, year=y)
                    for y in (year, year - 1, year - 2)
                },
                "form": state,
                "preview": shown,
                "preview_error": error,
                "trusted": TrustedInstance.objects.filter(coalition=coalition),
            }
        )
    return render(
        request,
        "trends/index.html",
        {
            "releases": selectors.releases_visible(actor=actor)[:100],
            "releasing": releasing,
            "years": [year, year - 1, year - 2],
            "methods": [
                (ReleaseMethod.PRIVACY.value, ReleaseMethod.PRIVACY.label),
                (ReleaseMethod.SUPPRESSION.value, ReleaseMethod.SUPPRESSION.label),
            ],
            "shares": preview_shares(),
            "sections": list(section_labels().items()),
            "threshold": selectors.suppression_threshold(),
            "public_key": _public_key() if releasing else "",
        },
    )


def preview_shares() -> list[tuple[str, str]]:
    labels = {
        25: _("A quarter of the year's budget (25 %)"),
        50: _("Half of the year's budget (50 %)"),
        75: _("Three quarters of the year's budget (75 %)"),
        100: _("The whole year's budget (100 %)"),
    }
    return [(str(share), labels[share]) for share in preview.SHARES] + [
        (preview.REST, _("Whatever is left of the year's budget"))
    ]


def _public_key() -> str:
    try:
        return signing.public_key_hex()
    except signing.SigningKeyMissing:
        return ""


@require_POST
def release_create_view(request: HttpRequest) -> HttpResponse:
    """Queue the release; its page shows the progress, then the release."""
    actor = membership_of(request)
    try:
        task_id = release_tasks.release_request(
            actor=actor,
            coalition_id=uuid_or_404(request.POST.get("coalition_id")),
            year=_year(request.POST.get("year")),
            method=str(request.POST.get("method", "")),
            share=str(request.POST.get("share", preview.DEFAULT_SHARE))[:8],
            sections=(
                request.POST.getlist("sections") if request.POST.get("sections_shown") else None
            ),
            language=translation.get_language() or "fr-ca",
        )
    except ValidationError as error:
        messages.error(request, errors_text(error))
        return redirect("trends:index")
    except signing.SigningKeyMissing:
        messages.error(
            request,
            _(
                "This instance has no signing key: ask its administrator to "
                "set one before releasing."
            ),
        )
        return redirect("trends:index")
    return redirect("core:task", task_id=task_id)


@require_POST
def rollup_create_view(request: HttpRequest) -> HttpResponse:
    actor = membership_of(request)
    try:
        release = federation.rollup_create(
            actor=actor,
            coalition_id=uuid_or_404(request.POST.get("coalition_id")),
            year=_year(request.POST.get("year")),
        )
    except ValidationError as error:
        messages.error(request, errors_text(error))
        return redirect("trends:index")
    messages.success(request, _("The sum is released to the level above."))
    return redirect("trends:release_detail", release_id=release.pk)


def release_detail_view(request: HttpRequest, release_id: UUID) -> HttpResponse:
    release = selectors.release_get(actor=membership_of(request), release_id=release_id)
    content = release.content
    views = release_views(content)
    charts = [(view, reports.chart_svg_data_uri(view)) for view in views]
    return render(
        request,
        "trends/release_detail.html",
        {
            "release": release,
            "content": content,
            "charts": charts,
            "method_sentence": method_sentence(content),
            "marks_sentence": marks_sentence(),
            "totals_note": totals_note(),
            "intact": selectors.release_payload_is_intact(release),
        },
    )
