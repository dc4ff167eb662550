"""The released tables: their fixed keys and axes, and counting them from the tallies' margins.
Protecting them (noise, suppression, marks) and rolling releases up a level is in
``protection.py``.

A table is stored as plain JSON, so that a bundle carries it to another instance::

    {"key": ..., "rows": {"dimension", "leaves", "aggregates"}, "cols": {...},
     "cells": [[{"v": value or null, "a": accuracy, "f": "" | "x" | "E", "n": noise}]]}

``rows`` and ``cols`` list the leaf keys then the aggregate keys (subtotals and totals, each the
sum of some leaves); ``cells`` follows that order. ``v`` is null where the cell is suppressed.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from arrimage.trends import vocabulary as vocab
from arrimage.trends.tallies import ReferralKey

SUPPRESSED = "x"
CAUTION = "E"

Leaf = tuple[str, str]


@dataclass(frozen=True)
class Axis:
    dimension: str
    leaves: tuple[str, ...]
    aggregates: dict[str, tuple[str, ...]]

    @property
    def keys(self) -> list[str]:
        return [*self.leaves, *self.aggregates]

    def members(self, key: str) -> tuple[str, ...]:
        return self.aggregates.get(key, (key,))

    def as_json(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "leaves": list(self.leaves),
            "aggregates": {k: list(v) for k, v in self.aggregates.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Axis":
        return cls(
            dimension=str(data["dimension"]),
            leaves=tuple(str(k) for k in data["leaves"]),
            aggregates={str(k): tuple(str(m) for m in v) for k, v in data["aggregates"].items()},
        )


# Where a table's exact counts come from (trends.sources): its margin of the cases' codes in the
# tallies (a source of ``TALLY_SOURCES``, the screening indicators' included), the referrals,
# or Orientation's anonymised unmet needs.
CASES = "cases"
TIMELINES = "timelines"
REFERRALS = "referrals"
UNMET_NEEDS = "unmet_needs"
SCREENING = "screening"

# What a coordinator chooses to release; each section is a set of tables sharing the budget.
SECTIONS: dict[str, tuple[str, ...]] = {
    CASES: ("month_region", "exploitation_quarter", "gender_age", "immigration_quarter"),
    TIMELINES: ("trp_delay_quarter", "immigration_applications", "mental_health_access"),
    REFERRALS: ("referral_outcome_need", "decline_reason_need", "response_time_need"),
    UNMET_NEEDS: ("unmet_need_region",),
    SCREENING: ("screening_indicator_quarter",),
}


@dataclass(frozen=True)
class TableSpec:
    key: str
    rows: Axis
    cols: Axis
    # How many leaf cells one person can add to, at most (the L1 sensitivity of the table).
    sensitivity: int
    # Adds one count of its source (a margin of the tallies) to the leaf counts.
    contribute: Callable[[Any, int, dict[Leaf, int]], None]
    source: str = "month_region"


def _axis(dimension: str, leaves: Sequence[str], aggregates: dict[str, Sequence[str]]) -> Axis:
    return Axis(dimension, tuple(leaves), {k: tuple(v) for k, v in aggregates.items()})


def _months() -> Axis:
    quarters = {
        q: [str(m) for m in range(1, 13) if vocab.quarter_of(m) == q] for q in vocab.QUARTERS
    }
    return _axis("month", vocab.MONTHS, {**quarters, vocab.YEAR_TOTAL: vocab.MONTHS})


def _quarters() -> Axis:
    return _axis("quarter", vocab.QUARTERS, {vocab.YEAR_TOTAL: vocab.QUARTERS})


def _with_total(dimension: str, keys: Sequence[str]) -> Axis:
    return _axis(dimension, keys, {vocab.TOTAL: keys})


def _add(leaves: dict[Leaf, int], leaf: Leaf, n: int) -> None:
    leaves[leaf] = leaves.get(leaf, 0) + n


def table_specs(
    *,
    regions: Sequence[str],
    contribution_bound: int,
    referral_bound: int = 1,
    screening_bound: int = 1,
) -> list[TableSpec]:
    """The tables of a release, with keys fixed before any data is seen: the vocabularies
    and the regions of the coalition's member organisations."""

    # Each takes a key of its source in trends.tallies.TALLY_SOURCES (codes as text).
    def by_month_region(key: tuple[str, ...], n: int, leaves: dict[Leaf, int]) -> None:
        _add(leaves, (key[0], key[1]), n)

    def by_exploitation(key: tuple[str, ...], n: int, leaves: dict[Leaf, int]) -> None:
        for kind in vocab.exploitation_keys(int(key[1]), bound=contribution_bound):
            _add(leaves, (kind, vocab.quarter_of(int(key[0]))), n)

    def by_gender_age(key: tuple[str, ...], n: int, leaves: dict[Leaf, int]) -> None:
        _add(leaves, (key[0], key[1]), n)

    def by_immigration(key: tuple[str, ...], n: int, leaves: dict[Leaf, int]) -> None:
        _add(leaves, (key[1], vocab.quarter_of(int(key[0]))), n)

    def by_trp_delay(key: tuple[str, ...], n: int, leaves: dict[Leaf, int]) -> None:
        _add(leaves, (key[1] or vocab.UNKNOWN, vocab.quarter_of(int(key[0]))), n)

    def by_application(key: tuple[str, ...], n: int, leaves: dict[Leaf, int]) -> None:
        _add(leaves, ("asylum", key[0] or vocab.UNKNOWN), n)
        _add(leaves, ("humanitarian", key[1] or vocab.UNKNOWN), n)

    def by_mental_health(key: tuple[str, ...], n: int, leaves: dict[Leaf, int]) -> None:
        _add(leaves, (key[0] or vocab.UNKNOWN, key[1] or vocab.UNKNOWN), n)

    def by_outcome(key: ReferralKey, n: int, leaves: dict[Leaf, int]) -> None:
        _add(leaves, (key[1], key[0]), n)

    def by_decline_reason(key: ReferralKey, n: int, leaves: dict[Leaf, int]) -> None:
        if key[2]:
            _add(leaves, (key[2], key[0]), n)

    def by_response_time(key: ReferralKey, n: int, leaves: dict[Leaf, int]) -> None:
        if key[3]:
            _add(leaves, (key[3], key[0]), n)

    def by_screening_indicator(key: tuple[str, ...], n: int, leaves: dict[Leaf, int]) -> None:
        for indicator in vocab.screening_keys(int(key[1]), bound=screening_bound):
            _add(leaves, (indicator, vocab.quarter_of(int(key[0]))), n)

    by_need = _with_total("need_group", list(vocab.NEED_GROUPS))
    return [
        TableSpec(
            "month_region",
            _months(),
            _with_total("region", sorted(regions)),
            1,
            by_month_region,
            "month_region",
        ),
        TableSpec(
            "exploitation_quarter",
            _axis("exploitation", list(vocab.EXPLOITATION_TYPES), {}),
            _quarters(),
            contribution_bound,
            by_exploitation,
            "month_exploitation",
        ),
        TableSpec(
            "gender_age",
            _with_total("gender", list(vocab.GENDERS)),
            _with_total("age", list(vocab.AGE_BANDS)),
            1,
            by_gender_age,
            "gender_age",
        ),
        TableSpec(
            "immigration_quarter",
            _with_total("immigration", list(vocab.IMMIGRATION_BUCKETS)),
            _quarters(),
            1,
            by_immigration,
            "month_immigration",
        ),
        TableSpec(
            "trp_delay_quarter",
            _with_total("trp_delay", list(vocab.TRP_DELAYS)),
            _quarters(),
            1,
            by_trp_delay,
            "month_trp_delay",
        ),
        TableSpec(
            "immigration_applications",
            # No total row: a person is counted once in each application.
            _axis("application", list(vocab.APPLICATIONS), {}),
            _with_total("application_status", list(vocab.APPLICATION_STATUSES)),
            len(vocab.APPLICATIONS),
            by_application,
            "applications",
        ),
        TableSpec(
            "mental_health_access",
            _with_total("mental_health", list(vocab.MENTAL_HEALTH)),
            _with_total("coverage", list(vocab.COVERAGES)),
            1,
            by_mental_health,
            "mental",
        ),
        TableSpec(
            "referral_outcome_need",
            _with_total("outcome", list(vocab.REFERRAL_OUTCOMES)),
            by_need,
            referral_bound,
            by_outcome,
            REFERRALS,
        ),
        TableSpec(
            "decline_reason_need",
            _with_total("decline_reason", list(vocab.DECLINE_REASONS)),
            by_need,
            referral_bound,
            by_decline_reason,
            REFERRALS,
        ),
        TableSpec(
            "response_time_need",
            _with_total("response_time", list(vocab.RESPONSE_TIMES)),
            by_need,
            referral_bound,
            by_response_time,
            REFERRALS,
        ),
        TableSpec(
            "screening_indicator_quarter",
            # No total row: a person is counted once in each indicator present.
            _axis("screening_indicator", list(vocab.SCREENING_INDICATORS), {}),
            _quarters(),
            screening_bound,
            by_screening_indicator,
            SCREENING,
        ),
    ]


def unmet_need_spec(*, regions: Sequence[str], needs: Sequence[str]) -> TableSpec:
    """Unmet needs by need and region, from ``sources.unmet_need_counts`` (keyed by need and
    region already)."""

    def as_is(key: tuple[str, str], n: int, leaves: dict[Leaf, int]) -> None:
        _add(leaves, key, n)

    return TableSpec(
        "unmet_need_region",
        _with_total("need", needs),
        _with_total("region", sorted(regions)),
        1,
        as_is,
        UNMET_NEEDS,
    )


def leaf_counts(spec: TableSpec, cube: dict[Any, int]) -> dict[Leaf, int]:
    leaves: dict[Leaf, int] = {}
    for key, n in cube.items():
        spec.contribute(key, n, leaves)
    return leaves
