"""ISO 3166-1 alpha-2 country codes, with English and French names (Debian iso-codes)."""

import csv
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

from arrimage.core.collation import collation_key

DATA = Path(__file__).resolve().parent / "data" / "iso3166.csv"


@cache
def _rows() -> dict[str, tuple[str, str]]:
    with DATA.open(encoding="utf-8") as handle:
        return {row["alpha_2"]: (row["name_en"], row["name_fr"]) for row in csv.DictReader(handle)}


def is_country_code(code: str) -> bool:
    return code in _rows()


def in_english() -> bool:
    """Whether the active language is English (country names are in English or French)."""
    return (get_language() or "fr").startswith("en")


def country_name(code: str) -> str:
    names = _rows().get(code)
    if names is None:
        return code
    return names[0] if in_english() else names[1]


@cache
def _sorted_choices(english: bool) -> tuple[tuple[str, str], ...]:
    index = 0 if english else 1
    return tuple(
        sorted(
            ((code, names[index]) for code, names in _rows().items()),
            key=lambda pair: collation_key(pair[1]),
        )
    )


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country in the active language, by name in that language's
    order (French: accents only break ties, core.collation); sorted once per language."""
    return list(_sorted_choices(in_english()))
