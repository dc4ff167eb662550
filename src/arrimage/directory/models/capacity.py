"""A service's capacity (HSDS 3.1 ``service_capacity``) and the history of its changes."""

import uuid

from django.db import models
from django.utils import timezone

from arrimage.directory.models.base import CapacityUnit, HsdsObject
from arrimage.directory.models.services import Service


class ServiceCapacity(HsdsObject):
    """HSDS 3.1 ``service_capacity``: how many units of one kind a service has free."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="capacities")
    unit = models.CharField(max_length=20, choices=CapacityUnit.choices)
    available = models.PositiveIntegerField(default=0)
    maximum = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["unit"]
        constraints = [
            models.UniqueConstraint(fields=["service", "unit"], name="capacity_one_per_unit"),
            models.CheckConstraint(
                condition=models.Q(maximum__isnull=True)
                | models.Q(available__lte=models.F("maximum")),
                name="capacity_available_within_maximum",
            ),
        ]


class CapacityChange(HsdsObject):
    """The history of availability: one row per change, never edited."""

    capacity = models.ForeignKey(ServiceCapacity, on_delete=models.CASCADE, related_name="changes")
    previous = models.PositiveIntegerField()
    available = models.PositiveIntegerField()
    changed_at = models.DateTimeField(default=timezone.now)
    actor_id = models.UUIDField(null=True, blank=True)
    organisation_id = models.UUIDField(null=True, blank=True)
    source = models.CharField(max_length=16)

    class Meta:
        ordering = ["-changed_at", "-id"]
