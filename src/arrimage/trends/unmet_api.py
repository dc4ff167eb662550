"""The unmet-needs reading of the JSON API, at ``/api/orientation/unmet-needs``
(``arrimage/api.py`` mounts this router under orientation's prefix, where it always was)."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from arrimage.core.errors import NotFound
from arrimage.core.schemas import ErrorOut
from arrimage.trends.presentation import Figure
from arrimage.trends.unmet import PERIOD_DAYS, TOTAL, unmet_needs_summary

router = Router(tags=["orientation"])

_SUPPRESSED_COUNT = (
    "null where suppressed: counts from 1 to threshold - 1, and the cells that would give "
    "them away through the totals"
)
_SUPPRESSED_FLAG = '"x" where the count is suppressed, else empty'


class UnmetCellOut(Schema):
    region_code: str = Field(
        description='region code; "total" for all regions; empty for no region given'
    )
    need: str = Field(description='need code; "total" for all needs')
    count: int | None = Field(description=_SUPPRESSED_COUNT)
    flag: str = Field(description=_SUPPRESSED_FLAG)


class UnmetGenderCellOut(Schema):
    gender: str = Field(description='woman, man, trans_nonbinary, unknown; "total" for all')
    need: str = Field(description='need code; "total" for all needs')
    count: int | None = Field(description=_SUPPRESSED_COUNT)
    flag: str = Field(description=_SUPPRESSED_FLAG)


class UnmetOut(Schema):
    since: str
    days: int = Field(description="the period read: 30, 90 or 365 days")
    threshold: int = Field(description="counts from 1 to threshold - 1 are suppressed")
    total: int | None = Field(description=_SUPPRESSED_COUNT)
    cells: list[UnmetCellOut]
    by_gender: list[UnmetGenderCellOut]


def _membership(request: HttpRequest) -> Any:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise NotFound
    return membership


def _count(figure: Figure) -> dict[str, Any]:
    return {"count": figure.value, "flag": figure.flag}


@router.get(
    "/unmet-needs", response={200: UnmetOut, 404: ErrorOut}, url_name="orientation_unmet_needs"
)
def unmet_needs(
    request: HttpRequest,
    days: int = Query(
        90, description=f"the period: {', '.join(map(str, PERIOD_DAYS))} days (others read 90)"
    ),
) -> Any:
    """Anonymised unmet needs by region and need, and by gender and need, with totals
    (coordinators and analysts). Counts are protected as on the page: small counts and their
    complements are null with the flag "x"; no record is ever listed."""
    summary = unmet_needs_summary(actor=_membership(request), days=days)
    regions = [*(code for code, _name in summary.regions), TOTAL]
    needs = [*(code for code, _label in summary.needs), TOTAL]
    genders = [*summary.genders, TOTAL]
    by_region, by_gender = summary.by_region, summary.by_gender
    return {
        "since": summary.since.isoformat(),
        "days": summary.days,
        "threshold": summary.threshold,
        "total": summary.total.value,
        "cells": [
            {"region_code": r, "need": n, **_count(by_region[(r, n)])}
            for r in regions
            for n in needs
            if by_region
        ],
        "by_gender": [
            {"gender": g, "need": n, **_count(by_gender[(g, n)])}
            for g in genders
            for n in needs
            if by_gender
        ],
    }
