"""Parsing calculation input: a quick path for plainly valid crop cases, else the schemas;
and the trusted path for cases the service built itself."""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError

from faunaschade.rules.amounts import CENT
from faunaschade.rules.errors import CaseError
from faunaschade.rules.fields import CODE, StrictDecimal, flatten_errors
from faunaschade.rules.model import (
    Case,
    CropCase,
    CropComponent,
    Item,
    LivestockCase,
    LivestockComponent,
)
from faunaschade.rules.schemas import (
    ITEM_TYPES,
    WOLF_FINDINGS,
    CropCaseSchema,
    CropComponentSchema,
    ItemSchema,
    LivestockCaseSchema,
    LivestockComponentSchema,
)

_SCHEMAS: dict[str, Schema] = {"crop": CropCaseSchema(), "livestock": LivestockCaseSchema()}
# The quick paths read the very field objects of the schemas: the same code tables, decimal
# rules, date-time parsing and defaults. tests/rules/test_rules_input.py checks that both paths
# agree.
_CASE = _SCHEMAS["crop"].fields
_PART = CropComponentSchema().fields
_LIVE = _SCHEMAS["livestock"].fields
_LIVE_PART = LivestockComponentSchema().fields
_ITEM = ItemSchema().fields
_ITEM_TYPES, _FINDINGS = frozenset(ITEM_TYPES), frozenset(WOLF_FINDINGS)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Unsure(Exception):
    """The quick path cannot vouch for the input; the schema decides and explains."""


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


def _default(field: Any) -> Any:
    """The value marshmallow loads when the field is absent (a shared list: only read)."""
    default = field.load_default
    return default() if callable(default) else default


# Defaults of the optional fields, read off the schemas' fields; a required field is read with
# ``dict.get``, and None is refused by the checks of the quick path as absence is.
_HARVESTED = _default(_PART["harvested_before_assessment"])
_MEASURES = _default(_CASE["preventive_measures"])
_REDUCTION = _default(_CASE["reduction_pct"])
_BORNE = _default(_CASE["own_risk_borne_this_year"])
_EXEMPT = _default(_CASE["leges_exempt"])
_SPECIES, _AREA_TYPES = _PART["species"].table, _PART["area_type"].table
_PROVINCES, _CROPS = _CASE["province"].table, _CASE["crop"].table
_DAMAGE, _AREA = _PART["assessed_damage"], _PART["damaged_area_ha"]
# Amounts as most input gives them: whole cents, or hectares with at most four decimals, never
# negative. The field would return Decimal(text) itself for these (its quantize to cents leaves
# whole cents as they are: at most 26 digits before the point, as quantize within the default
# 28 digits of precision allows); any other form goes through the field.
_WHOLE_CENTS = re.compile(r"\d{1,26}\.\d\d")
_AREA_TEXT = re.compile(r"\d+(?:\.\d{1,4})?")


def _component(data: Any) -> CropComponent:
    if type(data) is not dict or not data.keys() <= _PART.keys():
        raise _Unsure
    harvested = data.get("harvested_before_assessment", _HARVESTED)
    if harvested is not True and harvested is not False:
        raise _Unsure
    species, area_type = data.get("species"), data.get("area_type")
    if type(species) is not str or type(area_type) is not str:
        raise _Unsure
    if species not in _SPECIES or area_type not in _AREA_TYPES:
        raise _Unsure
    damage, area = data.get("assessed_damage"), data.get("damaged_area_ha")
    if type(damage) is str and _WHOLE_CENTS.fullmatch(damage):
        damage = Decimal(damage)
    else:
        damage = _decimal(_DAMAGE, damage)
    if type(area) is str and _AREA_TEXT.fullmatch(area):
        area = Decimal(area)
    else:
        area = _decimal(_AREA, area)
    return CropComponent(species, area_type, damage, area, harvested)


