"""The releases' rule against differencing (statistics/releases.py) on worlds made up here: an
attacker holding two releases subtracts them (tests/support/disclosure.py sees the union of
both releases' equations) to recover one new claim's figures, and succeeds exactly when the
second release was published without the rule."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from itertools import product

import pytest

from faunaschade.statistics.open_data import MEASURES
from faunaschade.statistics.releases import compose
from faunaschade.statistics.suppression import TOTAL
from tests.support.disclosure import ALL, by_subtraction, difference, union_fixes

D = Decimal
CELL = (2026, "FR", "ganzen", "grasland")


def claim(farmer: int, cell, granted: int = 0, paid: str = "0", assessed: str = "0"):
    return (farmer, cell, (1, 0, granted, D(paid).quantize(D("0.01")), D(assessed)))


def world() -> dict:
    """Four cells of claims, one farmer each; CELL holds seven."""
    snapshot, ident = {}, 0
    for cell, count in (
        (CELL, 7),
        ((2026, "FR", "ganzen", "akkerbouw"), 9),
        ((2026, "GR", "ganzen", "grasland"), 12),
        ((2026, "GR", "ganzen", "akkerbouw"), 8),
    ):
        for _ in range(count):
            ident += 1
            snapshot[("c", ident)] = claim(1000 + ident, cell, 1, "500.00", f"{600 + ident}.00")
    return snapshot


def release(snapshot, history=()):
    """Compose a release; what it publishes, and its published aggregates (for the next)."""
    found, hidden, _ = compose(snapshot, list(history), 5, 3)
    return found, hidden, {a for a in found if a not in hidden}


def table(found, hidden, measure: str) -> dict:
    """The attacker's view of one measure: ALL for a key summed over, None where suppressed."""
    return {
        tuple(ALL if v is TOTAL else v for v in aggregate): None
        if aggregate in hidden
        else Fraction(str(found[aggregate][measure]))
        for aggregate in found
    }


def containing(cell) -> set:
    return {
        tuple(v if keep else ALL for v, keep in zip(cell, mask, strict=True))
        for mask in product((True, False), repeat=len(cell))
    }


def attack(old, new, measure: str) -> dict:
    """Every difference the attacker obtains: published in both, by subtraction over the
    differences, or fixed by the union of both releases' equations (value None: fixed, not
    computed)."""
    before, after = table(*old[:2], measure), table(*new[:2], measure)
    differences = difference(before, after)
    found = {k: v for k, v in differences.items() if v is not None}
    found.update(by_subtraction(differences))
    for key in union_fixes(before, after):
        found.setdefault(key, None)
    return found


def test_one_new_claim_is_recovered_from_two_releases_published_without_the_rule():
    before = world()
    first = release(before)
    after = {**before, ("c", 99): claim(99, CELL, 1, "0", "1234.56")}
    naive = release(after)  # the old behaviour: the history ignored
    assert CELL not in first[1] and CELL not in naive[1]  # seven claims, then eight
    found = attack(first, naive, "assessed_damage")
    assert found[CELL] == Fraction("1234.56")  # the new claim's assessed damage
    assert found[(ALL, ALL, ALL, ALL)] == Fraction("1234.56")
    assert attack(first, naive, "claims")[CELL] == 1


def test_with_the_rule_nothing_of_the_new_claim_is_recovered():
    before = world()
    first = release(before)
    after = {**before, ("c", 99): claim(99, CELL, 1, "0", "1234.56")}
    second = release(after, [(before, first[2])])
    targets = containing(CELL)  # every aggregate whose only change is the new claim
    for measure in MEASURES:
        found = attack(first, second, measure)
        assert not (set(found) & targets), measure
    # Everything else changed by nothing: published as it was.
    assert (2026, "GR", "ganzen", "grasland") not in second[1]
    assert (
        second[0][(2026, "GR", "ganzen", "grasland")]
        == first[0][(2026, "GR", "ganzen", "grasland")]
    )


def test_a_payment_to_one_old_claim_is_a_change_too():
    before = world()
    first = release(before)
    farmer, cell, values = before[("c", 3)]
    paid = (*values[:3], D("777.00"), values[4])
    after = {**before, ("c", 3): (farmer, cell, paid)}
    naive = release(after)
    assert attack(first, naive, "paid")[CELL] == Fraction(777 - 500)
    second = release(after, [(before, first[2])])
    assert not (set(attack(first, second, "paid")) & containing(CELL))


