"""An attacker on published tables, written apart from faunaschade/statistics/suppression.py
and releases.py (so that a mistake there is not repeated here): from what was published —
cells, subtotals and totals, None where suppressed — it tries to work out a suppressed figure,
by subtraction (any addition with one unknown, repeated while that finds something) and by
linear algebra (Gauss-Jordan over the rationals: an unknown whose reduced row holds nothing
else is fixed).

With two releases of the same table it tries to work out what changed in between
(`difference`, `union_fixes`): the difference new − old of every aggregate published in both,
more by subtraction over the differences, and any difference that the union of both releases'
additions fixes."""

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


def _reduced(rows: list[dict[int, Fraction]]) -> dict[int, dict[int, Fraction]]:
    """Gauss-Jordan over the rationals, rows kept sparse (column: value): the pivot rows of
    the reduced row echelon form, by pivot column."""
    pivots: dict[int, dict[int, Fraction]] = {}
    for raw in rows:
        row = _reduce(dict(raw), pivots)
        if not row:
            continue
        col = min(row)
        row = {c: v / row[col] for c, v in row.items()}
        for other in pivots.values():
            factor = other.get(col)
            if factor:
                for c, v in row.items():
                    value = other.get(c, 0) - factor * v
                    if value:
                        other[c] = value
                    else:
                        other.pop(c, None)
        pivots[col] = row
    return pivots


def _reduce(row: dict[int, Fraction], pivots: dict[int, dict[int, Fraction]]) -> dict:
    """The row minus its pivot columns' rows (what the pivots cannot account for)."""
    for col in [c for c in row if c in pivots]:
        factor = row.get(col)
        if not factor:
            continue
        for c, v in pivots[col].items():
            value = row.get(c, 0) - factor * v
            if value:
                row[c] = value
            else:
                row.pop(c, None)
    return row


def _equations(table: Mapping[Key, Any], column: Mapping[Any, int], tag: Any):
    """The additions of a table as sparse rows over the unknowns (`column`, keyed (tag, key))."""
    for total, parts in additions(table):
        row: dict[int, Fraction] = {}
        if (tag, total) in column:
            row[column[(tag, total)]] = Fraction(1)
        for part in parts:
            if (tag, part) in column:
                i = column[(tag, part)]
                row[i] = row.get(i, 0) - 1
        row = {c: v for c, v in row.items() if v}
        if row:
            yield row


def by_algebra(table: Mapping[Key, Any]) -> set[Key]:
    """The suppressed aggregates that the additions fix, whatever their combination."""
    unknowns = sorted((key for key, value in table.items() if value is None), key=repr)
    column = {(None, key): i for i, key in enumerate(unknowns)}
    pivots = _reduced(list(_equations(table, column, None)))
    return {unknowns[col] for col, row in pivots.items() if len(row) == 1}


def difference(old: Mapping[Key, Any], new: Mapping[Key, Any]) -> dict[Key, Any]:
    """What two releases of one table say about the change in between: per aggregate new − old
    where both publish it (absent from a release: zero there), None where either suppresses
    it. A table like any other: its additions hold, so `by_subtraction` works on it."""
    zero = Fraction(0)
    found: dict[Key, Any] = {}
    for key in old.keys() | new.keys():
        before, after = old.get(key, zero), new.get(key, zero)
        found[key] = None if before is None or after is None else after - before
    return found


def union_fixes(old: Mapping[Key, Any], new: Mapping[Key, Any]) -> set[Key]:
    """The aggregates whose difference new − old is fixed by everything both releases
    published: the unknowns are each release's suppressed figures, the equations both
    releases' additions; a difference is fixed when it lies in their row space."""
    unknowns = [("old", k) for k, v in old.items() if v is None]
    unknowns += [("new", k) for k, v in new.items() if v is None]
    column = {key: i for i, key in enumerate(sorted(unknowns, key=repr))}
    rows = [*_equations(old, column, "old"), *_equations(new, column, "new")]
    pivots = _reduced(rows)
    fixed = set()
    for key in old.keys() | new.keys():
        target: dict[int, Fraction] = {}
        if ("new", key) in column:
            target[column[("new", key)]] = Fraction(1)
        if ("old", key) in column:
            target[column[("old", key)]] = Fraction(-1)
        if not _reduce(target, pivots):
            fixed.add(key)
    return fixed
