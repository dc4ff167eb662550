"""The judged query set (tests/data/search_judgements.json) and its measures, shared by the
quality test (tests/directory/test_search_quality.py) and the benchmark (bench/search.py).

A query's P@5 is the relevant services among its first five results over min(5, relevant
services): 1.0 when the first five are all relevant, or when every relevant service is among
them. A zero result is a query that returns nothing although a relevant service exists."""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

JUDGEMENTS = Path(__file__).resolve().parents[1] / "data" / "search_judgements.json"
TOP = 5


@dataclass(frozen=True)
class Judged:
    query: str
    kinds: tuple[str, ...]
    relevant: frozenset[Any]  # service names, or anything a result is known by


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
        Judged(q["query"], tuple(q["kinds"]), frozenset(q["relevant"])) for q in data["queries"]
    ]


def evaluate(
    judged: Iterable[Judged],
    run: Callable[[str], list[Any]],
    count: Callable[[Judged], int],
) -> Report:
    """``run(query)``: the keys of the results, best first; ``count(judged)``: how many
    services of the searched directory are relevant."""
    return Report([Outcome(j, tuple(run(j.query)), count(j)) for j in judged])
