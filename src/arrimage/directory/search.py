"""Directory search: one box plus filters, over :class:`SearchEntry` and its full-text index.

Words are normalised (lower-case, unaccented) and matched as prefixes; filters become tokens of
the same index (``xc`` category, ``xe`` eligibility, ``xl`` language, ``xr`` region, ``xm``
municipality, ``xw`` near a municipality: ``geo.NEAR_BANDS_KM``), so one index lookup answers
the box and the filters together; a radius is a handful of ``xw`` tokens. Age and "available
now" are checked on the row. The SQL stays index-friendly on SQLite (FTS5) and PostgreSQL (GIN
over a generated tsvector).
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from arrimage.directory import geo
from arrimage.directory.text import query_words, token

PER_PAGE = 20
STALE_AFTER = timedelta(hours=24)
MAX_RADIUS_KM = 300


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

    @property
    def pages(self) -> int:
        """The number of pages; for a broad search, as far as the count went."""
        return max(self.page + (1 if self.has_next else 0), -(-self.total // self.per_page))


def _match_groups(params: SearchParams) -> tuple[list[str], list[list[str]], bool]:
    """(prefix words, groups of alternative tokens, unknown place)."""
    words = query_words(params.q)
    groups: list[list[str]] = []
    if params.category:
        groups.append([token("c", params.category)])
    if params.language:
        groups.append([token("l", params.language)])
    if params.gender:
        groups.append([token("e", params.gender)])
    if params.status:
        groups.append([token("e", params.status)])
    for code in params.safety:
        groups.append([token("e", code)])
    unknown = False
    if params.municipality:
        centre = geo.municipality_find(params.municipality)
        if centre is None:
            unknown = True
        elif params.radius_km > 0:
            radius = min(params.radius_km, MAX_RADIUS_KM)
            near = geo.near_group(centre, None, radius)  # a few tokens for the usual radii
            if near is None:
                near = [token("m", m.code) for m in geo.municipalities_within(centre, radius)]
            groups.append(near)
        else:
            groups.append([token("m", centre.code)])
    elif params.region:
        groups.append([token("r", params.region)])
    return words, groups, unknown


def _fts5_query(words: list[str], groups: list[list[str]], *, prefix: bool) -> str:
    star = "*" if prefix else ""
    parts = [f'"{w}"{star}' for w in words]
    for group in groups:
        quoted = [f'"{t}"' for t in group]
        parts.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    return " AND ".join(parts)


def _tsquery(words: list[str], groups: list[list[str]], *, prefix: bool) -> str:
    star = ":*" if prefix else ""
    parts = [f"{w}{star}" for w in words]
    for group in groups:
        parts.append(group[0] if len(group) == 1 else "(" + " | ".join(group) + ")")
    return " & ".join(parts)


def _row_filters(params: SearchParams) -> tuple[list[str], list[Any]]:
    where = ["e.is_active = %s"]
    args: list[Any] = [True]
    if params.age is not None:
        where.append("(e.minimum_age IS NULL OR e.minimum_age <= %s)")
        where.append("(e.maximum_age IS NULL OR e.maximum_age >= %s)")
        args += [params.age, params.age]
    if params.available_now:
        where.append("e.available > 0 AND e.capacity_updated >= %s")
        args.append(timezone.now() - STALE_AFTER)
    return where, args


COLUMNS = "e.id, e.service_id, e.name_fr, e.name_en, e.summary, e.available, e.capacity_updated"
# Matches are counted up to this many. Up to it, results are ranked by relevance; past it, the
# query is broad ("hebergement" over 60,000 services) and results come in the index's own order,
# with early termination, so every query costs about the same whatever it matches.
RANK_LIMIT = 200


def _hit(row: tuple[Any, ...]) -> SearchHit:
    summary = row[4]
    if isinstance(summary, str):
        summary = json.loads(summary)
    updated = row[6]
    if isinstance(updated, str):
        updated = datetime.fromisoformat(updated)
    if updated is not None and timezone.is_naive(updated):
        updated = updated.replace(tzinfo=UTC)
    return SearchHit(row[0], uuid.UUID(str(row[1])), row[2], row[3], summary, row[5], updated)


@dataclass(frozen=True)
class _Sql:
    source: str
    where: str
    args: list[Any]
    natural_order: str


def _sql(
    params: SearchParams, words: list[str], groups: list[list[str]], *, prefix: bool = False
) -> _Sql:
    where, args = _row_filters(params)
    if not words and not groups:
        return _Sql(
            "FROM directory_searchentry e", " AND ".join(where), args, "ORDER BY e.sort_name, e.id"
        )
    if connection.vendor == "postgresql":
        where.insert(0, "e.doc_tsv @@ to_tsquery('simple', %s)")
        return _Sql(
            "FROM directory_searchentry e",
            " AND ".join(where),
            [_tsquery(words, groups, prefix=prefix), *args],
            "",
        )
    where.insert(0, "directory_search_fts MATCH %s")
    return _Sql(
        "FROM directory_search_fts f JOIN directory_searchentry e ON e.id = f.rowid",
        " AND ".join(where),
        [_fts5_query(words, groups, prefix=prefix), *args],
        "",
    )


@dataclass(frozen=True)
class _Candidate:
    id: int
    sort_name: str
    name_words: str  # the names in both languages, normalised


def _candidates(sql: _Sql, limit: int) -> list[_Candidate]:
    """The first ``limit`` matches, in the index's own order: the full-text engine stops as
    soon as it has them, so a broad search costs no more than a narrow one."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.id, e.sort_name, e.name_words {sql.source} "
            f"WHERE {sql.where} {sql.natural_order} LIMIT %s",
            [*sql.args, limit],
        )
        return [_Candidate(row[0], row[1], row[2]) for row in cursor.fetchall()]


