"""Marshmallow schemas: rule-set files (loaded as dicts) and calculation input (as cases)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from faunaschade.rules.catalogue import AREA_TYPES, CROPS, PROVINCES, SPECIES
from faunaschade.rules.fields import (
    CODE,
    CONFIDENCES,
    Code,
    MonthDay,
    StrictDecimal,
    money,
)
from faunaschade.rules.model import (
    CropCase,
    CropComponent,
    Item,
    LivestockCase,
    LivestockComponent,
)

REFUND_POLICIES = ("never", "if_granted", "if_granted_or_species", "if_admissible")
MINIMUM_SCOPES = ("per_claim", "per_farm_year")
WOLF_FINDINGS = ("certain", "probable", "dog", "fox", "unknown")
ITEM_TYPES = ("animal_value", "vet_costs", "abortion", "carcass_removal")
CROP_SPECIES = {code: s for code, s in SPECIES.items() if s.kind == "crop"}
LIVESTOCK_SPECIES = {code: s for code, s in SPECIES.items() if s.kind == "livestock"}
_CODE = validate.Regexp(CODE, error="Not a valid code.")
_NON_EMPTY = validate.Length(min=1)


def _species_list(**kwargs: Any) -> fields.List:
    return fields.List(Code(SPECIES, "species"), validate=_NON_EMPTY, **kwargs)


class SourcedSchema(Schema):
    """Provenance every rule carries."""

    source = fields.String(required=True, validate=_NON_EMPTY)
    confidence = fields.String(required=True, validate=validate.OneOf(CONFIDENCES))


class SeasonSchema(Schema):
    """A ``[start, end)`` month-day window."""

    start = MonthDay(required=True)
    end = MonthDay(required=True)

    @validates_schema
    def _not_empty(self, data: dict, **kwargs: Any) -> None:
        if data.get("start") is not None and data.get("start") == data.get("end"):
            raise ValidationError("Must differ from start.", "end")


class BeleidsregelSchema(SourcedSchema):
    title = fields.String(required=True, validate=_NON_EMPTY)
    reference = fields.String(load_default=None, validate=_NON_EMPTY)


class SubmissionSchema(SourcedSchema):
    working_days = fields.Integer(required=True, strict=True, validate=validate.Range(1, 60))


class PreventionSchema(SourcedSchema):
    required = fields.List(fields.String(validate=_CODE), required=True)
    exempt_crops = fields.List(Code(CROPS, "crop"), load_default=list)


class LivestockSchema(SourcedSchema):
    report_hours = fields.Integer(required=True, strict=True, validate=validate.Range(1, 24 * 14))
    accepted_findings = fields.List(
        fields.String(validate=validate.OneOf(WOLF_FINDINGS)), required=True, validate=_NON_EMPTY
    )
    leges = money(required=True)


class AmountSchema(SourcedSchema):
    amount = money(required=True)


class LegesRefundSchema(SourcedSchema):
    policy = fields.String(required=True, validate=validate.OneOf(REFUND_POLICIES))
    species = fields.List(Code(SPECIES, "species"), load_default=list)

    @validates_schema
    def _species_only_with_policy(self, data: dict, **kwargs: Any) -> None:
        if data.get("species") and data.get("policy", "if_granted_or_species") != (
            "if_granted_or_species"
        ):
            raise ValidationError("Only used with policy if_granted_or_species.", "species")


class OwnRiskRuleSchema(SourcedSchema):
    id = fields.String(required=True, validate=_NON_EMPTY)
    species = _species_list(load_default=None)
    area_types = fields.List(Code(AREA_TYPES, "area type"), validate=_NON_EMPTY, load_default=None)
    season = fields.Nested(SeasonSchema, load_default=None)
    rate = StrictDecimal(required=True, maximum=Decimal(1))
    supplement_per_ha = money(load_default=None)

    @validates_schema
    def _has_a_condition(self, data: dict, **kwargs: Any) -> None:
        if data.get("species") is None and data.get("area_types") is None:
            raise ValidationError("A rule needs species, area_types or both.", "species")


class MinimumScopeSchema(SourcedSchema):
    value = fields.String(required=True, validate=validate.OneOf(MINIMUM_SCOPES))


class OwnRiskSchema(SourcedSchema):
    rate = StrictDecimal(required=True, maximum=Decimal(1))
    minimum = money(required=True)
    minimum_scope = fields.Nested(MinimumScopeSchema, required=True)
    rules = fields.List(fields.Nested(OwnRiskRuleSchema), load_default=list)

    @validates_schema
    def _unique_ids(self, data: dict, **kwargs: Any) -> None:
        _check_unique_ids(data.get("rules") or [], "rules")


class ExclusionSchema(SourcedSchema):
    id = fields.String(required=True, validate=_NON_EMPTY)
    species = _species_list(required=True)
    season = fields.Nested(SeasonSchema, load_default=None)
    reason = fields.String(required=True, validate=_NON_EMPTY)


class CompensatedSchema(SourcedSchema):
    species = _species_list(required=True)


class RuleSetSchema(Schema):
    """One province's rule set for one validity period (defaults merged in)."""

    province = Code(PROVINCES, "province", required=True)
    version = fields.String(required=True, validate=_NON_EMPTY)
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(load_default=None)
    beleidsregel = fields.Nested(BeleidsregelSchema, required=True)
    submission = fields.Nested(SubmissionSchema, required=True)
    prevention = fields.Nested(PreventionSchema, required=True)
    livestock = fields.Nested(LivestockSchema, required=True)
    leges = fields.Nested(AmountSchema, required=True)
    leges_refund = fields.Nested(LegesRefundSchema, required=True)
    minimum_payout = fields.Nested(AmountSchema, required=True)
    own_risk = fields.Nested(OwnRiskSchema, required=True)
    not_compensated = fields.List(fields.Nested(ExclusionSchema), load_default=list)
    compensated = fields.Nested(CompensatedSchema, load_default=None)

    @validates_schema
    def _consistent(self, data: dict, **kwargs: Any) -> None:
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            raise ValidationError("Lies before valid_from.", "valid_until")
        _check_unique_ids(data.get("not_compensated") or [], "not_compensated")


