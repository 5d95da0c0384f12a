"""Parsing calculation input: a quick path for plainly valid crop cases, else the schemas."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, missing

from faunaschade.rules.errors import CaseError
from faunaschade.rules.fields import CODE, Code, StrictDecimal, flatten_errors
from faunaschade.rules.model import Case, CropCase, CropComponent
from faunaschade.rules.schemas import CropCaseSchema, CropComponentSchema, LivestockCaseSchema

_SCHEMAS: dict[str, Schema] = {"crop": CropCaseSchema(), "livestock": LivestockCaseSchema()}
# The quick path reads the very field objects of the schemas: the same code tables, decimal
# rules and defaults. tests/rules/test_rules_input.py checks that both paths agree.
_CASE = _SCHEMAS["crop"].fields
_PART = CropComponentSchema().fields
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Unsure(Exception):
    """The quick path cannot vouch for the input; the schema decides and explains."""


def _get(fields: Mapping[str, Any], data: Mapping[str, Any], name: str) -> Any:
    """The value of ``name``, or the field's default; ``_Unsure`` when a required one is absent."""
    if name in data:
        return data[name]
    default = fields[name].load_default
    if default is missing:
        raise _Unsure
    return default() if callable(default) else default


def _code(field: Code, value: Any) -> str:
    if type(value) is not str or value not in field.table:
        raise _Unsure
    return value


def _decimal(field: StrictDecimal, value: Any) -> Decimal:
    number = field.convert(value)
    if isinstance(number, str):
        raise _Unsure
    return number


def _day(value: Any) -> date:
    if type(value) is not str or not _DATE.fullmatch(value):
        raise _Unsure
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Unsure from None


def _component(data: Any) -> CropComponent:
    if type(data) is not dict or not data.keys() <= _PART.keys():
        raise _Unsure
    harvested = _get(_PART, data, "harvested_before_assessment")
    if harvested is not True and harvested is not False:
        raise _Unsure
    return CropComponent(
        species=_code(_PART["species"], _get(_PART, data, "species")),
        area_type=_code(_PART["area_type"], _get(_PART, data, "area_type")),
        assessed_damage=_decimal(_PART["assessed_damage"], _get(_PART, data, "assessed_damage")),
        damaged_area_ha=_decimal(_PART["damaged_area_ha"], _get(_PART, data, "damaged_area_ha")),
        harvested_before_assessment=harvested,
    )


def _quick_crop_case(data: Mapping[str, Any]) -> CropCase:
    """The case when ``data`` is a plainly valid crop case; ``_Unsure`` otherwise."""
    if data.get("kind") != "crop" or not data.keys() <= _CASE.keys():
        raise _Unsure
    measures = _get(_CASE, data, "preventive_measures")
    if type(measures) is not list or not all(type(m) is str and CODE.match(m) for m in measures):
        raise _Unsure
    parts = _get(_CASE, data, "components")
    if type(parts) is not list or not parts:
        raise _Unsure
    components = tuple(_component(part) for part in parts)
    discovered, submitted = _day(data.get("discovered_on")), _day(data.get("submitted_on"))
    if submitted < discovered or len({(c.species, c.area_type) for c in components}) < len(parts):
        raise _Unsure
    return CropCase(
        province=_code(_CASE["province"], data.get("province")),
        crop=_code(_CASE["crop"], data.get("crop")),
        discovered_on=discovered,
        submitted_on=submitted,
        preventive_measures=frozenset(measures),
        components=components,
        reduction_pct=_decimal(_CASE["reduction_pct"], _get(_CASE, data, "reduction_pct")),
        own_risk_borne_this_year=_decimal(
            _CASE["own_risk_borne_this_year"], _get(_CASE, data, "own_risk_borne_this_year")
        ),
    )


def parse_case(data: Any) -> Case:
    """Validate one calculation input; ``CaseError`` names every invalid field."""
    if not isinstance(data, Mapping):
        raise CaseError({"_schema": ["A case must be a JSON object."]})
    kind = data.get("kind")
    try:
        return _quick_crop_case(data)
    except _Unsure:
        pass
    schema = _SCHEMAS.get(kind) if isinstance(kind, str) else None
    if schema is None:
        message = "Missing data for required field." if "kind" not in data else None
        raise CaseError({"kind": [message or "Must be one of: crop, livestock."]})
    try:
        return schema.load(data)  # type: ignore[return-value]
    except ValidationError as error:
        raise CaseError(flatten_errors(error.messages)) from None
