"""Directory search: one box plus filters, over :class:`SearchEntry` and its full-text index.

The box is read by ``search_query``: groups of alternative stems and tokens (one per word,
with typos corrected and synonyms added), and perhaps a place. Filters are tokens of the same
index (``xc`` category, ``xe`` eligibility, ``xl`` language, ``xr`` region, ``xm`` municipality,
``xw`` near a municipality: ``geo.NEAR_BANDS_KM``) that every result must hold; age and
"available now" are checked on the row.

Not every word must match. Services that match every group come first; when fewer than a page
do, services matching at least half of the groups follow. Within that, ranking is by

1. how many groups the service matches;
2. with a place in the box (else the "near" filter's municipality), the distance band from
   it (0, 10, 25, 50, 60, 100 km, farther);
3. where the words are: each group scores 1 in the name, 0.6 in the taxonomy (categories and
   what their synonyms name), 0.3 in the description, 0.1 in the eligibility, added up over
   the fields it is found in (0.8 of that for a corrected word, 0.6 for a prefix), and 1 more
   when the service holds the taxonomy term of a phrase of several words found whole in the
   box ("aide sociale" -> income support, rather than any "aide" with a "sociale");
4. with a place, the distance itself (the nearer first within a band);
5. the name.

The index is read in bounded, unordered slices (at most ``RANK_LIMIT`` + 1 rows each; with a
place, ring by ring outwards), so every query costs about the same whatever it matches, and
the ranking above is computed on those rows, identically on SQLite (FTS5) and PostgreSQL (GIN
over a tsvector). A slice that overflows makes the search "broad": its ranking is the best of
the rows read, and the page says so.
"""

import json
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from arrimage.directory import geo
from arrimage.directory.search_query import Group, Place, TextQuery, query_check, query_parse
from arrimage.directory.search_rank import Ranked, Scorer, candidate_rank, distance_band
from arrimage.directory.search_read import Candidate, Match, index_read, search_filter_groups
from arrimage.directory.search_types import PER_PAGE, SearchHit, SearchPage, SearchParams
from arrimage.directory.text import token

# Rows read per slice of the index. Up to it, results are ranked over every match; past it,
# the query is broad ("hebergement" over 60,000 services) and the ranking is over the rows
# read: ranking costs about 10 µs a row, so this bounds what a search costs.
RANK_LIMIT = 100
# --- the search ------------------------------------------------------------------------------


def _rings(place: Place) -> list[list[str]]:
    """The near tokens of each ring around a place, nearest first (a region is one ring)."""
    if place.region_code:
        return [[token("r", place.region_code)]]
    centre = place.municipality
    assert centre is not None
    rings: list[list[str]] = []
    lower: int | None = None
    for band in geo.NEAR_BANDS_KM:
        ring = geo.near_group(centre, lower, band)
        if ring is None:  # not the indexed bands: the municipalities of the ring
            inside = {m.code for m in geo.municipalities_within(centre, lower or 0)}
            ring = [
                token("m", m.code)
                for m in geo.municipalities_within(centre, band)
                if lower is None or m.code not in inside
            ]
        rings.append(ring)
        lower = band
    return rings


def _as_match(groups: list[list[str]]) -> Match:
    return Match(tuple((tuple(g), ()) for g in groups))


@dataclass
class _Gathered:
    candidates: dict[int, Candidate] = field(default_factory=dict)
    is_broad: bool = False

    def add(self, rows: Iterable[Candidate], window: int) -> None:
        rows = list(rows)
        if len(rows) >= window:
            self.is_broad = True
        for row in rows:
            self.candidates.setdefault(row.id, row)


