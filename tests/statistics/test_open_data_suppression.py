"""Suppression of small figures (statistics/suppression.py) on tables made up here: a small
cell is hidden together with complements, and an attacker (tests/support/disclosure.py) who
has every published total cannot get it back, by subtraction nor by linear algebra."""

from __future__ import annotations

import random
from itertools import combinations, product

import pytest

from faunaschade.statistics.suppression import TOTAL, Size, determined, equations, suppress
from tests.support.disclosure import ALL, by_algebra, by_subtraction


def cube(cells: dict[tuple, int], farmers: dict[tuple, int] | None = None) -> dict[tuple, Size]:
    """Every aggregate of a table given by its cells' claims (one farmer per claim unless
    said otherwise; no meldingen)."""
    farmers = farmers or {}
    claims: dict[tuple, int] = {}
    people: dict[tuple, int] = {}
    width = len(next(iter(cells)))
    for cell, count in cells.items():
        for size in range(width + 1):
            for kept in combinations(range(width), size):
                key = tuple(v if i in kept else TOTAL for i, v in enumerate(cell))
                claims[key] = claims.get(key, 0) + count
                people[key] = people.get(key, 0) + farmers.get(cell, count)
    return {key: Size(claims[key], 0, people[key], 0) for key in claims if claims[key]}


def publish(sizes: dict[tuple, Size], hidden: set[tuple]) -> dict[tuple, int | None]:
    """What the public sees: claims per aggregate, None where suppressed (ALL for a total)."""
    return {
        tuple(ALL if v is TOTAL else v for v in key): None if key in hidden else size.claims
        for key, size in sizes.items()
    }


def assert_unrecoverable(table: dict[tuple, int | None], algebra: bool = True) -> None:
    hidden = {key for key, value in table.items() if value is None}
    assert not by_subtraction(table), "a suppressed figure was found by subtraction"
    if algebra:
        assert not (by_algebra(table) & hidden), "a suppressed figure was found by algebra"


TWO_BY_THREE = {
    ("2025", "FR"): 40,
    ("2025", "GR"): 3,  # the small cell
    ("2025", "DR"): 25,
    ("2026", "FR"): 30,
    ("2026", "GR"): 12,
    ("2026", "DR"): 9,
}


def test_a_cell_of_three_claims_is_suppressed_with_its_complements_and_stays_hidden():
    sizes = cube(TWO_BY_THREE)
    hidden = suppress(sizes, min_cell=5, min_farmers=3)
    assert ("2025", "GR") in hidden
    # Its row and its column each need a partner: the smallest published cell there.
    assert ("2025", "DR") in hidden  # 25 < 40 in the row 2025
    assert ("2026", "GR") in hidden  # the only other cell in the column GR
    assert ("2026", "DR") in hidden  # then row 2026 and column DR need one more: 9
    assert ("2025", "FR") not in hidden and ("2026", "FR") not in hidden
    # The totals are the true totals, published.
    for total in ((TOTAL, TOTAL), ("2025", TOTAL), (TOTAL, "GR"), (TOTAL, "DR")):
        assert total not in hidden
    table = publish(sizes, hidden)
    assert table[("2025", ALL)] == 68 and table[(ALL, "GR")] == 15
    assert_unrecoverable(table)


def test_without_the_complements_subtraction_would_find_the_cell():
    sizes = cube(TWO_BY_THREE)
    table = publish(sizes, {("2025", "GR")})
    assert by_subtraction(table)[("2025", "GR")] == 3
    assert ("2025", "GR") in by_algebra(table)


def test_the_threshold_is_a_setting():
    sizes = cube(TWO_BY_THREE)
    assert suppress(sizes, min_cell=3, min_farmers=1) == set()
    assert ("2026", "DR") in suppress(sizes, min_cell=10, min_farmers=1)
    everything_small = suppress(sizes, min_cell=1000, min_farmers=1)
    assert everything_small == set(sizes)


def test_a_cell_of_many_claims_from_two_farmers_is_suppressed():
    cells = {("a", "x"): 8, ("a", "y"): 30, ("b", "x"): 20, ("b", "y"): 25}
    sizes = cube(cells, farmers={("a", "x"): 2})
    hidden = suppress(sizes, min_cell=5, min_farmers=3)
    assert ("a", "x") in hidden
    assert_unrecoverable(publish(sizes, hidden))
    assert suppress(sizes, min_cell=5, min_farmers=2) == set()


def test_a_total_below_the_threshold_is_suppressed_too():
    cells = {("a", "x"): 2, ("a", "y"): 1, ("b", "x"): 20, ("b", "y"): 25}
    sizes = cube(cells)
    hidden = suppress(sizes, min_cell=5, min_farmers=1)
    assert ("a", TOTAL) in hidden  # 3 claims in row a
    assert_unrecoverable(publish(sizes, hidden))


def test_two_blocks_joined_by_one_cell_are_caught_by_the_algebra():
    """Every row and column holds two suppressed cells, yet the cell joining two blocks is
    fixed by the equations (a bridge): the subtraction rule alone would publish that."""
    cells = {(r, c): 50 for r in "abcd" for c in "wxyz"}
    pattern = {("a", "w"), ("a", "x"), ("b", "w"), ("b", "x"),
               ("c", "y"), ("c", "z"), ("d", "y"), ("d", "z"),
               ("b", "y")}  # fmt: skip
    sizes = cube(cells)
    found = equations(sizes)
    lines = [sum(member in pattern for member in e.members) for e in found]
    assert 1 not in lines  # the subtraction rule is satisfied ...
    assert ("b", "y") in determined(found, pattern)  # ... and still the bridge is fixed
    table = publish(sizes, pattern)
    assert ("b", "y") in by_algebra(table)
    # Made small, the same cells go through suppress(): nothing can be recovered.
    small = {cell: (3 if cell in pattern else 50) for cell in cells}
    sizes = cube(small)
    hidden = suppress(sizes, min_cell=5, min_farmers=1)
    assert pattern <= hidden
    assert_unrecoverable(publish(sizes, hidden))


@pytest.mark.parametrize("seed", range(12))
def test_random_three_key_tables_keep_every_suppressed_figure_hidden(seed):
    rng = random.Random(seed)
    years, provinces, groups = ["2024", "2025", "2026"], ["FR", "GR", "DR", "NH"], ["g", "v", "z"]
    cells = {}
    for cell in product(years, provinces, groups):
        if rng.random() < 0.8:
            cells[cell] = rng.choice([1, 2, 3, 4, 6, 8, 15, 40, 90])
    sizes = cube(cells)
    hidden = suppress(sizes, min_cell=5, min_farmers=1)
    small = {key for key, size in sizes.items() if size.claims < 5}
    assert small <= hidden
    assert_unrecoverable(publish(sizes, hidden))
