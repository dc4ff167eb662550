"""The writer of HSDS 3.0 documents (docs/hsds-profile.md).

Every output path (the /hsds/ API, JSON and CSV exports) goes through :class:`HsdsWriter`, whose
``reveal`` predicate decides, per location, whether the address and coordinates may be shown.
A confidential location that is not revealed keeps only its municipality, region and phones.
"""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from arrimage.directory import geo
from arrimage.directory.hsds import (
    Reveal,
    address_doc,
    attribute_doc,
    clean,
    contact_doc,
    doc_extras,
    doc_ref,
    hsds_datetime,
    hsds_number,
    id_text,
    language_doc,
    organization_doc,
    phone_doc,
    public_reveal,
    schedule_doc,
    service_doc,
)
from arrimage.directory.hsds_links import Links
from arrimage.directory.hsds_queries import location_ids, organization_ids, sal_ids, service_ids
from arrimage.directory.models import DirectoryOrganization, Location, Service, ServiceAtLocation


class HsdsWriter:
    """Builds HSDS documents; ``reveal`` says which confidential addresses the reader sees.

    Attributes, metadata and unresolved references are loaded per batch: call
    :meth:`services_load` or :meth:`organizations_load` with a batch before writing it (the
    documents load what is missing otherwise, a few queries per object)."""

    def __init__(self, reveal: Reveal = public_reveal) -> None:
        self.reveal = reveal
        self.links = Links()

    def attributes_load(self, ids: Iterable[UUID]) -> None:
        self.links.load(ids)

    def services_load(self, services: Iterable[Service]) -> None:
        self.links.load(i for s in services for i in service_ids(s))

    def organizations_load(self, organizations: Iterable[DirectoryOrganization]) -> None:
        self.links.load(i for o in organizations for i in organization_ids(o))

    def attributes(self, link_id: UUID) -> list[dict[str, Any]]:
        return [attribute_doc(a, links=self.links) for a in self.links.attributes(link_id)]

    def location_doc(self, location: Location) -> dict[str, Any]:
        municipality = geo.municipality_get(location.municipality_code)
        region_code = location.region.code if location.region_id and location.region else None
        extension = {
            "confidential": location.is_confidential,
            "municipality": location.municipality_code,
            "municipality_name": municipality.name if municipality else None,
            "region_code": region_code,
        }
        if location.is_confidential and not self.reveal(location):
            place = (
                municipality.name
                if municipality
                else (location.region.name_fr if location.region_id and location.region else "")
            )
            return clean(
                {
                    "id": str(location.id),
                    "location_type": location.location_type,
                    "organization_id": id_text(location.organization_id),
                    "name": place,
                    "phones": [phone_doc(p) for p in location.phones.all()],
                    **extension,
                }
            ) | {"confidential": True}
        self.links.load(location_ids(location))
        links = self.links
        return clean(
            {
                "id": str(location.id),
                "location_type": location.location_type,
                "url": location.url,
                "organization_id": doc_ref(links, location, "organization_id"),
                "name": location.name,
                "alternate_name": location.alternate_name,
                "description": location.description,
                "transportation": location.transportation,
                "latitude": hsds_number(location.latitude),
                "longitude": hsds_number(location.longitude),
                "external_identifier": location.external_identifier,
                "external_identifier_type": location.external_identifier_type,
                "languages": [language_doc(x, links=links) for x in location.languages.all()],
                "addresses": [address_doc(a, links=links) for a in location.addresses.all()],
                "contacts": [contact_doc(c, links=links) for c in location.contacts.all()],
                "accessibility": [
                    clean(
                        {
                            "id": str(a.id),
                            "location_id": str(a.location_id),
                            "description": a.description,
                            "details": a.details,
                            "url": a.url,
                            **doc_extras(links, a.id),
                        }
                    )
                    for a in location.accessibility.all()
                ],
                "phones": [phone_doc(p, links=links) for p in location.phones.all()],
                "schedules": [schedule_doc(s, links=links) for s in location.schedules.all()],
                **doc_extras(links, location.id),
                **extension,
            }
        ) | {"confidential": location.is_confidential}

    def service_at_location_doc(
        self, sal: ServiceAtLocation, *, full: bool = True, service: bool = False
    ) -> dict[str, Any]:
        links = self.links
        doc = clean(
            {
                "id": str(sal.id),
                "service_id": str(sal.service_id),
                "location_id": str(sal.location_id),
                "description": sal.description,
            }
        )
        if full:
            links.load(sal_ids(sal))
            doc |= clean(
                {
                    "contacts": [contact_doc(c, links=links) for c in sal.contacts.all()],
                    "phones": [phone_doc(p, links=links) for p in sal.phones.all()],
                    "schedules": [schedule_doc(s, links=links) for s in sal.schedules.all()],
                    **doc_extras(links, sal.id),
                }
            )
        doc["location"] = self.location_doc(sal.location)
        if service:
            doc["service"] = service_doc(sal.service)
        return doc

    def service_full(self, service: Service) -> dict[str, Any]:
        links = self.links
        links.load(service_ids(service))
        doc = service_doc(service, links=links)
        program = service.program
        doc |= clean(
            {
                "phones": [phone_doc(p, links=links) for p in service.phones.all()],
                "schedules": [schedule_doc(s, links=links) for s in service.schedules.all()],
                "service_areas": [
                    clean(
                        {
                            "id": str(a.id),
                            "service_id": str(a.service_id),
                            "name": a.name,
                            "description": a.description,
                            "extent": a.extent,
                            "extent_type": a.extent_type,
                            "uri": a.uri,
                            **doc_extras(links, a.id),
                        }
                    )
                    for a in service.service_areas.all()
                ],
                "service_at_locations": [
                    self.service_at_location_doc(s) for s in service.service_at_locations.all()
                ],
                "languages": [language_doc(x, links=links) for x in service.languages.all()],
                "organization": organization_doc(service.organization)
                | clean(
                    {
                        "organization_identifiers": [
                            _identifier_doc(i, links)
                            for i in service.organization.organization_identifiers.all()
                        ]
                    }
                ),
                "funding": [
                    clean(
                        {
                            "id": str(f.id),
                            "organization_id": doc_ref(links, f, "organization_id"),
                            "service_id": str(f.service_id),
                            "source": f.source,
                            **doc_extras(links, f.id),
                        }
                    )
                    for f in service.funding.all()
                ],
                "cost_options": [
                    clean(
                        {
                            "id": str(c.id),
                            "service_id": str(c.service_id),
                            "valid_from": c.valid_from,
                            "valid_to": c.valid_to,
                            "option": c.option,
                            "currency": c.currency,
                            "amount": hsds_number(c.amount),
                            "amount_description": c.amount_description,
                            **doc_extras(links, c.id),
                        }
                    )
                    for c in service.cost_options.all()
                ],
                "program": _program_doc(program, links) if program else None,
                "required_documents": [
                    clean(
                        {
                            "id": str(d.id),
                            "service_id": str(d.service_id),
                            "document": d.document,
                            "uri": d.uri,
                            **doc_extras(links, d.id),
                        }
                    )
                    for d in service.required_documents.all()
                ],
                "contacts": [contact_doc(c, links=links) for c in service.contacts.all()],
                **doc_extras(links, service.id),
                "capacities": [
                    clean(
                        {
                            "id": str(c.id),
                            "service_id": str(c.service_id),
                            "unit": {
                                "id": str(c.id),
                                "name": c.unit,
                                "scheme": "arrimage",
                                "identifier": c.unit,
                            },
                            "available": c.available,
                            "maximum": c.maximum,
                            "description": c.description,
                            "updated": hsds_datetime(c.updated),
                        }
                    )
                    for c in service.capacities.all()
                    if self.availability_shown(service)
                ],
            }
        )
        return doc

    def availability_shown(self, service: Service) -> bool:
        """How many places a service has free is for signed-in members only when it is
        offered at a confidential location (issue 13): a reader who does not see every such
        address does not see the availability either."""
        return all(
            self.reveal(sal.location)
            for sal in service.service_at_locations.all()
            if sal.location.is_confidential
        )

    def organization_full(
        self, org: DirectoryOrganization, services: list[dict[str, Any]]
    ) -> dict[str, Any]:
        links = self.links
        links.load(organization_ids(org))
        doc = organization_doc(org)
        doc |= clean(
            {
                "funding": [
                    clean(
                        {
                            "id": str(f.id),
                            "organization_id": str(f.organization_id),
                            "service_id": doc_ref(links, f, "service_id"),
                            "source": f.source,
                            **doc_extras(links, f.id),
                        }
                    )
                    for f in org.funding.all()
                ],
                "contacts": [contact_doc(c, links=links) for c in org.contacts.all()],
                "phones": [phone_doc(p, links=links) for p in org.phones.all()],
                "locations": [self.location_doc(loc) for loc in org.locations.all()],
                "programs": [_program_doc(p, links) for p in org.programs.all()],
                "organization_identifiers": [
                    _identifier_doc(i, links) for i in org.organization_identifiers.all()
                ],
                **doc_extras(links, org.id),
            }
        )
        doc["services"] = services
        return doc


def _identifier_doc(identifier: Any, links: Links) -> dict[str, Any]:
    return clean(
        {
            "id": str(identifier.id),
            "organization_id": str(identifier.organization_id),
            "identifier_scheme": identifier.identifier_scheme,
            "identifier_type": identifier.identifier_type,
            "identifier": identifier.identifier,
            **doc_extras(links, identifier.id),
        }
    )


def _program_doc(program: Any, links: Links) -> dict[str, Any]:
    return clean(
        {
            "id": str(program.id),
            "organization_id": str(program.organization_id),
            "name": program.name,
            "alternate_name": program.alternate_name,
            "description": program.description,
            **doc_extras(links, program.id),
        }
    )
