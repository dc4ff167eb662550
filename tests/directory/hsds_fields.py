"""Which fields of an HSDS document come back out of Arrimage.

A field is a property of a kind of object (``("phone", "number")``), ids aside: the official
``service_full.json`` has 125. It survives when every object of that kind in the original
gives the same value for it as the object with the same id in what Arrimage exports, wherever
that object appears (nested or in a list), JSON numbers compared as numbers."""

import json
from collections.abc import Iterable
from typing import Any

CHILDREN: dict[str, dict[str, str]] = {
    "service": {
        "phones": "phone",
        "schedules": "schedule",
        "service_areas": "service_area",
        "service_at_locations": "service_at_location",
        "languages": "language",
        "funding": "funding",
        "cost_options": "cost_option",
        "required_documents": "required_document",
        "contacts": "contact",
        "attributes": "attribute",
        "organization": "organization",
        "program": "program",
        "metadata": "metadata",
    },
    "service_at_location": {
        "contacts": "contact",
        "phones": "phone",
        "schedules": "schedule",
        "attributes": "attribute",
        "location": "location",
        "service": "service",
        "metadata": "metadata",
    },
    "location": {
        "languages": "language",
        "addresses": "address",
        "contacts": "contact",
        "accessibility": "accessibility",
        "phones": "phone",
        "schedules": "schedule",
        "attributes": "attribute",
        "metadata": "metadata",
    },
    "organization": {
        "funding": "funding",
        "contacts": "contact",
        "phones": "phone",
        "locations": "location",
        "programs": "program",
        "attributes": "attribute",
        "services": "service",
        "organization_identifiers": "organization_identifier",
        "metadata": "metadata",
    },
    "contact": {"phones": "phone", "attributes": "attribute", "metadata": "metadata"},
    "phone": {"languages": "language", "attributes": "attribute", "metadata": "metadata"},
    "attribute": {"taxonomy_term": "taxonomy_term", "metadata": "metadata"},
    "taxonomy_term": {"taxonomy_detail": "taxonomy", "metadata": "metadata"},
}

Occurrences = dict[tuple[str, str], list[tuple[str, Any]]]


def occurrences(documents: Iterable[tuple[str, dict[str, Any]]]) -> Occurrences:
    """(kind, field) -> [(object id, value)] over documents given as (kind, document)."""
    found: Occurrences = {}

    def walk(kind: str, document: dict[str, Any]) -> None:
        for key, value in document.items():
            if key in CHILDREN.get(kind, {}):
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, dict):
                        walk(CHILDREN[kind][key], item)
            elif key != "id":
                found.setdefault((kind, key), []).append((document.get("id"), value))

    for kind, document in documents:
        walk(kind, document)
    return found


def _same(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, sort_keys=True)


def fields_kept(original: Occurrences, exported: Occurrences) -> tuple[set, set]:
    """(kept, lost): the original's fields that the export gives back, and the others."""
    kept, lost = set(), set()
    for pair, values in original.items():
        have = {(i, _same(v)) for i, v in exported.get(pair, [])}
        (kept if all((i, _same(v)) in have for i, v in values) else lost).add(pair)
    return kept, lost


def csv_occurrences(files: dict[str, bytes], layout: dict[str, str]) -> Occurrences:
    """The same, from a CSV package: ``layout`` maps a file name to its kind. Cells are text:
    compared with the original's values written as CSV writes them."""
    import csv
    import io

    found: Occurrences = {}
    for name, kind in layout.items():
        if name not in files:
            continue
        for row in csv.DictReader(io.StringIO(files[name].decode("utf-8"))):
            for key, cell in row.items():
                if key != "id" and cell != "":
                    found.setdefault((kind, key), []).append((row["id"], cell))
    return found


def as_csv_text(original: Occurrences) -> Occurrences:
    """The original's values as CSV cells: numbers without a trailing .0."""

    def text(value: Any) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return value if isinstance(value, str) else str(value)

    return {pair: [(i, text(v)) for i, v in values] for pair, values in original.items()}
