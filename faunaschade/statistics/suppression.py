"""Statistical disclosure control for the open data: which figures of a table and its totals
may be published without singling out a farmer.

The table is a cube: every combination of its keys' values (a *cell*) and every total over
one or more keys (a *margin*, down to the grand total) is an *aggregate*, named by a tuple
with `TOTAL` for each key summed over. Each aggregate is published or suppressed as a whole
(every measure of it): what protects its number of claims protects its amounts too, because
all measures obey the same additions.

1. **Primary suppression**: an aggregate with claims but fewer than `min_cell` of them, or
   with meldingen but fewer than `min_cell` of those, or whose claims (or meldingen) come from
   fewer than `min_farmers` different farmers (with two, each could subtract their own figures
   and find the other's).
2. **Secondary (complementary) suppression**: every published total is an equation — the
   margin equals the sum of the aggregates one key finer. Wherever one equation has exactly one
   suppressed member, it could be found by subtraction, so the smallest published member of
   that equation (by claims, then meldingen; one with claims before one with none) is
   suppressed too — a finer aggregate, or the total itself when no finer one is left. Repeated
   until no equation has exactly one suppressed member.
3. **Audit by linear algebra**: one suppressed member per equation is not the only way to
   recover a value — combining equations can (in a table of two keys, a suppressed cell that
   links two otherwise separate groups of suppressed cells is fixed by the equations). The
   equations over the suppressed aggregates are brought to reduced row echelon form (exact
   arithmetic modulo a large prime); an aggregate is recoverable exactly when its row there
   has no other unknown.
   For each such aggregate the smallest published member of its equations is suppressed too
   (when all are suppressed already, the smallest published one a step further), and steps 2
   and 3 run again, until nothing can be recovered.

Aggregates absent from the figures are zero (no claim, no melding) and known to be so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class _Total:
    """The value of a key summed over (one object, compared by identity)."""

    _instance: _Total | None = None

    def __new__(cls) -> _Total:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "TOTAL"


TOTAL: Any = _Total()

Aggregate = tuple[Any, ...]


@dataclass(frozen=True)
class Size:
    """What the rules look at in one aggregate."""

    claims: int
    reports: int
    claim_farmers: int
    report_farmers: int


@dataclass(frozen=True)
class Equation:
    """A published addition: `total` is the sum of `parts` (the aggregates one key finer)."""

    total: Aggregate
    parts: tuple[Aggregate, ...]

    @property
    def members(self) -> tuple[Aggregate, ...]:
        return (self.total, *self.parts)


def equations(aggregates: Iterable[Aggregate]) -> list[Equation]:
    """Every addition among the aggregates: for each aggregate with a key given, the total
    with that key summed over has it as a part."""
    parts: dict[tuple[Aggregate, int], list[Aggregate]] = defaultdict(list)
    for aggregate in aggregates:
        for i, value in enumerate(aggregate):
            if value is not TOTAL:
                parts[((*aggregate[:i], TOTAL, *aggregate[i + 1 :]), i)].append(aggregate)
    return [Equation(total, tuple(found)) for (total, _), found in parts.items()]


def primary(sizes: Mapping[Aggregate, Size], min_cell: int, min_farmers: int) -> set[Aggregate]:
    """The aggregates too small to publish."""

    def small(count: int, farmers: int) -> bool:
        return count > 0 and (count < min_cell or farmers < min_farmers)

    return {
        aggregate
        for aggregate, size in sizes.items()
        if small(size.claims, size.claim_farmers) or small(size.reports, size.report_farmers)
    }


def suppress(
    sizes: Mapping[Aggregate, Size],
    min_cell: int,
    min_farmers: int,
    forced: Iterable[Aggregate] = (),
) -> set[Aggregate]:
    """Primary and complementary suppression over every aggregate of the cube (`sizes` holds
    every non-zero aggregate, cells and margins alike). `forced` aggregates are suppressed as
    if too small (the releases' rule against differencing, statistics/releases.py)."""
    found = equations(sizes)
    containing: dict[Aggregate, list[Equation]] = defaultdict(list)
    for equation in found:
        for member in equation.members:
            containing[member].append(equation)

    def order(aggregate: Aggregate) -> tuple[Any, ...]:
        size = sizes[aggregate]
        return (size.claims == 0, size.claims, size.reports, repr(aggregate))

    hidden = primary(sizes, min_cell, min_farmers) | (set(forced) & set(sizes))
    while True:
        _complete_lines(found, hidden, order)
        recoverable = determined(found, hidden)
        if not recoverable:
            return hidden
        before = len(hidden)
        for aggregate in sorted(recoverable, key=repr):
            partner = _nearest_published(aggregate, containing, hidden, order)
            if partner is not None:
                hidden.add(partner)
        if len(hidden) == before:  # cannot happen (see _nearest_published); never publish it
            return set(sizes)


def _nearest_published(aggregate, containing, hidden: set[Aggregate], order) -> Aggregate | None:
    """The smallest published aggregate sharing an equation with this one; when every member
    of its equations is suppressed already, the same one step further, and so on. (A value
    fixed by the equations is fixed by published values: some are always found.)"""
    seen, frontier = {aggregate}, [aggregate]
    while frontier:
        members = {m for a in frontier for e in containing[a] for m in e.members} - seen
        published = [member for member in members if member not in hidden]
        if published:
            return min(published, key=order)
        seen |= members
        frontier = list(members)
    return None


def _complete_lines(found: list[Equation], hidden: set[Aggregate], order) -> None:
    """Step 2: no equation keeps exactly one suppressed member."""
    changed = True
    while changed:
        changed = False
        for equation in found:
            members = equation.members
            if sum(member in hidden for member in members) != 1:
                continue
            parts = [part for part in equation.parts if part not in hidden]
            partner = min(parts, key=order) if parts else equation.total
            if partner not in hidden:
                hidden.add(partner)
                changed = True


def determined(found: Iterable[Equation], hidden: set[Aggregate]) -> set[Aggregate]:
    """The suppressed aggregates that the published equations fix exactly (step 3)."""
    number = {aggregate: i for i, aggregate in enumerate(sorted(hidden, key=repr))}
    rows: list[dict[int, int]] = []
    for equation in found:
        row = {number[member]: -1 for member in equation.parts if member in hidden}
        if equation.total in hidden:
            row[number[equation.total]] = 1
        if row:
            rows.append(row)
    aggregates = list(number)
    recoverable: set[Aggregate] = set()
    for component in _components(rows):
        recoverable |= {aggregates[i] for i in _fixed(component)}
    return recoverable


def _components(rows: list[dict[int, int]]) -> list[list[dict[int, int]]]:
    """The equations split into groups that share no unknown (solved apart, much faster)."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        first, *rest = row
        for other in rest:
            parent[root(other)] = root(first)
        root(first)
    groups: dict[int, list[dict[int, int]]] = defaultdict(list)
    for row in rows:
        groups[root(next(iter(row)))].append(row)
    return list(groups.values())


def _fixed(rows: list[dict[int, int]]) -> set[int]:
    """Unknowns fixed by these homogeneous equations: reduced row echelon form, kept sparse;
    an unknown is fixed when its pivot row holds nothing else. Exact arithmetic modulo the
    prime 2**61 - 1 (ten times faster than fractions): the same answer as over the rationals
    unless that prime divides a determinant of the equations' sums of ones, which it does not
    in practice; tests/support/disclosure.py checks with true fractions."""
    pivots: dict[int, dict[int, int]] = {}
    for raw in rows:
        row = {key: value % _PRIME for key, value in raw.items()}
        for key in [key for key in row if key in pivots]:
            factor = row.get(key)
            if not factor:
                continue
            for other, value in pivots[key].items():
                updated = (row.get(other, 0) - factor * value) % _PRIME
                if updated:
                    row[other] = updated
                else:
                    row.pop(other, None)
        if not row:
            continue
        pivot = min(row)
        inverse = pow(row[pivot], _PRIME - 2, _PRIME)
        row = {key: value * inverse % _PRIME for key, value in row.items()}
        for other in pivots.values():
            factor = other.get(pivot)
            if factor:
                for key, value in row.items():
                    updated = (other.get(key, 0) - factor * value) % _PRIME
                    if updated:
                        other[key] = updated
                    else:
                        other.pop(key, None)
        pivots[pivot] = row
    return {pivot for pivot, row in pivots.items() if len(row) == 1}


_PRIME = 2**61 - 1
