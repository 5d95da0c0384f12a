"""Assessments, completion requests, zienswijzen and the officer's queue: load and dump schemas."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates

from faunaschade.i18n import N_
from faunaschade.models import AssessmentStatus, PriceSource, Unit
from faunaschade.models.claims import PREVENTIVE_MEASURES
from faunaschade.money import format_eur
from faunaschade.rules.catalogue import ANIMAL_KINDS, AREA_TYPES
from faunaschade.schemas.base import (
    NOT_A_NUMBER,
    REQUIRED,
    LoadSchema,
    choice,
    iso_date,
    positive_decimal,
    text,
)
from faunaschade.schemas.claims import CROP_SPECIES

# --- load schemas ---------------------------------------------------------------------------


class AssessmentOrderSchema(LoadSchema):
    """POST /api/v1/claims/{id}/assessment-order."""

    assessor_email = fields.Email(
        required=True,
        error_messages={"required": REQUIRED, "invalid": N_("Geen geldig e-mailadres.")},
    )
    urgent = fields.Boolean(
        load_default=False, metadata={"description": "spoedtaxatie: report due in 2 working days"}
    )


class VisitInSchema(LoadSchema):
    """One field visit."""

    date = iso_date()
    remarks = text(2000, required=False)


class LineInSchema(LoadSchema):
    """One report line: parcel × species × area type."""

    parcel_id = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=2**31 - 1, error=N_("Geef het nummer van een perceel.")),
        error_messages={"required": REQUIRED, "invalid": N_("Geef het nummer van een perceel.")},
    )
    species = choice(CROP_SPECIES, N_("diersoort"))
    area_type = choice(AREA_TYPES, N_("gebiedstype"))
    damaged_area_ha = positive_decimal(4, maximum="100000")
    lost_quantity = positive_decimal(3, maximum="1000000000")
    unit = choice([u.value for u in Unit], N_("eenheid"))
    unit_price = positive_decimal(4, maximum="1000000")
    price_source = choice([p.value for p in PriceSource], N_("prijsbron"))
    harvested_before_assessment = fields.Boolean(
        load_default=False, error_messages={"invalid": N_("Verwacht true of false.")}
    )


def _list(inner: fields.Field, maximum: int, what: str) -> fields.List:
    return fields.List(
        inner,
        load_default=list,
        validate=validate.Length(
            max=maximum, error=N_("Hoogstens %(n)s %(what)s.", n=maximum, what=what)
        ),
        error_messages={"invalid": N_("Verwacht een lijst."), "null": REQUIRED},
    )


#: Most one cost item of one animal may be (the dearest animal in the price table is
#: € 8.750): 500 animals × 3 items stay far below what a Money column holds (€ 10 billion).
MAX_COST_ITEM = Decimal("100000.00")


def cost_item() -> fields.Decimal:
    """An optional cost item of an animal, in euros: 0 up to MAX_COST_ITEM."""
    return fields.Decimal(
        load_default=None,
        places=2,
        as_string=True,
        validate=validate.Range(
            min=0,
            max=MAX_COST_ITEM,
            error=N_("Geef 0 tot en met %(amount)s.", amount=format_eur(MAX_COST_ITEM)),
        ),
        error_messages={
            "invalid": N_("Geef een bedrag, bijv. 45.00 (punt als decimaalteken)."),
            "special": NOT_A_NUMBER,
        },
    )


class AnimalInSchema(LoadSchema):
    """One killed or injured animal (livestock claims); its value comes from the price table."""

    species = choice(["wolf", "goudjakhals"], N_("diersoort"))
    animal = text(40)
    animal_kind = choice(ANIMAL_KINDS, N_("diersoort van het dier"))
    breed_group = text(40)
    sex = choice(["female", "male"], N_("geslacht (female of male)"))
    age_class = text(20)
    pregnant = fields.Boolean(load_default=False)
    outcome = choice(["killed", "injured"], N_("afloop (killed of injured)"))
    vet_costs = cost_item()
    abortion = cost_item()
    carcass_removal = cost_item()


class ReportSchema(LoadSchema):
    """PUT /api/v1/assessments/{id}/report: the whole report (replaces what was saved)."""

    visits = _list(fields.Nested(VisitInSchema), 20, N_("bezoeken"))
    lines = _list(fields.Nested(LineInSchema), 200, N_("regels"))
    animals = _list(fields.Nested(AnimalInSchema), 500, N_("dieren"))
    preventive_measures_observed = _list(
        choice(PREVENTIVE_MEASURES, N_("preventieve maatregel")), 10, N_("maatregelen")
    )
    remarks = text(5000, required=False)

    @validates("preventive_measures_observed")
    def _unique(self, value: list[str], **_: Any) -> None:
        if len(set(value)) != len(value):
            raise ValidationError(N_("Noem elke maatregel één keer."))


class ZienswijzeInSchema(LoadSchema):
    """POST /api/v1/claims/{id}/zienswijze (JSON, or multipart with `text` and `file`)."""

    text = text(10000)


class AssessmentListQuerySchema(LoadSchema):
    """Filters of GET /api/v1/assessments."""

    status = fields.String(
        load_default=None,
        validate=validate.OneOf([s.value for s in AssessmentStatus], error=N_("Onbekende status.")),
    )
    claim_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


# --- dump schemas ---------------------------------------------------------------------------


class VisitOutSchema(Schema):
    """A visit as stored."""

    date = fields.Date(attribute="visited_on")
    remarks = fields.String()


class LineOutSchema(Schema):
    """A report line with its assessed damage."""

    id = fields.Integer()
    parcel_id = fields.Integer()
    species = fields.String()
    area_type = fields.String()
    damaged_area_ha = fields.Decimal(as_string=True)
    lost_quantity = fields.Decimal(as_string=True)
    unit = fields.String()
    unit_price = fields.Decimal(as_string=True)
    price_source = fields.String()
    harvested_before_assessment = fields.Boolean()
    assessed_damage = fields.Decimal(
        as_string=True, metadata={"description": "lost_quantity × unit_price, half-up to cents"}
    )


class AnimalOutSchema(Schema):
    """A killed or injured animal as assessed (livestock claims)."""

    animal = fields.String()
    species = fields.String()
    animal_kind = fields.String()
    breed_group = fields.String()
    sex = fields.String()
    age_class = fields.String()
    pregnant = fields.Boolean()
    outcome = fields.String()
    value = fields.Decimal(
        as_string=True,
        allow_none=True,
        metadata={"description": "value from the price table (injured: the cap on vet costs)"},
    )
    vet_costs = fields.Decimal(as_string=True, allow_none=True)
    abortion = fields.Decimal(as_string=True, allow_none=True)
    carcass_removal = fields.Decimal(as_string=True, allow_none=True)
    total = fields.Decimal(
        as_string=True,
        metadata={"description": "value if killed + vet costs up to the value + the other costs"},
    )


class AssessmentParcelSchema(Schema):
    """A parcel of the claim as the assessor needs it."""

    parcel_id = fields.Integer()
    name = fields.String(attribute="parcel.name")
    area_ha = fields.Decimal(as_string=True, attribute="parcel.area_ha")
    claimed_damaged_area_ha = fields.Decimal(as_string=True, attribute="damaged_area_ha")
    area_type = fields.String()


class AssessmentClaimSchema(Schema):
    """What the assessor needs to know of the claim."""

    id = fields.Integer()
    reference = fields.String()
    province = fields.String()
    crop = fields.String(allow_none=True)
    discovered_on = fields.Date()
    species = fields.Function(lambda claim: sorted(s.species for s in claim.species))
    parcels = fields.List(fields.Nested(AssessmentParcelSchema))
    preventive_measures = fields.List(fields.String())
    farmer_name = fields.String(attribute="farmer.name")
    address = fields.Function(
        lambda c: f"{c.farmer.address}, {c.farmer.postcode} {c.farmer.city}",
        metadata={"description": "where to visit"},
    )


class AssessmentOutSchema(Schema):
    """An assessment with its report."""

    id = fields.Integer()
    status = fields.String()
    urgent = fields.Boolean()
    due_on = fields.Date()
    ordered_at = fields.DateTime(attribute="created_at")
    submitted_at = fields.DateTime(allow_none=True)
    assessor_email = fields.String(attribute="assessor.email")
    claim = fields.Nested(AssessmentClaimSchema)
    visits = fields.List(fields.Nested(VisitOutSchema))
    lines = fields.List(fields.Nested(LineOutSchema))
    animals = fields.List(fields.Nested(AnimalOutSchema), metadata={"description": "livestock"})
    preventive_measures_observed = fields.List(fields.String())
    remarks = fields.String()
    total_assessed_damage = fields.Decimal(
        places=2,
        as_string=True,
        attribute="counted_total",
        metadata={
            "description": "crops: sum of the lines not harvested before assessment; livestock: "
            "sum of the animals' totals (vet costs capped at the animal's value)"
        },
    )
    zienswijze_deadline = fields.Date(attribute="claim.zienswijze_deadline", allow_none=True)


class AssessmentSummarySchema(Schema):
    """An assessment in the work list."""

    id = fields.Integer()
    status = fields.String()
    urgent = fields.Boolean()
    due_on = fields.Date()
    submitted_at = fields.DateTime(allow_none=True)
    claim_id = fields.Integer()
    claim_reference = fields.String(attribute="claim.reference")
    claim_status = fields.String(
        attribute="claim.status", metadata={"description": "withdrawn: the order lapsed"}
    )
    province = fields.String(attribute="claim.province")
    crop = fields.String(attribute="claim.crop", allow_none=True)
    farmer_name = fields.String(attribute="claim.farmer.name")


class AssessmentOrderedSchema(Schema):
    """Answer of POST /api/v1/claims/{id}/assessment-order."""

    assessment_id = fields.Integer(attribute="id")
    assessor_email = fields.String(attribute="assessor.email")
    urgent = fields.Boolean()
    due_on = fields.Date()
    claim_status = fields.String(attribute="claim.status")


class ZienswijzeOutSchema(Schema):
    """A zienswijze as stored."""

    id = fields.Integer()
    assessment_id = fields.Integer()
    text = fields.String()
    attachment_id = fields.Integer(allow_none=True)
    agreed = fields.Boolean(
        metadata={"description": "The farmer agreed with the assessment (no text)"}
    )
    created_at = fields.DateTime()