def _gather(
    params: SearchParams,
    filters: Match,
    words: Match | None,
    place: Place | None,
    *,
    needed: int,
    window: int,
) -> _Gathered:
    """The rows holding the filters (and ``words``; for a place alone, within its last ring),
    up to ``max(window, needed)`` per read. A read of ``window`` rows or more makes the search
    broad: then, with a place, its rings are read too, nearest first, until ``needed`` rows
    are found there, so that the nearest services are among the rows ranked."""
    gathered = _Gathered()
    limit = max(window, needed)
    base = [filters] + ([words] if words is not None else [])
    rings = [ring for ring in _rings(place) if ring] if place is not None else []
    if words is None and rings:  # a place alone: what is near it
        base = [*base, _as_match([[t for ring in rings for t in ring]])]
    gathered.add(index_read(params, base, limit), window)
    if not gathered.is_broad:
        return gathered
    near = _Gathered()
    for ring in rings:
        near.add(index_read(params, [*base, _as_match([ring])], limit), window)
        if len(near.candidates) >= needed:
            break
    gathered.candidates = {**near.candidates, **gathered.candidates}
    return gathered


@dataclass(frozen=True)
class _Result:
    ranked: list["Ranked"]
    is_broad: bool
    partial: bool  # some rows match only part of the words
    full: int  # rows matching every group


def _filter_place(params: SearchParams) -> Place | None:
    """The municipality of the "near" filter, as a place to rank around."""
    if not params.municipality:
        return None
    centre = geo.municipality_find(params.municipality)
    return Place(label=params.municipality, municipality=centre) if centre else None


def _ranked(
    params: SearchParams,
    text: TextQuery,
    filters: Match,
    *,
    needed: int,
    window: int | None = None,
) -> _Result:
    """Reads at least ``window`` rows (``RANK_LIMIT`` + 1) per slice, more when ``needed``
    for a later page; of a broad search, the first ``window`` rows read are ranked and the
    rest follow in the index's order, so that every page of it reads the same ranking."""
    window = window or RANK_LIMIT + 1
    groups = text.groups
    # Ranked around the place typed in the box, else around the "near" filter's municipality.
    around = text.place or _filter_place(params)
    if not groups:
        if text.place is None and around is None:  # words typed, none found anywhere
            return _Result([], False, False, 0)
        gathered = _gather(params, filters, None, text.place, needed=needed, window=window)
        ranked = _order(gathered, groups, around, window, 0)
        return _Result(ranked, gathered.is_broad, False, len(ranked))
    words = [(g.alternatives, g.prefixes) for g in groups]
    gathered = _gather(
        params, filters, Match(tuple(words)), text.place, needed=needed, window=window
    )
    full = len(gathered.candidates)
    partial = False
    if len(groups) > 1 and full < PER_PAGE and (full or text.checked):
        partial_rows = _gather(
            params, filters, Match(tuple(words), every=False), None, needed=needed, window=window
        )
        gathered.candidates.update(
            {k: v for k, v in partial_rows.candidates.items() if k not in gathered.candidates}
        )
        gathered.is_broad = gathered.is_broad or partial_rows.is_broad
        partial = True
    least = math.ceil(len(groups) / 2)
    ranked = _order(gathered, groups, around, window, least)
    partial = partial and any(r.coverage < len(groups) for r in ranked)
    return _Result(ranked, gathered.is_broad, partial, full)


def _search(
    params: SearchParams, text: TextQuery, filters: Match, *, needed: int, window: int | None
) -> tuple[TextQuery, _Result]:
    """Search with the box as read without the vocabulary; when no service holds every word,
    read it against the vocabulary (typos, prefixes, words found nowhere) and search again."""
    result = _ranked(params, text, filters, needed=needed, window=window)
    if text.groups and not result.full and not text.checked:
        text = query_check(text)
        result = _ranked(params, text, filters, needed=needed, window=window)
    return text, result


def _order(
    gathered: _Gathered, groups: tuple[Group, ...], place: Place | None, window: int, least: int
) -> list[Ranked]:
    """The rows covering at least ``least`` groups, ranked; of a broad search, the first
    ``window`` rows read are ranked and the others follow in the order read."""
    scorer = Scorer(groups)
    ranked = [candidate_rank(c, scorer, place) for c in gathered.candidates.values()]
    ranked = [r for r in ranked if r.coverage >= least]
    if not gathered.is_broad:
        return sorted(ranked, key=lambda r: r.key)
    return sorted(ranked[:window], key=lambda r: r.key) + ranked[window:]


