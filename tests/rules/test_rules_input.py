"""The quick paths for crop and livestock cases agree with the marshmallow schemas they stand in
for."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError
from test_rules_properties import crop_cases, livestock_cases

from faunaschade.rules import CropCase, LivestockCase, parse_case
from faunaschade.rules.cases import _SCHEMAS, _quick_crop_case, _quick_livestock_case, _Unsure

# The rules engine reads no database: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only

EXAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "cases" / "examples.json"
ODD_VALUES = [None, "", "abc", 1.5, True, False, 0, 12, "12.345", "-1", "1e3", " 12", "12.",
              "2025-3-3", "2025-02-30", "2025-06-02", "20250602", [], {}, ["visual"], ["Visual"],
              "GR", "vos", "wolf", "peer", "regular", "foerageergebied", "100.0001", "99.99",
              Decimal("12.5"), Decimal("NaN"), Decimal("1E+2"), date(2025, 6, 2)]  # fmt: skip
TOP = ["province", "kind", "crop", "discovered_on", "submitted_on", "preventive_measures",
       "components", "reduction_pct", "own_risk_borne_this_year", "extra"]  # fmt: skip
PART = ["species", "area_type", "assessed_damage", "damaged_area_ha",
        "harvested_before_assessment", "extra"]  # fmt: skip


def _by_schema(kind: str, data: dict[str, Any]) -> Any:
    """The case the schema reads, None when it refuses."""
    try:
        return _SCHEMAS[kind].load(data)
    except ValidationError:
        return None


def _by_quick_path(read: Any, data: dict[str, Any]) -> Any:
    """The case the quick path reads, None when it is unsure."""
    try:
        return read(data)
    except _Unsure:
        return None


def _marshmallow(data: dict[str, Any]) -> CropCase | None:
    return _by_schema("crop", data)


def _quick(data: dict[str, Any]) -> CropCase | None:
    return _by_quick_path(_quick_crop_case, data)


def _same(quick: CropCase, slow: CropCase) -> None:
    """Equal, down to the exponent of every Decimal (it shows in the output)."""
    assert quick == slow
    assert repr(sorted(vars_of(quick).items())) == repr(sorted(vars_of(slow).items()))


def vars_of(case: CropCase) -> dict[str, Any]:
    fields = {name: getattr(case, name) for name in case.__dataclass_fields__}
    fields["preventive_measures"] = sorted(case.preventive_measures)
    return fields


@settings(max_examples=300, deadline=None, database=None)
@given(crop_cases(), st.data())
def test_quick_path_never_accepts_what_the_schema_refuses(case: dict, data: st.DataObject) -> None:
    broken = copy.deepcopy(case)
    target = broken
    if data.draw(st.booleans()):
        target = broken["components"][data.draw(st.integers(0, len(broken["components"]) - 1))]
        key = data.draw(st.sampled_from(PART))
    else:
        key = data.draw(st.sampled_from(TOP))
    if data.draw(st.booleans()) and key in target:
        del target[key]
    else:
        target[key] = copy.deepcopy(data.draw(st.sampled_from(ODD_VALUES)))
    for candidate in (case, broken):
        quick = _quick(candidate)
        if quick is not None:
            slow = _marshmallow(candidate)
            assert slow is not None, candidate
            _same(quick, slow)


@pytest.mark.parametrize(
    "case",
    [
        e["case"]
        for e in json.loads(EXAMPLES.read_text(encoding="utf-8"))
        if e["case"]["kind"] == "crop"
    ],
)
def test_quick_path_takes_the_worked_crop_cases(case: dict[str, Any]) -> None:
    quick = _quick(case)
    assert quick is not None
    _same(quick, _marshmallow(case))  # type: ignore[arg-type]
    assert parse_case(case) == quick


def test_defaults_match() -> None:
    case = json.loads(EXAMPLES.read_text(encoding="utf-8"))[0]["case"]
    for key in ("reduction_pct", "own_risk_borne_this_year", "preventive_measures"):
        del case[key]
    del case["components"][0]["harvested_before_assessment"]
    quick = _quick(case)
    assert quick is not None
    _same(quick, _marshmallow(case))  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["0.00", "12.30", "7.05", "9" * 26 + ".99", "١٢.٣٠"])
def test_whole_cents_read_as_the_money_field_reads_them(text: str) -> None:
    """The quick path reads whole cents with Decimal(text): what the field returns for them."""
    case = json.loads(EXAMPLES.read_text(encoding="utf-8"))[0]["case"]
    case["components"][0]["assessed_damage"] = text
    quick = _quick(case)
    assert quick is not None
    _same(quick, _marshmallow(case))  # type: ignore[arg-type]
    assert repr(quick.components[0].assessed_damage) == repr(
        Decimal(text).quantize(Decimal("0.01"))
    )


@pytest.mark.parametrize("text", ["0", "3", "0.5", "12.25", "1.0000", "12345678901234567890.1234"])
def test_hectares_read_as_the_area_field_reads_them(text: str) -> None:
    case = json.loads(EXAMPLES.read_text(encoding="utf-8"))[0]["case"]
    case["components"][0]["damaged_area_ha"] = text
    quick = _quick(case)
    assert quick is not None
    _same(quick, _marshmallow(case))  # type: ignore[arg-type]


# Per field of a livestock case, of a component and of an item: values that are valid, nearly
# valid or plainly wrong (the odd values above for any of them as well).
MOMENTS = ["2024-01-01T00:00:00", "2025-06-02T07:00:00", "2027-01-01T00:00:00",
           "2025-06-02T05:00:00+00:00", "2025-06-02T07:00:00Z", "2025-06-02 07:00",
           "2025-06-02", "2025-06-02T25:00:00", "2025-06-02T07:00:00.5+02:00"]  # fmt: skip
AMOUNTS = ["1.00", "12", "0", "12.345", "-1", 1.5, 7, Decimal("12.5"), "١٢.٠٠", "99999.99"]
LIVE_TOP = {
    "province": ["GR", "XX", "gr"],
    "kind": ["crop", "livestock"],
    "discovered_at": MOMENTS,
    "reported_at": MOMENTS,
    "wolf_finding": ["certain", "fox", "dog", "wolf", ""],
    "components": [[], "x", [{}], [{"species": "wolf", "items": []}]],
    "reduction_pct": ["0", "10", "100", "100.0001", "33.33333"],
    "own_risk_borne_this_year": ["0.00", "100", "12.345"],
    "extra": ["x"],
}
LIVE_PART = {
    "species": ["wolf", "goudjakhals", "vos", "grauwe_gans"],
    "area_type": ["regular", "natura2000", "xx"],
    "items": [[], "x", [{}]],
    "extra": ["x"],
}
ITEM = {
    "type": ["animal_value", "vet_costs", "abortion", "carcass_removal", "x"],
    "animal": ["dier-0", "dier-1", "dier-9", "", 3],
    "amount": AMOUNTS,
    "animal_value": AMOUNTS,
    "extra": ["x"],
}


def _live_marshmallow(data: dict[str, Any]) -> LivestockCase | None:
    return _by_schema("livestock", data)


def _live_quick(data: dict[str, Any]) -> LivestockCase | None:
    return _by_quick_path(_quick_livestock_case, data)


@settings(max_examples=400, deadline=None, database=None)
@given(livestock_cases(), st.data())
def test_quick_livestock_path_never_accepts_what_the_schema_refuses(
    case: dict, data: st.DataObject
) -> None:
    broken = copy.deepcopy(case)
    for _ in range(data.draw(st.integers(1, 3))):
        level = data.draw(st.sampled_from(["case", "component", "item"]))
        target, values = broken, LIVE_TOP
        if level != "case" and type(broken.get("components")) is list and broken["components"]:
            target, values = broken["components"][0], LIVE_PART
            items = target.get("items") if type(target) is dict else None
            if level == "item" and type(items) is list and items:
                target, values = data.draw(st.sampled_from(items)), ITEM
        if type(target) is not dict:
            continue
        key = data.draw(st.sampled_from(sorted(values)))
        action = data.draw(st.sampled_from(["delete", "set", "set", "odd", "repeat"]))
        if action == "delete":
            target.pop(key, None)
        elif action == "repeat" and values is ITEM:  # the same item twice
            broken["components"][0]["items"].append(copy.deepcopy(target))
        elif action == "repeat" and values is LIVE_PART:  # the same component twice
            broken["components"].append(copy.deepcopy(target))
        else:
            pool = ODD_VALUES if action == "odd" else values[key]
            target[key] = copy.deepcopy(data.draw(st.sampled_from(pool)))
    for candidate in (case, broken):
        quick = _live_quick(candidate)
        slow = _live_marshmallow(candidate)
        if quick is not None:
            assert slow is not None, candidate
            assert repr(quick) == repr(slow)
    # The generated cases are plainly valid: the quick path takes them.
    assert _live_quick(case) is not None


@pytest.mark.parametrize(
    "case",
    [
        e["case"]
        for e in json.loads(EXAMPLES.read_text(encoding="utf-8"))
        if e["case"]["kind"] == "livestock"
    ],
)
def test_quick_path_takes_the_worked_livestock_cases(case: dict[str, Any]) -> None:
    quick = _live_quick(case)
    assert quick is not None
    assert repr(quick) == repr(_live_marshmallow(case))
    assert parse_case(case) == quick


WOLF = {
    "province": "GE",
    "kind": "livestock",
    "discovered_at": "2025-06-02T06:00:00",
    "reported_at": "2025-06-02T09:00:00",
    "wolf_finding": "certain",
    "components": [
        {
            "species": "wolf",
            "items": [
                {"type": "animal_value", "animal": "ooi-1", "amount": "200.00"},
                {"type": "vet_costs", "animal": "ooi-1", "amount": "80.00"},
                {"type": "vet_costs", "animal": "ooi-2", "amount": "50.00", "animal_value": "90"},
            ],
        }
    ],
}


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c["components"][0]["items"][1].update(animal_value="199.99"),
        lambda c: c["components"][0]["items"][2].update(animal="ooi-3", animal_value=None),
        lambda c: c["components"][0]["items"].append(c["components"][0]["items"][0]),
        lambda c: c["components"].append(copy.deepcopy(c["components"][0])),
        lambda c: c.update(reported_at="2025-06-02T05:59:59"),
        lambda c: c.update(reported_at="2025-06-02T09:00:00+02:00"),
    ],
)
def test_the_schema_explains_livestock_cases_the_quick_path_refuses(change: Any) -> None:
    assert repr(_live_quick(WOLF)) == repr(_live_marshmallow(WOLF))
    case = copy.deepcopy(WOLF)
    change(case)
    assert _live_marshmallow(case) is None
    assert _live_quick(case) is None
