"""HSDS bookkeeping: change metadata, table descriptions, references an import could not
resolve yet, and attributes (taxonomy terms attached to any object)."""

import uuid

from django.db import models

from arrimage.directory.models.base import HsdsObject, TaxonomyTerm


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