def _relevance(candidate: _Candidate, words: list[str]) -> tuple[int, str, int]:
    """Services whose name holds more of the words come first, then by name."""
    in_name = sum(1 for w in words if f" {w}" in f" {candidate.name_words}")
    return (-in_name, candidate.sort_name, candidate.id)


def _rows(ids: list[int]) -> list[SearchHit]:
    if not ids:
        return []
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"SELECT {COLUMNS} FROM directory_searchentry e "  # noqa: S608
            f"WHERE e.id IN ({marks})",
            ids,
        )
        by_id = {row[0]: _hit(row) for row in cursor.fetchall()}
    return [by_id[i] for i in ids if i in by_id]


def directory_search(*, actor: object, params: SearchParams) -> SearchPage:
    """Search the directory. Everything a hit carries is public: ``actor`` (a membership or
    None) does not widen it; the detail page applies the confidentiality rule.

    Words match whole first; only when nothing matches are they taken as prefixes ("heberg"),
    which costs more. Up to ``RANK_LIMIT`` matches are ranked (names holding the words first,
    then by name), the same way on both databases; past it, results come in the index's order
    and the page says the search is broad."""
    words, groups, unknown = _match_groups(params)
    page = max(1, params.page)
    if unknown:
        return SearchPage([], 0, page, unknown_place=True, terms=words)
    offset = (page - 1) * PER_PAGE
    limit = max(RANK_LIMIT + 1, offset + PER_PAGE + 1)
    candidates = _candidates(_sql(params, words, groups), limit)
    if not candidates and words:
        candidates = _candidates(_sql(params, words, groups, prefix=True), limit)
    broad = len(candidates) > RANK_LIMIT
    if not broad:
        candidates.sort(key=lambda c: _relevance(c, words))
    chosen = candidates[offset : offset + PER_PAGE]
    hits = _rows([c.id for c in chosen])
    total = RANK_LIMIT + 1 if broad else len(candidates)
    return SearchPage(
        hits, total, page, terms=words, is_broad=broad, has_next=len(candidates) > offset + PER_PAGE
    )


def matching_service_ids(*, q: str, limit: int) -> list[uuid.UUID]:
    """The ids of the services whose text matches ``q`` (for the HSDS ``search`` parameter)."""
    words = query_words(q)
    if not words:
        return []
    ids: list[uuid.UUID] = []
    for prefix in (False, True):
        sql = _sql(SearchParams(q=q), words, [], prefix=prefix)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.service_id {sql.source} WHERE {sql.where} LIMIT %s",
                [*sql.args, limit],
            )
            ids = [uuid.UUID(str(row[0])) for row in cursor.fetchall()]
        if ids:
            break
    return ids