def _check_unique_ids(entries: list[dict], field: str) -> None:
    """Raise naming the entry whose id repeats an earlier one."""
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.get("id") in seen:
            raise ValidationError({field: {index: {"id": ["Duplicate id."]}}})
        seen.add(entry.get("id", ""))


class CropComponentSchema(Schema):
    species = Code(CROP_SPECIES, "crop-damaging species", required=True)
    area_type = Code(AREA_TYPES, "area type", required=True)
    assessed_damage = money(required=True)
    damaged_area_ha = StrictDecimal(places=4, required=True)
    # Only JSON true/false: "yes" or "0" for a harvest flag is more likely a mistake.
    harvested_before_assessment = fields.Boolean(load_default=False, truthy={True}, falsy={False})

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> CropComponent:
        return CropComponent(**data)


class ItemSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(ITEM_TYPES))
    animal = fields.String(required=True, validate=_NON_EMPTY)
    amount = money(required=True)
    animal_value = money(load_default=None)

    @validates_schema
    def _value_only_on_vet_costs(self, data: dict, **kwargs: Any) -> None:
        if data.get("animal_value") is not None and data.get("type") != "vet_costs":
            raise ValidationError("Only allowed on vet_costs items.", "animal_value")

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> Item:
        return Item(**data)


class LivestockComponentSchema(Schema):
    species = Code(LIVESTOCK_SPECIES, "livestock predator", required=True)
    area_type = Code(AREA_TYPES, "area type", load_default="regular")
    items = fields.List(fields.Nested(ItemSchema), required=True, validate=_NON_EMPTY)

    @validates_schema
    def _vet_costs_have_a_cap(self, data: dict, **kwargs: Any) -> None:
        items: list[Item] = data.get("items") or []
        values: dict[str, Decimal] = {}
        errors: dict[int, dict[str, list[str]]] = {}
        for index, item in enumerate(items):
            if item.type == "animal_value" and item.animal in values:
                errors[index] = {"animal": [f"Second animal_value item for {item.animal!r}."]}
            if item.type == "animal_value":
                values[item.animal] = item.amount
        for item in items:
            if item.type == "vet_costs" and item.animal_value is not None:
                values.setdefault(item.animal, item.animal_value)
        for index, item in enumerate(items):
            known = values.get(item.animal)
            if item.type != "vet_costs":
                continue
            if known is None:
                message = f"Required: {item.animal!r} has no animal_value item to cap vet costs."
                errors[index] = {"animal_value": [message]}
            elif item.animal_value not in (None, known):
                message = f"Differs from the value {known} given for {item.animal!r}."
                errors[index] = {"animal_value": [message]}
        if errors:
            raise ValidationError({"items": errors})

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> LivestockComponent:
        return LivestockComponent(data["species"], data["area_type"], tuple(data["items"]))


