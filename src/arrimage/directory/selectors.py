"""Reads of the directory. Each takes the actor (a membership, or None for the public) first.
Missing and forbidden both raise NotFound."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from arrimage.accounts.models import Membership
from arrimage.core.errors import NotFound
from arrimage.directory.models import (
    Attribute,
    CapacityChange,
    DirectoryOrganization,
    Location,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
)
from arrimage.directory.services import CAPACITY_ROLES, EDIT_ROLES
from arrimage.directory.visibility import address_visible


@dataclass
class PlaceView:
    location: Location
    address_visible: bool


@dataclass
class ServiceView:
    service: Service
    places: list[PlaceView]
    term_codes: list[str]
    is_own: bool


def service_view_get(*, actor: Membership | None, service_id: UUID) -> ServiceView:
    service = (
        Service.objects.select_related("organization")
        .prefetch_related(
            "phones",
            "schedules",
            "languages",
            "capacities",
            "required_documents",
            "cost_options",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related(
                    "location__organization", "location__region"
                ).prefetch_related(
                    "location__addresses",
                    "location__phones",
                    "location__accessibility",
                    "schedules",
                ),
            ),
        )
        .filter(pk=service_id)
        .first()
    )
    if service is None:
        raise NotFound
    places = [
        PlaceView(sal.location, address_visible(membership=actor, location=sal.location))
        for sal in service.service_at_locations.all()
    ]
    codes = list(
        Attribute.objects.filter(link_entity="service", link_id=service.pk).values_list(
            "taxonomy_term__code", flat=True
        )
    )
    is_own = actor is not None and service.organization.owner_id == actor.organisation_id
    return ServiceView(service, places, codes, is_own)


def capacities_for_staff(*, actor: Membership | None) -> QuerySet[ServiceCapacity]:
    """The capacities the acting organisation keeps up to date (its own services)."""
    if actor is None or actor.role not in CAPACITY_ROLES:
        return ServiceCapacity.objects.none()
    return (
        ServiceCapacity.objects.filter(service__organization__owner_id=actor.organisation_id)
        .select_related("service")
        .order_by("service__name_fr", "unit")
    )


def capacity_history(
    *, actor: Membership | None, capacity_ids: list[UUID], limit: int = 5
) -> dict[UUID, list[CapacityChange]]:
    allowed = set(
        capacities_for_staff(actor=actor).filter(pk__in=capacity_ids).values_list("pk", flat=True)
    )
    history: dict[UUID, list[CapacityChange]] = {pk: [] for pk in allowed}
    for change in CapacityChange.objects.filter(capacity_id__in=allowed).order_by(
        "-changed_at", "-id"
    )[: limit * max(1, len(allowed))]:
        if len(history[change.capacity_id]) < limit:
            history[change.capacity_id].append(change)
    return history


def services_owned(*, actor: Membership | None) -> QuerySet[Service]:
    if actor is None or actor.role not in EDIT_ROLES:
        return Service.objects.none()
    return Service.objects.filter(organization__owner_id=actor.organisation_id).order_by(
        "name_fr", "name_en"
    )


def service_for_edit(*, actor: Membership | None, service_id: UUID) -> Service:
    service = services_owned(actor=actor).filter(pk=service_id).first()
    if service is None:
        raise NotFound
    return service


def organizations_owned(*, actor: Membership | None) -> QuerySet[DirectoryOrganization]:
    """The directory organizations whose services and locations the actor may add and edit."""
    if actor is None or actor.role not in EDIT_ROLES:
        return DirectoryOrganization.objects.none()
    return DirectoryOrganization.objects.filter(owner_id=actor.organisation_id).order_by("name")


def organization_for_edit(
    *, actor: Membership | None, organization_id: UUID
) -> DirectoryOrganization:
    organization = organizations_owned(actor=actor).filter(pk=organization_id).first()
    if organization is None:
        raise NotFound
    return organization


def locations_owned(*, actor: Membership | None) -> QuerySet[Location]:
    if actor is None or actor.role not in EDIT_ROLES:
        return Location.objects.none()
    return Location.objects.filter(organization__owner_id=actor.organisation_id)


def location_for_edit(*, actor: Membership | None, location_id: UUID) -> Location:
    """One of the actor's own locations, with what its form shows (its address, accessibility,
    intake phone and services)."""
    location = (
        locations_owned(actor=actor)
        .select_related("organization")
        .prefetch_related("addresses", "accessibility", "phones", "service_at_locations")
        .filter(pk=location_id)
        .first()
    )
    if location is None:
        raise NotFound
    return location
