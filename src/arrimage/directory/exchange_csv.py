"""Reading a CSV data package (``datapackage.json`` and the CSV files it names), and what
the tabular JSON form shares with it: each row checked against its HSDS schema, every problem
named by file, line, column and reason."""

import csv
import io
import json
from functools import cache
from typing import Any

from django.utils.translation import gettext as _

from arrimage.directory import schema
from arrimage.directory.exchange_guard import RowError, text_problem
from arrimage.directory.exchange_shape import (
    CAPACITY_FIELDS,
    CAPACITY_PATH,
    EXTENSION_FIELDS,
    Bundle,
    Record,
)


def version_ok(version: Any) -> bool:
    return isinstance(version, str) and (version == "3.0" or version.startswith("3.0."))


def version_error(name: str, version: Any) -> RowError:
    return RowError(
        name,
        0,
        "version",
        _("HSDS version %(version)s is not supported: this import reads HSDS 3.0.")
        % {"version": version},
    )


_SCHEMA_REASONS = {
    "required": lambda e: _("this field is required"),
    "type": lambda e: _("expected %(type)s") % {"type": e.validator_value},
    "format": lambda e: (
        _("not a valid %(format)s: %(value)s") % {"format": e.validator_value, "value": e.instance}
    ),
    "enum": lambda e: _("not one of the allowed values: %(value)s") % {"value": e.instance},
    "minimum": lambda e: _("less than %(minimum)s") % {"minimum": e.validator_value},
    "maximum": lambda e: _("more than %(maximum)s") % {"maximum": e.validator_value},
}


def schema_problem(error: Any, file: str, row: int, path: str) -> RowError:
    parts = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        parts += [k for k in error.validator_value if k not in error.instance][:1]
    where = ".".join([path, *parts] if path else parts)
    explain = _SCHEMA_REASONS.get(error.validator)
    return RowError(file, row, where, explain(error) if explain else error.message)


def unknown_columns(bundle: Bundle, name: str, where: str, unknown: list[str]) -> None:
    for column in unknown:
        bundle.warnings.append(
            RowError(name, 0, f"{where}.{column}", _("not an HSDS field: not kept"))
        )


def _coerce(value: str, kind: str) -> Any:
    if kind == "number" or kind == "integer":
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(value)
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
    unknown_columns(bundle, name, "", [h for h in header if h not in fields])
    if "id" not in header:
        bundle.errors.append(RowError(name, 1, "id", _("the id column is missing")))
        return
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
            if cell == "" or key not in fields:
                continue
            problem = text_problem(cell)
            if problem:
                bundle.errors.append(RowError(name, line, key, problem))
                bad = True
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
                bundle.errors.append(schema_problem(problem, name, line, ""))
                bad = True
        elif not values.get("id"):
            bundle.errors.append(RowError(name, line, "id", _("this field is required")))
            bad = True
        if not bad:
            given = {h for h in header if h in fields}
            bundle.records[entity].append(Record(entity, values, name, line, "", given=given))


@cache
def csv_layout() -> dict[str, tuple[str, list[str], dict[str, str]]]:
    """entity -> (file name, columns, column types), extensions included."""
    layout = {}
    for entity in schema.ENTITIES:
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
        bundle.errors.append(
            RowError(label or descriptor_name, 0, "", _("datapackage.json is missing"))
        )
        return bundle
    try:
        descriptor = json.loads(files[descriptor_name].decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        bundle.errors.append(
            RowError(
                descriptor_name,
                0,
                "",
                _("not valid JSON: %(error)s") % {"error": str(error)[:80]},
                line=getattr(error, "lineno", 0),
            )
        )
        return bundle
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        bundle.errors.append(
            RowError(descriptor_name, 0, "resources", _("expected a list of resources"))
        )
        return bundle
    if "version" in descriptor and not version_ok(descriptor["version"]):
        bundle.errors.append(version_error(descriptor_name, descriptor["version"]))
        return bundle
    layout = csv_layout()
    by_path = {path: (entity, fields, types) for entity, (path, fields, types) in layout.items()}
    listed = set()
    for index, resource in enumerate(descriptor["resources"]):
        path = str(resource.get("path", "")) if isinstance(resource, dict) else ""
        listed.add(path)
        where = f"resources[{index}]"
        if path not in by_path:
            bundle.warnings.append(
                RowError(
                    descriptor_name,
                    0,
                    where,
                    _("%(path)s is not an HSDS table: not read") % {"path": path},
                )
            )
            continue
        if path not in files:
            bundle.warnings.append(
                RowError(
                    descriptor_name,
                    0,
                    where,
                    _("%(path)s is listed but not in the package") % {"path": path},
                )
            )
            continue
        entity, fields, types = by_path[path]
        try:
            text = files[path].decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = files[path].count(b"\n", 0, error.start) + 1
            bundle.errors.append(RowError(path, 0, "", _("not UTF-8 text"), line=line))
            continue
        read_csv_resource(bundle, entity, path, text, fields, types)
    for name in sorted(files):
        if name.endswith(".csv") and name not in listed:
            bundle.warnings.append(
                RowError(name, 0, "", _("not listed in datapackage.json: not read"))
            )
    return bundle
