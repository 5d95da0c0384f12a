"""Hypothesis properties of the calculation over random crop and livestock cases."""

from __future__ import annotations

import copy
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faunaschade.rules import Result, calculate, rule_set_for
from faunaschade.rules.amounts import cents
from faunaschade.rules.catalogue import AREA_TYPES, CROPS, PROVINCES
from faunaschade.rules.engine import AMOUNT_FIELDS as AMOUNT_NAMES
from faunaschade.rules.schemas import CROP_SPECIES

# The rules engine reads no database: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only

# No example database: the suite must not write outside tmp, and -p no:cacheprovider is used.
PROPERTY = settings(max_examples=200, deadline=None, database=None)

euros = st.integers(0, 2_000_000).map(lambda c: str(Decimal(c).scaleb(-2)))
hectares = st.integers(0, 5_000).map(lambda c: str(Decimal(c).scaleb(-2)))
days = st.dates(date(2024, 1, 1), date(2026, 12, 31))
component = st.fixed_dictionaries(
    {
        "species": st.sampled_from(sorted(CROP_SPECIES)),
        "area_type": st.sampled_from(sorted(AREA_TYPES)),
        "assessed_damage": euros,
        "damaged_area_ha": hectares,
        "harvested_before_assessment": st.booleans(),
    }
)


@st.composite
def crop_cases(draw: st.DrawFn) -> dict[str, Any]:
    """Crop cases across provinces, dates, crops, species, areas and officer reductions."""
    discovered = draw(days)
    return {
        "province": draw(st.sampled_from(sorted(PROVINCES))),
        "kind": "crop",
        "crop": draw(st.sampled_from(sorted(CROPS))),
        "discovered_on": discovered.isoformat(),
        # Mostly in time and with both measures, so that most cases reach the money steps.
        "submitted_on": (discovered + timedelta(days=draw(st.integers(0, 10)))).isoformat(),
        "preventive_measures": draw(st.sampled_from([["acoustic", "visual"]] * 4 + [["visual"]])),
        "components": draw(
            st.lists(
                component,
                min_size=1,
                max_size=4,
                unique_by=lambda c: (c["species"], c["area_type"]),
            )
        ),
        "reduction_pct": draw(st.sampled_from(["0", "0", "10", "33.33", "100"])),
        "own_risk_borne_this_year": draw(st.sampled_from(["0.00", "100.00", "400.00"])),
    }


@st.composite
def animal_items(draw: st.DrawFn, animal: str) -> list[dict[str, str]]:
    """The items of one killed or injured animal."""
    value = draw(euros)
    if draw(st.booleans()):  # killed
        items = [{"type": "animal_value", "animal": animal, "amount": value}]
        extra = st.sampled_from(["vet_costs", "abortion", "carcass_removal"])
        return items + [
            {"type": kind, "animal": animal, "amount": draw(euros)}
            for kind in draw(st.lists(extra, max_size=2))
        ]
    vet = {"type": "vet_costs", "animal": animal, "animal_value": value}
    return [vet | {"amount": draw(euros)} for _ in range(draw(st.integers(1, 2)))]


@st.composite
def livestock_cases(draw: st.DrawFn) -> dict[str, Any]:
    """Wolf and golden-jackal cases with killed and injured animals."""
    discovered = draw(days)
    items = [
        item for n in range(draw(st.integers(1, 4))) for item in draw(animal_items(f"dier-{n}"))
    ]
    return {
        "province": draw(st.sampled_from(sorted(PROVINCES))),
        "kind": "livestock",
        "discovered_at": f"{discovered.isoformat()}T06:00:00",
        "reported_at": f"{discovered.isoformat()}T{draw(st.sampled_from(['07', '23']))}:00:00",
        "wolf_finding": draw(st.sampled_from(["certain", "probable", "dog", "unknown"])),
        "components": [{"species": draw(st.sampled_from(["wolf", "goudjakhals"])), "items": items}],
    }


any_cases = st.one_of(crop_cases(), livestock_cases())


def amounts(result: Result) -> dict[str, Decimal]:
    return {name: getattr(result, name) for name in AMOUNT_NAMES}


@PROPERTY
@given(any_cases)
def test_payout_never_negative_nor_above_damage_plus_supplement(case: dict[str, Any]) -> None:
    result = calculate(case)
    assert all(value >= 0 for value in amounts(result).values())
    assert result.payout <= result.assessed_damage + result.supplement
    assert result.payout in (0, result.compensation)
    assert result.leges_refund in (0, result.leges)


@PROPERTY
@given(any_cases)
def test_all_amounts_are_whole_cents(case: dict[str, Any]) -> None:
    result = calculate(case)
    for value in amounts(result).values():
        assert value == cents(value) and value.as_tuple().exponent == -2
    for step in result.steps:
        assert step.amount is None or step.amount == cents(step.amount)
    output = result.to_dict()
    assert all(re.fullmatch(r"\d+\.\d\d", output[name]) for name in AMOUNT_NAMES)


@PROPERTY
@given(crop_cases())
def test_own_risk_never_below_the_percentage_part(case: dict[str, Any]) -> None:
    result = calculate(case)
    day = date.fromisoformat(case["discovered_on"])
    rule_set = rule_set_for(case["province"], day)
    percentage = sum(
        (
            cents(
                rule_set.own_risk_rule(c["species"], c["area_type"], day).rate
                * Decimal(c["assessed_damage"])
            )
            for c in case["components"]
            if not c["harvested_before_assessment"]
            and rule_set.exclusion(c["species"], day) is None
        ),
        Decimal(0),
    )
    if result.eligible:
        assert result.own_risk >= percentage
        assert result.own_risk <= result.assessed_damage
    else:
        assert result.own_risk == 0


@PROPERTY
@given(crop_cases(), st.data(), euros)
def test_payout_monotonic_in_assessed_damage(
    case: dict[str, Any], data: st.DataObject, extra: str
) -> None:
    index = data.draw(st.integers(0, len(case["components"]) - 1))
    more = copy.deepcopy(case)
    damage = Decimal(case["components"][index]["assessed_damage"]) + Decimal(extra)
    more["components"][index]["assessed_damage"] = str(damage)
    before, after = calculate(case), calculate(more)
    assert after.payout >= before.payout
    assert after.compensation >= before.compensation
