"""The search index of the directory: one row per service and location, and the terms
(typo correction and synonyms) read from it."""

from django.db import models

from arrimage.directory.models.base import HsdsObject
from arrimage.directory.models.services import Service


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
