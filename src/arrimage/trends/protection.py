"""Protecting the released tables: exact leaf counts in, published figures out (OpenDP noise
with its accuracy, or small cells and their complements suppressed; marks on imprecise
figures), and the sum of several releases' tables for the level above. The tables' keys and
axes are in ``tables.py``.
"""

from collections.abc import Sequence
from typing import Any

from arrimage.trends import privacy_noise as noise
from arrimage.trends.suppression import grid_table, suppress
from arrimage.trends.tables import CAUTION, SUPPRESSED, Axis, Leaf, TableSpec


def _cell(value: int | None, noise_terms: noise.Noise, flag: str = "") -> dict[str, Any]:
    return {"v": value, "a": noise.accuracy(noise_terms), "f": flag, "n": noise_terms}


def _mark(cells: list[list[dict[str, Any]]], rows: Axis, cols: Axis, threshold: int) -> None:
    """Suppress small figures and their complements; mark imprecise ones E."""
    values = {
        (r, c): int(cells[i][j]["v"] or 0)
        for i, r in enumerate(rows.keys)
        for j, c in enumerate(cols.keys)
    }
    table = grid_table(
        values,
        row_leaves=rows.leaves,
        col_leaves=cols.leaves,
        row_aggregates=dict(rows.aggregates),
        col_aggregates=dict(cols.aggregates),
    )
    hidden = suppress(table, threshold=threshold)
    for i, r in enumerate(rows.keys):
        for j, c in enumerate(cols.keys):
            cell = cells[i][j]
            if (r, c) in hidden:
                cell["v"] = None
                cell["f"] = SUPPRESSED
            elif cell["a"] and cell["a"] * 2 > cell["v"]:
                cell["f"] = CAUTION


def protect(
    spec: TableSpec,
    leaves: dict[Leaf, int],
    *,
    epsilon: float | None,
    threshold: int,
) -> dict[str, Any]:
    """One released table: exact leaf counts in, protected figures out. With ``epsilon``,
    OpenDP noise on the vector of leaves (totals are sums of the noisy leaves, so they cost no
    privacy), every figure published with its accuracy; without, exact counts with small
    cells and their complements suppressed."""
    rows, cols = spec.rows, spec.cols
    order = [(r, c) for r in rows.leaves for c in cols.leaves]
    exact = [leaves.get(leaf, 0) for leaf in order]
    if epsilon is not None:
        drawn, scale = noise.noisy_counts(exact, epsilon=epsilon, sensitivity=spec.sensitivity)
        scale_name = noise.scale_key(scale)
    else:
        drawn, scale_name = exact, ""
    raw = dict(zip(order, drawn, strict=True))
    cells: list[list[dict[str, Any]]] = []
    for r in rows.keys:
        line = []
        for c in cols.keys:
            members = [(mr, mc) for mr in rows.members(r) for mc in cols.members(c)]
            total = sum(raw[m] for m in members)
            terms = {scale_name: len(members)} if scale_name else {}
            line.append(_cell(max(0, total), terms))
        cells.append(line)
    if epsilon is None:
        _mark(cells, rows, cols, threshold)
    else:
        for line in cells:
            for cell in line:
                if cell["a"] * 2 > cell["v"]:
                    cell["f"] = CAUTION
    return {"key": spec.key, "rows": rows.as_json(), "cols": cols.as_json(), "cells": cells}


def rollup(tables_by_release: Sequence[Sequence[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Sum the tables of several releases, cell by cell. A figure suppressed in any release
    is suppressed in the sum; the noise terms add up, and so the accuracy is recomputed. Only
    the tables every release holds are summed: a sum missing a member's part would look
    complete and be too low."""
    keys: list[str] = []
    for tables in tables_by_release:
        for table in tables:
            if table["key"] not in keys:
                keys.append(table["key"])
    keys = [k for k in keys if all(any(t["key"] == k for t in ts) for ts in tables_by_release)]
    result = []
    for key in keys:
        parts = [t for tables in tables_by_release for t in tables if t["key"] == key]
        rows = _merged_axis([Axis.from_json(p["rows"]) for p in parts])
        cols = _merged_axis([Axis.from_json(p["cols"]) for p in parts])
        cells = []
        for r in rows.keys:
            line = []
            for c in cols.keys:
                value: int | None = 0
                terms: noise.Noise = {}
                for part in parts:
                    found = _find(part, r, c)
                    if found is None:
                        continue
                    if found["v"] is None or value is None:
                        value = None
                    else:
                        value += int(found["v"])
                    terms = noise.noise_sum(terms, {str(k): int(v) for k, v in found["n"].items()})
                cell = _cell(value, terms, SUPPRESSED if value is None else "")
                if value is not None and cell["a"] and cell["a"] * 2 > value:
                    cell["f"] = CAUTION
                line.append(cell)
            cells.append(line)
        result.append({"key": key, "rows": rows.as_json(), "cols": cols.as_json(), "cells": cells})
    return result


def _merged_axis(axes: Sequence[Axis]) -> Axis:
    first = axes[0]
    leaves = list(first.leaves)
    for axis in axes[1:]:
        leaves += [k for k in axis.leaves if k not in leaves]
    if first.dimension == "region":
        leaves.sort()
    aggregates = {}
    for name, members in first.aggregates.items():
        if set(members) == set(first.leaves):
            aggregates[name] = tuple(leaves)
        else:
            aggregates[name] = members
    return Axis(first.dimension, tuple(leaves), aggregates)


def _find(table: dict[str, Any], row: str, col: str) -> dict[str, Any] | None:
    rows = Axis.from_json(table["rows"]).keys
    cols = Axis.from_json(table["cols"]).keys
    if row not in rows or col not in cols:
        return None
    return table["cells"][rows.index(row)][cols.index(col)]
