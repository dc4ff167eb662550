"""The shape of HSDS documents: which objects nest in which, the links that nesting implies,
and how a nested document becomes flat records (one per object, as in the CSV package).

A phone nested in a service belongs to that service (``service_id``), a service nested in an
organization to that organization, a location nested in a service_at_location is where that
service is offered (the service_at_location takes its ``location_id``), and so on: the links
HSDS leaves implicit in nesting are written into the records, so that nothing nested is lost.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from arrimage.directory.exchange_guard import RowError

_OWN = {"attributes": "attribute", "metadata": "metadata"}

# Nested arrays and objects of each HSDS object, and the entity they hold.
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
        "capacities": "service_capacity",
        "organization": "organization",
        "program": "program",
        **_OWN,
    },
    "service_at_location": {
        "contacts": "contact",
        "phones": "phone",
        "schedules": "schedule",
        "location": "location",
        "service": "service",
        **_OWN,
    },
    "location": {
        "languages": "language",
        "addresses": "address",
        "contacts": "contact",
        "accessibility": "accessibility",
        "phones": "phone",
        "schedules": "schedule",
        **_OWN,
    },
    "organization": {
        "funding": "funding",
        "contacts": "contact",
        "phones": "phone",
        "locations": "location",
        "programs": "program",
        "organization_identifiers": "organization_identifier",
        "services": "service",
        **_OWN,
    },
    "contact": {"phones": "phone", **_OWN},
    "phone": {"languages": "language", **_OWN},
    "attribute": {"taxonomy_term": "taxonomy_term", "metadata": "metadata"},
    "taxonomy_term": {"taxonomy_detail": "taxonomy", "metadata": "metadata"},
    "taxonomy": {"metadata": "metadata"},
    **{
        entity: dict(_OWN)
        for entity in (
            "program",
            "address",
            "schedule",
            "funding",
            "service_area",
            "required_document",
            "language",
            "accessibility",
            "cost_option",
            "organization_identifier",
        )
    },
}

# A child nested in a parent takes the parent's id in this field.
PARENT_FIELD: dict[tuple[str, str], str] = {
    **{
        ("organization", child): "organization_id"
        for child in (
            "service",
            "location",
            "program",
            "funding",
            "contact",
            "phone",
            "organization_identifier",
        )
    },
    **{
        ("service", child): "service_id"
        for child in (
            "phone",
            "schedule",
            "service_area",
            "service_at_location",
            "language",
            "funding",
            "cost_option",
            "required_document",
            "contact",
            "service_capacity",
        )
    },
    **{
        ("service_at_location", child): "service_at_location_id"
        for child in ("contact", "phone", "schedule")
    },
    **{
        ("location", child): "location_id"
        for child in ("address", "accessibility", "language", "contact", "phone", "schedule")
    },
    ("contact", "phone"): "contact_id",
    ("phone", "language"): "phone_id",
}
# A parent takes the id of the child nested in it in this field.
CHILD_FIELD: dict[tuple[str, str], str] = {
    ("service", "organization"): "organization_id",
    ("service", "program"): "program_id",
    ("service_at_location", "location"): "location_id",
    ("service_at_location", "service"): "service_id",
    ("attribute", "taxonomy_term"): "taxonomy_term_id",
    ("taxonomy_term", "taxonomy"): "taxonomy_id",
}

# Profile extensions: extra CSV columns, and one extra resource (HSDS 3.1 service_capacity).
EXTENSION_FIELDS: dict[str, list[str]] = {
    "organization": ["description_fr", "description_en", "last_modified"],
    "service": [
        "name_fr",
        "name_en",
        "description_fr",
        "description_en",
        "eligibility_description_fr",
        "eligibility_description_en",
    ],
    "location": ["confidential", "municipality", "municipality_name", "region_code"],
    "taxonomy_term": ["name_fr", "name_en", "description_fr", "description_en"],
}
CAPACITY_FIELDS = ["id", "service_id", "unit", "available", "maximum", "description", "updated"]
CAPACITY_PATH = "service_capacities.csv"


@dataclass
class Record:
    entity: str
    values: dict[str, Any]
    file: str
    row: int
    path: str
    # Fields filled from the nesting rather than given: two copies of an object nested in
    # different parents may disagree on them without the file being wrong.
    inferred: set[str] = field(default_factory=set)
    # The fields the file speaks of (a CSV column with an empty cell included): a stored
    # object keeps the others as they are.
    given: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.given |= set(self.values)


@dataclass
class Bundle:
    records: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    def count(self) -> int:
        return sum(len(v) for v in self.records.values())


def _infer(values: dict[str, Any], inferred: set[str], name: str, value: Any) -> None:
    if value in (None, "") or values.get(name) not in (None, ""):
        return
    values[name] = value
    inferred.add(name)


def flatten(
    bundle: Bundle,
    entity: str,
    doc: dict[str, Any],
    *,
    file: str,
    row: int,
    path: str,
    parent: tuple[str, dict[str, Any]] | None = None,
) -> list[Record]:
    """Add a nested HSDS object and all its children to the bundle as flat records, with
    the links their nesting implies. Returns the records added."""
    values = {k: v for k, v in doc.items() if k not in CHILDREN.get(entity, {})}
    inferred: set[str] = set()
    if parent is not None:
        parent_entity, parent_values = parent
        parent_id = parent_values.get("id")
        parent_field = PARENT_FIELD.get((parent_entity, entity))
        if parent_field:
            _infer(values, inferred, parent_field, parent_id)
        if entity == "attribute":
            _infer(values, inferred, "link_id", parent_id)
            _infer(values, inferred, "link_entity", parent_entity)
        if entity == "metadata":
            _infer(values, inferred, "resource_id", parent_id)
            _infer(values, inferred, "resource_type", parent_entity)
        if (parent_entity, entity) == ("service", "program"):
            # A service's program belongs to the service's organization.
            _infer(values, inferred, "organization_id", parent_values.get("organization_id"))
    for key, child_entity in CHILDREN.get(entity, {}).items():
        child = doc.get(key)
        child_field = CHILD_FIELD.get((entity, child_entity))
        if child_field and isinstance(child, dict):
            _infer(values, inferred, child_field, child.get("id"))
    if entity == "service_capacity" and isinstance(values.get("unit"), dict):
        unit = values["unit"]
        values["unit"] = unit.get("identifier") or unit.get("name")
    record = Record(entity, values, file, row, path, inferred)
    bundle.records[entity].append(record)
    added = [record]
    for key, child_entity in CHILDREN.get(entity, {}).items():
        child = doc.get(key)
        if isinstance(child, list):
            children = list(enumerate(child))
        elif isinstance(child, dict):
            children = [(-1, child)]
        else:
            if child is not None:
                where = f"{path}.{key}" if path else key
                bundle.errors.append(RowError(file, row, where, _("expected a list")))
            continue
        for index, item in children:
            child_path = f"{path}.{key}" if path else key
            if index >= 0:
                child_path += f"[{index}]"
            if not isinstance(item, dict):
                bundle.errors.append(RowError(file, row, child_path, _("expected an object")))
                continue
            added += flatten(
                bundle,
                child_entity,
                item,
                file=file,
                row=row,
                path=child_path,
                parent=(entity, values),
            )
    return added
