"""What hangs from any HSDS object by its id rather than by a foreign key: its attributes,
its metadata, and the references an import could not resolve. Loaded for a batch of objects
at once (three queries per 500 ids), then read per object while documents are written."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from arrimage.directory.models import Attribute, Metadata, UnresolvedReference

BATCH = 500


def metadata_doc(metadata: Metadata) -> dict[str, Any]:
    doc = {
        "id": str(metadata.id),
        "resource_id": str(metadata.resource_id) if metadata.resource_id else None,
        "resource_type": metadata.resource_type,
        "last_action_date": metadata.last_action_date.isoformat(),
        "last_action_type": metadata.last_action_type,
        "field_name": metadata.field_name,
        "previous_value": metadata.previous_value,
        "replacement_value": metadata.replacement_value,
        "updated_by": metadata.updated_by,
    }
    # The last six are required by HSDS even when empty.
    return {k: v for k, v in doc.items() if v not in (None, "") or k in _METADATA_REQUIRED}


_METADATA_REQUIRED = {
    "id",
    "last_action_date",
    "last_action_type",
    "field_name",
    "previous_value",
    "replacement_value",
    "updated_by",
}


class Links:
    def __init__(self) -> None:
        self._attributes: dict[UUID, list[Attribute]] = {}
        self._metadata: dict[UUID, list[Metadata]] = {}
        self._unresolved: dict[UUID, dict[str, str]] = {}

    def load(self, ids: Iterable[UUID]) -> None:
        wanted = list(dict.fromkeys(i for i in ids if i not in self._metadata))
        if not wanted:
            return
        attributes: dict[UUID, list[Attribute]] = defaultdict(list)
        metadata: dict[UUID, list[Metadata]] = defaultdict(list)
        unresolved: dict[UUID, dict[str, str]] = defaultdict(dict)
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            for attribute in (
                Attribute.objects.filter(link_id__in=chunk)
                .select_related("taxonomy_term__taxonomy")
                .order_by("id")
            ):
                attributes[attribute.link_id].append(attribute)
            for item in Metadata.objects.filter(resource_id__in=chunk).order_by("id"):
                assert item.resource_id is not None
                metadata[item.resource_id].append(item)
            for reference in UnresolvedReference.objects.filter(object_id__in=chunk):
                unresolved[reference.object_id][reference.field] = str(reference.target_id)
        for i in wanted:
            self._attributes[i] = attributes.get(i, [])
            self._metadata[i] = metadata.get(i, [])
            self._unresolved[i] = unresolved.get(i, {})
        # The taxonomy terms the attributes name have metadata and references of their own.
        terms = [a.taxonomy_term_id for found in attributes.values() for a in found]
        self.load(terms)

    def loaded(self) -> set[UUID]:
        """The objects whose links were loaded: those a document was written for."""
        return set(self._metadata)

    def attributes(self, link_id: UUID) -> list[Attribute]:
        self.load([link_id])
        return self._attributes[link_id]

    def metadata(self, resource_id: UUID) -> list[dict[str, Any]]:
        self.load([resource_id])
        return [metadata_doc(m) for m in self._metadata[resource_id]]

    def reference(self, object_id: UUID, field: str, value: UUID | None) -> str | None:
        """The id a reference field holds: the linked object's, or the unresolved one the
        import kept."""
        if value:
            return str(value)
        if object_id not in self._unresolved:
            self.load([object_id])
        return self._unresolved[object_id].get(field)
