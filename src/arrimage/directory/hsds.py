"""HSDS 3.0 documents from the directory, as the profile describes (docs/hsds-profile.md).

Every output path (the /hsds/ API, JSON and CSV exports) goes through :class:`HsdsWriter`, whose
``reveal`` predicate decides, per location, whether the address and coordinates may be shown.
A confidential location that is not revealed keeps only its municipality, region and phones.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from arrimage.directory import geo
from arrimage.directory.models import (
    Attribute,
    DirectoryOrganization,
    Location,
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
    return value.isoformat() if value else None


def taxonomy_doc(taxonomy: Taxonomy) -> dict[str, Any]:
    return clean(
        {
            "id": str(taxonomy.id),
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": taxonomy.uri,
            "version": taxonomy.version,
        }
    )


def taxonomy_term_doc(term: TaxonomyTerm) -> dict[str, Any]:
    return clean(
        {
            "id": str(term.id),
            "code": term.code,
            "name": term.name_fr or term.name_en or term.code,
            "description": term.description_fr
            or term.description_en
            or term.name_fr
            or term.name_en
            or term.code,
            "parent_id": _id(term.parent_id),
            "taxonomy": term.taxonomy_name,
            "language": term.language,
            "taxonomy_id": _id(term.taxonomy_id),
            "term_uri": term.term_uri,
            "name_fr": term.name_fr,
            "name_en": term.name_en,
            "description_fr": term.description_fr,
            "description_en": term.description_en,
        }
    )


def attribute_doc(attribute: Attribute, *, nested: bool = True) -> dict[str, Any]:
    doc = clean(
        {
            "id": str(attribute.id),
            "link_id": str(attribute.link_id),
            "taxonomy_term_id": str(attribute.taxonomy_term_id),
            "link_type": attribute.link_type,
            "link_entity": attribute.link_entity,
            "value": attribute.value,
        }
    )
    if nested:
        doc["taxonomy_term"] = taxonomy_term_doc(attribute.taxonomy_term)
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
            "parent_organization_id": _id(org.parent_organization_id),
            "description_fr": org.description_fr,
            "description_en": org.description_en,
            "last_modified": _dt(org.last_modified),
        }
    )


def service_doc(service: Service) -> dict[str, Any]:
    """The one-to-one fields (``service_list``)."""
    return clean(
        {
            "id": str(service.id),
            "organization_id": str(service.organization_id),
            "program_id": _id(service.program_id),
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


def phone_doc(phone: Phone) -> dict[str, Any]:
    return clean(
        {
            "id": str(phone.id),
            "location_id": _id(phone.location_id),
            "service_id": _id(phone.service_id),
            "organization_id": _id(phone.organization_id),
            "contact_id": _id(phone.contact_id),
            "service_at_location_id": _id(phone.service_at_location_id),
            "number": phone.number,
            "extension": phone.extension,
            "type": phone.type,
            "description": phone.description,
            "languages": [language_doc(x) for x in phone.languages.all()],
        }
    )


def language_doc(language: Any) -> dict[str, Any]:
    return clean(
        {
            "id": str(language.id),
            "service_id": _id(language.service_id),
            "location_id": _id(language.location_id),
            "phone_id": _id(language.phone_id),
            "name": language.name,
            "code": language.code,
            "note": language.note,
        }
    )


def schedule_doc(schedule: Any) -> dict[str, Any]:
    fields = (
        "valid_from",
        "valid_to",
        "dtstart",
        "until",
        "wkst",
        "freq",
        "interval",
        "byday",
        "bymonthday",
        "description",
        "opens_at",
        "closes_at",
        "attending_type",
        "notes",
    )
    return clean(
        {
            "id": str(schedule.id),
            "service_id": _id(schedule.service_id),
            "location_id": _id(schedule.location_id),
            "service_at_location_id": _id(schedule.service_at_location_id),
            **{f: getattr(schedule, f) for f in fields},
        }
    )


def contact_doc(contact: Any) -> dict[str, Any]:
    return clean(
        {
            "id": str(contact.id),
            "organization_id": _id(contact.organization_id),
            "service_id": _id(contact.service_id),
            "service_at_location_id": _id(contact.service_at_location_id),
            "location_id": _id(contact.location_id),
            "name": contact.name,
            "title": contact.title,
            "department": contact.department,
            "email": contact.email,
            "phones": [phone_doc(p) for p in contact.phones.all()],
        }
    )


def address_doc(address: Any) -> dict[str, Any]:
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
        }
    )


class HsdsWriter:
    """Builds HSDS documents; ``reveal`` says which confidential addresses the reader sees."""

    def __init__(self, reveal: Reveal = public_reveal) -> None:
        self.reveal = reveal
        self._attributes: dict[UUID, list[Attribute]] = {}

    # Attributes are generic links: load them for a batch of objects at once.
    def attributes_load(self, ids: Iterable[UUID]) -> None:
        wanted = [i for i in ids if i not in self._attributes]
        found: dict[UUID, list[Attribute]] = defaultdict(list)
        for start in range(0, len(wanted), 500):
            for attribute in (
                Attribute.objects.filter(link_id__in=wanted[start : start + 500])
                .select_related("taxonomy_term")
                .order_by("id")
            ):
                found[attribute.link_id].append(attribute)
        for i in wanted:
            self._attributes[i] = found.get(i, [])

    def attributes(self, link_id: UUID) -> list[dict[str, Any]]:
        if link_id not in self._attributes:
            self.attributes_load([link_id])
        return [attribute_doc(a) for a in self._attributes[link_id]]

    def location_doc(self, location: Location) -> dict[str, Any]:
        municipality = geo.municipality_get(location.municipality_code)
        region_code = location.region.code if location.region_id and location.region else None
        extension = {
            "confidential": location.is_confidential,
            "municipality": location.municipality_code,
            "municipality_name": municipality.name if municipality else None,
            "region_code": region_code,
        }
        phones = [phone_doc(p) for p in location.phones.all()]
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
                    "phones": phones,
                    **extension,
                }
            ) | {"confidential": True}
        return clean(
            {
                "id": str(location.id),
                "location_type": location.location_type,
                "url": location.url,
                "organization_id": _id(location.organization_id),
                "name": location.name,
                "alternate_name": location.alternate_name,
                "description": location.description,
                "transportation": location.transportation,
                "latitude": location.latitude,
                "longitude": location.longitude,
                "external_identifier": location.external_identifier,
                "external_identifier_type": location.external_identifier_type,
                "languages": [language_doc(x) for x in location.languages.all()],
                "addresses": [address_doc(a) for a in location.addresses.all()],
                "contacts": [contact_doc(c) for c in location.contacts.all()],
                "accessibility": [
                    clean(
                        {
                            "id": str(a.id),
                            "location_id": str(a.location_id),
                            "description": a.description,
                            "details": a.details,
                            "url": a.url,
                        }
                    )
                    for a in location.accessibility.all()
                ],
                "phones": phones,
                "schedules": [schedule_doc(s) for s in location.schedules.all()],
                "attributes": self.attributes(location.id),
                **extension,
            }
        ) | {"confidential": location.is_confidential}

    def service_at_location_doc(
        self, sal: ServiceAtLocation, *, full: bool = True, service: bool = False
    ) -> dict[str, Any]:
        doc = clean(
            {
                "id": str(sal.id),
                "service_id": str(sal.service_id),
                "location_id": str(sal.location_id),
                "description": sal.description,
            }
        )
        if full:
            doc |= clean(
                {
                    "contacts": [contact_doc(c) for c in sal.contacts.all()],
                    "phones": [phone_doc(p) for p in sal.phones.all()],
                    "schedules": [schedule_doc(s) for s in sal.schedules.all()],
                    "attributes": self.attributes(sal.id),
                }
            )
        doc["location"] = self.location_doc(sal.location)
        if service:
            doc["service"] = service_doc(sal.service)
        return doc

    def service_full(self, service: Service) -> dict[str, Any]:
        doc = service_doc(service)
        program = service.program
        doc |= clean(
            {
                "phones": [phone_doc(p) for p in service.phones.all()],
                "schedules": [schedule_doc(s) for s in service.schedules.all()],
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
                        }
                    )
                    for a in service.service_areas.all()
                ],
                "service_at_locations": [
                    self.service_at_location_doc(s) for s in service.service_at_locations.all()
                ],
                "languages": [language_doc(x) for x in service.languages.all()],
                "organization": organization_doc(service.organization),
                "funding": [
                    clean({"id": str(f.id), "service_id": str(f.service_id), "source": f.source})
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
                            "amount": c.amount,
                            "amount_description": c.amount_description,
                        }
                    )
                    for c in service.cost_options.all()
                ],
                "program": clean(
                    {
                        "id": str(program.id),
                        "organization_id": str(program.organization_id),
                        "name": program.name,
                        "alternate_name": program.alternate_name,
                        "description": program.description,
                    }
                )
                if program
                else None,
                "required_documents": [
                    clean(
                        {
                            "id": str(d.id),
                            "service_id": str(d.service_id),
                            "document": d.document,
                            "uri": d.uri,
                        }
                    )
                    for d in service.required_documents.all()
                ],
                "contacts": [contact_doc(c) for c in service.contacts.all()],
                "attributes": self.attributes(service.id),
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
                ],
            }
        )
        return doc

    def organization_full(
        self, org: DirectoryOrganization, services: list[dict[str, Any]]
    ) -> dict[str, Any]:
        doc = organization_doc(org)
        doc |= clean(
            {
                "funding": [
                    clean(
                        {
                            "id": str(f.id),
                            "organization_id": str(f.organization_id),
                            "source": f.source,
                        }
                    )
                    for f in org.funding.all()
                ],
                "contacts": [contact_doc(c) for c in org.contacts.all()],
                "phones": [phone_doc(p) for p in org.phones.all()],
                "locations": [self.location_doc(loc) for loc in org.locations.all()],
                "programs": [
                    clean(
                        {
                            "id": str(p.id),
                            "organization_id": str(p.organization_id),
                            "name": p.name,
                            "alternate_name": p.alternate_name,
                            "description": p.description,
                        }
                    )
                    for p in org.programs.all()
                ],
                "attributes": self.attributes(org.id),
            }
        )
        doc["services"] = services
        return doc


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
        Prefetch("locations", queryset=location_queryset()),
    )


def profile_meta(base_url: str) -> dict[str, Any]:
    return {"version": HSDS_VERSION, "profile": base_url.rstrip("/") + PROFILE_PATH}
