"""Converting an HSDS bundle into model values: one record per object (copies merged), each
field checked and converted, each reference resolved against the file and the directory.

A reference to an object that is neither in the file nor in the directory is kept as
unresolved, with a warning; an object that cannot exist without it is skipped, with the
reason. A field the file leaves out of a stored object is not touched. Nothing here writes.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from arrimage.coalition.models import Region
from arrimage.directory import geo
from arrimage.directory.exchange_guard import RowError
from arrimage.directory.exchange_kinds import (
    BILINGUAL,
    LOOSE_LINKS,
    MODELS,
    ORDER,
    READ_ELSEWHERE,
    REFERENCES,
    UNTOUCHED,
)
from arrimage.directory.exchange_merge import records_merge
from arrimage.directory.exchange_shape import Bundle, Record
from arrimage.directory.exchange_values import (
    as_uuid,
    field_sources,
    source_value,
    value_convert,
)


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass
class ConvertedRow:
    record: Record
    values: dict[str, Any]
    # HSDS field -> (kind, id) of a reference that names nothing known, for the reference
    # fields the file gives (the others stay as stored).
    unresolved: dict[str, tuple[str, uuid.UUID]]
    references: set[str]


def place(record: Record, name: str) -> str:
    return f"{record.path}.{name}" if record.path else name


class _Converter:
    def __init__(
        self, bundle_ids: dict[str, set[uuid.UUID]], stored_ids: dict[str, set[uuid.UUID]]
    ) -> None:
        self.bundle_ids = bundle_ids
        self.stored_ids = stored_ids
        self.regions = {r.code: r.pk for r in Region.objects.all()}
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.skips: list[RowError] = []
        self.skipped: dict[str, set[uuid.UUID]] = defaultdict(set)
        self._not_kept: set[tuple[str, str]] = set()
        self._known: dict[tuple[str, uuid.UUID], bool] = {}

    def error(self, record: Record, name: str, reason: str) -> None:
        self.errors.append(RowError(record.file, record.row, place(record, name), reason))

    def exists(self, entity: str, value: uuid.UUID) -> bool:
        if value in self.skipped[entity]:
            return False
        if value in self.bundle_ids.get(entity, set()):
            return True
        if (entity, value) not in self._known:
            model = MODELS[entity]
            self._known[(entity, value)] = model.objects.filter(pk=value).exists()  # type: ignore[attr-defined]
        return self._known[(entity, value)]

    def _exists_anywhere(self, value: uuid.UUID) -> bool:
        return any(self.exists(entity, value) for entity in MODELS)

    def _skip(self, entity: str, record: Record, name: str, reason: str) -> None:
        self.skipped[entity].add(as_uuid(record.values["id"]))
        self.skips.append(RowError(record.file, record.row, place(record, name), reason))

    def row(self, entity: str, record: Record) -> ConvertedRow | None:
        """The model values of a record; None when it has a problem (``errors``) or must be
        skipped (``skips``)."""
        model = MODELS[entity]
        source = record.values
        is_new = as_uuid(source["id"]) not in self.stored_ids[entity]
        out: dict[str, Any] = {}
        unresolved: dict[str, tuple[str, uuid.UUID]] = {}
        references: set[str] = set()
        errors_before = len(self.errors)
        for hsds_field, (model_field, target) in REFERENCES.get(entity, {}).items():
            if hsds_field not in record.given and not is_new:
                continue  # as stored
            references.add(hsds_field)
            required = not model._meta.get_field(model_field.removesuffix("_id")).null
            raw = source.get(hsds_field)
            if raw in (None, ""):
                if required:
                    self._skip(
                        entity,
                        record,
                        hsds_field,
                        _("skipped: a %(entity)s needs its %(target)s")
                        % {"entity": entity, "target": target},
                    )
                    return None
                out[model_field] = None
                continue
            try:
                value = as_uuid(raw)
            except ValueError:
                self.error(record, hsds_field, _("not a UUID: %(value)s") % {"value": raw})
                continue
            if self.exists(target, value):
                out[model_field] = value
                continue
            if required:
                self._skip(
                    entity,
                    record,
                    hsds_field,
                    _("skipped: its %(target)s %(id)s is neither in the file nor in the directory")
                    % {"target": target, "id": value},
                )
                return None
            out[model_field] = None
            unresolved[hsds_field] = (target, value)
            self.warnings.append(
                RowError(
                    record.file,
                    record.row,
                    place(record, hsds_field),
                    _(
                        "the %(target)s %(id)s is neither in the file nor in the directory: "
                        "kept as an unresolved reference"
                    )
                    % {"target": target, "id": value},
                )
            )
        self._loose_links(entity, record)
        consumed = {"id", *REFERENCES.get(entity, {}), *READ_ELSEWHERE.get(entity, set())}
        bilingual = BILINGUAL.get(entity, {})
        for extension, plain in bilingual.values():
            consumed |= {extension, plain or extension}
        for model_field_obj in model._meta.concrete_fields:
            name = model_field_obj.name
            attname = model_field_obj.attname
            consumed.add(name)
            if name == "id" or attname in out or name in UNTOUCHED:
                continue
            if isinstance(model_field_obj, models.ForeignKey):
                continue  # references above; a location's region below
            if not is_new and not (field_sources(entity, name) & record.given):
                continue  # not in the file: as stored
            given_as = name
            if name in bilingual:
                extension, plain = bilingual[name]
                if any(key in source for key, _plain in bilingual.values()):
                    raw = source.get(extension, "")
                    given_as = extension
                else:
                    raw = source.get(plain, "") if plain else ""
                    given_as = plain or extension
            else:
                raw = source_value(entity, name, source)
                given_as = next(iter(field_sources(entity, name)))
            if (
                (raw is None or raw == "")
                and isinstance(model_field_obj, models.DateTimeField)
                and model_field_obj.has_default()
            ):
                continue  # kept as stored; the default on creation
            try:
                out[attname] = value_convert(model_field_obj, raw)
            except (ValueError, TypeError, OverflowError) as error:
                self.error(record, given_as, str(error) or _("invalid value"))
        self._not_kept_warn(entity, record, consumed)
        if entity == "location" and (is_new or {"region_code", "municipality"} & record.given):
            self._location_place(record, out)
        if entity == "service_capacity":
            maximum, available = out.get("maximum"), out.get("available")
            if maximum is not None and available is not None and available > maximum:
                self.error(record, "available", _("more units available than the maximum"))
        if entity == "attribute" and is_new and not source.get("link_id"):
            self._skip(entity, record, "link_id", _("skipped: an attribute needs its link_id"))
            return None
        if len(self.errors) != errors_before:
            return None
        return ConvertedRow(record, out, unresolved, references)

    def _loose_links(self, entity: str, record: Record) -> None:
        for name, kind_source in LOOSE_LINKS.get(entity, {}).items():
            raw = record.values.get(name)
            if raw in (None, ""):
                continue
            try:
                value = as_uuid(raw)
            except ValueError:
                continue  # the conversion reports it
            if name in record.inferred:
                continue  # the object it is nested in
            if kind_source.startswith("="):
                kind = kind_source[1:]
            else:
                kind = str(record.values.get(kind_source, ""))
            known = self.exists(kind, value) if kind in MODELS else self._exists_anywhere(value)
            if not known:
                self.warnings.append(
                    RowError(
                        record.file,
                        record.row,
                        place(record, name),
                        _(
                            "%(id)s names nothing in the file or in the directory: kept as "
                            "an unresolved reference"
                        )
                        % {"id": value},
                    )
                )

    def _not_kept_warn(self, entity: str, record: Record, consumed: set[str]) -> None:
        for name in record.values:
            if name in consumed or (entity, name) in self._not_kept:
                continue
            self._not_kept.add((entity, name))
            self.warnings.append(
                RowError(
                    record.file,
                    record.row,
                    place(record, name),
                    _("Arrimage does not keep this field of a %(entity)s: not imported")
                    % {"entity": entity},
                )
            )

    def _location_place(self, record: Record, out: dict[str, Any]) -> None:
        source = record.values
        code = out.get("municipality_code") or ""
        municipality = geo.municipality_get(code) if code else None
        if code and municipality is None:
            self.error(record, "municipality", _("unknown municipality %(code)s") % {"code": code})
            return
        region_code = source.get("region_code") or (
            municipality.region_code if municipality else ""
        )
        if region_code and region_code not in self.regions:
            self.error(record, "region_code", _("unknown region %(code)s") % {"code": region_code})
            return
        out["region_id"] = self.regions.get(region_code) if region_code else None


def _stored(entity: str, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of ``ids`` are stored already."""
    wanted = list(ids)
    found: set[uuid.UUID] = set()
    for start in range(0, len(wanted), 500):
        found |= set(
            MODELS[entity]
            .objects.filter(pk__in=wanted[start : start + 500])  # type: ignore[attr-defined]
            .values_list("pk", flat=True)
        )
    return found


def convert_all(bundle: Bundle) -> tuple[dict[str, dict[str, ConvertedRow]], _Converter]:
    conflicts: list[RowError] = []
    warnings = list(bundle.warnings)
    merged = {
        entity: records_merge(bundle.records.get(entity, []), conflicts, warnings)
        for entity in ORDER
    }
    if conflicts:
        raise ImportFailed(conflicts)
    bad_ids = [
        RowError(r.file, r.row, place(r, "id"), _("the id is missing or not a UUID"))
        for records in merged.values()
        for key, r in records.items()
        if not _valid_uuid(key)
    ]
    if bad_ids:
        raise ImportFailed(bad_ids)
    bundle_ids = {entity: {uuid.UUID(k) for k in records} for entity, records in merged.items()}
    stored_ids = {entity: _stored(entity, ids) for entity, ids in bundle_ids.items()}
    converter = _Converter(bundle_ids, stored_ids)
    converter.warnings = warnings
    converted: dict[str, dict[str, ConvertedRow]] = {}
    for entity in ORDER:
        converted[entity] = {}
        for key, record in merged[entity].items():
            row = converter.row(entity, record)
            if row is not None:
                converted[entity][key] = row
    return converted, converter


def _valid_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
