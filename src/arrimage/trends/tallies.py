"""The exact counts of one organisation's counted cases for a year (a ``StatisticsTally``
once sealed): for each released table, how many cases have each cell's codes. Tallies add up
key by key; :func:`margin_counts` and :func:`referral_counts` give each table its exact
counts. Sealing and opening them is in ``sources.py``.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from arrimage.trends import vocabulary as vocab

# One referral: need group, outcome, decline reason, response time.
ReferralKey = tuple[str, str, str, str]

# A tally is padded to a multiple of this: its length grows with the number of distinct
# cells, not with each case.
TALLY_BLOCK = 4096

# The counts a tally keeps: for each released table, the codes its cells are made of (its
# margin of the cases' codes), so that a tally's size is bounded by the tables' cells, not by
# the combinations of every code. Referrals: each referral slot of a case counts on its own.
REFERRALS = "referrals"
TALLY_SOURCES: dict[str, tuple[str, ...]] = {
    "month_region": ("month", "region"),
    "month_exploitation": ("month", "exploitation"),
    "gender_age": ("gender", "age"),
    "month_immigration": ("month", "immigration"),
    "month_trp_delay": ("month", "trp_delay"),
    "applications": ("asylum", "humanitarian"),
    "mental": ("mental_health", "health_coverage"),
    REFERRALS: ("referral_first", "referral_second"),
    "screening": ("month", "screening_indicators"),
}

# A cell of a tally: its codes joined by ``KEY_SEPARATOR`` (no code holds it; a referral
# code holds "|"), so that a tally is a flat JSON object of numbers, read by the JSON parser
# in C, and tallies add up key by key.
KEY_SEPARATOR = "/"
# Format 3: one count per table cell. A tally of an earlier format (the whole cube of codes)
# is added up again from its records' sealed codes (``OldTally``).
TALLY_FORMAT = 3


class OldTally(Exception):
    """A tally sealed in an earlier format: add it up again from the records."""


def tally_key(values: Iterable[object]) -> str:
    return KEY_SEPARATOR.join("" if value is None else str(value) for value in values)


def tally_key_split(key: str) -> list[str]:
    return key.split(KEY_SEPARATOR)


@dataclass
class Tally:
    """Exact counts: for each source (a released table's margin), how many counted cases
    have each combination of its codes (the key of ``tally_key``)."""

    records: int = 0
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {source: {} for source in TALLY_SOURCES}
    )

    def add(self, codes: dict[str, object], sign: int = 1) -> None:
        self.records += sign
        for source, columns in TALLY_SOURCES.items():
            counts = self.counts[source]
            if source == REFERRALS:
                keys = [str(codes[column]) for column in columns if codes[column]]
            else:
                keys = [tally_key(codes[column] for column in columns)]
            for key in keys:
                n = counts.get(key, 0) + sign
                if n:
                    counts[key] = n
                else:
                    counts.pop(key, None)

    def merge(self, other: "Tally") -> None:
        self.records += other.records
        for source, counts in other.counts.items():
            _counts_add(self.counts.setdefault(source, {}), counts)

    def as_text(self) -> str:
        text = json.dumps(
            {"format": TALLY_FORMAT, "records": self.records, "counts": self.counts},
            separators=(",", ":"),
        )
        return padded(text, TALLY_BLOCK)

    @classmethod
    def from_text(cls, text: str) -> "Tally":
        tally = cls()
        tally.merge_text(text)
        return tally

    def merge_text(self, text: str) -> None:
        """Add a sealed tally's plaintext; ``OldTally`` for an earlier format."""
        data = json.loads(text)
        if data.get("format") != TALLY_FORMAT or set(data["counts"]) != set(TALLY_SOURCES):
            # An earlier format, or a source added since the tally was sealed.
            raise OldTally
        self.records += int(data["records"])
        for source, counts in data["counts"].items():
            _counts_add(self.counts.setdefault(source, {}), counts)


def _counts_add(mine: dict[str, int], other: dict[str, int]) -> None:
    get = mine.get
    for key, n in other.items():
        total = get(key, 0) + n
        if total:
            mine[key] = total
        else:
            mine.pop(key, None)


def padded(text: str, block: int) -> str:
    """Spaces up to a multiple of ``block`` (JSON ignores them)."""
    return text + " " * (-len(text) % block)


def margin_counts(*, tally: Tally, name: str) -> dict[tuple[str, ...], int]:
    """The counts of one source of ``TALLY_SOURCES`` (a table's margin), by its codes as
    text, in the order of its columns."""
    return {tuple(tally_key_split(key)): n for key, n in tally.counts[name].items()}


def referral_counts(*, tally: Tally) -> dict[ReferralKey, int]:
    """The referrals sent for the counted cases (those whose person's consent covers
    coordination), the first two per case: one person adds at most two to each referral
    table, whatever the number of referrals."""
    return {vocab.referral_key(code): n for code, n in tally.counts[REFERRALS].items()}
