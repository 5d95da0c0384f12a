"""An attacker on published tables, written apart from faunaschade/statistics/suppression.py
(so that a mistake there is not repeated here): from what was published — cells, subtotals
and totals, None where suppressed — it tries to work out a suppressed figure, by subtraction
(any addition with one unknown, repeated while that finds something) and by linear algebra
(Gauss-Jordan over the rationals: an unknown whose reduced row holds nothing else is fixed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

ALL = "<all>"
Key = tuple[Any, ...]


def published(answer: Mapping[str, Any], keys: Sequence[str], measure: str) -> dict[Key, Any]:
    """One measure of a JSON answer of GET /api/v1/open-data/statistics, by aggregate: a tuple
    over `keys` with ALL for a key summed over; None where suppressed."""
    found: dict[Key, Any] = {}
    levels = [(answer["group_by"], answer["rows"])]
    levels += [(level["group_by"], level["rows"]) for level in answer["subtotals"]]
    levels.append(([], [answer["totals"]]))
    for group_by, rows in levels:
        for row in rows:
            key = tuple(row[k] if k in group_by else ALL for k in keys)
            value = row[measure]
            value = None if value is None else Fraction(str(value))
            assert found.get(key, value) == value, ("two answers disagree", key)
            found[key] = value
    return found


def additions(table: Mapping[Key, Any]) -> list[tuple[Key, list[Key]]]:
    """Every published addition: an aggregate with ALL somewhere is the sum of the aggregates
    naming a value there (all else equal). Written out by brute force."""
    found = []
    for total in table:
        for i, value in enumerate(total):
            if value != ALL:
                continue
            parts = [
                other
                for other in table
                if other[i] != ALL
                and all(other[j] == total[j] for j in range(len(total)) if j != i)
            ]
            if parts:
                found.append((total, parts))
    return found


def by_subtraction(table: Mapping[Key, Any]) -> dict[Key, Fraction]:
    """What repeated subtraction recovers: the suppressed aggregates it finds, with values."""
    known = {key: value for key, value in table.items() if value is not None}
    recovered: dict[Key, Fraction] = {}
    sums = additions(table)
    progress = True
    while progress:
        progress = False
        for total, parts in sums:
            members = [total, *parts]
            unknown = [m for m in members if m not in known]
            if len(unknown) != 1:
                continue
            missing = unknown[0]
            rest = sum(known[p] for p in parts if p in known)
            known[missing] = known[total] - rest if missing != total else rest
            recovered[missing] = known[missing]
            progress = True
    return recovered


def by_algebra(table: Mapping[Key, Any]) -> set[Key]:
    """The suppressed aggregates that the additions fix, whatever their combination."""
    unknowns = sorted((key for key, value in table.items() if value is None), key=repr)
    column = {key: i for i, key in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for total, parts in additions(table):
        row = [Fraction(0)] * len(unknowns)
        if total in column:
            row[column[total]] += 1
        for part in parts:
            if part in column:
                row[column[part]] -= 1
        if any(row):
            matrix.append(row)
    pivot_rows: list[tuple[int, list[Fraction]]] = []
    rows = matrix
    for col in range(len(unknowns)):
        chosen = next((r for r in rows if r[col] != 0), None)
        if chosen is None:
            continue
        rows = [r for r in rows if r is not chosen]
        chosen = [v / chosen[col] for v in chosen]
        rows = [[a - r[col] * b for a, b in zip(r, chosen, strict=True)] for r in rows]
        pivot_rows = [
            (c, [a - r[col] * b for a, b in zip(r, chosen, strict=True)]) for c, r in pivot_rows
        ]
        pivot_rows.append((col, chosen))
    return {unknowns[col] for col, row in pivot_rows if sum(1 for value in row if value != 0) == 1}
