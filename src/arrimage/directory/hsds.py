"""HSDS 3.0 documents from the directory, as the profile describes (docs/hsds-profile.md).

Every output path (the /hsds/ API, JSON and CSV exports) goes through :class:`HsdsWriter`, whose
``reveal`` predicate decides, per location, whether the address and coordinates may be shown.
A confidential location that is not revealed keeps only its municipality, region and phones.
"""

from collections.abc import Callable, Iterable
from datetime import UTC
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from arrimage.directory import geo
from arrimage.directory.hsds_links import Links
from arrimage.directory.models import (
    Attribute,
    DirectoryOrganization,
    Location,
    MetaTableDescription,
    Phone,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from arrimage.directory.schema import HSDS_VERSION

PROFILE_PATH = "/hsds/profile/"
Reveal = Callable[[Location], bool]


def public_reveal(location: Location) -> bool:
    """The public rule: a confidential location's address is never shown."""
    return not location.is_confidential


def reveal_all(location: Location) -> bool:
    return True


def clean(values: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: HSDS types forbid null, and an absent field means no value."""
    return {k: v for k, v in values.items() if v is not None and v != "" and v != []}


def _id(value: UUID | None) -> str | None:
    return str(value) if value else None


def _dt(value: Any) -> str | None:
    """RFC 3339 in UTC, as HSDS publishers write it: ``2023-03-15T10:30:45.123Z``."""
    if not value:
        return None
    text = value.astimezone(UTC).isoformat()
    if "." in text:
        whole, fraction = text.removesuffix("+00:00").split(".")
        fraction = fraction.rstrip("0")
        text = f"{whole}.{fraction}" if fraction else whole
    return text.removesuffix("+00:00") + "Z"


def _number(value: float | None) -> float | int | None:
    """A stored float as it was given: 3, not 3.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _ref(links: Links | None, obj: Any, field: str) -> str | None:
    """A reference field: the linked id, or the unresolved one an import kept."""
    value = getattr(obj, field)
    if links is None:
        return _id(value)
    return links.reference(obj.pk, field, value)


def _extras(links: Links | None, pk: UUID, *, attributes: bool = True) -> dict[str, Any]:
    if links is None:
        return {}
    extras: dict[str, Any] = {"metadata": links.metadata(pk)}
    if attributes:
        extras["attributes"] = [attribute_doc(a, links=links) for a in links.attributes(pk)]
    return extras


def taxonomy_doc(taxonomy: Taxonomy, *, links: Links | None = None) -> dict[str, Any]:
    return clean(
        {
            "id": str(taxonomy.id),
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": taxonomy.uri,
            "version": taxonomy.version,
            **_extras(links, taxonomy.id, attributes=False),
        }
    )


def taxonomy_term_doc(
    term: TaxonomyTerm, *, links: Links | None = None, nested: bool = False
) -> dict[str, Any]:
    """A taxonomy term; ``nested`` (in an attribute) with its taxonomy, as
    ``taxonomy_detail``."""
    doc = clean(
        {
            "id": str(term.id),
            "code": term.code,
            "name": term.name_fr or term.name_en or term.code,
            "description": term.description_fr
            or term.description_en
            or term.name_fr
            or term.name_en
            or term.code,
            "parent_id": _ref(links, term, "parent_id"),
            "taxonomy": term.taxonomy_name,
            "language": term.language,
            "taxonomy_id": _ref(links, term, "taxonomy_id"),
            "term_uri": term.term_uri,
            "name_fr": term.name_fr,
            "name_en": term.name_en,
            "description_fr": term.description_fr,
            "description_en": term.description_en,
            **_extras(links, term.id, attributes=False),
        }
    )
    if nested and term.taxonomy_id and term.taxonomy:
        doc["taxonomy_detail"] = taxonomy_doc(term.taxonomy, links=links)
    return doc


def attribute_doc(
    attribute: Attribute, *, nested: bool = True, links: Links | None = None
) -> dict[str, Any]:
    doc = clean(
        {
            "id": str(attribute.id),
            "link_id": str(attribute.link_id),
            "taxonomy_term_id": str(attribute.taxonomy_term_id),
            "link_type": attribute.link_type,
            "link_entity": attribute.link_entity,
            "value": attribute.value,
            **_extras(links, attribute.id, attributes=False),
        }
    )
    if nested:
        doc["taxonomy_term"] = taxonomy_term_doc(attribute.taxonomy_term, links=links, nested=True)
    return doc


def organization_doc(org: DirectoryOrganization) -> dict[str, Any]:
    """The one-to-one fields (``organization_list``)."""
    return clean(
        {
            "id": str(org.id),
            "name": org.name,
            "alternate_name": org.alternate_name,
            "description": org.description_fr or org.description_en or org.name,
            "email": org.email,
            "website": org.website,
            "legal_status": org.legal_status,
            "year_incorporated": org.year_incorporated,
            "uri": org.uri,
            "tax_status": org.tax_status,
            "tax_id": org.tax_id,
            "logo": org.logo,
            "parent_organization_id": _id(org.parent_organization_id),
            "description_fr": org.description_fr,
            "description_en": org.description_en,
            "last_modified": _dt(org.last_modified),
        }
    )


def service_doc(service: Service, *, links: Links | None = None) -> dict[str, Any]:
    """The one-to-one fields (``service_list``)."""
    return clean(
        {
            "id": str(service.id),
            "organization_id": str(service.organization_id),
            "program_id": _ref(links, service, "program_id"),
            "name": service.name_fr or service.name_en,
            "alternate_name": service.alternate_name,
            "description": service.description_fr or service.description_en,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "interpretation_services": service.interpretation_services,
            "application_process": service.application_process,
            "fees_description": service.fees_description,
            "wait_time": service.wait_time,
            "fees": service.fees,
            "accreditations": service.accreditations,
            "eligibility_description": service.eligibility_description_fr
            or service.eligibility_description_en,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": service.assured_date.isoformat() if service.assured_date else None,
            "assurer_email": service.assurer_email,
            "licenses": service.licenses,
            "alert": service.alert,
            "last_modified": _dt(service.last_modified),
            "name_fr": service.name_fr,
            "name_en": service.name_en,
            "description_fr": service.description_fr,
            "description_en": service.description_en,
            "eligibility_description_fr": service.eligibility_description_fr,
            "eligibility_description_en": service.eligibility_description_en,
        }
    )


def phone_doc(phone: Phone, *, links: Links | None = None) -> dict[str, Any]:
    return clean(
        {
            "id": str(phone.id),
            "location_id": _ref(links, phone, "location_id"),
            "service_id": _ref(links, phone, "service_id"),
            "organization_id": _ref(links, phone, "organization_id"),
            "contact_id": _ref(links, phone, "contact_id"),
            "service_at_location_id": _ref(links, phone, "service_at_location_id"),
            "number": phone.number,
            "extension": phone.extension,
            "type": phone.type,
            "description": phone.description,
            "languages": [language_doc(x, links=links) for x in phone.languages.all()],
            **_extras(links, phone.id),
        }
    )


def language_doc(language: Any, *, links: Links | None = None) -> dict[str, Any]:
    return clean(
        {
            "id": str(language.id),
            "service_id": _ref(links, language, "service_id"),
            "location_id": _ref(links, language, "location_id"),
            "phone_id": _ref(links, language, "phone_id"),
            "name": language.name,
            "code": language.code,
            "note": language.note,
            **_extras(links, language.id),
        }
    )


SCHEDULE_FIELDS = (
    "valid_from",
    "valid_to",
    "dtstart",
    "until",
    "count",
    "wkst",
    "freq",
    "interval",
    "byday",
    "byweekno",
    "bymonthday",
    "byyearday",
    "description",
    "opens_at",
    "closes_at",
    "schedule_link",
    "attending_type",
    "notes",
)


def schedule_doc(schedule: Any, *, links: Links | None = None) -> dict[str, Any]:
    return clean(
        {
            "id": str(schedule.id),
            "service_id": _ref(links, schedule, "service_id"),
            "location_id": _ref(links, schedule, "location_id"),
            "service_at_location_id": _ref(links, schedule, "service_at_location_id"),
            "timezone": _number(schedule.timezone),
            **{f: getattr(schedule, f) for f in SCHEDULE_FIELDS},
            **_extras(links, schedule.id),
        }
    )


def contact_doc(contact: Any, *, links: Links | None = None) -> dict[str, Any]:
    return clean(
        {
            "id": str(contact.id),
            "organization_id": _ref(links, contact, "organization_id"),
            "service_id": _ref(links, contact, "service_id"),
            "service_at_location_id": _ref(links, contact, "service_at_location_id"),
            "location_id": _ref(links, contact, "location_id"),
            "name": contact.name,
            "title": contact.title,
            "department": contact.department,
            "email": contact.email,
            "phones": [phone_doc(p, links=links) for p in contact.phones.all()],
            **_extras(links, contact.id),
        }
    )


def meta_table_description_doc(item: MetaTableDescription) -> dict[str, Any]:
    return clean(
        {
            "id": str(item.id),
            "name": item.name,
            "language": item.language,
            "character_set": item.character_set,
        }
    )


def address_doc(address: Any, *, links: Links | None = None) -> dict[str, Any]:
    return clean(
        {
            "id": str(address.id),
            "location_id": str(address.location_id),
            "attention": address.attention,
            "address_1": address.address_1,
            "address_2": address.address_2,
            "city": address.city,
            "region": address.region,
            "state_province": address.state_province,
            "postal_code": address.postal_code,
            "country": address.country,
            "address_type": address.address_type,
            **_extras(links, address.id),
        }
    )


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
        self.links.load(i for s in services for i in _service_ids(s))

    def organizations_load(self, organizations: Iterable[DirectoryOrganization]) -> None:
        self.links.load(i for o in organizations for i in _organization_ids(o))

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
                    "organization_id": _id(location.organization_id),
                    "name": place,
                    "phones": [phone_doc(p) for p in location.phones.all()],
                    **extension,
                }
            ) | {"confidential": True}
        self.links.load(_location_ids(location))
        links = self.links
        return clean(
            {
                "id": str(location.id),
                "location_type": location.location_type,
                "url": location.url,
                "organization_id": _ref(links, location, "organization_id"),
                "name": location.name,
                "alternate_name": location.alternate_name,
                "description": location.description,
                "transportation": location.transportation,
                "latitude": _number(location.latitude),
                "longitude": _number(location.longitude),
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
                            **_extras(links, a.id),
                        }
                    )
                    for a in location.accessibility.all()
                ],
                "phones": [phone_doc(p, links=links) for p in location.phones.all()],
                "schedules": [schedule_doc(s, links=links) for s in location.schedules.all()],
                **_extras(links, location.id),
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
            links.load(_sal_ids(sal))
            doc |= clean(
                {
                    "contacts": [contact_doc(c, links=links) for c in sal.contacts.all()],
                    "phones": [phone_doc(p, links=links) for p in sal.phones.all()],
                    "schedules": [schedule_doc(s, links=links) for s in sal.schedules.all()],
                    **_extras(links, sal.id),
                }
            )
        doc["location"] = self.location_doc(sal.location)
        if service:
            doc["service"] = service_doc(sal.service)
        return doc

    def service_full(self, service: Service) -> dict[str, Any]:
        links = self.links
        links.load(_service_ids(service))
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
                            **_extras(links, a.id),
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
                            "organization_id": _ref(links, f, "organization_id"),
                            "service_id": str(f.service_id),
                            "source": f.source,
                            **_extras(links, f.id),
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
                            "amount": _number(c.amount),
                            "amount_description": c.amount_description,
                            **_extras(links, c.id),
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
                            **_extras(links, d.id),
                        }
                    )
                    for d in service.required_documents.all()
                ],
                "contacts": [contact_doc(c, links=links) for c in service.contacts.all()],
                **_extras(links, service.id),
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
                            "updated": _dt(c.updated),
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
        links.load(_organization_ids(org))
        doc = organization_doc(org)
        doc |= clean(
            {
                "funding": [
                    clean(
                        {
                            "id": str(f.id),
                            "organization_id": str(f.organization_id),
                            "service_id": _ref(links, f, "service_id"),
                            "source": f.source,
                            **_extras(links, f.id),
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
                **_extras(links, org.id),
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
            **_extras(links, identifier.id),
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
            **_extras(links, program.id),
        }
    )


# The ids of every object a document nests, from the prefetched relations.


def _phone_ids(phone: Phone) -> list[UUID]:
    return [phone.pk, *[x.pk for x in phone.languages.all()]]


def _contact_ids(contact: Any) -> list[UUID]:
    return [contact.pk, *[i for p in contact.phones.all() for i in _phone_ids(p)]]


def _location_ids(location: Location) -> list[UUID]:
    return [
        location.pk,
        *[x.pk for x in location.languages.all()],
        *[x.pk for x in location.addresses.all()],
        *[x.pk for x in location.accessibility.all()],
        *[x.pk for x in location.schedules.all()],
        *[i for p in location.phones.all() for i in _phone_ids(p)],
        *[i for c in location.contacts.all() for i in _contact_ids(c)],
    ]


def _sal_ids(sal: ServiceAtLocation) -> list[UUID]:
    return [
        sal.pk,
        *[x.pk for x in sal.schedules.all()],
        *[i for p in sal.phones.all() for i in _phone_ids(p)],
        *[i for c in sal.contacts.all() for i in _contact_ids(c)],
        *_location_ids(sal.location),
    ]


def _service_ids(service: Service) -> list[UUID]:
    return [
        service.pk,
        *([service.program_id] if service.program_id else []),
        *[x.pk for x in service.schedules.all()],
        *[x.pk for x in service.service_areas.all()],
        *[x.pk for x in service.languages.all()],
        *[x.pk for x in service.funding.all()],
        *[x.pk for x in service.cost_options.all()],
        *[x.pk for x in service.required_documents.all()],
        *[x.pk for x in service.organization.organization_identifiers.all()],
        *[i for p in service.phones.all() for i in _phone_ids(p)],
        *[i for c in service.contacts.all() for i in _contact_ids(c)],
        *[i for sal in service.service_at_locations.all() for i in _sal_ids(sal)],
    ]


def _organization_ids(org: DirectoryOrganization) -> list[UUID]:
    return [
        org.pk,
        *[x.pk for x in org.funding.all()],
        *[x.pk for x in org.programs.all()],
        *[x.pk for x in org.organization_identifiers.all()],
        *[i for p in org.phones.all() for i in _phone_ids(p)],
        *[i for c in org.contacts.all() for i in _contact_ids(c)],
        *[i for loc in org.locations.all() for i in _location_ids(loc)],
    ]


LOCATION_PREFETCH = (
    "languages",
    "addresses",
    "contacts__phones__languages",
    "accessibility",
    "phones__languages",
    "schedules",
)


def location_queryset() -> QuerySet[Location]:
    return Location.objects.select_related("region").prefetch_related(*LOCATION_PREFETCH)


def services_full_queryset() -> QuerySet[Service]:
    return Service.objects.select_related("organization", "program").prefetch_related(
        "organization__organization_identifiers",
        "phones__languages",
        "schedules",
        "service_areas",
        "languages",
        "funding",
        "cost_options",
        "required_documents",
        "contacts__phones__languages",
        "capacities",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location__region").prefetch_related(
                "contacts__phones__languages",
                "phones__languages",
                "schedules",
                *[f"location__{p}" for p in LOCATION_PREFETCH],
            ),
        ),
    )


def organizations_full_queryset() -> QuerySet[DirectoryOrganization]:
    return DirectoryOrganization.objects.prefetch_related(
        "funding",
        "contacts__phones__languages",
        "phones__languages",
        "programs",
        "organization_identifiers",
        Prefetch("locations", queryset=location_queryset()),
    )


def profile_meta(base_url: str) -> dict[str, Any]:
    return {"version": HSDS_VERSION, "profile": base_url.rstrip("/") + PROFILE_PATH}
