"""ISO 3166-1 alpha-2 country codes, with English and French names (Debian iso-codes)."""

import csv
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data" / "iso3166.csv"


@cache
def _rows() -> dict[str, tuple[str, str]]:
    with DATA.open(encoding="utf-8") as handle:
        return {row["alpha_2"]: (row["name_en"], row["name_fr"]) for row in csv.DictReader(handle)}


def is_country_code(code: str) -> bool:
    return code in _rows()


def country_name(code: str) -> str:
    names = _rows().get(code)
    if names is None:
        return code
    return names[0] if (get_language() or "fr").startswith("en") else names[1]


def country_choices() -> list[tuple[str, str]]:
    return sorted(((code, country_name(code)) for code in _rows()), key=lambda pair: pair[1])
