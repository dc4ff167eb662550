"""Reading the search index: the filters every result must hold, and bounded slices of the
rows matching a full-text query (FTS5 on SQLite, a tsvector on PostgreSQL)."""

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from arrimage.directory import geo
from arrimage.directory.search_types import STALE_AFTER, SearchParams
from arrimage.directory.text import token

MAX_RADIUS_KM = 300
# --- filters ---------------------------------------------------------------------------------


def search_filter_groups(params: SearchParams) -> tuple[list[list[str]], bool]:
    """The filters as groups of alternative tokens (every one required), and whether the
    municipality asked for is unknown."""
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
    if params.municipality:
        centre = geo.municipality_find(params.municipality)
        if centre is None:
            return groups, True
        if params.radius_km > 0:
            radius = min(params.radius_km, MAX_RADIUS_KM)
            near = geo.near_group(centre, None, radius)  # a few tokens for the usual radii
            if near is None:
                near = [token("m", m.code) for m in geo.municipalities_within(centre, radius)]
            groups.append(near)
        else:
            groups.append([token("m", centre.code)])
    elif params.region:
        groups.append([token("r", params.region)])
    return groups, False


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
        if params.public_reader:
            where.append(
                "NOT EXISTS (SELECT 1 FROM directory_serviceatlocation sal "
                "JOIN directory_location l ON l.id = sal.location_id "
                "WHERE sal.service_id = e.service_id AND l.is_confidential = %s)"
            )
            args.append(True)
    return where, args


# --- reading the index -----------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A full-text condition: every group must match (``every``) or at least one (not
    ``every``); each group is alternatives (whole terms) and prefixes."""

    groups: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    every: bool = True


def _fts5(match: Match) -> str:
    parts = []
    for alternatives, prefixes in match.groups:
        quoted = [f'"{a}"' for a in alternatives] + [f'"{p}"*' for p in prefixes]
        parts.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    return f" {'AND' if match.every else 'OR'} ".join(parts)


def _tsquery(match: Match) -> str:
    parts = []
    for alternatives, prefixes in match.groups:
        terms = list(alternatives) + [f"{p}:*" for p in prefixes]
        parts.append(terms[0] if len(terms) == 1 else "(" + " | ".join(terms) + ")")
    return f" {'&' if match.every else '|'} ".join(parts)


def _fulltext(*matches: Match) -> tuple[str, str, list[str]]:
    """FROM and WHERE clauses requiring every one of ``matches``, and their arguments."""
    matches = tuple(m for m in matches if m.groups)
    if not matches:
        return "FROM directory_searchentry e", "", []
    if connection.vendor == "postgresql":
        query = " & ".join(f"({_tsquery(m)})" for m in matches)
        return (
            "FROM directory_searchentry e",
            "e.doc_tsv @@ to_tsquery('simple', %s)",
            [query],
        )
    query = " AND ".join(f"({_fts5(m)})" for m in matches)
    return (
        "FROM directory_search_fts f JOIN directory_searchentry e ON e.id = f.rowid",
        "directory_search_fts MATCH %s",
        [query],
    )


@dataclass(frozen=True)
class Candidate:
    id: int
    sort_name: str
    terms: str  # SearchEntry.rank_terms: " n:heberg t:refug d:femm e:femm p:laval "


def index_read(
    params: SearchParams, matches: list[Match], limit: int, *, order_by_name: bool = False
) -> list[Candidate]:
    """Up to ``limit`` active rows holding ``matches`` and passing the row filters, in the
    index's own order (the engine stops as soon as it has them), or by name."""
    source, condition, args = _fulltext(*matches)
    where, row_args = _row_filters(params)
    if condition:
        where.insert(0, condition)
    order = " ORDER BY e.sort_name, e.id" if order_by_name else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.id, e.sort_name, e.rank_terms {source} "
            f"WHERE {' AND '.join(where)}{order} LIMIT %s",
            [*args, *row_args, limit],
        )
        return [Candidate(*row) for row in cursor.fetchall()]
