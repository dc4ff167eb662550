"""The page of unmet needs: counts by region and need, and by gender and need, small cells
suppressed (``x``). Served at ``/orientation/besoins-non-combles/`` (``orientation:unmet_needs``):
``arrimage/urls.py`` adds it to orientation's URLs, where coordinators look for it."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrimage.core.errors import NotFound
from arrimage.trends.presentation import Figure, method_sentence
from arrimage.trends.tables import SUPPRESSED
from arrimage.trends.unmet import PERIOD_DAYS, TOTAL, unmet_needs_summary


def _membership(request: HttpRequest) -> Any:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise NotFound
    return membership


@require_http_methods(["GET"])
def unmet_needs_view(request: HttpRequest) -> HttpResponse:
    """Counts only, small cells suppressed (``x``) by the selector; no record is listed."""
    try:
        days: int | None = int(request.GET.get("jours", ""))
    except ValueError:
        days = None
    summary = unmet_needs_summary(actor=_membership(request), days=days)
    columns = [*summary.needs, (TOTAL, _("Total"))]
    regions = [*summary.regions, (TOTAL, _("Total"))]
    gender_labels = {
        "woman": _("Women"),
        "man": _("Men"),
        "trans_nonbinary": _("Trans or non-binary"),
        "unknown": _("Not given"),
    }
    genders = [(g, gender_labels.get(g, g)) for g in summary.genders] + [(TOTAL, _("Total"))]

    def lines(
        figures: dict[tuple[str, str], Any], row_keys: list[tuple[str, str]]
    ) -> list[dict[str, Any]]:
        return [
            {
                "code": code,
                "name": name,
                "is_total": code == TOTAL,
                "cells": [(need, figures[(code, need)]) for need, _label in columns],
            }
            for code, name in row_keys
        ]

    has_data = bool(summary.by_region)
    return render(
        request,
        "trends/unmet_needs.html",
        {
            "summary": summary,
            "columns": columns,
            "region_rows": lines(summary.by_region, regions) if has_data else [],
            "gender_rows": lines(summary.by_gender, genders) if has_data else [],
            "days": summary.days,
            "period_choices": PERIOD_DAYS,
            "method_sentence": method_sentence(
                {"method": "suppression", "threshold": summary.threshold}
            ),
            "suppressed_meaning": Figure(None, 0, SUPPRESSED).spoken,
            "suppressed_mark": SUPPRESSED,
        },
    )
