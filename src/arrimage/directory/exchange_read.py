"""Reading HSDS JSON and CSV data packages into flat records, with every problem named by
file, row or line, field and reason. Nothing here writes to the database.

Read as published: a whole document (``version`` optional) with lists of services,
organizations, taxonomies and taxonomy terms; one object of any HSDS kind (the kind is told
from its properties); a list of objects; an API page (``contents``); the tabular form (one
list of rows per CSV file); a CSV data package (a folder, its ``datapackage.json``, or a zip).
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from arrimage.directory import schema
from arrimage.directory.exchange_csv import (
    csv_layout,
    read_package,
    schema_problem,
    unknown_columns,
    version_error,
    version_ok,
)
from arrimage.directory.exchange_guard import (
    MAX_DOCUMENT_BYTES,
    InputRefused,
    RowError,
    json_depth_check,
    json_text_problems,
    size_check,
    zip_members,
)
from arrimage.directory.exchange_shape import (
    CHILDREN,
    EXTENSION_FIELDS,
    Bundle,
    Record,
    flatten,
)

__all__ = [
    "Bundle",
    "Record",
    "RowError",
    "csv_layout",
    "read_json",
    "read_package",
    "read_path",
]

# The lists of a whole document, and the kind of object each holds.
JSON_LISTS = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "service_at_locations": "service_at_location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "meta_table_descriptions": "meta_table_description",
    "attributes": "attribute",
    "metadata": "metadata",
}
# What a document that describes an HSDS API or feed (``base.json``) holds besides objects.
DOCUMENT_KEYS = frozenset({"version", "profile", "openapi_url", "arrimage_profile"})
PAGE_KEYS = frozenset(
    {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"}
)
# Properties the profile, or HSDS's own compiled schemas, add to an object.
EXTRA_PROPERTIES = {
    "service": {"capacities"},
    "service_at_location": {"service"},
    "organization": {"services"},
}
FILE_HINT_SUFFIXES = ("_full", "_list", "_simple", "_package")


# Kinds of objects ----------------------------------------------------------------------------


@cache
def _properties(entity: str) -> frozenset[str]:
    return (
        schema.properties(entity)
        | set(CHILDREN.get(entity, {}))
        | set(EXTENSION_FIELDS.get(entity, []))
        | EXTRA_PROPERTIES.get(entity, set())
    )


def kinds_of(document: dict[str, Any]) -> list[str]:
    """The HSDS kinds ``document`` may be: it has their required properties and no other
    than theirs."""
    keys = set(document)
    return [
        entity
        for entity in schema.ENTITIES
        if schema.required(entity) <= keys and keys <= _properties(entity)
    ]


def _file_hint(name: str) -> str:
    stem = Path(name).stem.lower()
    for suffix in FILE_HINT_SUFFIXES:
        stem = stem.removesuffix(suffix)
    return stem


def _kind(document: dict[str, Any], hint: str) -> str | list[str]:
    """The kind, or the candidates when it cannot be told."""
    found = kinds_of(document)
    if len(found) == 1:
        return found[0]
    if hint in found:
        return hint
    return found


# JSON ----------------------------------------------------------------------------------------


def _record_problems(bundle: Bundle, records: list[Record]) -> None:
    """Check records against their kind's HSDS schema: their own fields (nested objects are
    records of their own), as given (not the links filled from the nesting)."""
    for record in records:
        if record.entity not in schema.ENTITIES:
            continue
        hsds_values = {
            k: v
            for k, v in record.values.items()
            if k not in EXTENSION_FIELDS.get(record.entity, []) and k not in record.inferred
        }
        for problem in schema.row_errors(record.entity, hsds_values):
            bundle.errors.append(schema_problem(problem, record.file, record.row, record.path))


def _read_object(
    bundle: Bundle, name: str, entity: str, item: dict[str, Any], *, row: int, path: str
) -> None:
    _record_problems(bundle, flatten(bundle, entity, item, file=name, row=row, path=path))


def _read_items(
    bundle: Bundle, name: str, items: Any, *, key: str, entity: str | None, hint: str
) -> None:
    if not isinstance(items, list):
        bundle.errors.append(RowError(name, 0, key, _("expected a list")))
        return
    for index, item in enumerate(items, start=1):
        path = f"{key}[{index}]" if key else f"[{index}]"
        if not isinstance(item, dict):
            bundle.errors.append(RowError(name, index, path, _("expected an object")))
            continue
        kind = entity or _kind(item, hint)
        if isinstance(kind, list):
            bundle.errors.append(_unknown_kind(name, index, path, kind))
            continue
        hint = kind
        _read_object(bundle, name, kind, item, row=index, path=path)


def _unknown_kind(name: str, row: int, path: str, candidates: list[str]) -> RowError:
    if candidates:
        reason = _("cannot tell which HSDS object this is: it could be %(kinds)s") % {
            "kinds": ", ".join(candidates)
        }
    else:
        reason = _(
            "not an HSDS object: its properties fit no HSDS 3.0 object (a required property "
            "is missing or a property is unknown)"
        )
    return RowError(name, row, path, reason)


def _read_tabular(bundle: Bundle, name: str, document: dict[str, Any]) -> None:
    """HSDS's tabular JSON: each CSV file's rows, as JSON objects."""
    by_path = {path: (entity, fields, t) for entity, (path, fields, t) in csv_layout().items()}
    for path, rows in document.items():
        if path not in by_path:
            bundle.warnings.append(RowError(name, 0, path, _("not an HSDS table: not read")))
            continue
        if not isinstance(rows, list):
            bundle.errors.append(RowError(name, 0, path, _("expected a list")))
            continue
        entity, fields, types = by_path[path]
        for index, row in enumerate(rows, start=1):
            where = f"{path}[{index}]"
            if not isinstance(row, dict):
                bundle.errors.append(RowError(name, index, where, _("expected an object")))
                continue
            unknown_columns(bundle, name, where, [k for k in row if k not in fields])
            values = {
                k: _tabular_value(v, types.get(k, "string"))
                for k, v in row.items()
                if k in fields and v not in (None, "")
            }
            given = {k for k in row if k in fields}
            record = Record(entity, values, name, index, where, given=given)
            bundle.records[entity].append(record)
            _record_problems(bundle, [record])


def _tabular_value(value: Any, kind: str) -> Any:
    """A cell of the tabular form: JSON-typed, where a text column may hold a number (an
    identifier written as one), read as the CSV text it stands for."""
    if kind == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _reject_constant(value: str) -> Any:
    raise ValueError(value)


def read_json(name: str, data: bytes, *, limit: int = MAX_DOCUMENT_BYTES) -> Bundle:
    bundle = Bundle()
    try:
        size_check(name, len(data), limit=limit)
        json_depth_check(name, data)
    except InputRefused as refusal:
        bundle.errors.append(refusal.error)
        return bundle
    if b"\x00" in data[:1024]:
        bundle.errors.append(
            RowError(
                name,
                0,
                "",
                _("not an HSDS file: give HSDS JSON, or a zip of a CSV data package"),
            )
        )
        return bundle
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bundle.errors.append(RowError(name, 0, "", _("not UTF-8 text"), line=line))
        return bundle
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        unterminated = error.msg.startswith("Unterminated string")
        if error.pos >= len(text.rstrip()) or (unterminated and '"' not in text[error.pos + 1 :]):
            reason = _("the file ends too early: it is cut off or incomplete")
        else:
            reason = _("not valid JSON (column %(column)s: %(detail)s)") % {
                "column": error.colno,
                "detail": error.msg,
            }
        bundle.errors.append(RowError(name, 0, "", reason, line=error.lineno))
        return bundle
    except (ValueError, RecursionError) as error:
        bundle.errors.append(
            RowError(name, 0, "", _("not valid JSON: %(detail)s") % {"detail": str(error)[:80]})
        )
        return bundle
    text_errors = [RowError(name, 0, path, reason) for path, reason in json_text_problems(document)]
    if text_errors:
        bundle.errors += text_errors[:200]
        return bundle
    read_document(bundle, name, document)
    return bundle


def read_document(bundle: Bundle, name: str, document: Any) -> None:
    hint = _file_hint(name)
    if isinstance(document, list):
        _read_items(bundle, name, document, key="", entity=None, hint=hint)
        return
    if not isinstance(document, dict):
        bundle.errors.append(RowError(name, 0, "", _("expected a list or an object")))
        return
    if document and all(str(k).endswith(".csv") for k in document):
        _read_tabular(bundle, name, document)
        return
    # A whole document holds lists of objects; an object (with its id) may hold lists too.
    lists = [k for k in JSON_LISTS if isinstance(document.get(k), list)]
    if (lists and "id" not in document) or set(document) <= DOCUMENT_KEYS:
        if "version" in document and not version_ok(document["version"]):
            bundle.errors.append(version_error(name, document["version"]))
            return
        for key in lists:
            _read_items(bundle, name, document[key], key=key, entity=JSON_LISTS[key], hint="")
        if not lists:
            bundle.warnings.append(
                RowError(name, 0, "", _("this document describes a feed and holds no objects"))
            )
        return
    if isinstance(document.get("contents"), list) and set(document) - {"contents"} <= PAGE_KEYS:
        _read_items(bundle, name, document["contents"], key="contents", entity=None, hint=hint)
        return
    kind = _kind(document, hint)
    if isinstance(kind, list):
        bundle.errors.append(_unknown_kind(name, 0, "", kind))
        return
    _read_object(bundle, name, kind, document, row=0, path="")


# Files ---------------------------------------------------------------------------------------


def read_path(path: Path, *, limit: int = MAX_DOCUMENT_BYTES) -> Bundle:
    """An HSDS JSON file, a folder holding a CSV data package, or a zip of one. Sizes are
    checked before anything is read."""
    if path.name == "datapackage.json":
        path = path.parent
    try:
        if path.is_dir():
            members = [p for p in sorted(path.iterdir()) if p.is_file()]
            size_check(path.name, sum(p.stat().st_size for p in members), limit=limit)
            return read_package({p.name: p.read_bytes() for p in members})
        size_check(path.name, path.stat().st_size, limit=limit)
    except InputRefused as refusal:
        bundle = Bundle()
        bundle.errors.append(refusal.error)
        return bundle
    return read_upload(path.name, path.read_bytes(), limit=limit)


def read_upload(name: str, data: bytes, *, limit: int = MAX_DOCUMENT_BYTES) -> Bundle:
    if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        try:
            files = zip_members(name, data, limit=limit)
        except InputRefused as refusal:
            bundle = Bundle()
            bundle.errors.append(refusal.error)
            return bundle
        return read_package(files, label=name)
    if Path(name).name == "datapackage.json":
        return read_package({"datapackage.json": data})
    if name.lower().endswith(".csv"):
        bundle = Bundle()
        bundle.errors.append(
            RowError(name, 0, "", _("a CSV file comes in a zip, with its datapackage.json"))
        )
        return bundle
    return read_json(name, data, limit=limit)
