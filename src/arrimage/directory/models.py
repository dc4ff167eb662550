"""The directory: an HSDS 3.0 profile (docs/hsds-profile.md).

Every HSDS object has a UUID id, so imports upsert by id. Names and descriptions are kept in
French and English. Eligibility and categories are HSDS attributes pointing at the two
bilingual taxonomies of :mod:`arrimage.directory.taxonomy`. ``ServiceCapacity`` follows HSDS
3.1's ``service_capacity``; ``Location.is_confidential`` is the profile's confidentiality flag.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from arrimage.coalition.models import Coalition, Organisation, Region

# The longest text a directory text field accepts, from an import or a form (a character
# field has its own ``max_length``): a description longer than this is a mistake, and one such
# field must not make every page that lists the service heavy. A service area's extent may
# be GeoJSON.
TEXT_MAX = 8000
EXTENT_MAX = 50_000


def text_limit(field: models.Field) -> int:  # type: ignore[type-arg]
    """The most characters ``field`` accepts."""
    if field.max_length:
        return int(field.max_length)
    return EXTENT_MAX if field.name == "extent" else TEXT_MAX


def _pick(fr: str, en: str) -> str:
    """The text in the interface language, falling back to the other one."""
    if (get_language() or "fr").startswith("en"):
        return en or fr
    return fr or en


class HsdsObject(models.Model):
    """Base of the directory's models: named by their kind and id."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk}"


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField()
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(
        Taxonomy, on_delete=models.PROTECT, null=True, blank=True, related_name="terms"
    )
    taxonomy_name = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=100, blank=True)
    name_fr = models.CharField(max_length=200, blank=True)
    name_en = models.CharField(max_length=200, blank=True)
    description_fr = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    language = models.CharField(max_length=16, blank=True)
    term_uri = models.URLField(blank=True)
    group = models.CharField(max_length=40, blank=True)
    words = models.TextField(blank=True)

    class Meta:
        ordering = ["taxonomy_id", "code"]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _pick(self.name_fr, self.name_en)


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("service status", "Active")
    INACTIVE = "inactive", pgettext_lazy("service status", "Inactive")
    DEFUNCT = "defunct", pgettext_lazy("service status", "Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", pgettext_lazy("service status", "Temporarily closed")


class LocationType(models.TextChoices):
    PHYSICAL = "physical", pgettext_lazy("location type", "Physical")
    POSTAL = "postal", pgettext_lazy("location type", "Postal")
    VIRTUAL = "virtual", pgettext_lazy("location type", "Virtual")


class CapacityUnit(models.TextChoices):
    BED = "bed", pgettext_lazy("capacity unit", "Bed")
    ROOM = "room", pgettext_lazy("capacity unit", "Room")
    FAMILY_UNIT = "family_unit", pgettext_lazy("capacity unit", "Family unit")


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
        return _pick(self.description_fr, self.description_en)


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
        return _pick(self.name_fr, self.name_en)

    @property
    def description(self) -> str:
        return _pick(self.description_fr, self.description_en)

    @property
    def eligibility_description(self) -> str:
        return _pick(self.eligibility_description_fr, self.eligibility_description_en)


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


class Address(HsdsObject):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=300)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=200)
    region = models.CharField(max_length=200, blank=True)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2)
    address_type = models.CharField(max_length=16, choices=LocationType.choices)

    class Meta:
        ordering = ["id"]


class Contact(HsdsObject):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        DirectoryOrganization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["id"]


class Phone(HsdsObject):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    organization = models.ForeignKey(
        DirectoryOrganization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(max_length=50)
    extension = models.IntegerField(null=True, blank=True)
    type = models.CharField(max_length=30, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class Schedule(HsdsObject):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    valid_from = models.CharField(max_length=30, blank=True)
    valid_to = models.CharField(max_length=30, blank=True)
    dtstart = models.CharField(max_length=30, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.CharField(max_length=30, blank=True)
    count = models.IntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=10, blank=True)
    interval = models.IntegerField(null=True, blank=True)
    byday = models.CharField(max_length=100, blank=True)
    byweekno = models.CharField(max_length=200, blank=True)
    bymonthday = models.CharField(max_length=100, blank=True)
    byyearday = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.CharField(max_length=20, blank=True)
    closes_at = models.CharField(max_length=20, blank=True)
    schedule_link = models.CharField(max_length=500, blank=True)
    attending_type = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class Language(HsdsObject):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class Accessibility(HsdsObject):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["id"]


class ServiceArea(HsdsObject):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=30, blank=True)
    uri = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]


class CostOption(HsdsObject):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.CharField(max_length=30, blank=True)
    valid_to = models.CharField(max_length=30, blank=True)
    option = models.CharField(max_length=300, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount = models.FloatField(null=True, blank=True)
    amount_description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class RequiredDocument(HsdsObject):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="required_documents"
    )
    document = models.TextField(blank=True)
    uri = models.URLField(blank=True)

    class Meta:
        ordering = ["id"]