def _quick_crop_case(data: Mapping[str, Any]) -> CropCase:
    """The case when ``data`` is a plainly valid crop case; ``_Unsure`` otherwise."""
    if data.get("kind") != "crop" or not data.keys() <= _CASE.keys():
        raise _Unsure
    measures = data.get("preventive_measures", _MEASURES)
    if type(measures) is not list:
        raise _Unsure
    for measure in measures:
        if type(measure) is not str or not CODE.match(measure):
            raise _Unsure
    parts = data.get("components")
    if type(parts) is not list or not parts:
        raise _Unsure
    components = tuple(map(_component, parts))
    exempt = data.get("leges_exempt", _EXEMPT)
    if type(exempt) is not bool:
        raise _Unsure
    discovered, submitted = _day(data.get("discovered_on")), _day(data.get("submitted_on"))
    if submitted < discovered:
        raise _Unsure
    if len(components) > 1 and len({(c.species, c.area_type) for c in components}) < len(parts):
        raise _Unsure
    province, crop = data.get("province"), data.get("crop")
    if type(province) is not str or province not in _PROVINCES:
        raise _Unsure
    if type(crop) is not str or crop not in _CROPS:
        raise _Unsure
    return CropCase(
        province,
        crop,
        discovered,
        submitted,
        frozenset(measures),
        components,
        _decimal(_CASE["reduction_pct"], data.get("reduction_pct", _REDUCTION)),
        _decimal(_CASE["own_risk_borne_this_year"], data.get("own_risk_borne_this_year", _BORNE)),
        "crop",
        exempt,
    )


def _money(field: StrictDecimal, value: Any) -> Decimal:
    if type(value) is str and _WHOLE_CENTS.fullmatch(value):
        return Decimal(value)
    return _decimal(field, value)


def _moment(field: Any, value: Any) -> datetime:
    """A date-time as the schema's own field reads it."""
    if type(value) is not str:
        raise _Unsure
    try:
        return field.deserialize(value)
    except ValidationError:
        raise _Unsure from None


_ABSENT = object()
_ITEM_VALUE = _default(_ITEM["animal_value"])
_LIVE_AREA = _default(_LIVE_PART["area_type"])
_LIVE_REDUCTION = _default(_LIVE["reduction_pct"])
_LIVE_BORNE = _default(_LIVE["own_risk_borne_this_year"])
_PREDATORS, _LIVE_AREAS = _LIVE_PART["species"].table, _LIVE_PART["area_type"].table


def _item(data: Any) -> Item:
    if type(data) is not dict or not data.keys() <= _ITEM.keys():
        raise _Unsure
    kind, animal = data.get("type"), data.get("animal")
    if type(kind) is not str or kind not in _ITEM_TYPES or type(animal) is not str or not animal:
        raise _Unsure
    value = data.get("animal_value", _ABSENT)  # given as null: the schema decides
    if value is _ABSENT:
        value = _ITEM_VALUE
    else:
        value = _money(_ITEM["animal_value"], value)
        if kind != "vet_costs":
            raise _Unsure
    return Item(kind, animal, _money(_ITEM["amount"], data.get("amount")), value)


def _check_caps(items: tuple[Item, ...]) -> None:
    """Each animal valued once; vet costs capped by a value given for their animal, and never
    by a different one (the rules of LivestockComponentSchema): else ``_Unsure``."""
    values: dict[str, Decimal] = {}
    for item in items:
        if item.type == "animal_value":
            if item.animal in values:
                raise _Unsure
            values[item.animal] = item.amount
    for item in items:
        if item.type == "vet_costs" and item.animal_value is not None:
            values.setdefault(item.animal, item.animal_value)
    for item in items:
        if item.type == "vet_costs":
            known = values.get(item.animal)
            if known is None or item.animal_value not in (None, known):
                raise _Unsure


def _livestock_component(data: Any) -> LivestockComponent:
    if type(data) is not dict or not data.keys() <= _LIVE_PART.keys():
        raise _Unsure
    species = _one_of(data.get("species"), _PREDATORS)
    area_type = _one_of(data.get("area_type", _LIVE_AREA), _LIVE_AREAS)
    items = tuple(map(_item, _filled_list(data.get("items"))))
    _check_caps(items)
    return LivestockComponent(species, area_type, items)


def _one_of(value: Any, codes: Container[str]) -> str:
    """The value when it is one of the codes (a plain str); ``_Unsure`` otherwise."""
    if type(value) is not str or value not in codes:
        raise _Unsure
    return value


