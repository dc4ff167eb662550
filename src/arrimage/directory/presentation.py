"""What a search result shows at a glance: eligibility labels and availability freshness."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from arrimage.directory.models import CapacityUnit
from arrimage.directory.search_types import STALE_AFTER, SearchHit
from arrimage.directory.taxonomy import LANGUAGES, TERMS_BY_CODE


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def term_label(code: str) -> str:
    term = TERMS_BY_CODE.get(code)
    if term is None:
        return code
    return term.name_en if _english() else term.name_fr


def language_label(code: str) -> str:
    names = LANGUAGES.get(code)
    if names is None:
        return code
    return names[1] if _english() else names[0]


def age_label(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return _("%(minimum)s to %(maximum)s years") % {"minimum": minimum, "maximum": maximum}
    if minimum is not None:
        return _("%(minimum)s years and over") % {"minimum": minimum}
    if maximum is not None:
        return _("up to %(maximum)s years") % {"maximum": maximum}
    return _("all ages")


def freshness(updated: datetime | None, now: datetime | None = None) -> str:
    """'updated 2 h ago' (French: 'mis à jour il y a 2 h')."""
    if updated is None:
        return _("never updated")
    seconds = max(0, int(((now or timezone.now()) - updated).total_seconds()))
    if seconds < 60:
        return _("updated just now")
    if seconds < 3600:
        return _("updated %(minutes)s min ago") % {"minutes": seconds // 60}
    if seconds < 48 * 3600:
        return _("updated %(hours)s h ago") % {"hours": seconds // 3600}
    days = seconds // 86400
    return ngettext("updated %(days)s day ago", "updated %(days)s days ago", days) % {"days": days}


def is_stale(updated: datetime | None, now: datetime | None = None) -> bool:
    return updated is not None and (now or timezone.now()) - updated > STALE_AFTER


def unit_label(unit: str) -> str:
    try:
        return str(CapacityUnit(unit).label)
    except ValueError:
        return unit


def glance(hit: SearchHit) -> dict[str, Any]:
    """The labels a result card shows."""
    summary = hit.summary
    codes = summary.get("eligibility", [])
    now = timezone.now()
    capacities = []
    for capacity in summary.get("capacities", []):
        updated = datetime.fromisoformat(capacity["updated"])
        capacities.append(
            {
                "unit": unit_label(capacity["unit"]),
                "available": capacity["available"],
                "maximum": capacity["maximum"],
                "freshness": freshness(updated, now),
                "stale": is_stale(updated, now),
            }
        )
    english = _english()
    return {
        "name": (hit.name_en or hit.name_fr) if english else (hit.name_fr or hit.name_en),
        "organization": summary.get("organization", ""),
        "categories": [term_label(c) for c in summary.get("categories", [])],
        "genders": [term_label(c) for c in codes if c.startswith("gender_")],
        "statuses": [term_label(c) for c in codes if c.startswith("status_")],
        "accepts_no_status": "status_none" in codes,
        "safety": [term_label(c) for c in codes if c.startswith("safety_")],
        "other": [
            term_label(c)
            for c in codes
            if c.split("_")[0]
            in {"children", "living", "rule", "pets", "accessibility", "cost", "coverage"}
        ],
        "languages": [language_label(c) for c in summary.get("languages", [])],
        "ages": age_label(summary.get("minimum_age"), summary.get("maximum_age")),
        "places": [
            {
                "municipality": p.get("municipality", ""),
                "region": p.get("region_en" if english else "region_fr", ""),
                "confidential": p.get("confidential", False),
            }
            for p in summary.get("places", [])
        ],
        "phone": summary.get("phone", ""),
        "capacities": capacities,
    }
