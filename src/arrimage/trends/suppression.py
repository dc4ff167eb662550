"""Small-cell suppression with complementary suppression, on tables with totals.

A table is a set of cells and a list of additive equations (an aggregate cell equals the sum
of its component cells: row totals, column totals, quarter and year subtotals). Primary
suppression hides every cell with ``0 < value < threshold``. Complementary suppression then
hides more cells until no hidden cell can be worked out from the published ones:

- no equation may have exactly one hidden cell (the simple subtraction attack);
- no hidden cell may be fixed by the equations together (linear algebra: the cell's column is
  independent of the other hidden cells' columns; exact rank, modulo a 61-bit prime);
- no hidden cell may be pinned to one value by bounds (counts are never negative), which
  catches hidden zeros forced by a published zero total.

The same three attacks are what :func:`recovered_cells` runs, and what the tests run.
"""

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

Cell = Hashable
PRIME = (1 << 61) - 1


@dataclass(frozen=True)
class Equation:
    aggregate: Cell
    components: tuple[Cell, ...]

    def cells(self) -> tuple[Cell, ...]:
        return (self.aggregate, *self.components)


@dataclass
class LinearTable:
    values: dict[Cell, int]
    equations: list[Equation]
    aggregates: set[Cell] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.aggregates = {equation.aggregate for equation in self.equations}


def _coefficients(equation: Equation) -> dict[Cell, int]:
    coefficients: dict[Cell, int] = {equation.aggregate: 1}
    for cell in equation.components:
        coefficients[cell] = coefficients.get(cell, 0) - 1
    return coefficients


def _rref_determined(table: LinearTable, hidden: set[Cell]) -> set[Cell]:
    """Hidden cells whose value the equations fix, whatever the other hidden cells are."""
    order = sorted(hidden, key=repr)
    index = {cell: i for i, cell in enumerate(order)}
    rows: list[list[int]] = []
    for equation in table.equations:
        coefficients = _coefficients(equation)
        row = [0] * len(order)
        touched = False
        for cell, coefficient in coefficients.items():
            if cell in index and coefficient:
                row[index[cell]] = coefficient % PRIME
                touched = True
        if touched:
            rows.append(row)
    pivot_row = 0
    pivots: list[tuple[int, int]] = []
    for column in range(len(order)):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][column]), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        inverse = pow(rows[pivot_row][column], PRIME - 2, PRIME)
        rows[pivot_row] = [(x * inverse) % PRIME for x in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][column]:
                factor = rows[r][column]
                rows[r] = [
                    (x - factor * y) % PRIME for x, y in zip(rows[r], rows[pivot_row], strict=True)
                ]
        pivots.append((pivot_row, column))
        pivot_row += 1
        if pivot_row == len(rows):
            break
    determined = set()
    for r, column in pivots:
        if all(x == 0 for i, x in enumerate(rows[r]) if i != column):
            determined.add(order[column])
    return determined


def bounds(
    table: LinearTable, hidden: set[Cell], *, passes: int = 60
) -> dict[Cell, tuple[float, float]]:
    """What an attacker can bound each hidden cell to, knowing counts are never negative."""
    inf = float("inf")
    low = {cell: 0.0 for cell in hidden}
    high = {cell: inf for cell in hidden}
    known = {cell: float(v) for cell, v in table.values.items() if cell not in hidden}
    for _ in range(passes):
        changed = False
        for equation in table.equations:
            coefficients = _coefficients(equation)
            unknown = [c for c in coefficients if c in hidden and coefficients[c]]
            if not unknown:
                continue
            constant = sum(coefficients[c] * known[c] for c in coefficients if c not in hidden)
            for cell in unknown:
                # coefficient * x = -(constant + sum of the other unknown terms)
                rest_low = constant
                rest_high = constant
                for other in unknown:
                    if other == cell:
                        continue
                    a = coefficients[other]
                    lo, hi = (
                        (a * low[other], a * high[other])
                        if a > 0
                        else (a * high[other], a * low[other])
                    )
                    rest_low += lo
                    rest_high += hi
                a = coefficients[cell]
                candidates = (-rest_high / a, -rest_low / a)
                new_low, new_high = min(candidates), max(candidates)
                if new_low > low[cell] + 1e-9:
                    low[cell] = new_low
                    changed = True
                if new_high < high[cell] - 1e-9:
                    high[cell] = new_high
                    changed = True
        if not changed:
            break
    return {cell: (low[cell], high[cell]) for cell in hidden}