class Funding(HsdsObject):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        DirectoryOrganization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="funding",
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="funding"
    )
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]


class OrganizationIdentifier(HsdsObject):
    """HSDS ``organization_identifier``: a company, charity or registry number."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        DirectoryOrganization, on_delete=models.CASCADE, related_name="organization_identifiers"
    )
    identifier_scheme = models.CharField(max_length=100, blank=True)
    identifier_type = models.CharField(max_length=200)
    identifier = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]


class Metadata(HsdsObject):
    """HSDS ``metadata``: a change made to another object (``resource_id``), as the
    publisher recorded it. Kept and given back as it came."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resource_id = models.UUIDField(null=True, blank=True, db_index=True)
    resource_type = models.CharField(max_length=50, blank=True)
    last_action_date = models.DateField()
    last_action_type = models.CharField(max_length=100)
    field_name = models.CharField(max_length=100)
    previous_value = models.TextField()
    replacement_value = models.TextField()
    updated_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]


class MetaTableDescription(HsdsObject):
    """HSDS ``meta_table_description``: a CSV package's note on its tables."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=16, blank=True)
    character_set = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["id"]


class UnresolvedReference(HsdsObject):
    """A reference an import could not resolve: ``field`` of the ``entity`` ``object_id``
    names a ``target_entity`` that was neither in the file nor in the directory. The link is
    left empty, the id kept here and exported as it came; a later import that brings the
    target resolves it."""

    entity = models.CharField(max_length=40)
    object_id = models.UUIDField()
    field = models.CharField(max_length=40)
    target_entity = models.CharField(max_length=40)
    target_id = models.UUIDField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "object_id", "field"], name="unresolved_one_per_field"
            )
        ]
        indexes = [
            models.Index(fields=["object_id"], name="unresolved_object"),
            models.Index(fields=["target_entity", "target_id"], name="unresolved_target"),
        ]


class Attribute(HsdsObject):
    """HSDS ``attribute``: links any object (``link_entity``, ``link_id``) to a taxonomy term.
    Services carry their categories and eligibility this way."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    link_id = models.UUIDField()
    link_type = models.CharField(max_length=100, blank=True)
    link_entity = models.CharField(max_length=50)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes"
    )
    value = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["link_entity", "link_id"])]


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


class SearchEntry(HsdsObject):
    """One row per service, denormalised for search: ``doc`` is normalised text (lower-case,
    unaccented) plus filter tokens; the full-text index over it is SQLite FTS5 or a PostgreSQL
    GIN index (see the migrations). ``summary`` holds only public information."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="search")
    sort_name = models.CharField(max_length=300, db_index=True)
    name_fr = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    # What ranking reads of each candidate: the stems of its name, taxonomy, description and
    # eligibility and the codes of its places, each marked with its field ("n:heberg t:refug
    # p:laval": indexing.EntryText.rank_terms). Before the long columns, so reading it stays
    # cheap on SQLite; kept in the row on PostgreSQL (migration 0006).
    rank_terms = models.TextField(default="")
    minimum_age = models.PositiveSmallIntegerField(null=True)
    maximum_age = models.PositiveSmallIntegerField(null=True)
    available = models.IntegerField(null=True)
    capacity_updated = models.DateTimeField(null=True)
    is_active = models.BooleanField(default=True)
    owner_id = models.UUIDField(null=True)
    # The long columns last: SQLite reads a row's columns in order, and the search reads
    # only the short ones.
    summary = models.JSONField(default=dict)
    doc = models.TextField()

    class Meta:
        indexes = [
            models.Index(fields=["is_active", "sort_name"], name="search_active_name"),
            models.Index(fields=["available"], name="search_available"),
        ]


class SearchTerm(models.Model):
    """The search's vocabulary: every word (``kind`` "w", normalised) and every stem ("s")
    of the search documents. A query word whose stems are unknown is corrected against the
    words (typos: pg_trgm on PostgreSQL, rapidfuzz on SQLite). Only public text is indexed, so
    only public words are here. Added to by every refresh, emptied by a full rebuild."""

    WORD = "w"
    STEM = "s"

    kind = models.CharField(max_length=1)
    term = models.CharField(max_length=100)
    length = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "term"], name="search_term_unique")]
        indexes = [models.Index(fields=["kind", "length"], name="search_term_length")]

    def __str__(self) -> str:
        return self.term


class DirectorySharing(HsdsObject):
    """A coalition's setting: which member organisation types may see the confidential
    addresses of other members' locations. Enforcement types never may."""

    coalition = models.OneToOneField(
        Coalition, on_delete=models.CASCADE, related_name="directory_sharing"
    )
    confidential_address_types = models.JSONField(default=list)
