"""Recovery attacks on suppressed tables. The attacks here are written independently of the
module's own audit: exact rational elimination, and for small tables an exhaustive search of
every non-negative integer table consistent with what was published."""

import itertools
import math
import random
from fractions import Fraction

import pytest

from arrimage.trends.suppression import LinearTable, grid_table, suppress

SEARCH_LIMIT = 300_000
ROWS = [str(m) for m in range(1, 13)]
QUARTERS = {f"Q{q}": ROWS[3 * (q - 1) : 3 * q] for q in range(1, 5)}


def full_table(leaves, *, rows, cols, row_aggregates, col_aggregates):
    values = {}
    for r in [*rows, *row_aggregates]:
        for c in [*cols, *col_aggregates]:
            values[(r, c)] = sum(
                leaves[(mr, mc)]
                for mr in row_aggregates.get(r, [r])
                for mc in col_aggregates.get(c, [c])
            )
    return grid_table(
        values,
        row_leaves=rows,
        col_leaves=cols,
        row_aggregates=row_aggregates,
        col_aggregates=col_aggregates,
    )


def determined_by_elimination(table: LinearTable, hidden: set) -> set:
    """Gauss-Jordan over the rationals on the hidden cells."""
    order = sorted(hidden, key=repr)
    index = {c: i for i, c in enumerate(order)}
    matrix = []
    for equation in table.equations:
        row = [Fraction(0)] * len(order)
        for cell, coefficient in [(equation.aggregate, 1)] + [(c, -1) for c in equation.components]:
            if cell in index:
                row[index[cell]] += coefficient
        if any(row):
            matrix.append(row)
    pivots = []
    r = 0
    for col in range(len(order)):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        head = matrix[r][col]
        matrix[r] = [x / head for x in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][col] != 0:
                f = matrix[i][col]
                matrix[i] = [a - f * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append((r, col))
        r += 1
    return {
        order[col]
        for row, col in pivots
        if all(x == 0 for j, x in enumerate(matrix[row]) if j != col)
    }


def test_a_lone_small_cell_is_hidden_with_complements():
    leaves = {(r, c): 10 for r in ROWS for c in "ab"}
    leaves[("2", "a")] = 3
    table = full_table(
        leaves,
        rows=ROWS,
        cols=list("ab"),
        row_aggregates={**QUARTERS, "year": ROWS},
        col_aggregates={"total": "ab"},
    )
    hidden = suppress(table, threshold=5)
    assert ("2", "a") in hidden
    assert len(hidden) >= 4  # a rectangle at least: a lone cell is given away by its totals
    assert not determined_by_elimination(table, hidden)
    for equation in table.equations:
        assert sum(c in hidden for c in equation.cells()) != 1


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_resist_linear_recovery(seed):
    rng = random.Random(seed)
    cols = [f"r{i}" for i in range(rng.randint(2, 6))]
    leaves = {(r, c): rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 9, 15, 30]) for r in ROWS for c in cols}
    table = full_table(
        leaves,
        rows=ROWS,
        cols=cols,
        row_aggregates={**QUARTERS, "year": ROWS},
        col_aggregates={"total": cols},
    )
    hidden = suppress(table, threshold=5)
    primary = {cell for cell, v in table.values.items() if 0 < v < 5}
    assert primary <= hidden
    assert not determined_by_elimination(table, hidden)


def _solutions(table: LinearTable, hidden: list, limit: int):
    """Every non-negative integer table consistent with what was published: the hidden leaf
    cells are guessed (each up to the smallest published total it is part of, else
    ``limit``), the hidden totals follow from them, and every equation must hold."""
    aggregates = {e.aggregate for e in table.equations}
    guessed = [c for c in hidden if c not in aggregates]
    derived = [c for c in hidden if c in aggregates]
    caps = []
    for cell in guessed:
        published = [
            table.values[e.aggregate]
            for e in table.equations
            if cell in e.components and e.aggregate not in hidden
        ]
        caps.append(min(published, default=limit))
    by_aggregate = {e.aggregate: e for e in table.equations}
    if math.prod(cap + 1 for cap in caps) > SEARCH_LIMIT:
        pytest.skip("too many tables to enumerate for this seed")
    for values in itertools.product(*(range(cap + 1) for cap in caps)):
        guess = dict(table.values)
        guess.update(zip(guessed, values, strict=True))
        for cell in derived:
            guess[cell] = None
        for _ in range(3):
            for cell in derived:
                parts = [guess[c] for c in by_aggregate[cell].components]
                if None not in parts:
                    guess[cell] = sum(parts)
        if any(guess[c] is None for c in derived):
            continue
        if all(guess[e.aggregate] == sum(guess[c] for c in e.components) for e in table.equations):
            yield {cell: guess[cell] for cell in hidden}


@pytest.mark.parametrize("seed", range(25))
def test_small_tables_resist_exhaustive_search(seed):
    rng = random.Random(1000 + seed)
    rows, cols = ["f", "m"], ["u18", "18-24", "25+"]
    leaves = {(r, c): rng.choice([0, 1, 2, 3, 4, 6, 8, 12]) for r in rows for c in cols}
    table = full_table(
        leaves, rows=rows, cols=cols, row_aggregates={"total": rows}, col_aggregates={"total": cols}
    )
    hidden = sorted(suppress(table, threshold=5), key=repr)
    if not hidden:
        pytest.skip("nothing to hide in this table")
    limit = max(table.values.values())
    seen = {cell: set() for cell in hidden}
    for solution in _solutions(table, hidden, limit):
        for cell, value in solution.items():
            seen[cell].add(value)
    for cell in hidden:
        assert table.values[cell] in seen[cell]
        assert len(seen[cell]) >= 2, f"{cell} recovered as {seen[cell]}"


def test_a_hidden_zero_forced_by_a_zero_total_is_not_left_alone():
    rows, cols = ["a", "b"], ["x", "y"]
    leaves = {("a", "x"): 3, ("a", "y"): 0, ("b", "x"): 9, ("b", "y"): 0}
    table = full_table(
        leaves, rows=rows, cols=cols, row_aggregates={"total": rows}, col_aggregates={"total": cols}
    )
    hidden = sorted(suppress(table, threshold=5), key=repr)
    seen = {cell: set() for cell in hidden}
    for solution in _solutions(table, hidden, 12):
        for cell, value in solution.items():
            seen[cell].add(value)
    assert ("a", "x") in hidden
    assert len(seen[("a", "x")]) >= 2
