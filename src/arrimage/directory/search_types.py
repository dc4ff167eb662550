"""What a directory search takes and gives: its parameters, a hit and a page of hits."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

PER_PAGE = 20
STALE_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    category: str = ""
    region: str = ""
    municipality: str = ""
    radius_km: int = 0
    language: str = ""
    gender: str = ""
    age: int | None = None
    status: str = ""
    available_now: bool = False
    safety: tuple[str, ...] = ()
    page: int = 1
    # Set by directory_search for a reader who is not signed in: the availability of a
    # service at a confidential location is for members only (issue 13), so "available now"
    # leaves such services out rather than telling a full one from an open one.
    public_reader: bool = False

    @property
    def has_filters(self) -> bool:
        return bool(
            self.category
            or self.region
            or self.municipality
            or self.language
            or self.gender
            or self.age is not None
            or self.status
            or self.available_now
            or self.safety
        )


@dataclass
class SearchHit:
    entry_id: int
    service_id: Any
    name_fr: str
    name_en: str
    summary: dict[str, Any]
    available: int | None
    capacity_updated: datetime | None

    @property
    def is_stale(self) -> bool:
        return self.capacity_updated is not None and (
            timezone.now() - self.capacity_updated > STALE_AFTER
        )


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int = PER_PAGE
    unknown_place: bool = False
    terms: list[str] = field(default_factory=list)
    is_broad: bool = False
    has_next: bool = False
    # Nothing searchable was typed and no filter chosen: the page explains what to type.
    is_blank: bool = False
    # Something was typed, but none of it can be searched (punctuation, common words).
    nothing_to_search: bool = False
    place: str = ""  # the place the results are ranked around, as typed
    ignored: list[str] = field(default_factory=list)  # words that match nothing
    corrections: list[tuple[str, str]] = field(default_factory=list)  # typed, read as
    partial: bool = False  # some results match only part of the words

    @property
    def pages(self) -> int:
        """The number of pages; for a broad search, as far as the count went."""
        return max(self.page + (1 if self.has_next else 0), -(-self.total // self.per_page))
