"""What an HSDS document needs loaded: the querysets that prefetch every nested object, and the
ids of every object a document nests (to load their attributes and metadata per batch)."""

from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from arrimage.directory.models import (
    DirectoryOrganization,
    Location,
    Phone,
    Service,
    ServiceAtLocation,
)


def phone_ids(phone: Phone) -> list[UUID]:
    return [phone.pk, *[x.pk for x in phone.languages.all()]]


def contact_ids(contact: Any) -> list[UUID]:
    return [contact.pk, *[i for p in contact.phones.all() for i in phone_ids(p)]]


def location_ids(location: Location) -> list[UUID]:
    return [
        location.pk,
        *[x.pk for x in location.languages.all()],
        *[x.pk for x in location.addresses.all()],
        *[x.pk for x in location.accessibility.all()],
        *[x.pk for x in location.schedules.all()],
        *[i for p in location.phones.all() for i in phone_ids(p)],
        *[i for c in location.contacts.all() for i in contact_ids(c)],
    ]


def sal_ids(sal: ServiceAtLocation) -> list[UUID]:
    return [
        sal.pk,
        *[x.pk for x in sal.schedules.all()],
        *[i for p in sal.phones.all() for i in phone_ids(p)],
        *[i for c in sal.contacts.all() for i in contact_ids(c)],
        *location_ids(sal.location),
    ]


def service_ids(service: Service) -> list[UUID]:
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
        *[i for p in service.phones.all() for i in phone_ids(p)],
        *[i for c in service.contacts.all() for i in contact_ids(c)],
        *[i for sal in service.service_at_locations.all() for i in sal_ids(sal)],
    ]


def organization_ids(org: DirectoryOrganization) -> list[UUID]:
    return [
        org.pk,
        *[x.pk for x in org.funding.all()],
        *[x.pk for x in org.programs.all()],
        *[x.pk for x in org.organization_identifiers.all()],
        *[i for p in org.phones.all() for i in phone_ids(p)],
        *[i for c in org.contacts.all() for i in contact_ids(c)],
        *[i for loc in org.locations.all() for i in location_ids(loc)],
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
