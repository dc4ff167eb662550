"""HSDS 3.0 documents from the directory, one function per object, as the profile describes
(docs/hsds-profile.md). :class:`arrimage.directory.hsds_writer.HsdsWriter` assembles them; its
``reveal`` predicate (:func:`public_reveal`, :func:`reveal_all`) decides, per location, whether
the address and coordinates may be shown.
"""

from collections.abc import Callable
from datetime import UTC
from typing import Any
from uuid import UUID

from arrimage.directory.hsds_links import Links
from arrimage.directory.models import (
    Attribute,
    DirectoryOrganization,
    Location,
    MetaTableDescription,
    Phone,
    Service,
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


def id_text(value: UUID | None) -> str | None:
    return str(value) if value else None


def hsds_datetime(value: Any) -> str | None:
    """RFC 3339 in UTC, as HSDS publishers write it: ``2023-03-15T10:30:45.123Z``."""
    if not value:
        return None
    text = value.astimezone(UTC).isoformat()
    if "." in text:
        whole, fraction = text.removesuffix("+00:00").split(".")
        fraction = fraction.rstrip("0")
        text = f"{whole}.{fraction}" if fraction else whole
    return text.removesuffix("+00:00") + "Z"


def hsds_number(value: float | None) -> float | int | None:
    """A stored float as it was given: 3, not 3.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def doc_ref(links: Links | None, obj: Any, field: str) -> str | None:
    """A reference field: the linked id, or the unresolved one an import kept."""
    value = getattr(obj, field)
    if links is None:
        return id_text(value)
    return links.reference(obj.pk, field, value)


def doc_extras(links: Links | None, pk: UUID, *, attributes: bool = True) -> dict[str, Any]:
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
            **doc_extras(links, taxonomy.id, attributes=False),
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
            "parent_id": doc_ref(links, term, "parent_id"),
            "taxonomy": term.taxonomy_name,
            "language": term.language,
            "taxonomy_id": doc_ref(links, term, "taxonomy_id"),
            "term_uri": term.term_uri,
            "name_fr": term.name_fr,
            "name_en": term.name_en,
            "description_fr": term.description_fr,
            "description_en": term.description_en,
            **doc_extras(links, term.id, attributes=False),
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
            **doc_extras(links, attribute.id, attributes=False),
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
            "parent_organization_id": id_text(org.parent_organization_id),
            "description_fr": org.description_fr,
            "description_en": org.description_en,
            "last_modified": hsds_datetime(org.last_modified),
        }
    )


def service_doc(service: Service, *, links: Links | None = None) -> dict[str, Any]:
    """The one-to-one fields (``service_list``)."""
    return clean(
        {
            "id": str(service.id),
            "organization_id": str(service.organization_id),
            "program_id": doc_ref(links, service, "program_id"),
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
            "last_modified": hsds_datetime(service.last_modified),
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
            "location_id": doc_ref(links, phone, "location_id"),
            "service_id": doc_ref(links, phone, "service_id"),
            "organization_id": doc_ref(links, phone, "organization_id"),
            "contact_id": doc_ref(links, phone, "contact_id"),
            "service_at_location_id": doc_ref(links, phone, "service_at_location_id"),
            "number": phone.number,
            "extension": phone.extension,
            "type": phone.type,
            "description": phone.description,
            "languages": [language_doc(x, links=links) for x in phone.languages.all()],
            **doc_extras(links, phone.id),
        }
    )


def language_doc(language: Any, *, links: Links | None = None) -> dict[str, Any]:
    return clean(
        {
            "id": str(language.id),
            "service_id": doc_ref(links, language, "service_id"),
            "location_id": doc_ref(links, language, "location_id"),
            "phone_id": doc_ref(links, language, "phone_id"),
            "name": language.name,
            "code": language.code,
            "note": language.note,
            **doc_extras(links, language.id),
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
            "service_id": doc_ref(links, schedule, "service_id"),
            "location_id": doc_ref(links, schedule, "location_id"),
            "service_at_location_id": doc_ref(links, schedule, "service_at_location_id"),
            "timezone": hsds_number(schedule.timezone),
            **{f: getattr(schedule, f) for f in SCHEDULE_FIELDS},
            **doc_extras(links, schedule.id),
        }
    )


def contact_doc(contact: Any, *, links: Links | None = None) -> dict[str, Any]:
    return clean(
        {
            "id": str(contact.id),
            "organization_id": doc_ref(links, contact, "organization_id"),
            "service_id": doc_ref(links, contact, "service_id"),
            "service_at_location_id": doc_ref(links, contact, "service_at_location_id"),
            "location_id": doc_ref(links, contact, "location_id"),
            "name": contact.name,
            "title": contact.title,
            "department": contact.department,
            "email": contact.email,
            "phones": [phone_doc(p, links=links) for p in contact.phones.all()],
            **doc_extras(links, contact.id),
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
            **doc_extras(links, address.id),
        }
    )


def profile_meta(base_url: str) -> dict[str, Any]:
    return {"version": HSDS_VERSION, "profile": base_url.rstrip("/") + PROFILE_PATH}