def recovered_cells(table: LinearTable, hidden: set[Cell]) -> set[Cell]:
    """The hidden cells that the published cells give away exactly."""
    recovered = set()
    for equation in table.equations:
        members = [c for c in equation.cells() if c in hidden]
        if len(members) == 1:
            recovered.add(members[0])
    recovered |= _rref_determined(table, hidden)
    for cell, (low, high) in bounds(table, hidden).items():
        if high == float("inf"):
            continue
        if math.floor(high + 1e-9) == math.ceil(low - 1e-9):
            recovered.add(cell)
    return recovered


def _preference(table: LinearTable, cell: Cell) -> tuple[int, int, int, str]:
    value = table.values[cell]
    return (value == 0, cell in table.aggregates, value, repr(cell))


def _best_partner(table: LinearTable, hidden: set[Cell], cell: Cell) -> Cell | None:
    """A published cell to hide with an exposed one: from the nearest equations, walking
    through hidden cells when an equation has no published cell left."""
    seen = {cell}
    frontier = [cell]
    while frontier:
        candidates = []
        following = []
        for current in frontier:
            for equation in table.equations:
                members = equation.cells()
                if current not in members:
                    continue
                for other in members:
                    if other not in hidden:
                        candidates.append(other)
                    elif other not in seen:
                        seen.add(other)
                        following.append(other)
        if candidates:
            return min(candidates, key=lambda c: _preference(table, c))
        frontier = following
    return None


def suppress(table: LinearTable, *, threshold: int) -> set[Cell]:
    """The cells to hide: primary (``0 < value < threshold``) and complementary."""
    hidden = {cell for cell, value in table.values.items() if 0 < value < threshold}
    if not hidden:
        return hidden
    while True:
        changed = True
        while changed:
            changed = False
            for equation in table.equations:
                members = [c for c in equation.cells() if c in hidden]
                if len(members) == 1:
                    partner = min(
                        (c for c in equation.cells() if c not in hidden),
                        key=lambda c: _preference(table, c),
                        default=None,
                    )
                    if partner is not None:
                        hidden.add(partner)
                        changed = True
        exposed = recovered_cells(table, hidden)
        if not exposed:
            return hidden
        progress = False
        for cell in sorted(exposed, key=repr):
            partner = _best_partner(table, hidden, cell)
            if partner is not None:
                hidden.add(partner)
                progress = True
                break
        if not progress:
            return hidden


def grid_table(
    values: dict[tuple[str, str], int],
    *,
    row_leaves: Sequence[str],
    col_leaves: Sequence[str],
    row_aggregates: dict[str, Sequence[str]],
    col_aggregates: dict[str, Sequence[str]],
) -> LinearTable:
    """A two-way table with aggregate rows and columns (totals, subtotals)."""
    rows = [*row_leaves, *row_aggregates]
    cols = [*col_leaves, *col_aggregates]
    equations: list[Equation] = []
    for row in rows:
        for aggregate, members in col_aggregates.items():
            equations.append(Equation((row, aggregate), tuple((row, c) for c in members)))
    for col in cols:
        for aggregate, members in row_aggregates.items():
            equations.append(Equation((aggregate, col), tuple((r, col) for r in members)))
    cells: dict[Cell, int] = {(r, c): int(values.get((r, c), 0)) for r in rows for c in cols}
    return LinearTable(values=cells, equations=equations)


def all_cells(tables: Iterable[LinearTable]) -> int:
    return sum(len(t.values) for t in tables)
