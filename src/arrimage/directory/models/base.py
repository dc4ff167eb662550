"""The directory's shared model pieces: text limits, the HSDS base object, the two bilingual
taxonomies and the choices of status, location type and capacity unit."""

import uuid

from django.db import models
from django.utils.translation import get_language, pgettext_lazy

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


def language_pick(fr: str, en: str) -> str:
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
        return language_pick(self.name_fr, self.name_en)


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
