"""The adapter between matching and the directory's search index.

Matching reads the directory's denormalised search rows (``directory.SearchEntry``: the ``doc``
of normalised words and filter tokens made by ``directory.indexing``, its full-text index —
SQLite FTS5 ``directory_search_fts`` or the PostgreSQL ``doc_tsv`` GIN index — and the public
``summary``), never the service tables and never the whole directory. The directory's own
search (``directory.search.directory_search``) pages 20 results sorted by name for one
category; matching needs unsorted, bounded reads with row conditions, so this module asks the
same index in its own way, with the directory's ``token`` function. If the directory changes
its search document or summary, this module follows.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from django.db import connection
from django.utils import timezone

from arrimage.directory import geo
from arrimage.directory.text import token
from arrimage.orientation.models import ServiceResponseStats
from arrimage.orientation.needs import (
    EXPLOITATION_TYPES,
    GENDERS,
    HOUSING_NEEDS,
    STATUSES,
    NeedsProfile,
)

RADIUS_KM = 60


RINGS_KM = (0, RADIUS_KM)


@dataclass
class Row:
    service_id: UUID
    name_fr: str
    name_en: str
    summary: dict[str, Any]
    available: int | None
    capacity_updated: datetime | None
    minimum_age: int | None
    maximum_age: int | None
    codes: frozenset[str] = frozenset()
    exclusions: list[str] | None = None

    def __post_init__(self) -> None:
        if not self.codes:
            self.codes = frozenset(str(c) for c in self.summary.get("eligibility") or [])


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value  # type: ignore[no-any-return]


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else uuid.UUID(str(value))


def _row(values: tuple[Any, ...]) -> Row:
    summary = values[3]
    if isinstance(summary, str):
        summary = json.loads(summary)
    return Row(
        _uuid(values[0]),
        values[1],
        values[2],
        summary,
        values[4],
        _aware(values[5]),
        values[6],
        values[7],
    )


def _fts5(groups: list[list[str]]) -> str:
    parts = []
    for group in groups:
        quoted = [f'"{t}"' for t in group]
        parts.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    return " AND ".join(parts)


def _tsquery(groups: list[list[str]]) -> str:
    return " & ".join(g[0] if len(g) == 1 else "(" + " | ".join(g) + ")" for g in groups)


COLUMNS = (
    "e.service_id, e.name_fr, e.name_en, e.summary, e.available, e.capacity_updated, "
    "e.minimum_age, e.maximum_age"
)


@dataclass(frozen=True)
class Read:
    """One bounded read of the index: active services whose search row carries one token of
    every group, within the age bounds; ``available_since``: only rows with a free unit
    confirmed since then."""

    groups: tuple[tuple[str, ...], ...]
    age: int | None
    limit: int | None
    available_since: datetime | None = None


def _read_sql(read: Read, number: int) -> tuple[str, list[Any]]:
    where = ["e.is_active = %s"]
    args: list[Any] = [True]
    if read.age is not None:
        where.append("(e.minimum_age IS NULL OR e.minimum_age <= %s)")
        where.append("(e.maximum_age IS NULL OR e.maximum_age >= %s)")
        args += [read.age, read.age]
    if read.available_since is not None:
        where.append("e.available > 0 AND e.capacity_updated >= %s")
        args.append(read.available_since)
    tail = " LIMIT %s" if read.limit is not None else ""
    if read.limit is not None:
        args.append(read.limit)
    groups = [list(group) for group in read.groups]
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT {number} AS read_number, {COLUMNS} "  # noqa: S608
            "FROM directory_searchentry e "
            f"WHERE e.doc_tsv @@ to_tsquery('simple', %s) AND {' AND '.join(where)}{tail}"
        )
        return sql, [_tsquery(groups), *args]
    sql = (
        f"SELECT {number} AS read_number, {COLUMNS} "  # noqa: S608
        "FROM directory_search_fts f JOIN directory_searchentry e ON e.id = f.rowid "
        f"WHERE directory_search_fts MATCH %s AND {' AND '.join(where)}{tail}"
    )
    return sql, [_fts5(groups), *args]


def index_reads(reads: list[Read]) -> list[list[Row]]:
    """The rows of each read, from the directory's full-text index (FTS5 on SQLite, GIN
    tsvector on PostgreSQL), all in one statement (one round trip to the database): each read
    is a sub-select of its own, with its own LIMIT. No ORDER BY: the index is read lazily and
    stops at ``limit`` rows, whatever the number of matches; ranking happens afterwards, on
    these rows only."""
    if not reads:
        return []
    parts, params = [], []
    for number, read in enumerate(reads):
        sql, args = _read_sql(read, number)
        parts.append(f"SELECT * FROM ({sql}) AS read_{number}")  # noqa: S608
        params += args
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        fetched = cursor.fetchall()
    found: list[list[Row]] = [[] for _read in reads]
    for values in fetched:
        found[values[0]].append(_row(values[1:]))
    return found


def index_rows(
    *,
    groups: list[list[str]],
    age: int | None,
    limit: int | None,
    available_since: datetime | None = None,
    skip: dict[UUID, Row] | None = None,
) -> list[Row]:
    """One :class:`Read`, without the services of ``skip``."""
    read = Read(tuple(tuple(g) for g in groups), age, limit, available_since)
    rows = index_reads([read])[0]
    return [row for row in rows if row.service_id not in (skip or {})]


@lru_cache(maxsize=256)
def _nearby_tokens(code: str, radius_km: int) -> tuple[str, ...]:
    centre = geo.municipality_get(code)
    if centre is None:
        return ()
    return tuple(token("m", m.code) for m in geo.municipalities_within(centre, radius_km))


@lru_cache(maxsize=256)
def _rings(code: str) -> tuple[tuple[str, ...], ...]:
    """Place tokens in rings around a municipality: itself, then up to each of ``RINGS_KM``,
    each ring without the ones inside it. A ring is a few of the directory's near tokens
    (``geo.near_group``), or its municipalities' tokens when ``RINGS_KM`` is not made of the
    directory's distance bands."""
    centre = geo.municipality_get(code)
    if centre is None:
        return ()
    rings: list[tuple[str, ...]] = []
    seen: set[str] = set()
    lower: int | None = None
    for radius in RINGS_KM:
        ring = tuple(t for t in _nearby_tokens(code, radius) if t not in seen)
        seen.update(ring)
        if ring:
            near = geo.near_group(centre, lower, radius)
            rings.append(ring if near is None else tuple(near))
        lower = radius
    return tuple(rings)


