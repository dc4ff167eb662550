"""Which Arrimage organisations an imported object belongs to.

An object belongs to the owners of the directory organizations it hangs from: a service
through its organization, a phone through its service, location, contact or organization, an
attribute through the object it describes, and so on, through the links the file gives and
the links already stored. A web import may only touch objects whose organizations all belong
to the acting organisation (a new organization becomes its own); taxonomies are shared.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from arrimage.directory.exchange_shape import Record, RowError
from arrimage.directory.models import DirectoryOrganization, ServiceAtLocation

# Kinds every organisation shares: no owner.
SHARED = frozenset({"taxonomy", "taxonomy_term", "meta_table_description"})
# The links through which a kind belongs to an organization: model field -> kind.
OWNER_LINKS: dict[str, dict[str, str]] = {
    "organization_identifier": {"organization_id": "organization"},
    "program": {"organization_id": "organization"},
    "location": {"organization_id": "organization"},
    "service": {"organization_id": "organization"},
    "service_at_location": {"service_id": "service", "location_id": "location"},
    "address": {"location_id": "location"},
    "accessibility": {"location_id": "location"},
    "contact": {
        "organization_id": "organization",
        "service_id": "service",
        "service_at_location_id": "service_at_location",
        "location_id": "location",
    },
    "phone": {
        "location_id": "location",
        "service_id": "service",
        "organization_id": "organization",
        "contact_id": "contact",
        "service_at_location_id": "service_at_location",
    },
    "schedule": {
        "service_id": "service",
        "location_id": "location",
        "service_at_location_id": "service_at_location",
    },
    "language": {"service_id": "service", "location_id": "location", "phone_id": "phone"},
    "service_area": {"service_id": "service"},
    "cost_option": {"service_id": "service"},
    "required_document": {"service_id": "service"},
    "funding": {"organization_id": "organization", "service_id": "service"},
    "service_capacity": {"service_id": "service"},
}
# Links to an object of any kind (HSDS attribute and metadata).
ANY_LINKS = {"attribute": "link_id", "metadata": "resource_id"}
# A place belongs to the organizations of the services offered there, too.
OFFERED_AT = "location"

Node = tuple[str, uuid.UUID]


class Owners:
    """Resolves, for objects of a bundle (``incoming``: kind -> id -> model values) and
    objects already stored, the directory organizations they hang from and their owners."""

    def __init__(
        self,
        models_by_kind: dict[str, type[models.Model]],
        incoming: dict[str, dict[uuid.UUID, dict[str, Any]]],
        *,
        new_owner: uuid.UUID | None,
    ) -> None:
        self.models = models_by_kind
        self.incoming = incoming
        self.new_owner = new_owner
        self._parents: dict[Node, set[Node]] = {}
        self._organizations: dict[Node, frozenset[uuid.UUID]] = {}
        self._owners: dict[uuid.UUID, uuid.UUID | None] = {}

    def _kind_of(self, value: uuid.UUID, hint: str) -> str | None:
        """The kind of the object with id ``value``: the one ``hint`` names, else whichever
        holds it."""
        kinds = [hint] if hint in self.models else []
        kinds += [k for k in self.models if k != hint and k not in SHARED]
        for kind in kinds:
            if value in self.incoming.get(kind, {}):
                return kind
        for kind in kinds:
            if self.models[kind].objects.filter(pk=value).exists():  # type: ignore[attr-defined]
                return kind
        return None

    def _links(self, kind: str, values: dict[str, Any]) -> set[Node]:
        found: set[Node] = set()
        for name, target in OWNER_LINKS.get(kind, {}).items():
            if values.get(name):
                found.add((target, values[name]))
        link = ANY_LINKS.get(kind)
        if link and values.get(link):
            hint = str(values.get("link_entity") or values.get("resource_type") or "")
            target_kind = self._kind_of(values[link], hint)
            if target_kind:
                found.add((target_kind, values[link]))
        return found

    def _load(self, nodes: Iterable[Node]) -> None:
        """The parents of ``nodes``: from the file and as stored."""
        by_kind: dict[str, list[uuid.UUID]] = defaultdict(list)
        for kind, pk in nodes:
            if (kind, pk) in self._parents:
                continue
            self._parents[(kind, pk)] = self._links(kind, self.incoming.get(kind, {}).get(pk, {}))
            by_kind[kind].append(pk)
        for kind, pks in by_kind.items():
            if kind == OFFERED_AT:
                self._load_offered(pks)
            names = list(OWNER_LINKS.get(kind, {}))
            if kind in ANY_LINKS:
                names += [
                    ANY_LINKS[kind],
                    "link_entity" if kind == "attribute" else "resource_type",
                ]
            if not names:
                continue
            model = self.models[kind]
            for start in range(0, len(pks), 500):
                for stored in model.objects.filter(  # type: ignore[attr-defined]
                    pk__in=pks[start : start + 500]
                ).values("pk", *names):
                    self._parents[(kind, stored["pk"])] |= self._links(kind, stored)

    def preload(self, nodes: Iterable[Node]) -> None:
        self._load(list(nodes))

    def _load_offered(self, pks: list[uuid.UUID]) -> None:
        wanted = set(pks)
        for values in self.incoming.get("service_at_location", {}).values():
            if values.get("location_id") in wanted and values.get("service_id"):
                self._parents[(OFFERED_AT, values["location_id"])].add(
                    ("service", values["service_id"])
                )
        for start in range(0, len(pks), 500):
            for location_id, service_id in ServiceAtLocation.objects.filter(
                location_id__in=pks[start : start + 500]
            ).values_list("location_id", "service_id"):
                self._parents[(OFFERED_AT, location_id)].add(("service", service_id))

    def organizations(self, node: Node) -> frozenset[uuid.UUID]:
        if node in self._organizations:
            return self._organizations[node]
        found: set[uuid.UUID] = set()
        seen: set[Node] = set()
        frontier = [node]
        while frontier:
            self._load(frontier)
            next_frontier = []
            for current in frontier:
                if current in seen:
                    continue
                seen.add(current)
                if current[0] == "organization":
                    found.add(current[1])
                    continue
                next_frontier += [p for p in self._parents[current] if p not in seen]
            frontier = next_frontier
        self._organizations[node] = frozenset(found)
        return self._organizations[node]

    def owner(self, organization_id: uuid.UUID) -> uuid.UUID | None:
        if organization_id not in self._owners:
            stored = (
                DirectoryOrganization.objects.filter(pk=organization_id)
                .values_list("owner_id")
                .first()
            )
            self._owners[organization_id] = stored[0] if stored else self.new_owner
        return self._owners[organization_id]

    def foreign(self, kind: str, pk: uuid.UUID, organisation_id: uuid.UUID) -> bool:
        """Whether the object hangs from an organization that ``organisation_id`` does not
        own."""
        if kind in SHARED:
            return False
        organizations = self.organizations((kind, pk))
        return any(self.owner(o) != organisation_id for o in organizations)


def ownership_errors(
    *,
    models_by_kind: dict[str, type[models.Model]],
    merged: dict[str, dict[str, Record]],
    converted: dict[str, dict[str, dict[str, Any]]],
    organisation_id: uuid.UUID | None,
) -> tuple[list[RowError], Owners]:
    """For an import acting for ``organisation_id``: every object of the file that hangs,
    as stored or as the file links it, from an organization another organisation owns.
    ``converted``: kind -> id -> the object's links after the import."""
    owners = Owners(
        models_by_kind,
        {kind: {uuid.UUID(k): v for k, v in rows.items()} for kind, rows in converted.items()},
        new_owner=organisation_id,
    )
    errors: list[RowError] = []
    if organisation_id is None:
        return errors, owners
    # The file's objects as stored, a query per kind: the walk up to the organizations then
    # loads only what the file does not hold.
    owners.preload(
        (kind, uuid.UUID(key))
        for kind, rows in converted.items()
        if kind not in SHARED
        for key in rows
    )
    for kind, rows in converted.items():
        if kind in SHARED:
            continue
        for key in rows:
            if owners.foreign(kind, uuid.UUID(key), organisation_id):
                record = merged[kind][key]
                where = f"{record.path}.id" if record.path else "id"
                errors.append(
                    RowError(
                        record.file,
                        record.row,
                        where,
                        _("this %(entity)s belongs to another Arrimage organisation")
                        % {"entity": kind},
                    )
                )
    return errors, owners
