"""The HSDS 3.0 JSON schemas, shipped in data/hsds-3.0 and resolved locally: a ``referencing``
registry answers every ``$ref`` (relative file names and the canonical GitHub URLs alike), so
validation never touches the network."""

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "hsds-3.0"
CANONICAL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
HSDS_VERSION = "3.0"

ENTITIES = (
    "organization",
    "program",
    "service",
    "attribute",
    "service_at_location",
    "location",
    "phone",
    "contact",
    "address",
    "schedule",
    "funding",
    "service_area",
    "required_document",
    "language",
    "accessibility",
    "taxonomy_term",
    "metadata",
    "meta_table_description",
    "cost_option",
    "organization_identifier",
    "taxonomy",
)


def _load(name: str) -> dict[str, Any]:
    with (SCHEMA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


@cache
def registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        if path.name in {"openapi.json", "datapackage.json"}:
            continue
        resource = Resource.from_contents(_load(path.name), default_specification=DRAFT202012)
        resources += [(path.name, resource), (CANONICAL + path.name, resource)]
    return Registry().with_resources(resources)


@cache
def validator(entity: str) -> Draft202012Validator:
    """A validator of one HSDS object, nested objects included (through the registry)."""
    return Draft202012Validator(
        {"$ref": f"{entity}.json"},
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


@cache
def flat_validator(entity: str) -> Draft202012Validator:
    """A validator of one CSV row: the object's own fields, no nested arrays or objects."""
    schema = _load(f"{entity}.json")
    properties = {
        key: value
        for key, value in schema["properties"].items()
        if value.get("type") not in {"array", None}
    }
    required = [k for k in schema.get("required", []) if k in properties]
    return Draft202012Validator(
        {"type": "object", "properties": properties, "required": required},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def errors(entity: str, document: Any) -> Iterator[SchemaError]:
    yield from validator(entity).iter_errors(document)


def row_errors(entity: str, row: dict[str, Any]) -> Iterator[SchemaError]:
    yield from flat_validator(entity).iter_errors(row)


@cache
def datapackage() -> dict[str, Any]:
    """HSDS's tabular data package descriptor: file names and field orders."""
    return _load("datapackage.json")


@cache
def csv_fields(entity: str) -> list[str]:
    for resource in datapackage()["resources"]:
        if resource["name"] == entity:
            return [f["name"] for f in resource["schema"]["fields"]]
    raise KeyError(entity)


@cache
def csv_path(entity: str) -> str:
    for resource in datapackage()["resources"]:
        if resource["name"] == entity:
            return str(resource["path"])
    raise KeyError(entity)


@cache
def csv_types(entity: str) -> dict[str, str]:
    for resource in datapackage()["resources"]:
        if resource["name"] == entity:
            return {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    raise KeyError(entity)


@cache
def properties(entity: str) -> frozenset[str]:
    """The properties the HSDS schema of ``entity`` names, nested arrays included."""
    return frozenset(_load(f"{entity}.json")["properties"])


@cache
def required(entity: str) -> frozenset[str]:
    return frozenset(_load(f"{entity}.json").get("required", []))
