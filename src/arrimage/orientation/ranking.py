"""Eligibility and ranking of one service for one need (docs/matching.md): why a service
does not fit (one rule a line), the factors of its score between 0 and 1, their weights, the
distance from the person, and why an option is ranked before a closer one. ``matching.py``
reads the index and puts the results together.
"""

from datetime import datetime
from functools import lru_cache

from arrimage.directory import geo
from arrimage.orientation.index import Row
from arrimage.orientation.models import ServiceResponseStats
from arrimage.orientation.needs import (
    EXPLOITATION_TYPES,
    GENDERS,
    HOUSING_NEEDS,
    STATUSES,
    NeedsProfile,
)
from arrimage.orientation.reasons import (
    AHEAD_FACTORS,
    STALE,
    Reason,
    ahead_reason,
    exclusion_reason,
)

DISTANCE_SCALE_KM = 60.0


# Weights of the ranking (docs/matching.md): open places and distance first, then language,
# then the service's past response time and, for housing, its safety measures.
WEIGHTS: dict[str, float] = {
    "availability": 30.0,
    "distance": 25.0,
    "language": 25.0,
    "response": 10.0,
    "safety": 10.0,
}


# Below this difference in kilometres, two options are "as close" as each other.
CLOSER_KM = 2.0


SAFETY_CODES = ("safety_confidential_address", "safety_staff_24_7", "safety_security_measures")


def _codes(row: Row) -> frozenset[str]:
    return row.codes


def exclusion_codes(row: Row, profile: NeedsProfile, need: str) -> list[str]:
    """Why a service does not fit this need (empty: eligible). One rule per line, so that a
    test covers each."""
    codes = _codes(row)
    found: list[str] = []
    genders = {c for c in codes if c.startswith("gender_")}
    if profile.gender and genders and GENDERS[profile.gender][1] not in genders:
        found.append(f"gender_{profile.gender}_excluded")
    if (
        profile.age is not None and row.minimum_age is not None and profile.age < row.minimum_age
    ) or (
        profile.age is not None and row.maximum_age is not None and profile.age > row.maximum_age
    ):
        found.append("age_excluded")
    statuses = {c for c in codes if c.startswith("status_")}
    if profile.status and statuses and STATUSES[profile.status][1] not in statuses:
        found.append("status_excluded")
    kinds = {c for c in codes if c.startswith("exploitation_")}
    if profile.exploitation and kinds and EXPLOITATION_TYPES[profile.exploitation][1] not in kinds:
        found.append("exploitation_excluded")
    if profile.wheelchair and "accessibility_wheelchair" not in codes:
        found.append("not_accessible")
    if need in HOUSING_NEEDS:
        if profile.children > 0 and "children_accepted" not in codes:
            found.append("no_children")
        if profile.must_be_confidential and "safety_confidential_address" not in codes:
            found.append("not_confidential")
        if profile.staff_24_7 and "safety_staff_24_7" not in codes:
            found.append("no_staff_24_7")
        if row.summary.get("capacities") and not (row.available or 0) > 0:
            found.append("full")
    return found


def assess(row: Row, profile: NeedsProfile, need: str) -> tuple[list[Reason], bool]:
    """The exclusion reasons of a service for this need (empty: eligible), and whether it is
    full."""
    found = exclusion_codes(row, profile, need)
    return [exclusion_reason(code, row, profile) for code in found], "full" in found


@lru_cache(maxsize=4096)
def _place_of(name: str) -> geo.Municipality | None:
    return geo.municipality_find(name)


def nearest_place(row: Row, centre: geo.Municipality | None) -> tuple[float | None, str]:
    places = row.summary.get("places") or []
    best: float | None = None
    label = ""
    for place in places:
        name = str(place.get("municipality") or "")
        region = str(place.get("region_fr") or place.get("region_en") or "")
        label = label or name or region
        if centre is None or not name:
            continue
        found = _place_of(name)
        if found is None:
            continue
        distance = geo.distance_km(
            centre.latitude, centre.longitude, found.latitude, found.longitude
        )
        if best is None or distance < best:
            best, label = distance, name
    return best, label


def score_components(
    row: Row,
    profile: NeedsProfile,
    need: str,
    *,
    distance: float | None,
    stats: ServiceResponseStats | None,
    now: datetime,
) -> dict[str, float]:
    """Each factor between 0 and 1 (docs/matching.md)."""
    codes = _codes(row)
    has_capacity = bool(row.summary.get("capacities"))
    if has_capacity and (row.available or 0) > 0:
        stale = row.capacity_updated is None or now - row.capacity_updated > STALE
        availability = 0.5 if stale else 1.0
    elif has_capacity:
        availability = 0.0
    else:
        availability = 0.4
    distance_score = 0.5 if distance is None else max(0.0, 1 - distance / DISTANCE_SCALE_KM)
    spoken = set(str(c) for c in row.summary.get("languages") or [])
    wanted = set(profile.languages)
    if not wanted:
        language = 0.5
    elif wanted - {"fr", "en"} and (wanted - {"fr", "en"}) & spoken:
        language = 1.0
    elif wanted & spoken:
        language = 0.7
    else:
        language = 0.0
    if need in HOUSING_NEEDS:
        safety = sum(1 for code in SAFETY_CODES if code in codes) / len(SAFETY_CODES)
    else:
        safety = 0.5
    if stats is None:
        response = 0.5
    else:
        response = (stats.answered_in_time + 1) / (stats.answered + stats.expired + 2)
    return {
        "availability": availability,
        "distance": distance_score,
        "language": language,
        "response": response,
        "safety": safety,
    }


def distance_origin(profile: NeedsProfile) -> tuple[geo.Municipality | None, str]:
    """Where distances are measured from: the person's municipality, else the principal
    municipality of their region (named in the reason, ``origin``), else nowhere."""
    if profile.municipality:
        return geo.municipality_find(profile.municipality), ""
    if profile.region:
        centre = geo.region_centre(profile.region)
        return centre, centre.name if centre else ""
    return None, ""


def ahead_of_closer(
    distance: float | None,
    components: dict[str, float],
    below: list[tuple[float | None, dict[str, float]]],
) -> Reason | None:
    """Why an option is ranked before a closer one, if it is: the factors in which it is
    better than the closest option ranked after it. A farther option never outranks a closer
    one without saying why."""
    if distance is None:
        return None
    closer = [
        (other, parts)
        for other, parts in below
        if other is not None and other + CLOSER_KM < distance
    ]
    if not closer:
        return None
    other, parts = min(closer, key=lambda item: item[0] or 0.0)
    better = [
        name for name in AHEAD_FACTORS if components.get(name, 0.0) > parts.get(name, 0.0) + 1e-9
    ]
    return ahead_reason(round(other or 0.0), better)


def score(components: dict[str, float]) -> float:
    return round(sum(WEIGHTS[name] * value for name, value in components.items()), 2)
