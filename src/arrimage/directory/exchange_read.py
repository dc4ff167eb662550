"""Reading HSDS JSON and CSV data packages into flat records, with every problem named by
file, row, field and reason. Nothing here writes to the database."""

import csv
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from arrimage.directory import schema

JSON_LISTS = {
    "services": "service",
    "organizations": "organization",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}

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
        "attributes": "attribute",
        "capacities": "service_capacity",
        "organization": "organization",
        "program": "program",
    },
    "service_at_location": {
        "contacts": "contact",
        "phones": "phone",
        "schedules": "schedule",
        "attributes": "attribute",
        "location": "location",
        "service": "service",
    },
    "location": {
        "languages": "language",
        "addresses": "address",
        "contacts": "contact",
        "accessibility": "accessibility",
        "phones": "phone",
        "schedules": "schedule",
        "attributes": "attribute",
    },
    "organization": {
        "funding": "funding",
        "contacts": "contact",
        "phones": "phone",
        "locations": "location",
        "programs": "program",
        "attributes": "attribute",
        "services": "service",
    },
    "contact": {"phones": "phone", "attributes": "attribute"},
    "phone": {"languages": "language", "attributes": "attribute"},
    "attribute": {"taxonomy_term": "taxonomy_term"},
    "taxonomy_term": {"taxonomy_detail": "taxonomy"},
}
# The field a child takes its parent's id in.
PARENT_FIELD: dict[tuple[str, str], str] = {
    ("service", "organization"): "",
    ("service", "program"): "",
    ("service_at_location", "location"): "",
    ("attribute", "taxonomy_term"): "",
    ("taxonomy_term", "taxonomy"): "",
    ("organization", "service"): "organization_id",
    ("organization", "location"): "organization_id",
    ("organization", "program"): "organization_id",
    ("organization", "funding"): "organization_id",
    ("organization", "contact"): "organization_id",
    ("organization", "phone"): "organization_id",
    ("service", "service_at_location"): "service_id",
    ("service_at_location", "service"): "",
    ("location", "address"): "location_id",
    ("location", "accessibility"): "location_id",
    ("location", "language"): "location_id",
    ("location", "contact"): "location_id",
    ("location", "phone"): "location_id",
    ("location", "schedule"): "location_id",
    ("service_at_location", "contact"): "service_at_location_id",
    ("service_at_location", "phone"): "service_at_location_id",
    ("service_at_location", "schedule"): "service_at_location_id",
    ("contact", "phone"): "contact_id",
    ("phone", "language"): "phone_id",
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


@dataclass(frozen=True)
class RowError:
    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, {self.field or '-'}: {self.reason}"


@dataclass
class Record:
    entity: str
    values: dict[str, Any]
    file: str
    row: int
    path: str


@dataclass
class Bundle:
    records: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    errors: list[RowError] = field(default_factory=list)

    def count(self) -> int:
        return sum(len(v) for v in self.records.values())


def _is_child(entity: str, key: str, value: Any) -> bool:
    return key in CHILDREN.get(entity, {}) and isinstance(value, (list, dict))


def flatten(
    bundle: Bundle,
    entity: str,
    doc: dict[str, Any],
    *,
    file: str,
    row: int,
    path: str,
    parent: tuple[str, str] | None = None,
) -> None:
    """Add a nested HSDS object and all its children to the bundle as flat records."""
    values = {k: v for k, v in doc.items() if not _is_child(entity, k, v)}
    if parent is not None:
        parent_entity, parent_id = parent
        parent_field = PARENT_FIELD.get((parent_entity, entity))
        if parent_field and not values.get(parent_field):
            values[parent_field] = parent_id
        if entity == "attribute":
            values.setdefault("link_id", parent_id)
            values.setdefault("link_entity", parent_entity)
    if entity == "service_capacity" and isinstance(values.get("unit"), dict):
        unit = values["unit"]
        values["unit"] = unit.get("identifier") or unit.get("name")
    bundle.records[entity].append(Record(entity, values, file, row, path))
    for key, child_entity in CHILDREN.get(entity, {}).items():
        child = doc.get(key)
        children = child if isinstance(child, list) else [child] if isinstance(child, dict) else []
        for index, item in enumerate(children):
            if not isinstance(item, dict):
                bundle.errors.append(RowError(file, row, f"{path}.{key}", _("expected an object")))
                continue
            child_path = f"{path}.{key}[{index}]" if isinstance(child, list) else f"{path}.{key}"
            flatten(
                bundle,
                child_entity,
                item,
                file=file,
                row=row,
                path=child_path,
                parent=(entity, str(doc.get("id", ""))),
            )


def _schema_path(error: Any) -> str:
    """Where the problem is: the path of the value, and for a missing property its name."""
    parts = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        parts += missing[:1]
    return ".".join(parts)


def _version_ok(version: Any) -> bool:
    return isinstance(version, str) and (version == "3.0" or version.startswith("3.0."))


def read_json(name: str, data: bytes) -> Bundle:
    bundle = Bundle()
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", 0)
        bundle.errors.append(
            RowError(name, line, "", _("not valid JSON: %(error)s") % {"error": str(error)})
        )
        return bundle
    if isinstance(document, list):
        lists = {"services": document}
    elif isinstance(document, dict):
        if not _version_ok(document.get("version")):
            bundle.errors.append(
                RowError(
                    name,
                    0,
                    "version",
                    _("HSDS version %(version)s is not supported: this import reads HSDS 3.0.")
                    % {"version": document.get("version", "?")},
                )
            )
            return bundle
        lists = {key: document.get(key) or [] for key in JSON_LISTS}
    else:
        bundle.errors.append(RowError(name, 0, "", _("expected a list or an object")))
        return bundle
    for key, entity in JSON_LISTS.items():
        items = lists.get(key) or []
        if not isinstance(items, list):
            bundle.errors.append(RowError(name, 0, key, _("expected a list")))
            continue
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                bundle.errors.append(RowError(name, index, key, _("expected an object")))
                continue
            found = sorted(schema.errors(entity, item), key=lambda e: list(e.absolute_path))
            for problem in found:
                bundle.errors.append(
                    RowError(
                        name,
                        index,
                        f"{key}[{index}]." + _schema_path(problem)
                        if _schema_path(problem)
                        else key,
                        problem.message,
                    )
                )
            if not found:
                flatten(bundle, entity, item, file=name, row=index, path=f"{key}[{index}]")
    return bundle


def _coerce(value: str, kind: str) -> Any:
    if kind == "number" or kind == "integer":
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def read_csv_resource(
    bundle: Bundle, entity: str, name: str, text: str, fields: list[str], types: dict[str, str]
) -> None:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        bundle.errors.append(
            RowError(name, 1, "", _("broken CSV: %(error)s") % {"error": str(error)})
        )
        return
    if header is None:
        return
    unknown = [h for h in header if h not in fields]
    if unknown:
        bundle.errors.append(RowError(name, 1, unknown[0], _("unknown column")))
        return
    if "id" not in header:
        bundle.errors.append(RowError(name, 1, "id", _("the id column is missing")))
        return
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            bundle.errors.append(
                RowError(
                    name, reader.line_num, "", _("broken CSV: %(error)s") % {"error": str(error)}
                )
            )
            return
        line = reader.line_num
        if not any(cells):
            continue
        if len(cells) != len(header):
            bundle.errors.append(
                RowError(
                    name,
                    line,
                    "",
                    _("expected %(expected)s columns, found %(found)s")
                    % {"expected": len(header), "found": len(cells)},
                )
            )
            continue
        values: dict[str, Any] = {}
        bad = False
        for key, cell in zip(header, cells, strict=True):
            if cell == "":
                continue
            try:
                values[key] = _coerce(cell, types.get(key, "string"))
            except ValueError:
                bundle.errors.append(
                    RowError(name, line, key, _("not a number: %(value)s") % {"value": cell})
                )
                bad = True
        if entity == "location" and "confidential" in values:
            if values["confidential"] not in {"true", "false"}:
                bundle.errors.append(
                    RowError(name, line, "confidential", _("must be true or false"))
                )
                bad = True
            else:
                values["confidential"] = values["confidential"] == "true"
        if entity in schema.ENTITIES:
            hsds_values = {
                k: v for k, v in values.items() if k not in EXTENSION_FIELDS.get(entity, [])
            }
            for problem in schema.row_errors(entity, hsds_values):
                bundle.errors.append(RowError(name, line, _schema_path(problem), problem.message))
                bad = True
        elif not values.get("id"):
            bundle.errors.append(RowError(name, line, "id", _("the id is missing")))
            bad = True
        if not bad:
            bundle.records[entity].append(Record(entity, values, name, line, ""))


def csv_layout() -> dict[str, tuple[str, list[str], dict[str, str]]]:
    """entity -> (file name, columns, column types), extensions included."""
    layout = {}
    for entity in schema.ENTITIES:
        if entity in {"metadata", "meta_table_description"}:
            continue
        fields = schema.csv_fields(entity) + EXTENSION_FIELDS.get(entity, [])
        types = dict(schema.csv_types(entity))
        layout[entity] = (schema.csv_path(entity), fields, types)
    layout["service_capacity"] = (
        CAPACITY_PATH,
        CAPACITY_FIELDS,
        {"available": "number", "maximum": "number"},
    )
    return layout


def read_package(files: dict[str, bytes], *, label: str = "") -> Bundle:
    """A CSV data package: ``datapackage.json`` and the CSV files it names."""
    bundle = Bundle()
    descriptor_name = "datapackage.json"
    if descriptor_name not in files:
        bundle.errors.append(RowError(descriptor_name, 0, "", _("datapackage.json is missing")))
        return bundle
    try:
        descriptor = json.loads(files[descriptor_name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        bundle.errors.append(
            RowError(
                descriptor_name,
                getattr(error, "lineno", 0),
                "",
                _("not valid JSON: %(error)s") % {"error": str(error)},
            )
        )
        return bundle
    if not isinstance(descriptor, dict) or not _version_ok(descriptor.get("version")):
        version = descriptor.get("version", "?") if isinstance(descriptor, dict) else "?"
        bundle.errors.append(
            RowError(
                descriptor_name,
                0,
                "version",
                _("HSDS version %(version)s is not supported: this import reads HSDS 3.0.")
                % {"version": version},
            )
        )
        return bundle
    layout = csv_layout()
    by_path = {path: (entity, fields, types) for entity, (path, fields, types) in layout.items()}
    for resource in descriptor.get("resources", []):
        path = str(resource.get("path", ""))
        if path not in files:
            continue
        if path not in by_path:
            bundle.errors.append(
                RowError(
                    descriptor_name, 0, "resources", _("unknown resource %(path)s") % {"path": path}
                )
            )
            continue
        entity, fields, types = by_path[path]
        try:
            text = files[path].decode("utf-8-sig")
        except UnicodeDecodeError:
            bundle.errors.append(RowError(path, 0, "", _("not UTF-8 text")))
            continue
        read_csv_resource(bundle, entity, path, text, fields, types)
    return bundle


def read_path(path: Path) -> Bundle:
    """An HSDS JSON file, a folder holding a CSV data package, or a zip of one."""
    if path.name == "datapackage.json":
        path = path.parent
    if path.is_dir():
        files = {p.name: p.read_bytes() for p in path.iterdir() if p.is_file()}
        return read_package(files)
    data = path.read_bytes()
    return read_upload(path.name, data)


def read_upload(name: str, data: bytes) -> Bundle:
    if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                files = {
                    Path(n).name: archive.read(n)
                    for n in archive.namelist()
                    if not n.endswith("/") and archive.getinfo(n).file_size < 200_000_000
                }
        except zipfile.BadZipFile:
            bundle = Bundle()
            bundle.errors.append(RowError(name, 0, "", _("not a valid zip file")))
            return bundle
        return read_package(files)
    if name.lower().endswith(".json") and Path(name).name == "datapackage.json":
        return read_package({"datapackage.json": data})
    return read_json(name, data)
