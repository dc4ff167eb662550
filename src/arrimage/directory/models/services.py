"""The directory's main objects: organisations, programs, services, locations, where a
service is offered, and a coalition's confidential-address sharing setting."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrimage.coalition.models import Coalition, Organisation, Region
from arrimage.directory.models.base import HsdsObject, LocationType, ServiceStatus, language_pick


class DirectoryOrganization(models.Model):
    """HSDS ``organization``: who delivers services. ``owner`` is the Arrimage organisation
    whose staff may edit it and its services; imported providers may have none."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organizations",
    )
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description_fr = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    legal_status = models.CharField(max_length=200, blank=True)
    year_incorporated = models.IntegerField(null=True, blank=True)
    uri = models.URLField(blank=True)
    tax_status = models.CharField(max_length=200, blank=True)
    tax_id = models.CharField(max_length=100, blank=True)
    logo = models.CharField(max_length=500, blank=True)
    parent_organization_id = models.UUIDField(null=True, blank=True)
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        return language_pick(self.description_fr, self.description_en)


class Program(HsdsObject):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        DirectoryOrganization, on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField()

    class Meta:
        ordering = ["id"]


class Service(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        DirectoryOrganization, on_delete=models.CASCADE, related_name="services"
    )
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="services"
    )
    name_fr = models.CharField(max_length=300, blank=True)
    name_en = models.CharField(max_length=300, blank=True)
    alternate_name = models.CharField(max_length=300, blank=True)
    description_fr = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=32, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    fees = models.TextField(blank=True)  # deprecated in HSDS 3.0, kept
    wait_time = models.CharField(max_length=200, blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description_fr = models.TextField(blank=True)
    eligibility_description_en = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    licenses = models.TextField(blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return language_pick(self.name_fr, self.name_en)

    @property
    def description(self) -> str:
        return language_pick(self.description_fr, self.description_en)

    @property
    def eligibility_description(self) -> str:
        return language_pick(self.eligibility_description_fr, self.eligibility_description_en)


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        DirectoryOrganization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="locations",
    )
    location_type = models.CharField(
        max_length=16, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    url = models.URLField(blank=True)
    name = models.CharField(max_length=300, blank=True)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=200, blank=True)
    external_identifier_type = models.CharField(max_length=200, blank=True)
    is_confidential = models.BooleanField(_("confidential address"), default=False)
    municipality_code = models.CharField(max_length=64, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(HsdsObject):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class DirectorySharing(HsdsObject):
    """A coalition's setting: which member organisation types may see the confidential
    addresses of other members' locations. Enforcement types never may."""

    coalition = models.OneToOneField(
        Coalition, on_delete=models.CASCADE, related_name="directory_sharing"
    )
    confidential_address_types = models.JSONField(default=list)
