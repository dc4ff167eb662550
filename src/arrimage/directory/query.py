"""Search parameters from a query string, without a form: the JSON endpoint's fast path.
Accepts exactly what the search form accepts."""

from collections.abc import Mapping
from functools import cache
from typing import Any

from arrimage.coalition.models import Region
from arrimage.directory.search_types import SearchParams
from arrimage.directory.taxonomy import CATEGORY_CODES, GENDERS, LANGUAGES, SAFETY, STATUSES

RADII = frozenset({0, 10, 25, 50, 100})
GENDER_CODES = frozenset(t.code for t in GENDERS)
STATUS_CODES = frozenset(t.code for t in STATUSES)
SAFETY_CODES = frozenset(t.code for t in SAFETY)
TRUE = frozenset({"on", "1", "true", "yes"})


@cache
def region_codes() -> frozenset[str]:
    """Regions change only with a migration: read once per process."""
    return frozenset(Region.objects.values_list("code", flat=True))


def _int(
    data: Mapping[str, Any], name: str, lower: int, upper: int, errors: dict[str, str]
) -> int | None:
    raw = data.get(name) or ""
    if raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        errors[name] = "not a whole number"
        return None
    if not lower <= value <= upper:
        errors[name] = f"must be between {lower} and {upper}"
        return None
    return value


def _choice(
    data: Mapping[str, Any], name: str, allowed: frozenset[str] | set[str], errors: dict[str, str]
) -> str:
    value = data.get(name) or ""
    if value and value not in allowed:
        errors[name] = "unknown value"
        return ""
    return str(value)


def search_params_parse(data: Any) -> tuple[SearchParams, dict[str, str]]:
    """``data``: a QueryDict (``getlist`` for ``safety``) or a plain mapping."""
    errors: dict[str, str] = {}
    q = str(data.get("q") or "")
    if len(q) > 200:
        errors["q"] = "at most 200 characters"
    municipality = str(data.get("municipality") or "")
    if len(municipality) > 100:
        errors["municipality"] = "at most 100 characters"
    radius = _int(data, "radius", 0, 100, errors) or 0
    if radius not in RADII:
        errors["radius"] = "unknown value"
    safety = data.getlist("safety") if hasattr(data, "getlist") else data.get("safety") or []
    if any(code not in SAFETY_CODES for code in safety):
        errors["safety"] = "unknown value"
    params = SearchParams(
        q=q,
        category=_choice(data, "category", CATEGORY_CODES, errors),
        region=_choice(data, "region", region_codes(), errors),
        municipality=municipality,
        radius_km=radius,
        language=_choice(data, "language", set(LANGUAGES), errors),
        gender=_choice(data, "gender", GENDER_CODES, errors),
        age=_int(data, "age", 0, 120, errors),
        status=_choice(data, "status", STATUS_CODES, errors),
        available_now=str(data.get("available") or "").lower() in TRUE,
        safety=tuple(safety),
        page=_int(data, "page", 1, 10_000, errors) or 1,
    )
    return params, errors