def place_rings(profile: NeedsProfile) -> list[list[str]]:
    """Where to look, nearest first: rings of municipalities around the person's municipality
    (up to ``RADIUS_KM``), or the region, or everywhere (one empty ring)."""
    if profile.municipality:
        centre = geo.municipality_find(profile.municipality)
        if centre is not None:
            return [list(ring) for ring in _rings(centre.code)]
    if profile.region:
        return [[token("r", profile.region)]]
    return [[]]


def place_tokens(profile: NeedsProfile) -> list[str]:
    """Every place token of :func:`place_rings`, as one group."""
    return [t for ring in place_rings(profile) for t in ring]


def required_tokens(profile: NeedsProfile, need: str) -> list[list[str]]:
    """Eligibility a search row can prove by itself: one group per requirement."""
    groups: list[list[str]] = []
    if profile.gender:
        groups.append([token("e", GENDERS[profile.gender][1])])
    if profile.wheelchair:
        groups.append([token("e", "accessibility_wheelchair")])
    if need in HOUSING_NEEDS:
        if profile.children > 0:
            groups.append([token("e", "children_accepted")])
        if profile.must_be_confidential:
            groups.append([token("e", "safety_confidential_address")])
        if profile.staff_24_7:
            groups.append([token("e", "safety_staff_24_7")])
    return groups


# Eligibility and reasons ---------------------------------------------------------------------


def eligibility_tokens(profile: NeedsProfile, need: str, *, units: str = "free") -> list[list[str]]:
    """The eligibility rules no single token proves, as groups of alternative tokens, so that
    every row the index returns is eligible and the index alone answers (the directory puts
    these tokens in every search document: ``indexing._openness_tokens``): a service that names
    statuses (or forms of exploitation) must name the person's, or name none (``xnstatus``);
    housing must have a free unit or publish no capacity (``units="free"``: ``xaopen``), or be
    full (``units="full"``: ``xafull``, to tell "all full" apart)."""
    groups: list[list[str]] = []
    if profile.status:
        groups.append([token("e", STATUSES[profile.status][1]), token("n", "status")])
    if profile.exploitation:
        groups.append(
            [
                token("e", EXPLOITATION_TYPES[profile.exploitation][1]),
                token("n", "exploitation"),
            ]
        )
    if need in HOUSING_NEEDS and units == "free":
        groups.append([token("a", "open")])
    if need in HOUSING_NEEDS and units == "full":
        groups.append([token("a", "full")])
    return groups


def response_stats(service_ids: set[UUID]) -> dict[UUID, ServiceResponseStats]:
    """The response counts of these services, in one query."""
    if not service_ids:
        return {}
    ids = [str(i) if connection.vendor == "postgresql" else i.hex for i in service_ids]
    table = ServiceResponseStats._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT service_id, sent, answered, answered_in_time, expired, "  # noqa: S608
            f"response_seconds FROM {table} WHERE service_id IN "
            f"({','.join(['%s'] * len(ids))})",
            ids,
        )
        return {
            _uuid(r[0]): ServiceResponseStats(
                service_id=_uuid(r[0]),
                sent=r[1],
                answered=r[2],
                answered_in_time=r[3],
                expired=r[4],
                response_seconds=r[5],
            )
            for r in cursor.fetchall()
        }
