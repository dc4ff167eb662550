"""The person a case is about, and the blind index of case search over their names."""

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone

from arrimage.coalition.models import Organisation
from arrimage.privacy.categories import Category
from arrimage.privacy.sealing import sealed_field_register


class Person(models.Model):
    """The person a case is about. An alias is enough: no legal name is required."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The organisation that recorded the person: the lead organisation of their case. Its data
    # key seals the columns below.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    identity_sealed = models.BinaryField(null=True)
    contact_sealed = models.BinaryField(null=True)
    location_sealed = models.BinaryField(null=True)
    is_anonymised = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    FIELD_CATEGORIES: ClassVar[dict[str, Category]] = {
        "alias": Category.IDENTITY,
        "given_name": Category.IDENTITY,
        "family_name": Category.IDENTITY,
        "year_of_birth": Category.IDENTITY,
        "age_band": Category.IDENTITY,
        "gender": Category.IDENTITY,
        "languages": Category.IDENTITY,
        "phone": Category.CONTACT,
        "email": Category.CONTACT,
        "safe_contact_instructions": Category.CONTACT,
        "city": Category.LOCATION,
        "accommodation": Category.LOCATION,
    }
    SEALED_COLUMNS: ClassVar[dict[Category, str]] = {
        Category.IDENTITY: "identity_sealed",
        Category.CONTACT: "contact_sealed",
        Category.LOCATION: "location_sealed",
    }

    def __str__(self) -> str:
        return f"Person {self.pk}"


class PersonSearchToken(models.Model):
    """The blind index of case search (``cases/search_index.py``): one row per keyed hash of a
    normalised prefix of a word of the person's alias or names, under the key of the person's
    organisation. No plaintext: a token is an integer that reveals nothing without the key."""

    pk = models.CompositePrimaryKey("token", "person")
    token = models.BigIntegerField()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"Search token of {self.person_id}"


def _of_person(row: models.Model) -> tuple[str, str]:
    return ("person", str(row.pk))


for _category, _column in Person.SEALED_COLUMNS.items():
    sealed_field_register(
        Person,
        _column,
        category=_category,
        subject=_of_person,
        organisation_field="organisation_id",
    )
