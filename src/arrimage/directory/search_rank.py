"""Ranking the rows read by a directory search: groups matched, distance band, where the words
are, distance, name (see ``directory.search``)."""

import math
import re
from dataclasses import dataclass
from typing import Any

from arrimage.directory import geo
from arrimage.directory.search_query import Group, Place
from arrimage.directory.search_read import Candidate
from arrimage.directory.text import token

FAR = len(geo.NEAR_BANDS_KM)  # the band of what lies past the last ring
# --- ranking ---------------------------------------------------------------------------------

# The fields of ``rank_terms`` and the weight of a group found in each.
FIELD_WEIGHTS = {"n": 1.0, "t": 0.6, "d": 0.3, "e": 0.1}  # name, taxonomy, description, eligibility
# What a group gains when the service holds the taxonomy term of a phrase of several words
# found whole in the query: as much as the word in the name.
PHRASE_BONUS = 1.0
_FIELD_BITS = {mark: 1 << bit for bit, mark in enumerate(FIELD_WEIGHTS)}
_PLACE = re.compile(r" p:(\S+)")


class Scorer:
    """Finds which groups a candidate's ``rank_terms`` holds, and in which fields: one
    regular expression over the terms of every group (whole terms, then prefixes)."""

    def __init__(self, groups: tuple[Group, ...]) -> None:
        # A term or prefix -> the groups holding it; a group's fields are a bit mask.
        self.groups: dict[str, tuple[int, ...]] = {}
        exact: dict[str, list[int]] = {}
        prefixes: dict[str, list[int]] = {}
        for index, group in enumerate(groups):
            for term in (*group.alternatives, *group.score_terms):
                exact.setdefault(term, []).append(index)
            for prefix in group.prefixes:
                prefixes.setdefault(prefix, []).append(index)
        self.groups = {t: tuple(g) for t, g in exact.items()}
        self.prefix_groups = {p: tuple(g) for p, g in prefixes.items()}
        # (term, group) pairs where the term is the token of a phrase found whole.
        self.phrases = {(t, index) for index, g in enumerate(groups) for t in g.phrase_tokens}
        self.exact = self._pattern(exact, r"(?= )")
        self.prefix = self._pattern(prefixes, r"[0-9a-z]*(?= )")
        # The score of a group found in the fields of a mask, for every mask.
        weights = list(FIELD_WEIGHTS.values())
        self.mask_scores = [
            [
                group.weight * sum(w for bit, w in enumerate(weights) if mask >> bit & 1)
                for mask in range(1 << len(weights))
            ]
            for group in groups
        ]

    @staticmethod
    def _pattern(terms: dict[str, list[int]], tail: str) -> re.Pattern[str] | None:
        if not terms:
            return None
        marks = "".join(FIELD_WEIGHTS)
        choices = "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
        return re.compile(f" ([{marks}]):({choices}){tail}")

    def score(self, terms: str) -> tuple[int, float]:
        """(groups found, their weighted score): each group scores the weights of the fields
        it is found in, added up, times its own weight."""
        masks: dict[int, int] = {}
        phrases = self.phrases
        found: set[int] = set()
        bits = _FIELD_BITS
        for pattern, table in ((self.exact, self.groups), (self.prefix, self.prefix_groups)):
            if pattern is None:
                continue
            for mark, term in pattern.findall(terms):
                for group in table[term]:
                    masks[group] = masks.get(group, 0) | bits[mark]
                    if phrases and (term, group) in phrases:
                        found.add(group)
        scores = self.mask_scores
        score = sum(scores[group][mask] for group, mask in masks.items())
        return len(masks), round(score + PHRASE_BONUS * len(found), 6)


def distance_band(candidate: Candidate, place: Place | None) -> tuple[int, float]:
    """The distance band of the candidate's nearest place from ``place``, and that distance
    in km, which orders services of one band (0 when there is no place to rank by)."""
    if place is None:
        return 0, 0.0
    codes = _PLACE.findall(candidate.terms)
    if place.region_code:
        return (0, 0.0) if token("r", place.region_code) in codes else (FAR, math.inf)
    centre = place.municipality
    assert centre is not None
    distances = [
        geo.distance_km(centre.latitude, centre.longitude, m.latitude, m.longitude)
        for m in (geo.municipality_get(code) for code in codes)
        if m is not None
    ]
    if not distances:
        return FAR, math.inf
    nearest = min(distances)
    band = next((i for i, band in enumerate(geo.NEAR_BANDS_KM) if nearest <= band), FAR)
    return band, round(nearest, 3)


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    coverage: int
    key: tuple[Any, ...]


def candidate_rank(candidate: Candidate, scorer: Scorer, place: Place | None) -> Ranked:
    coverage, score = scorer.score(candidate.terms)
    band, distance = distance_band(candidate, place)
    key = (-coverage, band, -score, distance, candidate.sort_name, candidate.id)
    return Ranked(candidate, coverage, key)
