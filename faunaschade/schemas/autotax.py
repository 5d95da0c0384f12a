"""Autotax: registering parcels, starting a run, and what a run and its sample look like."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, validate

from faunaschade.i18n import N_
from faunaschade.provinces import PROVINCE_CODES
from faunaschade.rules import autotax as autotax_tables
from faunaschade.schemas.base import NOT_A_NUMBER, REQUIRED, LoadSchema, choice, text
from faunaschade.schemas.claims import _list

#: The highest seed a run takes (it is stored as a 64-bit integer).
MAX_SEED = 2**63 - 1
#: Above this "review every claim above" is a typing error.
MAX_REVIEW_ABOVE = Decimal("1000000000")


def _year() -> fields.Integer:
    return fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(2000, 2099, error=N_("Geef een schadejaar tussen 2000 en 2099.")),
        error_messages={"required": REQUIRED, "null": REQUIRED, "invalid": N_("Geef een jaartal.")},
    )


def _parcel_id() -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=2**31 - 1, error=N_("Geef het nummer van een perceel.")),
        error_messages={"invalid": N_("Geef het nummer van een perceel.")},
    )


class RegistrationInSchema(LoadSchema):
    """POST /api/v1/autotax/registrations: parcels for autotax in one province and year."""

    province = choice(PROVINCE_CODES, N_("provincie"))
    damage_year = _year()
    parcel_ids = _list(_parcel_id(), minimum=1, what=N_("perceel"))
    parcel_ids.validators.append(
        validate.Length(max=500, error=N_("Hoogstens %(n)s percelen tegelijk.", n=500))
    )


def _deadline(registration: Any) -> str | None:
    terms = autotax_tables.terms_for(registration.province, registration.damage_year)
    return terms.deadline(registration.damage_year).isoformat() if terms else None


class RegistrationOutSchema(Schema):
    """A registered parcel."""

    id = fields.Integer()
    parcel_id = fields.Integer()
    parcel_name = fields.Function(lambda r: r.parcel.name)
    province = fields.String()
    damage_year = fields.Integer()
    deadline = fields.Function(_deadline)
    created_at = fields.AwareDateTime()


class RunInSchema(LoadSchema):
    """POST /api/v1/autotax/runs (the options of `flask autotax run`)."""

    province = choice(PROVINCE_CODES, N_("provincie"))
    damage_year = _year()
    seed = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(
            0, MAX_SEED, error=N_("Geef een geheel getal van 0 tot %(max)s.", max=MAX_SEED)
        ),
        error_messages={"invalid": N_("Geef een geheel getal.")},
    )
    sample_pct = fields.Decimal(
        places=2,
        as_string=True,
        load_default=Decimal("10"),
        validate=validate.Range(0, 100, error=N_("Geef een percentage van 0 tot en met 100.")),
        error_messages={
            "null": REQUIRED,
            "invalid": N_("Geef een getal, bijv. 12.5 (punt als decimaalteken)."),
            "special": NOT_A_NUMBER,
        },
    )
    review_above = fields.Decimal(
        places=2,
        as_string=True,
        load_default=Decimal("5000.00"),
        validate=validate.Range(
            0,
            MAX_REVIEW_ABOVE,
            error=N_("Geef een bedrag van 0 tot en met %(max)s euro.", max=MAX_REVIEW_ABOVE),
        ),
        error_messages={
            "null": REQUIRED,
            "invalid": N_("Geef een bedrag, bijv. 5000.00 (punt als decimaalteken)."),
            "special": NOT_A_NUMBER,
        },
    )
    assessor_email = text(254, required=False)


class RunClaimOutSchema(Schema):
    """A claim of a run."""

    claim_id = fields.Integer()
    reference = fields.Function(lambda row: row.claim.reference)
    status = fields.Function(lambda row: row.claim.status.value)
    parcel_id = fields.Integer()
    overlap_ha = fields.Decimal(as_string=True)
    eur_per_ha = fields.Decimal(as_string=True)
    amount = fields.Decimal(as_string=True)
    sampled = fields.Boolean()
    sample_reason = fields.String(allow_none=True)


class BatchOutSchema(Schema):
    """A batch decision of a run."""

    id = fields.Integer()
    status = fields.Function(lambda batch: batch.status.value)
    proposed_by = fields.Integer()
    approved_by = fields.Integer(allow_none=True)
    approved_at = fields.AwareDateTime(allow_none=True)
    claims = fields.Function(lambda batch: [item.claim_id for item in batch.items])


class RunSummarySchema(Schema):
    """A run's parameters and sample (the list)."""

    id = fields.Integer()
    province = fields.String()
    damage_year = fields.Integer()
    reference_day = fields.Date()
    table_version = fields.String()
    seed = fields.Integer()
    sample_pct = fields.Decimal(as_string=True)
    review_above = fields.Decimal(as_string=True)
    registrations = fields.Integer()
    started_by = fields.Integer()
    assessor_id = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    sample = fields.Method("_sample")

    def _sample(self, run: Any) -> list[int]:
        return [row.claim_id for row in run.claims if row.sampled]


class RunOutSchema(RunSummarySchema):
    """A run with its parameters, claims, sample and batches."""

    claims = fields.List(fields.Nested(RunClaimOutSchema))
    batches = fields.List(fields.Nested(BatchOutSchema))


class RunPageSchema(Schema):
    """GET /api/v1/autotax/runs."""

    items = fields.List(fields.Nested(RunSummarySchema))
