"""Availability through the JSON API (/api/directory/): the same one-tap changes as the page,
for the acting organisation's own services."""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from arrimage.core.errors import NotFound
from arrimage.core.schemas import ErrorOut, ValidationErrorOut
from arrimage.directory import selectors
from arrimage.directory.models import ServiceCapacity
from arrimage.directory.services import capacity_update

router = Router(tags=["directory"])

MAX_UNITS = 100_000  # as the availability page


class CapacityOut(Schema):
    id: UUID
    service_id: UUID
    service_name: str
    unit: str
    available: int
    maximum: int | None
    updated: datetime


class CapacityIn(Schema):
    delta: int | None = Field(None, ge=-MAX_UNITS, le=MAX_UNITS, description="units to add")
    available: int | None = Field(None, ge=0, le=MAX_UNITS, description="the new value")


def _out(capacity: ServiceCapacity) -> CapacityOut:
    return CapacityOut(
        id=capacity.pk,
        service_id=capacity.service_id,
        service_name=capacity.service.name,
        unit=capacity.unit,
        available=capacity.available,
        maximum=capacity.maximum,
        updated=capacity.updated,
    )


@router.get(
    "/capacities",
    response=list[CapacityOut],
    url_name="directory_capacities",
    summary="Capacities of the acting organisation's services",
)
def capacities(request: HttpRequest) -> list[CapacityOut]:
    membership = getattr(request, "membership", None)
    return [_out(c) for c in selectors.capacities_for_staff(actor=membership)]


@router.post(
    "/capacities/{capacity_id}",
    response={200: CapacityOut, 404: ErrorOut, 422: ValidationErrorOut},
    url_name="directory_capacity_update",
    summary="Change available units: +delta, or set a new value",
)
def capacity_change(request: HttpRequest, capacity_id: UUID, payload: CapacityIn) -> CapacityOut:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise NotFound
    try:
        capacity = capacity_update(
            actor=membership,
            capacity_id=capacity_id,
            delta=payload.delta,
            available=payload.available,
            source="api",
        )
    except ValidationError as error:
        raise HttpError(422, "; ".join(error.messages)) from None
    return _out(capacity)