def test_enough_new_claims_of_enough_farmers_keep_the_aggregate_published():
    before = world()
    first = release(before)
    after = dict(before)
    for n in range(6):
        after[("c", 200 + n)] = claim(200 + n, CELL, 1, "0", "100.00")
    second = release(after, [(before, first[2])])
    assert CELL not in second[1] and second[0][CELL]["claims"] == 13
    # Six claims of two farmers are too few farmers: suppressed.
    few = dict(before)
    for n in range(6):
        few[("c", 300 + n)] = claim(300 + n % 2, CELL, 1, "0", "100.00")
    assert CELL in release(few, [(before, first[2])])[1]


def test_every_earlier_release_counts_not_only_the_last():
    """A cell hidden in release 2 for its change must not come back in release 3 while its
    change since release 1 is still one claim."""
    before = world()
    first = release(before)
    middle = {**before, ("c", 99): claim(99, CELL, 1, "0", "1234.56")}
    second = release(middle, [(before, first[2])])
    assert CELL in second[1]
    later = dict(middle)
    for n in range(6):  # a change elsewhere, large enough to be published
        later[("c", 5000 + n)] = claim(5000 + n, (2026, "GR", "ganzen", "grasland"))
    third = release(later, [(before, first[2]), (middle, second[2])])
    assert not (set(attack(first, third, "assessed_damage")) & containing(CELL))
    only_last = release(later, [(middle, second[2])])
    assert attack(first, only_last, "assessed_damage")[CELL] == Fraction("1234.56")


CELLS = list(product((2025, 2026), ("FR", "GR", "DR"), ("ganzen", "zoogdieren"), ("grasland",)))


def sensitive(before: dict, after: dict, min_cell: int, min_farmers: int) -> set:
    """Written apart from releases.changes: per aggregate (attacker's keys) and measure, the
    contributors whose contribution changed; the aggregates where that is 1..min_cell-1 of
    them or too few farmers."""
    cells = {entry[1] for entry in (*before.values(), *after.values())}
    aggregates = set().union(*(containing(cell) for cell in cells))
    found = set()
    for aggregate in aggregates:

        def part(entry, i, aggregate=aggregate):
            if entry is None:
                return 0
            inside = all(a in (ALL, v) for a, v in zip(aggregate, entry[1], strict=True))
            return entry[2][i] if inside else 0

        for i in range(len(MEASURES)):
            moved = [
                key
                for key in before.keys() | after.keys()
                if part(before.get(key), i) != part(after.get(key), i)
            ]
            farmers = {(after.get(k) or before.get(k))[0] for k in moved}
            if moved and (len(moved) < min_cell or len(farmers) < min_farmers):
                found.add(aggregate)
    return found


@pytest.mark.parametrize("seed", range(8))
def test_random_worlds_and_changes_leak_no_small_difference(seed):
    rng = random.Random(seed)
    cells = CELLS
    snapshot, ident = {}, 0
    for cell in cells:
        for _ in range(rng.choice([2, 6, 9, 14])):
            ident += 1
            snapshot[("c", ident)] = claim(
                ident, cell, rng.randint(0, 1), "0", str(rng.randint(1, 900))
            )
    history: list = []
    releases = []
    for _ in range(3):
        releases.append((dict(snapshot), release(snapshot, history)))
        history.append((dict(snapshot), releases[-1][1][2]))
        for _ in range(rng.choice([1, 2, 3, 8])):  # new claims, and payments to old ones
            ident += 1
            snapshot[("c", ident)] = claim(rng.randint(1, ident), rng.choice(cells), 1, "0", "50")
        for key in rng.sample(sorted(snapshot), 2):
            farmer, cell, values = snapshot[key]
            snapshot[key] = (farmer, cell, (*values[:3], values[3] + 10, values[4]))
    for (s1, r1), (s2, r2) in [
        (releases[0], releases[1]),
        (releases[1], releases[2]),
        (releases[0], releases[2]),
    ]:
        secret = sensitive(s1, s2, 5, 3)
        for measure in MEASURES:
            assert not (set(attack(r1, r2, measure)) & secret), (seed, measure)


def test_the_random_worlds_would_leak_without_the_rule():
    """The attack above is not idle: on the same kind of worlds, releases made without the
    rule give small differences away."""
    leaked = 0
    for seed in range(8):
        rng = random.Random(seed)
        snapshot = {}
        for ident in range(1, 80):
            snapshot[("c", ident)] = claim(ident, rng.choice(CELLS), 1, "0", str(ident))
        first = release(snapshot)
        after = {**snapshot, ("c", 500): claim(500, rng.choice(CELLS), 1, "0", "4321.00")}
        secret = sensitive(snapshot, after, 5, 3)
        found = attack(first, release(after), "assessed_damage")
        leaked += any(found.get(key) == Fraction(4321) for key in secret)
    assert leaked == 8
