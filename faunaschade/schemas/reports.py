"""Meldingen (free damage reports): the load schema, the list filters and the dump schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, pre_dump, validate, validates

from faunaschade.i18n import N_
from faunaschade.provinces import PROVINCE_CODES
from faunaschade.rules.catalogue import AREA_TYPES, CROPS
from faunaschade.schemas.base import NOT_A_NUMBER, LoadSchema, choice, iso_date, text
from faunaschade.schemas.claims import (
    CROP_SPECIES,
    ClaimParcelInSchema,
    ClaimParcelOutSchema,
    _list,
    filing_for,
)

#: The highest estimate a melding takes (euros): far above any one crop's damage on one farm,
#: well inside the database column.
MAX_ESTIMATE = Decimal("1000000")
MONTH_PATTERN = r"^(20[0-9]{2})-(0[1-9]|1[0-2])$"


class ReportParcelInSchema(ClaimParcelInSchema):
    """A damaged parcel on a melding: its area type is always given (a melding keeps it; the
    claim made from it takes the map's split where the parcel is on the map)."""

    area_type = choice(AREA_TYPES, N_("gebiedstype"))


class ReportInSchema(LoadSchema):
    """POST /api/v1/reports: a melding of crop damage (no leges, no assessment, no payment)."""

    #: Left out: the parcels' own, when they agree (as on a claim).
    province = choice(PROVINCE_CODES, N_("provincie"), required=False)
    #: Left out: the parcels' own, as the province.
    crop = choice(CROPS, N_("teelt"), required=False)
    discovered_on = iso_date()
    species = _list(choice(CROP_SPECIES, N_("diersoort")), minimum=1, what=N_("diersoort"))
    parcels = _list(fields.Nested(ReportParcelInSchema), minimum=1, what=N_("perceel"))
    estimated_damage = fields.Decimal(
        places=2,
        as_string=True,
        load_default=None,
        allow_none=True,
        validate=validate.Range(
            min=Decimal(0),
            max=MAX_ESTIMATE,
            error=N_("Geef een bedrag van 0 tot en met %(maximum)s euro.", maximum="1.000.000"),
        ),
        error_messages={
            "invalid": N_("Geef een bedrag in euro, bijv. 1250.50 (punt als decimaalteken)."),
            "special": NOT_A_NUMBER,
        },
        metadata={"description": "the farmer's estimate in euros, optional"},
    )
    note = text(5000, required=False)

    @validates("species")
    def _unique_species(self, value: list[str], **_: Any) -> None:
        if len(set(value)) != len(value):
            raise ValidationError(N_("Noem elke diersoort één keer."))

    @post_load
    def _no_negative_zero(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        # "-0" passes the range; stored and shown it would read "-0.00".
        if data.get("estimated_damage") is not None and data["estimated_damage"].is_zero():
            data["estimated_damage"] = Decimal("0.00")
        return data


class ReportCreateSchema(ReportInSchema):
    """POST /api/v1/reports: a melding of one's own farm, or (`farmer_id`) of a farmer who
    authorised the caller for all claims (machtiging)."""

    farmer_id = filing_for()


class ReportListQuerySchema(LoadSchema):
    """Filters and paging of GET /api/v1/reports."""

    province = fields.String(
        load_default=None, validate=validate.OneOf(PROVINCE_CODES, error=N_("Onbekende provincie."))
    )
    species = fields.String(
        load_default=None,
        validate=validate.OneOf(CROP_SPECIES, error=N_("Onbekende diersoort: {input}.")),
    )
    month = fields.String(
        load_default=None,
        validate=validate.Regexp(MONTH_PATTERN, error=N_("Geef een maand als JJJJ-MM.")),
        metadata={"description": "month of discovery, YYYY-MM"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class ReportOutSchema(Schema):
    """A melding as its farmer, or an officer or auditor of its province, sees it."""

    id = fields.Integer()
    reference = fields.String()
    farmer_id = fields.Integer()
    reported_by = fields.Integer(metadata={"description": "the user who reported it"})
    province = fields.String()
    crop = fields.String()
    discovered_on = fields.Date()
    species = fields.Function(lambda report: sorted(s.species for s in report.species))
    parcels = fields.List(fields.Nested(ClaimParcelOutSchema))
    estimated_damage = fields.Decimal(as_string=True, allow_none=True)
    note = fields.String()
    created_at = fields.DateTime()
    converted_claim_id = fields.Integer(allow_none=True)
    converted_claim_reference = fields.Function(
        lambda report: report.converted_claim.reference if report.converted_claim else None,
        allow_none=True,
    )
    claim_deadline = fields.Date(
        metadata={"description": "last day a claim for this damage is in time (7 working days)"}
    )
    late = fields.Boolean(metadata={"description": "a claim made today would be late"})

    @pre_dump
    def _facts_worked_out(self, report: Any, **kwargs: Any) -> Any:
        # The schema only reads: a bare DamageReport would have no deadline.
        if not hasattr(report, "claim_deadline"):
            raise TypeError("dump reports.operations.with_facts(report), not the bare report")
        return report


class ReportPageSchema(Schema):
    """A page of meldingen."""

    items = fields.List(fields.Nested(ReportOutSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
