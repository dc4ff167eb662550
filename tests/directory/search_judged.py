"""The judged query set (tests/data/search_judgements.json) and its measures, shared by the
quality test (tests/directory/test_search_quality.py) and the benchmark (bench/search.py).

A query's P@5 is the relevant services among its first five results over min(5, relevant
services): 1.0 when the first five are all relevant, or when every relevant service is among
them. A zero result is a query that returns nothing although a relevant service exists."""

import csv
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
JUDGEMENTS = ROOT / "tests" / "data" / "search_judgements.json"
MUNICIPALITIES = ROOT / "src" / "arrimage" / "directory" / "data" / "municipalities.csv"
TOP = 5


@dataclass(frozen=True)
class Judged:
    query: str
    kinds: tuple[str, ...]
    relevant: frozenset[Any]  # service names, or anything a result is known by
    criterion: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """What the oracle knows of a service: the demo template its name starts with, the
    municipalities of its places and its taxonomy codes."""

    template: str
    municipalities: tuple[str, ...]
    codes: frozenset[str]


def criterion_met(criterion: dict[str, Any], facts: Facts) -> bool:
    """Whether a service meets a judgement's criterion (see the judgements' 'about'). Written
    apart from the search: it reads the service's facts and the municipalities' coordinates,
    nothing of the search's index."""
    if "templates" in criterion and facts.template not in criterion["templates"]:
        return False
    if "codes_any" in criterion and not facts.codes & set(criterion["codes_any"]):
        return False
    if "codes_all" in criterion and not set(criterion["codes_all"]) <= facts.codes:
        return False
    if "near" in criterion:
        code, km = criterion["near"]
        centre = _coordinates()[code]
        return any(
            _distance_km(centre, _coordinates()[m]) <= km
            for m in facts.municipalities
            if m in _coordinates()
        )
    return True


@cache
def _coordinates() -> dict[str, tuple[float, float]]:
    with MUNICIPALITIES.open(encoding="utf-8") as handle:
        return {
            row["code"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine), as the judge measured it."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Outcome:
    judged: Judged
    found: tuple[Any, ...]  # the first results, best first
    relevant_count: int  # relevant services in the directory searched

    @property
    def precision(self) -> float:
        if not self.relevant_count:
            return 1.0
        hits = sum(1 for key in self.found[:TOP] if key in self.judged.relevant)
        return hits / min(TOP, self.relevant_count)

    @property
    def is_zero(self) -> bool:
        return self.relevant_count > 0 and not self.found

    @property
    def has_hit(self) -> bool:
        return any(key in self.judged.relevant for key in self.found[:TOP])


@dataclass(frozen=True)
class Report:
    outcomes: list[Outcome]

    @property
    def precision(self) -> float:
        return sum(o.precision for o in self.outcomes) / len(self.outcomes)

    @property
    def zero(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.is_zero]

    @property
    def success(self) -> float:
        """Share of queries with at least one relevant service in the first five."""
        return sum(o.has_hit for o in self.outcomes) / len(self.outcomes)

    def by_kind(self) -> dict[str, tuple[int, float]]:
        kinds: dict[str, list[float]] = {}
        for outcome in self.outcomes:
            for kind in outcome.judged.kinds:
                kinds.setdefault(kind, []).append(outcome.precision)
        return {k: (len(v), sum(v) / len(v)) for k, v in sorted(kinds.items())}

    def misses(self) -> list[str]:
        """The queries below a perfect P@5, with what came first: for a failure message."""
        return [
            f"{o.judged.query!r}: P@5 {o.precision:.2f}, first {list(o.found[:TOP])}"
            for o in self.outcomes
            if o.precision < 1.0
        ]


def judgements_load(path: Path = JUDGEMENTS) -> list[Judged]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Judged(q["query"], tuple(q["kinds"]), frozenset(q["relevant"]), q["criterion"])
        for q in data["queries"]
    ]


def evaluate(
    judged: Iterable[Judged],
    run: Callable[[str], list[Any]],
    count: Callable[[Judged], int],
) -> Report:
    """``run(query)``: the keys of the results, best first; ``count(judged)``: how many
    services of the searched directory are relevant."""
    return Report([Outcome(j, tuple(run(j.query)), count(j)) for j in judged])
