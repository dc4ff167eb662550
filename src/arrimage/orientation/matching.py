"""Needs-based matching over the directory's search index (docs/matching.md).

For each need: the services of the need's categories near the person are read from the
directory's denormalised search rows (``SearchEntry`` and its full-text index), never the whole
directory. Eligibility is a hard filter; eligible services are ranked by a weighted score of
availability, distance, language, safety fit, freshness and past response rate; each option
carries the reasons it fits and each excluded service the reasons it does not, as short
translated phrases.

Eligibility is asked of the index as tokens of the search document (gender, safety needs,
children, accessibility, immigration status, exploitation, free units); age bounds and fresh
availability are conditions on the row; everything is checked again on the rows read. Reads
are bounded: rings of places nearest first, ``SAMPLE`` rows a read, so that the cost does not
grow with the size of the directory; the reads of all the needs go to the database together,
a few statements a profile (:func:`needs_rows`).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.utils import timezone

from arrimage.directory.text import token
from arrimage.orientation.index import (
    Read,
    Row,
    eligibility_tokens,
    index_reads,
    place_rings,
    required_tokens,
    response_stats,
)
from arrimage.orientation.models import ServiceResponseStats, UnmetReason
from arrimage.orientation.needs import (
    HOUSING_NEEDS,
    NEED_CATEGORIES,
    NEED_LABELS,
    NeedsProfile,
)
from arrimage.orientation.ranking import (
    ahead_of_closer,
    distance_origin,
    exclusion_codes,
    nearest_place,
    score,
    score_components,
)
from arrimage.orientation.reasons import (
    STALE,
    Reason,
    exclusion_reason,
    fit_reasons,
    response_rate,
)

EXCLUDED_SAMPLE = 12


EXCLUDED_SHOWN = 6


OPTIONS_SHOWN = 10


SAMPLE = 12


@dataclass
class Option:
    service_id: UUID
    name: str
    organisation: str
    score: float
    reasons: list[Reason]
    available: int | None
    capacities: list[dict[str, Any]]
    capacity_updated: datetime | None
    distance_km: float | None
    place: str
    phone: str
    response_rate: float | None
    components: dict[str, float] = field(default_factory=dict)

    @property
    def holdable_units(self) -> list[str]:
        return [str(c["unit"]) for c in self.capacities if int(c.get("available") or 0) > 0]


@dataclass
class Exclusion:
    service_id: UUID
    name: str
    organisation: str
    reasons: list[Reason]


@dataclass
class NeedResult:
    need: str
    label: str
    options: list[Option]
    excluded: list[Exclusion]
    eligible_count: int
    unmet_reason: str | None


@dataclass
class MatchResult:
    profile: NeedsProfile
    needs: list[NeedResult]


# Reading the directory's index -------------------------------------------------------------


def _name(row: Row, english: bool) -> str:
    if english:
        return row.name_en or row.name_fr
    return row.name_fr or row.name_en


class _NeedReading:
    """The reads of one need, made in rounds so that the reads of all the needs of a profile
    share each round trip to the database (:func:`needs_rows`).

    Candidates are eligible: every rule is asked of the index (tokens,
    :func:`eligibility_tokens`) and the row, and checked again on the row read. They are read
    ring by ring, nearest first, free and fresh units first, ``SAMPLE`` rows a read, until
    ``SAMPLE`` are found; so an empty answer means no eligible service at all. Then, for
    housing with no free option, a few eligible but full services (to tell "all full" from
    "no option"); and a few services of the need's categories and place that fail a rule, to
    show why they are excluded. No read depends on the rows of another, only on whether it is
    made: the first round reads the first ring and the others, each later round the next ring
    while fewer than ``SAMPLE`` were found, then the full services if none was."""

    def __init__(self, profile: NeedsProfile, need: str, since: datetime) -> None:
        self.profile, self.need = profile, need
        category_group = [token("c", code) for code in NEED_CATEGORIES[need]]
        required = required_tokens(profile, need)
        eligibility = eligibility_tokens(profile, need)
        rings = place_rings(profile)
        moments: list[datetime | None] = [since] if need in HOUSING_NEEDS else []
        moments.append(None)
        self.rings = [
            [
                Read(
                    _groups([category_group] + ([ring] if ring else []) + required + eligibility),
                    profile.age,
                    SAMPLE,
                    moment,
                )
                for moment in moments
            ]
            for ring in rings
        ]
        place = [t for ring in rings for t in ring]
        base = [category_group] + ([place] if place else [])
        full_groups = base + required + eligibility_tokens(profile, need, units="full")
        self.full: Read | None = (
            Read(_groups(full_groups), profile.age, EXCLUDED_SAMPLE)
            if need in HOUSING_NEEDS
            else None
        )
        self.others = Read(_groups(base), None, EXCLUDED_SAMPLE)
        self.seen: dict[UUID, Row] = {}
        self.ring = 0
        self.full_rows: list[Row] = []
        self.other_rows: list[Row] | None = None
        self.round = ""

    def next_reads(self) -> list[Read]:
        """The reads of the next round (none: done)."""
        if self.other_rows is None:
            self.round = "first"
            return [*(self.rings[0] if self.rings else []), self.others]
        if self.ring < len(self.rings) and len(self.seen) < SAMPLE:
            self.round = "ring"
            return self.rings[self.ring]
        if self.full is not None and not self.seen:
            self.round = "full"
            full, self.full = self.full, None  # read once
            return [full]
        self.round = "done"
        return []

    def take(self, found: list[list[Row]]) -> None:
        """The rows of the reads :meth:`next_reads` gave, in the same order."""
        if self.round == "first":
            self.other_rows = found[-1]
            if self.rings:
                self._take_ring(found[:-1])
        elif self.round == "ring":
            self._take_ring(found)
        elif self.round == "full":
            self.full_rows = found[0]

    def _take_ring(self, found: list[list[Row]]) -> None:
        for rows in found:
            for row in rows:
                if row.service_id not in self.seen:
                    row.exclusions = exclusion_codes(row, self.profile, self.need)
                    self.seen[row.service_id] = row
        self.ring += 1

    def rows(self) -> tuple[list[Row], list[Row]]:
        others = list(self.full_rows)
        skip = {**self.seen, **{row.service_id: row for row in others}}
        others += [row for row in self.other_rows or [] if row.service_id not in skip]
        return list(self.seen.values()), others


def _groups(groups: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(group) for group in groups)


def needs_rows(
    profile: NeedsProfile, needs: tuple[str, ...] | list[str]
) -> dict[str, tuple[list[Row], list[Row]]]:
    """(candidates, others) for each need (:class:`_NeedReading`). Every round reads the
    index for all the needs at once, in one statement: usually two or three round trips for a
    full profile instead of one per read."""
    since = timezone.now() - STALE
    readings = {need: _NeedReading(profile, need, since) for need in dict.fromkeys(needs)}
    while True:
        rounds = {need: r.next_reads() for need, r in readings.items()}
        rounds = {need: reads for need, reads in rounds.items() if reads}
        if not rounds:
            break
        found = index_reads([read for reads in rounds.values() for read in reads])
        start = 0
        for need, reads in rounds.items():
            readings[need].take(found[start : start + len(reads)])
            start += len(reads)
    return {need: reading.rows() for need, reading in readings.items()}


def need_rows(profile: NeedsProfile, need: str) -> tuple[list[Row], list[Row]]:
    """(candidates, others) for one need (:class:`_NeedReading`)."""
    return needs_rows(profile, [need])[need]


def match_need(
    profile: NeedsProfile,
    need: str,
    *,
    now: datetime,
    rows: tuple[list[Row], list[Row]] | None = None,
    stats_for: dict[UUID, ServiceResponseStats] | None = None,
    english: bool = False,
) -> NeedResult:
    centre, origin = distance_origin(profile)
    candidates, others = rows if rows is not None else need_rows(profile, need)
    if stats_for is None:
        stats_for = response_stats({r.service_id for r in candidates})
    ranked: list[tuple[float, float, str, str, Row, float | None, str, dict[str, float]]] = []
    excluded: list[tuple[Row, list[str]]] = []
    full_count = 0
    for row in [*candidates, *others]:
        found = (
            row.exclusions if row.exclusions is not None else exclusion_codes(row, profile, need)
        )
        if found:
            full_count += found == ["full"]
            excluded.append((row, found))
            continue
        distance, place = nearest_place(row, centre)
        components = score_components(
            row, profile, need, distance=distance, stats=stats_for.get(row.service_id), now=now
        )
        name = _name(row, english)
        ranked.append(
            (
                -score(components),
                distance if distance is not None else 1e9,
                name,
                str(row.service_id),
                row,
                distance,
                place,
                components,
            )
        )
    ranked.sort(key=lambda item: item[:4])
    options = []
    shown = ranked[:OPTIONS_SHOWN]
    for index, (negative, _d, name, _id, row, distance, place, components) in enumerate(shown):
        stats = stats_for.get(row.service_id)
        reasons = fit_reasons(
            row,
            profile,
            need,
            distance=distance,
            place=place,
            origin=origin,
            stats=stats,
            now=now,
        )
        ahead = ahead_of_closer(
            distance, components, [(item[5], item[7]) for item in shown[index + 1 :]]
        )
        if ahead is not None:
            reasons.append(ahead)
        options.append(
            Option(
                service_id=row.service_id,
                name=name,
                organisation=str(row.summary.get("organization") or ""),
                score=-negative,
                reasons=reasons,
                available=row.available,
                capacities=list(row.summary.get("capacities") or []),
                capacity_updated=row.capacity_updated,
                distance_km=distance,
                place=place,
                phone=str(row.summary.get("phone") or ""),
                response_rate=response_rate(stats),
                components=components,
            )
        )
    excluded.sort(key=lambda item: (item[1][0] != "full", _name(item[0], english)))
    unmet: str | None = None
    if not ranked:
        unmet = UnmetReason.ALL_FULL if full_count else UnmetReason.NO_OPTION
    return NeedResult(
        need=need,
        label=str(NEED_LABELS[need]),
        options=options,
        excluded=[
            Exclusion(
                row.service_id,
                _name(row, english),
                str(row.summary.get("organization") or ""),
                [exclusion_reason(code, row, profile) for code in found],
            )
            for row, found in excluded[:EXCLUDED_SHOWN]
        ],
        eligible_count=len(ranked),
        unmet_reason=str(unmet) if unmet else None,
    )


def match_profile(
    *, actor: object, profile: NeedsProfile, now: datetime | None = None
) -> MatchResult:
    """Options for every need of the profile. Reads only public directory data: ``actor``
    (the acting membership) does not widen what is read. Writes nothing; the caller records
    unmet needs (:func:`arrimage.orientation.unmet.unmet_needs_record`)."""
    from django.utils.translation import get_language

    now = now or timezone.now()
    english = (get_language() or "fr").startswith("en")
    rows = needs_rows(profile, profile.needs)
    stats_for = response_stats(
        {
            r.service_id
            for candidates, _others in rows.values()
            for r in candidates
            if not r.exclusions
        }
    )
    return MatchResult(
        profile=profile,
        needs=[
            match_need(
                profile, need, now=now, rows=rows[need], stats_for=stats_for, english=english
            )
            for need in profile.needs
        ],
    )