class _CaseSchema(Schema):
    province = Code(PROVINCES, "province", required=True)
    reduction_pct = StrictDecimal(places=4, maximum=Decimal(100), load_default=Decimal(0))
    own_risk_borne_this_year = money(load_default=Decimal("0.00"))

    @validates_schema
    def _unique_components(self, data: dict, **kwargs: Any) -> None:
        seen: dict[tuple[str, str], int] = {}
        for index, component in enumerate(data.get("components") or []):
            key = (component.species, component.area_type)
            if key in seen:
                message = f"Same species and area type as components[{seen[key]}]."
                raise ValidationError({"components": {index: [message]}})
            seen[key] = index


class CropCaseSchema(_CaseSchema):
    """Input of a crop calculation (SPEC §4.4)."""

    kind = fields.String(required=True, validate=validate.Equal("crop"))
    crop = Code(CROPS, "crop", required=True)
    discovered_on = fields.Date(required=True)
    submitted_on = fields.Date(required=True)
    preventive_measures = fields.List(fields.String(validate=_CODE), load_default=list)
    components = fields.List(fields.Nested(CropComponentSchema), required=True, validate=_NON_EMPTY)
    leges_exempt = fields.Boolean(load_default=False)

    @validates_schema
    def _submitted_after_discovery(self, data: dict, **kwargs: Any) -> None:
        found, submitted = data.get("discovered_on"), data.get("submitted_on")
        if found and submitted and submitted < found:
            raise ValidationError("Lies before discovered_on.", "submitted_on")

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> CropCase:
        data.pop("kind")
        data["preventive_measures"] = frozenset(data["preventive_measures"])
        data["components"] = tuple(data["components"])
        return CropCase(**data)


class LivestockCaseSchema(_CaseSchema):
    """Input of a livestock calculation (SPEC §4.4)."""

    kind = fields.String(required=True, validate=validate.Equal("livestock"))
    discovered_at = fields.DateTime(required=True)
    reported_at = fields.DateTime(required=True)
    wolf_finding = fields.String(required=True, validate=validate.OneOf(WOLF_FINDINGS))
    components = fields.List(
        fields.Nested(LivestockComponentSchema), required=True, validate=_NON_EMPTY
    )

    @validates_schema
    def _reported_after_discovery(self, data: dict, **kwargs: Any) -> None:
        found, reported = data.get("discovered_at"), data.get("reported_at")
        if not (found and reported):
            return
        if (found.tzinfo is None) != (reported.tzinfo is None):
            raise ValidationError("Give both times with a UTC offset, or neither.", "reported_at")
        if reported < found:
            raise ValidationError("Lies before discovered_at.", "reported_at")

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> LivestockCase:
        data.pop("kind")
        data["components"] = tuple(data["components"])
        return LivestockCase(**data)
