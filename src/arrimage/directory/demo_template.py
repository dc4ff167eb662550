"""What a demonstration service is made of: names and descriptions in French and English,
HSDS taxonomy terms, languages, ages, capacity. The services themselves are data, one module
per kind of organisation (``demo_shelters.py``, ``demo_support_services.py``,
``demo_legal_services.py``), gathered by ``demo_services.py``."""

from dataclasses import dataclass

ALL_STATUSES = [
    "status_citizen",
    "status_permanent_resident",
    "status_temporary_permit",
    "status_trp",
    "status_asylum",
    "status_none",
]


@dataclass(frozen=True)
class Template:
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    terms: tuple[str, ...]
    languages: tuple[str, ...] = ("fr", "en")
    ages: tuple[int | None, int | None] = (None, None)
    capacity: tuple[str, int] | None = None
    confidential: bool = False
    french_only: bool = False
    open_24_7: bool = False
