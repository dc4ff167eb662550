"""Writes to locations: an organisation adds and edits the places of its own directory
organizations and says which of their services are offered there.

The address gives the municipality and region through the offline geocoder (:mod:`.geo`): the
municipality named in the address, else the one of the postal code. The coordinates are the
municipality's centre: Arrimage geocodes no street address. Another organisation's location
looks missing (404), as everywhere in the directory."""

import re
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.coalition.models import Region
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.directory import geo
from arrimage.directory.indexing import search_entries_refresh
from arrimage.directory.models import (
    Accessibility,
    Address,
    DirectoryOrganization,
    Location,
    LocationType,
    Phone,
    Service,
    ServiceAtLocation,
)
from arrimage.directory.services import EDIT_ROLES, organization_owned, phone_check

POSTCODE_RE = re.compile(r"[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]")


@dataclass(frozen=True)
class LocationFields:
    name: str
    address_1: str
    address_2: str
    city: str
    postal_code: str
    is_confidential: bool
    description: str
    transportation: str
    accessibility: str
    phone: str
    service_ids: frozenset[UUID]


def postcode_normalise(postcode: str) -> str:
    """``h2x1a1`` → ``H2X 1A1``; raises a ValidationError for anything not a Canadian code."""
    compact = "".join(postcode.split()).upper()
    if not POSTCODE_RE.fullmatch(compact):
        raise ValidationError(_("Enter a Canadian postal code such as H2X 1A1."))
    return f"{compact[:3]} {compact[3:]}"


def municipality_locate(*, city: str, postal_code: str) -> geo.Municipality:
    """The municipality of an address: its city if Arrimage knows it, else its postal code's."""
    municipality = geo.municipality_find(city.strip()) or geo.municipality_for_postcode(postal_code)
    if municipality is None:
        raise ValidationError(
            _(
                "The municipality “%(city)s” is not in Arrimage's list and the postal code does "
                "not give one: check the spelling or choose a nearby municipality."
            )
            % {"city": city.strip()}
        )
    return municipality


def _location_check(fields: LocationFields) -> tuple[str, geo.Municipality, str]:
    """Validated postal code, municipality and intake phone; nothing is written before."""
    if not fields.address_1.strip():
        raise ValidationError(_("Enter the street address."))
    if not fields.city.strip():
        raise ValidationError(_("Enter the municipality."))
    postal_code = postcode_normalise(fields.postal_code)
    municipality = municipality_locate(city=fields.city, postal_code=postal_code)
    phone = phone_check(fields.phone) if fields.phone.strip() else ""
    if fields.is_confidential and not phone:
        raise ValidationError(
            _(
                "A confidential location needs an intake phone: with the municipality, it is "
                "all that others see."
            )
        )
    return postal_code, municipality, phone


def _location_write(
    location: Location,
    *,
    organization: DirectoryOrganization,
    fields: LocationFields,
    postal_code: str,
    municipality: geo.Municipality,
    phone: str,
) -> set[UUID]:
    """Writes the location, its address, accessibility, intake phone and the services offered
    there; returns the services whose search rows and HSDS documents changed."""
    owned = set(Service.objects.filter(organization=organization).values_list("pk", flat=True))
    if fields.service_ids - owned:
        raise NotFound
    location.organization = organization
    location.location_type = LocationType.PHYSICAL
    location.name = fields.name.strip() or organization.name
    location.description = fields.description.strip()
    location.transportation = fields.transportation.strip()
    location.is_confidential = fields.is_confidential
    location.municipality_code = municipality.code
    location.region = Region.objects.get(code=municipality.region_code)
    location.latitude, location.longitude = municipality.latitude, municipality.longitude
    location.save()

    address = Address.objects.filter(location=location).order_by("id").first() or Address(
        location=location
    )
    address.address_1 = fields.address_1.strip()
    address.address_2 = fields.address_2.strip()
    address.city = fields.city.strip()
    address.state_province = "QC"
    address.postal_code = postal_code
    address.country = "CA"
    address.address_type = LocationType.PHYSICAL
    address.save()

    accessibility = Accessibility.objects.filter(location=location).order_by("id").first()
    text = fields.accessibility.strip()
    if accessibility is None and text:
        Accessibility.objects.create(location=location, description=text)
    elif accessibility is not None and not text:
        accessibility.delete()
    elif accessibility is not None and accessibility.description != text:
        accessibility.description = text
        accessibility.save(update_fields=["description"])

    intake = Phone.objects.filter(location=location, service__isnull=True).order_by("id").first()
    if intake is None and phone:
        Phone.objects.create(location=location, number=phone)
    elif intake is not None and not phone:
        intake.delete()
    elif intake is not None and intake.number != phone:
        intake.number = phone
        intake.save(update_fields=["number"])

    links = ServiceAtLocation.objects.filter(location=location, service_id__in=owned)
    before = set(links.values_list("service_id", flat=True))
    links.exclude(service_id__in=fields.service_ids).delete()
    for service_id in sorted(fields.service_ids - before):
        ServiceAtLocation.objects.create(service_id=service_id, location=location)
    everywhere = set(
        ServiceAtLocation.objects.filter(location=location).values_list("service_id", flat=True)
    )
    return before | everywhere


def _services_touch(service_ids: set[UUID]) -> None:
    """The services at the location changed: their modification date (HSDS
    ``modified_after``) and their search rows follow."""
    if service_ids:
        Service.objects.filter(pk__in=service_ids).update(last_modified=timezone.now())
        search_entries_refresh(service_ids=service_ids)


def location_create(
    *, actor: Membership, organization_id: UUID, fields: LocationFields
) -> Location:
    """A new location of one of the acting organisation's directory organizations."""
    organization = organization_owned(actor=actor, organization_id=organization_id)
    postal_code, municipality, phone = _location_check(fields)
    with transaction.atomic():
        location = Location()
        touched = _location_write(
            location,
            organization=organization,
            fields=fields,
            postal_code=postal_code,
            municipality=municipality,
            phone=phone,
        )
        _services_touch(touched)
        audit_record(
            action="directory_location_created",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="location",
            target_id=location.pk,
            details={"organization_id": str(organization.pk), "services": len(touched)},
        )
    return location


def location_update(*, actor: Membership, location_id: UUID, fields: LocationFields) -> Location:
    """Edit a location of one of the acting organisation's directory organizations."""
    if actor.role not in EDIT_ROLES:
        raise NotFound
    postal_code, municipality, phone = _location_check(fields)
    with transaction.atomic():
        location = (
            Location.objects.select_for_update()
            .filter(pk=location_id, organization__owner_id=actor.organisation_id)
            .first()
        )
        if location is None or location.organization is None:
            raise NotFound
        touched = _location_write(
            location,
            organization=location.organization,
            fields=fields,
            postal_code=postal_code,
            municipality=municipality,
            phone=phone,
        )
        _services_touch(touched)
        audit_record(
            action="directory_location_updated",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="location",
            target_id=location.pk,
            details={"services": len(touched)},
        )
    return location
