"""The glossary's terms and legal texts, shipped in ``data/glossary.json``: loaded by migration
0004 on every install and again by ``arrimage glossary_load`` after the file changes. Loading
updates the terms and legal texts in place and never touches the organisations' definitions."""

import json
from pathlib import Path
from typing import Any

GLOSSARY_JSON = Path(__file__).resolve().parent / "data" / "glossary.json"

TERM_FIELDS = ("name_fr", "name_en", "note_fr", "note_en")
LEGAL_FIELDS = (
    "citation_fr",
    "citation_en",
    "summary_fr",
    "summary_en",
    "url_fr",
    "url_en",
)


def glossary_terms_load(*, term_model: Any, legal_model: Any) -> int:
    """Create or update every term and legal text of the file; remove the legal texts the
    file no longer lists. Takes the models so that a migration passes its historical ones.
    Returns the number of terms."""
    data = json.loads(GLOSSARY_JSON.read_text(encoding="utf-8"))
    for position, entry in enumerate(data["terms"]):
        term, _created = term_model.objects.update_or_create(
            slug=entry["slug"],
            defaults={**{f: entry.get(f, "") for f in TERM_FIELDS}, "position": position},
        )
        keys = []
        for legal_position, legal in enumerate(entry["legal"]):
            keys.append(legal["key"])
            legal_model.objects.update_or_create(
                term=term,
                key=legal["key"],
                defaults={**{f: legal[f] for f in LEGAL_FIELDS}, "position": legal_position},
            )
        legal_model.objects.filter(term=term).exclude(key__in=keys).delete()
    return len(data["terms"])
