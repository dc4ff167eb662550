"""Applying an HSDS bundle: one transaction, upsert by UUID, nothing written on any error.

Re-importing the same data changes nothing: each row is compared with what is stored and only
differences are written. With an actor (the web import), rows may only touch organisations the
actor's organisation owns; new organisations become its own.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.coalition.models import Region
from arrimage.core.audit import audit_record
from arrimage.directory import geo
from arrimage.directory.exchange_read import Bundle, Record, RowError
from arrimage.directory.indexing import search_entries_refresh
from arrimage.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    DirectoryOrganization,
    Funding,
    Language,
    Location,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
)

MODELS: dict[str, type[models.Model]] = {
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "organization": DirectoryOrganization,
    "program": Program,
    "location": Location,
    "address": Address,
    "service": Service,
    "service_at_location": ServiceAtLocation,
    "contact": Contact,
    "phone": Phone,
    "schedule": Schedule,
    "language": Language,
    "accessibility": Accessibility,
    "service_area": ServiceArea,
    "cost_option": CostOption,
    "required_document": RequiredDocument,
    "funding": Funding,
    "attribute": Attribute,
    "service_capacity": ServiceCapacity,
}
ORDER = list(MODELS)
# Foreign keys: HSDS field -> (model field, entity it points at).
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    "taxonomy_term": {
        "taxonomy_id": ("taxonomy_id", "taxonomy"),
        "parent_id": ("parent_id", "taxonomy_term"),
    },
    "program": {"organization_id": ("organization_id", "organization")},
    "location": {"organization_id": ("organization_id", "organization")},
    "address": {"location_id": ("location_id", "location")},
    "service": {
        "organization_id": ("organization_id", "organization"),
        "program_id": ("program_id", "program"),
    },
    "service_at_location": {
        "service_id": ("service_id", "service"),
        "location_id": ("location_id", "location"),
    },
    "contact": {
        "organization_id": ("organization_id", "organization"),
        "service_id": ("service_id", "service"),
        "service_at_location_id": ("service_at_location_id", "service_at_location"),
        "location_id": ("location_id", "location"),
    },
    "phone": {
        "location_id": ("location_id", "location"),
        "service_id": ("service_id", "service"),
        "organization_id": ("organization_id", "organization"),
        "contact_id": ("contact_id", "contact"),
        "service_at_location_id": ("service_at_location_id", "service_at_location"),
    },
    "schedule": {
        "service_id": ("service_id", "service"),
        "location_id": ("location_id", "location"),
        "service_at_location_id": ("service_at_location_id", "service_at_location"),
    },
    "language": {
        "service_id": ("service_id", "service"),
        "location_id": ("location_id", "location"),
        "phone_id": ("phone_id", "phone"),
    },
    "accessibility": {"location_id": ("location_id", "location")},
    "service_area": {"service_id": ("service_id", "service")},
    "cost_option": {"service_id": ("service_id", "service")},
    "required_document": {"service_id": ("service_id", "service")},
    "funding": {
        "organization_id": ("organization_id", "organization"),
        "service_id": ("service_id", "service"),
    },
    "attribute": {"taxonomy_term_id": ("taxonomy_term_id", "taxonomy_term")},
    "service_capacity": {"service_id": ("service_id", "service")},
}
REQUIRED_REFERENCES = {
    "service": ["organization_id"],
    "service_at_location": ["service_id", "location_id"],
    "address": ["location_id"],
    "program": ["organization_id"],
    "attribute": ["taxonomy_term_id", "link_id"],
    "accessibility": ["location_id"],
    "service_area": ["service_id"],
    "cost_option": ["service_id"],
    "required_document": ["service_id"],
    "service_capacity": ["service_id"],
}
# Fields the import never touches: Arrimage's own, not in HSDS.
UNTOUCHED = {"owner", "group", "words"}
# Bilingual fields: model field -> (profile extension, plain HSDS field it falls back to).
BILINGUAL: dict[str, dict[str, tuple[str, str | None]]] = {
    "service": {
        "name_fr": ("name_fr", "name"),
        "name_en": ("name_en", None),
        "description_fr": ("description_fr", "description"),
        "description_en": ("description_en", None),
        "eligibility_description_fr": ("eligibility_description_fr", "eligibility_description"),
        "eligibility_description_en": ("eligibility_description_en", None),
    },
    "organization": {
        "description_fr": ("description_fr", "description"),
        "description_en": ("description_en", None),
    },
    "taxonomy_term": {
        "name_fr": ("name_fr", "name"),
        "name_en": ("name_en", None),
        "description_fr": ("description_fr", "description"),
        "description_en": ("description_en", None),
    },
}


POSITIVE = (
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
)


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dry_run: bool = False

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


Progress = Callable[[int, int], None]


def _merge(records: list[Record], errors: list[RowError]) -> dict[str, Record]:
    """One record per id. The same object may appear several times (nested in each service
    that uses it): its copies must agree."""
    merged: dict[str, Record] = {}
    for record in records:
        key = str(record.values.get("id", ""))
        if key in merged:
            kept = merged[key].values
            for name, value in record.values.items():
                if name in kept and kept[name] != value:
                    where = f"{record.path}.{name}" if record.path else name
                    errors.append(
                        RowError(
                            record.file,
                            record.row,
                            where,
                            _(
                                "differs from another copy of the same %(entity)s (%(file)s, row "
                                "%(row)s)"
                            )
                            % {
                                "entity": record.entity,
                                "file": merged[key].file,
                                "row": merged[key].row,
                            },
                        )
                    )
            merged[key].values = {**record.values, **kept}
        else:
            merged[key] = Record(
                record.entity, dict(record.values), record.file, record.row, record.path
            )
    return merged


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _datetime(value: Any) -> datetime:
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class _Converter:
    def __init__(self, bundle_ids: dict[str, set[uuid.UUID]]) -> None:
        self.bundle_ids = bundle_ids
        self.regions = {r.code: r.pk for r in Region.objects.all()}
        self.errors: list[RowError] = []

    def error(self, record: Record, name: str, reason: str) -> None:
        where = f"{record.path}.{name}" if record.path else name
        self.errors.append(RowError(record.file, record.row, where, reason))

    def _exists(self, entity: str, value: uuid.UUID) -> bool:
        if value in self.bundle_ids.get(entity, set()):
            return True
        return MODELS[entity].objects.filter(pk=value).exists()  # type: ignore[attr-defined]

    def values(self, entity: str, record: Record) -> dict[str, Any] | None:
        model = MODELS[entity]
        source = record.values
        out: dict[str, Any] = {}
        errors_before = len(self.errors)
        for name in REQUIRED_REFERENCES.get(entity, []):
            if not source.get(name):
                self.error(record, name, _("this reference is required"))
        references = REFERENCES.get(entity, {})
        for hsds_field, (model_field, target) in references.items():
            raw = source.get(hsds_field)
            if raw in (None, ""):
                out[model_field] = None
                continue
            try:
                value = _uuid(raw)
            except ValueError:
                self.error(record, hsds_field, _("not a UUID: %(value)s") % {"value": raw})
                continue
            if not self._exists(target, value):
                self.error(
                    record,
                    hsds_field,
                    _("refers to an unknown %(entity)s: %(id)s") % {"entity": target, "id": value},
                )
                continue
            out[model_field] = value
        bilingual = BILINGUAL.get(entity, {})
        for model_field_obj in model._meta.concrete_fields:
            name = model_field_obj.name
            attname = model_field_obj.attname
            if name == "id" or attname in out or name in UNTOUCHED:
                continue
            if isinstance(model_field_obj, models.ForeignKey):
                continue
            if name in bilingual:
                extension, plain = bilingual[name]
                if any(key in source for key, _plain in bilingual.values()):
                    raw = source.get(extension, "")
                else:
                    raw = source.get(plain, "") if plain else ""
            else:
                raw = self._source_value(entity, name, source)
            if (
                (raw is None or raw == "")
                and isinstance(model_field_obj, models.DateTimeField)
                and model_field_obj.has_default()
            ):
                continue  # kept as stored; the default on creation
            try:
                out[attname] = self._convert(model_field_obj, raw)
            except (ValueError, TypeError) as error:
                self.error(record, name, str(error) or _("invalid value"))
        if entity == "location":
            self._location_place(record, out)
        if entity == "service_capacity":
            maximum, available = out.get("maximum"), out.get("available")
            if maximum is not None and available is not None and available > maximum:
                self.error(record, "available", _("more units available than the maximum"))
        return out if len(self.errors) == errors_before else None

    def _source_value(self, entity: str, name: str, source: dict[str, Any]) -> Any:
        if entity == "location" and name == "is_confidential":
            return source.get("confidential", False)
        if entity == "location" and name == "municipality_code":
            return source.get("municipality", "")
        if entity == "location" and name == "region":
            return None
        if entity == "taxonomy_term" and name == "taxonomy_name":
            return source.get("taxonomy", "")
        return source.get(name)

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

    @staticmethod
    def _convert(model_field: models.Field, raw: Any) -> Any:  # type: ignore[type-arg]
        empty = raw is None or raw == ""
        if isinstance(model_field, models.BooleanField):
            if isinstance(raw, bool):
                return raw
            return str(raw).lower() == "true"
        if isinstance(model_field, models.DateTimeField):
            if empty:
                if model_field.null:
                    return None
                raise ValueError(_("a date and time is required"))
            return _datetime(raw)
        if isinstance(model_field, models.DateField):
            return None if empty else date.fromisoformat(str(raw))
        if isinstance(model_field, (models.IntegerField,)):
            if empty:
                if model_field.null:
                    return None
                if model_field.has_default():
                    return model_field.get_default()
                raise ValueError(_("a number is required"))
            number = float(raw)
            if not number.is_integer() or number < -(2**31) or number > 2**31:
                raise ValueError(_("not a whole number: %(value)s") % {"value": raw})
            if isinstance(model_field, POSITIVE) and number < 0:
                raise ValueError(_("must not be negative"))
            return int(number)
        if isinstance(model_field, models.FloatField):
            return None if empty else float(raw)
        if isinstance(model_field, models.UUIDField):
            if empty:
                return None
            try:
                return _uuid(raw)
            except ValueError:
                raise ValueError(_("not a UUID: %(value)s") % {"value": raw}) from None
        text = "" if empty else str(raw)
        max_length = getattr(model_field, "max_length", None)
        if max_length and len(text) > max_length:
            raise ValueError(_("longer than %(max)s characters") % {"max": max_length})
        if model_field.choices and text and text not in {c[0] for c in model_field.choices}:
            raise ValueError(_("not one of the allowed values: %(value)s") % {"value": text})
        if not text and not model_field.blank:
            raise ValueError(_("this field is required"))
        return text


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, float) and isinstance(new, (float, int)):
        return abs(current - float(new)) < 1e-9
    return bool(current == new)


def _owner_errors(
    merged: dict[str, dict[str, Record]], converted: dict[str, dict[str, Any]], actor: Membership
) -> list[RowError]:
    errors = []
    org_ids = [uuid.UUID(k) for k in merged.get("organization", {})]
    owners = dict(
        DirectoryOrganization.objects.filter(pk__in=org_ids).values_list("pk", "owner_id")
    )
    for key, record in merged.get("organization", {}).items():
        owner = owners.get(uuid.UUID(key), actor.organisation_id)
        if owner != actor.organisation_id:
            errors.append(
                RowError(
                    record.file,
                    record.row,
                    "id",
                    _("this organization belongs to another Arrimage organisation"),
                )
            )
    for key, record in merged.get("service", {}).items():
        org_id = converted["service"].get(key, {}).get("organization_id")
        if org_id is None:
            continue
        if str(org_id) in merged.get("organization", {}):
            continue
        service_owner = (
            DirectoryOrganization.objects.filter(pk=org_id)
            .values_list("owner_id", flat=True)
            .first()
        )
        if service_owner != actor.organisation_id:
            errors.append(
                RowError(
                    record.file,
                    record.row,
                    "organization_id",
                    _("this service's organization belongs to another Arrimage organisation"),
                )
            )
    return errors


def _affected_services(converted: dict[str, dict[str, Any]]) -> set[uuid.UUID]:
    ids = {uuid.UUID(k) for k in converted.get("service", {})}
    for entity in ("service_at_location", "service_capacity", "phone", "language"):
        for values in converted.get(entity, {}).values():
            if values.get("service_id"):
                ids.add(values["service_id"])
    for values in converted.get("attribute", {}).values():
        if values.get("link_entity") == "service":
            ids.add(values["link_id"])
    locations = [uuid.UUID(k) for k in converted.get("location", {})]
    ids |= set(
        ServiceAtLocation.objects.filter(location_id__in=locations).values_list(
            "service_id", flat=True
        )
    )
    return ids


def bundle_apply(
    *,
    bundle: Bundle,
    actor: Membership | None,
    dry_run: bool,
    progress: Progress | None = None,
    source: str = "cli",
) -> ImportReport:
    """Write the bundle. Raises :class:`ImportFailed` with every problem; then nothing is
    written."""
    if bundle.errors:
        raise ImportFailed(bundle.errors)
    conflicts: list[RowError] = []
    merged = {entity: _merge(bundle.records.get(entity, []), conflicts) for entity in ORDER}
    if conflicts:
        raise ImportFailed(conflicts)
    bad_ids = [
        RowError(r.file, r.row, "id", _("the id is missing or not a UUID"))
        for records in merged.values()
        for key, r in records.items()
        if not _valid_uuid(key)
    ]
    if bad_ids:
        raise ImportFailed(bad_ids)
    bundle_ids = {entity: {uuid.UUID(k) for k in records} for entity, records in merged.items()}
    converter = _Converter(bundle_ids)
    converted: dict[str, dict[str, Any]] = {}
    for entity in ORDER:
        converted[entity] = {}
        for key, record in merged[entity].items():
            values = converter.values(entity, record)
            if values is not None:
                converted[entity][key] = values
    errors = list(converter.errors)
    if actor is not None:
        errors += _owner_errors(merged, converted, actor)
    if errors:
        raise ImportFailed(errors)
    report = ImportReport(dry_run=dry_run)
    total = sum(len(v) for v in converted.values())
    done = 0
    with transaction.atomic():
        for entity in ORDER:
            model = MODELS[entity]
            rows = converted[entity]
            existing = model.objects.in_bulk([uuid.UUID(k) for k in rows])  # type: ignore[attr-defined]
            for key, values in rows.items():
                pk = uuid.UUID(key)
                current = existing.get(pk)
                if current is None:
                    obj = model(pk=pk, **values)
                    if entity == "organization" and actor is not None:
                        obj.owner_id = actor.organisation_id  # type: ignore[attr-defined]
                    obj.save(force_insert=True)
                    report.created[entity] += 1
                else:
                    changed = [k for k, v in values.items() if not _same(getattr(current, k), v)]
                    if changed:
                        for name in changed:
                            setattr(current, name, values[name])
                        current.save(update_fields=changed)
                        report.updated[entity] += 1
                    else:
                        report.unchanged[entity] += 1
                done += 1
                if progress is not None:
                    progress(done, total)
        if report.changed:
            search_entries_refresh(service_ids=_affected_services(converted))
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit_record(
                action="directory_imported",
                actor_id=actor.user_id if actor else None,
                organisation_id=actor.organisation_id if actor else None,
                target_type="directory",
                target_id="",
                details={
                    "source": source,
                    "created": sum(report.created.values()),
                    "updated": sum(report.updated.values()),
                    "unchanged": sum(report.unchanged.values()),
                },
            )
    return report


def _valid_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
