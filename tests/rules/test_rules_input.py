"""The quick path for crop cases agrees with the marshmallow schema it stands in for."""

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
from test_rules_properties import crop_cases

from faunaschade.rules import CropCase, parse_case
from faunaschade.rules.cases import _SCHEMAS, _quick_crop_case, _Unsure

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


def _marshmallow(data: dict[str, Any]) -> CropCase | None:
    try:
        return _SCHEMAS["crop"].load(data)  # type: ignore[return-value]
    except ValidationError:
        return None


def _quick(data: dict[str, Any]) -> CropCase | None:
    try:
        return _quick_crop_case(data)
    except _Unsure:
        return None


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
