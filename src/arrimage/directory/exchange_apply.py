"""Applying an HSDS bundle: one transaction, upsert by UUID, nothing written on any error.

Re-importing the same data changes nothing: each row is compared with what is stored and only
differences are written. A reference to an object that is neither in the file nor in the
directory is kept as unresolved (:class:`UnresolvedReference`) with a warning, and resolved
by the import that later brings the object (:mod:`.exchange_convert`). With an actor (the web
import), rows may only touch objects of organisations the actor's organisation owns
(:mod:`.exchange_owners`); new organizations become its own.

``bundle_apply`` is a plain function: the command, the page and a background task call it.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.core.audit import audit_record
from arrimage.directory.exchange_convert import (
    ConvertedRow,
    ImportFailed,
    convert_all,
    place,
)
from arrimage.directory.exchange_guard import RowError
from arrimage.directory.exchange_kinds import MODELS, ORDER, REFERENCES
from arrimage.directory.exchange_owners import SHARED, Owners, ownership_errors
from arrimage.directory.exchange_shape import Bundle
from arrimage.directory.indexing import search_entries_refresh
from arrimage.directory.models import Service, ServiceAtLocation, UnresolvedReference


@dataclass
class KindCounts:
    kind: str
    created: int
    updated: int
    unchanged: int
    skipped: int


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Why each skipped object was skipped, and what was kept differently than given.
    skips: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def kinds(self) -> list[KindCounts]:
        """One line per kind of object the file held, in the order of writing."""
        seen = set(self.created) | set(self.updated) | set(self.unchanged) | set(self.skipped)
        return [
            KindCounts(
                kind,
                self.created.get(kind, 0),
                self.updated.get(kind, 0),
                self.unchanged.get(kind, 0),
                self.skipped.get(kind, 0),
            )
            for kind in ORDER
            if kind in seen
        ]


Progress = Callable[[int, int], None]


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, float) and isinstance(new, (float, int)):
        return abs(current - float(new)) < 1e-9
    return bool(current == new)


def _links_after(
    converted: dict[str, dict[str, ConvertedRow]],
) -> dict[str, dict[str, dict[str, Any]]]:
    """Each object's values after the import: what the file gives over what is stored (a
    field the file leaves out stays as it is)."""
    after: dict[str, dict[str, dict[str, Any]]] = {}
    for entity, rows in converted.items():
        model = MODELS[entity]
        links = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) or f.name in {"link_id", "link_entity"}
        ]
        links += [name for name in ("resource_id", "resource_type") if entity == "metadata"]
        pks = [uuid.UUID(k) for k in rows]
        stored: dict[uuid.UUID, dict[str, Any]] = {}
        for start in range(0, len(pks), 500):
            for values in model.objects.filter(  # type: ignore[attr-defined]
                pk__in=pks[start : start + 500]
            ).values("pk", *links):
                stored[values.pop("pk")] = values
        after[entity] = {
            key: {**stored.get(uuid.UUID(key), {}), **row.values} for key, row in rows.items()
        }
    return after


def _affected_services(converted: dict[str, dict[str, ConvertedRow]]) -> set[uuid.UUID]:
    ids = {uuid.UUID(k) for k in converted.get("service", {})}
    for entity in (
        "service_at_location",
        "service_capacity",
        "phone",
        "language",
        "schedule",
        "contact",
    ):
        for row in converted.get(entity, {}).values():
            if row.values.get("service_id"):
                ids.add(row.values["service_id"])
    for row in converted.get("attribute", {}).values():
        if row.values.get("link_entity") == "service":
            ids.add(row.values["link_id"])
    locations = [uuid.UUID(k) for k in converted.get("location", {})]
    ids |= set(
        ServiceAtLocation.objects.filter(location_id__in=locations).values_list(
            "service_id", flat=True
        )
    )
    organizations = [uuid.UUID(k) for k in converted.get("organization", {})]
    ids |= set(
        Service.objects.filter(organization_id__in=organizations).values_list("pk", flat=True)
    )
    return ids


def bundle_apply(
    *,
    bundle: Bundle,
    actor: Membership | None,
    dry_run: bool,
    progress: Progress | None = None,
    source: str = "cli",
    organisation_id: uuid.UUID | None = None,
) -> ImportReport:
    """Write the bundle, acting for the actor's organisation, else for ``organisation_id``,
    else for the operator. Raises :class:`ImportFailed` with every problem; then nothing is
    written."""
    if actor is not None:
        organisation_id = actor.organisation_id
    if bundle.errors:
        raise ImportFailed(bundle.errors)
    converted, converter = convert_all(bundle)
    if converter.errors:
        raise ImportFailed(converter.errors)
    errors, owners = ownership_errors(
        models_by_kind=MODELS,
        merged={e: {k: r.record for k, r in rows.items()} for e, rows in converted.items()},
        converted=_links_after(converted),
        organisation_id=organisation_id,
    )
    if errors:
        raise ImportFailed(errors)
    report = ImportReport(dry_run=dry_run, skips=converter.skips, warnings=converter.warnings)
    for entity, skipped in converter.skipped.items():
        if skipped:
            report.skipped[entity] = len(skipped)
    total = sum(len(v) for v in converted.values())
    with transaction.atomic():
        _write(
            converted,
            organisation_id=organisation_id,
            report=report,
            progress=progress,
            total=total,
        )
        _resolve_pending(converted, owners=owners, organisation_id=organisation_id, report=report)
        if report.changed:
            search_entries_refresh(service_ids=_affected_services(converted))
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit_record(
                action="directory_imported",
                actor_id=actor.user_id if actor else None,
                organisation_id=organisation_id,
                target_type="directory",
                target_id="",
                details={
                    "source": source,
                    "created": sum(report.created.values()),
                    "updated": sum(report.updated.values()),
                    "unchanged": sum(report.unchanged.values()),
                    "skipped": sum(report.skipped.values()),
                },
            )
    return report


def _write(
    converted: dict[str, dict[str, ConvertedRow]],
    *,
    organisation_id: uuid.UUID | None,
    report: ImportReport,
    progress: Progress | None,
    total: int,
) -> None:
    done = 0
    for entity in ORDER:
        model = MODELS[entity]
        rows = converted[entity]
        pks = [uuid.UUID(k) for k in rows]
        existing = model.objects.in_bulk(pks)  # type: ignore[attr-defined]
        pending = _unresolved_stored(entity, pks)
        for key, row in rows.items():
            pk = uuid.UUID(key)
            current = existing.get(pk)
            links_changed = _unresolved_sync(
                entity, pk, row.unresolved, pending.get(pk, {}), given=row.references
            )
            if current is None:
                obj = model(pk=pk, **row.values)
                if entity == "organization" and organisation_id is not None:
                    obj.owner_id = organisation_id  # type: ignore[attr-defined]
                obj.save(force_insert=True)
                report.created[entity] += 1
            else:
                changed = [k for k, v in row.values.items() if not _same(getattr(current, k), v)]
                if changed and organisation_id is not None and entity in SHARED:
                    raise ImportFailed(
                        [
                            RowError(
                                row.record.file,
                                row.record.row,
                                place(row.record, changed[0]),
                                _(
                                    "this %(entity)s is shared by every organisation: only an "
                                    "import on the command line may change it"
                                )
                                % {"entity": entity},
                            )
                        ]
                    )
                if changed:
                    for name in changed:
                        setattr(current, name, row.values[name])
                    current.save(update_fields=changed)
                if changed or links_changed:
                    report.updated[entity] += 1
                else:
                    report.unchanged[entity] += 1
            done += 1
            if progress is not None:
                progress(done, total)


def _unresolved_stored(
    entity: str, pks: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, tuple[str, uuid.UUID]]]:
    stored: dict[uuid.UUID, dict[str, tuple[str, uuid.UUID]]] = defaultdict(dict)
    if entity not in REFERENCES:
        return stored
    for start in range(0, len(pks), 500):
        for reference in UnresolvedReference.objects.filter(
            entity=entity, object_id__in=pks[start : start + 500]
        ):
            stored[reference.object_id][reference.field] = (
                reference.target_entity,
                reference.target_id,
            )
    return stored


def _unresolved_sync(
    entity: str,
    pk: uuid.UUID,
    wanted: dict[str, tuple[str, uuid.UUID]],
    stored: dict[str, tuple[str, uuid.UUID]],
    *,
    given: set[str],
) -> bool:
    """Store the object's unresolved references as the file gives them (the reference fields
    it does not give stay as stored). Whether they changed."""
    stored = {name: value for name, value in stored.items() if name in given}
    if wanted == stored:
        return False
    stale = [name for name in stored if wanted.get(name) != stored[name]]
    if stale:
        UnresolvedReference.objects.filter(entity=entity, object_id=pk, field__in=stale).delete()
    UnresolvedReference.objects.bulk_create(
        [
            UnresolvedReference(
                entity=entity, object_id=pk, field=name, target_entity=kind, target_id=target
            )
            for name, (kind, target) in wanted.items()
            if stored.get(name) != (kind, target)
        ]
    )
    return True


def _resolve_pending(
    converted: dict[str, dict[str, ConvertedRow]],
    *,
    owners: Owners,
    organisation_id: uuid.UUID | None,
    report: ImportReport,
) -> None:
    """Objects stored earlier that were waiting for one of this file's objects get their
    link (for a web import, only the acting organisation's own)."""
    for target_entity, rows in converted.items():
        targets = [uuid.UUID(k) for k in rows]
        for start in range(0, len(targets), 500):
            waiting = UnresolvedReference.objects.filter(
                target_entity=target_entity, target_id__in=targets[start : start + 500]
            )
            for reference in waiting:
                if str(reference.object_id) in converted.get(reference.entity, {}):
                    continue  # this file gave the object: its own references stand
                if organisation_id is not None and owners.foreign(
                    reference.entity, reference.object_id, organisation_id
                ):
                    continue
                model_field = REFERENCES[reference.entity][reference.field][0]
                MODELS[reference.entity].objects.filter(  # type: ignore[attr-defined]
                    pk=reference.object_id
                ).update(**{model_field: reference.target_id})
                reference.delete()
                report.updated[reference.entity] += 1
