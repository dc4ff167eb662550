"""Offline geocoding: Quebec municipalities (data/municipalities.csv), forward sortation areas
of Montréal and Laval (data/postal_fsas.csv: the first three characters of a postal code) and
postal-code prefixes (data/postal_prefixes.csv: the first two, coarse), shipped with Arrimage.
Nothing is fetched at run time."""

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from arrimage.directory.text import normalise, token

DATA = Path(__file__).resolve().parent / "data"
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    region_code: str
    latitude: float
    longitude: float


@cache
def municipalities() -> dict[str, Municipality]:
    with (DATA / "municipalities.csv").open(encoding="utf-8") as handle:
        return {
            row["code"]: Municipality(
                row["code"],
                row["name"],
                row["region_code"],
                float(row["latitude"]),
                float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        }


@cache
def _by_name() -> dict[str, Municipality]:
    return {normalise(m.name): m for m in municipalities().values()}


@cache
def _postal_prefixes() -> dict[str, str]:
    with (DATA / "postal_prefixes.csv").open(encoding="utf-8") as handle:
        return {row["prefix"]: row["municipality_code"] for row in csv.DictReader(handle)}


def municipality_get(code: str) -> Municipality | None:
    return municipalities().get(code)


def municipality_find(name: str) -> Municipality | None:
    """A municipality by code or by name, accents and case ignored."""
    return municipalities().get(name) or _by_name().get(normalise(name))


@cache
def _region_centres() -> dict[str, Municipality]:
    centres: dict[str, Municipality] = {}
    for place in municipalities().values():
        centres.setdefault(place.region_code, place)
    return centres


def region_centre(region_code: str) -> Municipality | None:
    """The region's principal municipality (the first of the region in the shipped list:
    Montréal, Laval, Québec ...), from which a distance "from the region" is measured."""
    return _region_centres().get(region_code)


@cache
def _postal_fsas() -> dict[str, str]:
    with (DATA / "postal_fsas.csv").open(encoding="utf-8") as handle:
        return {row["fsa"]: row["municipality_code"] for row in csv.DictReader(handle)}


def municipality_for_postcode(postcode: str) -> Municipality | None:
    """The municipality of a Canadian postal code or forward sortation area ("H2X"): from its
    first three characters where the table has them (Montréal and Laval), else from its first
    two (coarse)."""
    compact = postcode.replace(" ", "").upper()
    code = _postal_fsas().get(compact[:3]) or _postal_prefixes().get(compact[:2])
    return municipalities().get(code) if code else None


# A postal code ("H2X 1Y4", "h2x1y4") or a forward sortation area ("H2X") in a text.
POSTCODE = re.compile(r"\b([a-z][0-9][a-z])(?:\s?([0-9][a-z][0-9]))?\b", re.IGNORECASE)

# Names workers give places besides the official ones (normalised).
PLACE_ALIASES = {
    "mtl": "montreal",
    "ville de montreal": "montreal",
    "ville de quebec": "quebec",
    "quebec city": "quebec",
    "ndg": "cote-des-neiges",
    "cdn": "cote-des-neiges",
    "parc ex": "villeray",
    "vieux montreal": "montreal",
    "centre ville": "montreal",
    "downtown": "montreal",
    "rive sud": "longueuil",
}


def _name_forms(name: str) -> set[str]:
    """'Chomedey (Laval)' -> {'chomedey laval', 'chomedey'}; 'Mercier–Hochelaga-Maisonneuve'
    -> the whole name and each part between dashes; 'saint'/'sainte' also as 'st'/'ste'."""
    forms = {normalise(name)}
    forms.add(normalise(re.sub(r"\(.*?\)", "", name)))
    forms.update(normalise(part) for part in re.split(r"[–—]", name))
    for form in list(forms):
        forms.add(re.sub(r"\bsainte\b", "ste", re.sub(r"\bsaint\b", "st", form)))
    return {form for form in forms if form}


@cache
def municipality_names() -> dict[tuple[str, ...], str]:
    """Every way of naming a municipality, as a tuple of normalised words -> its code."""
    names: dict[tuple[str, ...], str] = {}
    for place in municipalities().values():
        for form in _name_forms(place.name) | {normalise(place.code)}:
            names.setdefault(tuple(form.split()), place.code)
    for alias, code in PLACE_ALIASES.items():
        names[tuple(alias.split())] = code
    return names


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def municipalities_within(centre: Municipality, radius_km: float) -> list[Municipality]:
    return [
        m
        for m in municipalities().values()
        if distance_km(centre.latitude, centre.longitude, m.latitude, m.longitude) <= radius_km
    ]


# Distance bands indexed around every municipality (the search form's radii and matching's).
# A place gets one "near" token per municipality within the last band: the smallest band that
# holds the distance between them. The places within r km of a municipality (r one of the
# bands) are then the ones carrying a near token of that municipality with a band <= r: a
# radius search asks for at most six tokens instead of the tens of municipalities within it.
NEAR_BANDS_KM = (0, 10, 25, 50, 60, 100)


def _near_token(band: int, centre_code: str) -> str:
    return token("w", f"{band:03d}{centre_code}")


@cache
def _near_tokens_by_municipality_token() -> dict[str, tuple[str, ...]]:
    """Municipality token (``xm...``) -> the near tokens of a place there. Keyed by token, as
    the radius search was: a place matches a municipality by its token."""
    found: dict[str, list[str]] = {}
    for place in municipalities().values():
        tokens = found.setdefault(token("m", place.code), [])
        for centre in municipalities().values():
            distance = distance_km(
                centre.latitude, centre.longitude, place.latitude, place.longitude
            )
            band = next((b for b in NEAR_BANDS_KM if distance <= b), None)
            if band is not None:
                tokens.append(_near_token(band, centre.code))
    return {key: tuple(sorted(set(values))) for key, values in found.items()}


def near_tokens(municipality_code: str) -> tuple[str, ...]:
    """The near tokens of a place in this municipality (none for an unknown code)."""
    return _near_tokens_by_municipality_token().get(token("m", municipality_code), ())


def near_group(centre: Municipality, lower_km: int | None, upper_km: int) -> list[str] | None:
    """The tokens of the places at a distance d from ``centre`` with lower < d <= upper
    (``lower_km`` None: 0 <= d <= upper), or None when the bounds are not band limits."""
    if upper_km not in NEAR_BANDS_KM or (lower_km is not None and lower_km not in NEAR_BANDS_KM):
        return None
    return [
        _near_token(band, centre.code)
        for band in NEAR_BANDS_KM
        if (lower_km is None or band > lower_km) and band <= upper_km
    ]


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * max(math.cos(math.radians(lat)), 0.01)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