COLUMNS = "e.id, e.service_id, e.name_fr, e.name_en, e.summary, e.available, e.capacity_updated"


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


def _notes(text: TextQuery) -> dict[str, Any]:
    """What the page says about the box."""
    return {
        "terms": [g.word for g in text.groups],
        "place": text.place.label if text.place else "",
        "ignored": list(text.ignored),
        "corrections": list(text.corrections),
        "nothing_to_search": text.typed and text.is_blank,
    }


def is_confidential_summary(summary: dict[str, Any]) -> bool:
    """A service offered at a confidential location (its index summary says so)."""
    return any(place.get("confidential") for place in summary.get("places", []))


def _availability_hidden(hit: SearchHit) -> SearchHit:
    if not is_confidential_summary(hit.summary):
        return hit
    summary = {**hit.summary, "capacities": []}
    return replace(hit, summary=summary, available=None, capacity_updated=None)


def directory_search(*, actor: object, params: SearchParams) -> SearchPage:
    """Search the directory. Everything a hit carries is public, but for one thing: the
    availability of a service at a confidential location, which only a signed-in member
    (``actor`` not None) gets. The detail page applies the address rule."""
    if actor is not None:
        return _directory_search(replace(params, public_reader=False))
    page = _directory_search(replace(params, public_reader=True))
    page.hits = [_availability_hidden(hit) for hit in page.hits]
    return page


def _directory_search(params: SearchParams) -> SearchPage:
    text = query_parse(params.q)
    page = max(1, params.page)
    notes = _notes(text)
    filter_groups, unknown = search_filter_groups(params)
    if unknown:
        return SearchPage([], 0, page, unknown_place=True, **notes)
    if text.is_blank and not params.has_filters:
        return SearchPage([], 0, page, is_blank=True, **notes)
    offset = (page - 1) * PER_PAGE
    needed = offset + PER_PAGE + 1
    filters = _as_match(filter_groups)
    if text.is_blank:  # filters only: by name
        ordered = not filter_groups
        rows = index_read(params, [filters], max(RANK_LIMIT + 1, needed), order_by_name=ordered)
        broad = len(rows) > RANK_LIMIT
        if not broad:  # nearest first with a "near" filter, then by name
            around = _filter_place(params)
            rows.sort(key=lambda c: (*distance_band(c, around), c.sort_name, c.id))
        chosen = [c.id for c in rows[offset : offset + PER_PAGE]]
        total = RANK_LIMIT + 1 if broad else len(rows)
        return SearchPage(
            _rows(chosen),
            total,
            page,
            is_broad=broad,
            has_next=len(rows) > offset + PER_PAGE,
            **notes,
        )
    text, result = _search(params, text, filters, needed=needed, window=None)
    ranked = result.ranked
    chosen = [r.candidate.id for r in ranked[offset : offset + PER_PAGE]]
    return SearchPage(
        _rows(chosen),
        max(len(ranked), RANK_LIMIT + 1) if result.is_broad else len(ranked),
        page,
        is_broad=result.is_broad,
        has_next=len(ranked) > offset + PER_PAGE,
        partial=result.partial,
        **_notes(text),
    )


def service_ids_ranked(*, q: str, limit: int) -> list[uuid.UUID] | None:
    """The ids of the services whose text matches ``q``, best first (the HSDS ``search``
    parameter), at most ``limit``; None when ``q`` holds nothing to search."""
    text = query_parse(q)
    if text.is_blank:
        return None
    _text, result = _search(SearchParams(), text, Match(()), needed=limit, window=limit)
    ids = [r.candidate.id for r in result.ranked[:limit]]
    if not ids:
        return []
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"SELECT e.id, e.service_id FROM directory_searchentry e "  # noqa: S608
            f"WHERE e.id IN ({marks})",
            ids,
        )
        by_id = {row[0]: uuid.UUID(str(row[1])) for row in cursor.fetchall()}
    return [by_id[i] for i in ids if i in by_id]