def _filled_list(value: Any) -> list[Any]:
    """The value when it is a list with something in it; ``_Unsure`` otherwise."""
    if type(value) is not list or not value:
        raise _Unsure
    return value


def _quick_livestock_case(data: Mapping[str, Any]) -> LivestockCase:
    """The case when ``data`` is a plainly valid livestock case; ``_Unsure`` otherwise."""
    if data.get("kind") != "livestock" or not data.keys() <= _LIVE.keys():
        raise _Unsure
    province = _one_of(data.get("province"), _LIVE["province"].table)
    finding = _one_of(data.get("wolf_finding"), _FINDINGS)
    parts = _filled_list(data.get("components"))
    components = tuple(map(_livestock_component, parts))
    if len(components) > 1 and len({(c.species, c.area_type) for c in components}) < len(parts):
        raise _Unsure
    found = _moment(_LIVE["discovered_at"], data.get("discovered_at"))
    reported = _moment(_LIVE["reported_at"], data.get("reported_at"))
    if (found.tzinfo is None) != (reported.tzinfo is None) or reported < found:
        raise _Unsure
    return LivestockCase(
        province,
        found,
        reported,
        finding,
        components,
        _decimal(_LIVE["reduction_pct"], data.get("reduction_pct", _LIVE_REDUCTION)),
        _decimal(
            _LIVE["own_risk_borne_this_year"], data.get("own_risk_borne_this_year", _LIVE_BORNE)
        ),
    )


_QUICK = {"crop": _quick_crop_case, "livestock": _quick_livestock_case}


def parse_case(data: Any) -> Case:
    """Validate one calculation input; ``CaseError`` names every invalid field."""
    if not isinstance(data, Mapping):
        raise CaseError({"_schema": ["A case must be a JSON object."]})
    kind = data.get("kind")
    quick = _QUICK.get(kind) if type(kind) is str else None
    if quick is not None:
        try:
            return quick(data)
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


def _trusted_decimal(value: Any) -> Decimal:
    return value if type(value) is Decimal else Decimal(value)


def _trusted_money(value: Any) -> Decimal:
    return _trusted_decimal(value).quantize(CENT)  # as the money fields bring "12" to 12.00


def _trusted_day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _trusted_moment(value: Any) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def trusted_case(data: Mapping[str, Any]) -> Case:
    """The case for input the service built itself (``decisions.calculation``, ``seed``).

    The same case ``parse_case`` makes of valid input (same defaults, money to cents), without
    checking it again: a mistake in the caller surfaces as a KeyError or a wrong figure, not as
    a CaseError. Input from outside (the CLI, the API) goes through ``parse_case``.
    """
    reduction = _trusted_decimal(data.get("reduction_pct", 0))
    borne = data.get("own_risk_borne_this_year")
    borne = Decimal("0.00") if borne is None else _trusted_money(borne)
    if data["kind"] == "crop":
        return CropCase(
            province=data["province"],
            crop=data["crop"],
            discovered_on=_trusted_day(data["discovered_on"]),
            submitted_on=_trusted_day(data["submitted_on"]),
            preventive_measures=frozenset(data.get("preventive_measures", ())),
            components=tuple(
                CropComponent(
                    c["species"],
                    c["area_type"],
                    _trusted_money(c["assessed_damage"]),
                    _trusted_decimal(c["damaged_area_ha"]),
                    bool(c.get("harvested_before_assessment", False)),
                )
                for c in data["components"]
            ),
            reduction_pct=reduction,
            own_risk_borne_this_year=borne,
            leges_exempt=bool(data.get("leges_exempt", False)),
        )
    return LivestockCase(
        province=data["province"],
        discovered_at=_trusted_moment(data["discovered_at"]),
        reported_at=_trusted_moment(data["reported_at"]),
        wolf_finding=data["wolf_finding"],
        components=tuple(
            LivestockComponent(
                c["species"],
                c.get("area_type", "regular"),
                tuple(
                    Item(
                        i["type"],
                        i["animal"],
                        _trusted_money(i["amount"]),
                        None
                        if i.get("animal_value") is None
                        else _trusted_money(i["animal_value"]),
                    )
                    for i in c["items"]
                ),
            )
            for c in data["components"]
        ),
        reduction_pct=reduction,
        own_risk_borne_this_year=borne,
    )
