"""Claims: create/patch load schemas and the dump schema."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_dump, validate, validates

from faunaschade.claims.completion import COMPLETION_WORKING_DAYS, MAX_DAYS, MIN_DAYS
from faunaschade.claims.worklist import QUEUE_STATUSES, QueuePage, QueueRow
from faunaschade.i18n import N_
from faunaschade.models.claims import PREVENTIVE_MEASURES
from faunaschade.provinces import PROVINCE_CODES
from faunaschade.rules.catalogue import AREA_TYPES, CROPS, SPECIES
from faunaschade.schemas.base import (
    REQUIRED,
    LoadSchema,
    aware_datetime,
    choice,
    iso_date,
    positive_decimal,
    text,
)

CROP_SPECIES = sorted(code for code, s in SPECIES.items() if s.kind == "crop")


class ClaimParcelInSchema(LoadSchema):
    """A damaged parcel on a claim."""

    parcel_id = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=2**31 - 1, error=N_("Geef het nummer van een perceel.")),
        error_messages={"required": REQUIRED, "invalid": N_("Geef het nummer van een perceel.")},
    )
    damaged_area_ha = positive_decimal(4, maximum="10000")
    #: Left out for a parcel on the map (an outline, and layers in force on the day of
    #: discovery): the map gives it; given, it may not contradict the map.
    area_type = choice(AREA_TYPES, N_("gebiedstype"), required=False)


def _list(inner: fields.Field, *, minimum: int = 0, what: str) -> fields.List:
    optional = {} if minimum > 0 else {"load_default": list}
    return fields.List(
        inner,
        required=minimum > 0,
        **optional,
        validate=validate.Length(
            min=minimum, error=N_("Kies minstens %(n)s %(what)s.", n=minimum, what=what)
        ),
        error_messages={"required": REQUIRED, "invalid": N_("Verwacht een lijst.")},
    )


class ClaimInSchema(LoadSchema):
    """POST /api/v1/claims (PATCH takes the same fields, each optional)."""

    #: Left out: the parcels' own, when they agree (an explicit one may not contradict them).
    province = choice(PROVINCE_CODES, N_("provincie"), required=False)
    #: Left out: the parcels' own, as the province.
    crop = choice(CROPS, N_("teelt"), required=False)
    discovered_on = iso_date()
    species = _list(choice(CROP_SPECIES, N_("diersoort")), minimum=1, what=N_("diersoort"))
    parcels = _list(fields.Nested(ClaimParcelInSchema), minimum=1, what=N_("perceel"))
    preventive_measures = _list(
        choice(PREVENTIVE_MEASURES, N_("preventieve maatregel")), what=N_("maatregel")
    )
    description = text(5000, required=False)

    @validates("species")
    def _unique_species(self, value: list[str], **_: Any) -> None:
        if len(set(value)) != len(value):
            raise ValidationError(N_("Noem elke diersoort één keer."))

    @validates("preventive_measures")
    def _unique_measures(self, value: list[str], **_: Any) -> None:
        if len(set(value)) != len(value):
            raise ValidationError(N_("Noem elke maatregel één keer."))


def filing_for() -> fields.Integer:
    """`farmer_id`: file for this farmer (a machtiging for all their claims); left out: one's
    own farm. Claims and meldingen alike."""
    return fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(
            min=1, max=2**31 - 1, error=N_("Geef het nummer van een aanvrager.")
        ),
        error_messages={"invalid": N_("Geef het nummer van een aanvrager.")},
        metadata={"description": "file for this farmer (profile id); left out: your own farm"},
    )


class ClaimCreateSchema(ClaimInSchema):
    """POST /api/v1/claims: a claim of one's own farm, or (`farmer_id`) of a farmer who
    authorised the caller for all claims (machtiging)."""

    farmer_id = filing_for()


class ClaimPatchSchema(ClaimInSchema):
    """PATCH /api/v1/claims/{id}: every field optional; the whole claim is checked again."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(partial=True, **kwargs)


class SubmitSchema(LoadSchema):
    """POST /api/v1/claims/{id}/submit."""

    acknowledge_late = fields.Boolean(load_default=False)


class ClaimParcelOutSchema(Schema):
    """A damaged parcel as shown."""

    parcel_id = fields.Integer()
    parcel_name = fields.String(attribute="parcel.name")
    damaged_area_ha = fields.Decimal(as_string=True)
    area_type = fields.String()
    area_check = fields.String(
        metadata={
            "description": "map: the area type follows from the map; no_outline, no_layers, "
            "not_checked: the farmer's, not checked on the map (and why)"
        }
    )


class ParcelAreaOutSchema(Schema):
    """A row of the table beside the claim's map (claims.areas.Figure)."""

    parcel_id = fields.Integer()
    parcel_name = fields.String()
    area_type = fields.String()
    area_ha = fields.Decimal(
        as_string=True, allow_none=True, metadata={"description": "the part's area on the map"}
    )
    outline_area_ha = fields.Decimal(as_string=True, allow_none=True)
    damaged_area_ha = fields.Decimal(as_string=True)
    area_check = fields.String()
    layer_id = fields.Integer(allow_none=True)
    layer_kind = fields.String(allow_none=True)
    layer_source = fields.String(allow_none=True)
    layer_valid_from = fields.Date(allow_none=True)
    note = fields.String()


class ClaimAreasSchema(Schema):
    """GET /api/v1/claims/{id}/areas: the table and the map of the claim's area types."""

    figures = fields.List(fields.Nested(ParcelAreaOutSchema))
    map = fields.Dict(
        metadata={
            "description": "GeoJSON FeatureCollection in WGS84: properties.role 'parcel' (a "
            "parcel's part per area type, or the outline of a parcel not checked on the map) "
            "or 'layer' (a map layer around the parcels)"
        }
    )


class DeadlinesSchema(Schema):
    """Every deadline of the claim (None when not running yet)."""

    submission = fields.Date(allow_none=True)
    completion = fields.Date(allow_none=True)
    zienswijze = fields.Date(allow_none=True)
    decision = fields.Date(allow_none=True)
    decision_backstop = fields.Date(allow_none=True)
    objection = fields.Date(allow_none=True)


class WarningSchema(Schema):
    """Something the farmer should know before submitting."""

    code = fields.String()
    message = fields.String()


class AttachmentOutSchema(Schema):
    """An uploaded file."""

    id = fields.Integer()
    kind = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer(attribute="file.size")
    created_at = fields.DateTime()


class ClaimOutSchema(Schema):
    """A claim as its farmer, officer or auditor sees it."""

    id = fields.Integer()
    reference = fields.String()
    status = fields.String()
    kind = fields.String()
    farmer_id = fields.Integer()
    farmer_name = fields.String(attribute="farmer.name")
    province = fields.String()
    crop = fields.String(allow_none=True, metadata={"description": "null on livestock claims"})
    discovered_on = fields.Date()
    species = fields.Function(lambda claim: sorted(s.species for s in claim.species))
    parcels = fields.List(fields.Nested(ClaimParcelOutSchema))
    preventive_measures = fields.List(fields.String())
    description = fields.String()
    leges = fields.Decimal(as_string=True)
    submitted_at = fields.DateTime(allow_none=True)
    deadlines = fields.Nested(DeadlinesSchema)
    warnings = fields.List(
        fields.Dict(keys=fields.String(), values=fields.String()),
        metadata={"description": "[{code, message}]"},
    )
    attachments = fields.List(fields.Nested(AttachmentOutSchema))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    @pre_dump
    def _facts_worked_out(self, claim: Any, **kwargs: Any) -> Any:
        # The schema only reads: a bare Claim would lose its deadlines and warnings silently.
        if not isinstance(getattr(claim, "deadlines", None), dict):
            raise TypeError("dump claims.operations.with_facts(claim), not the bare claim")
        return claim


class ClaimListQuerySchema(LoadSchema):
    """Filters and paging of GET /api/v1/claims."""

    status = fields.String(load_default=None)
    province = fields.String(load_default=None, validate=validate.OneOf(PROVINCE_CODES))
    species = fields.String(load_default=None)
    crop = fields.String(load_default=None)
    damage_year = fields.Integer(load_default=None, validate=validate.Range(2000, 2100))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class ClaimPageSchema(Schema):
    """A page of claims."""

    items = fields.List(fields.Nested(ClaimOutSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


LIVESTOCK_SPECIES = sorted(code for code, s in SPECIES.items() if s.kind == "livestock")
WOLF_FINDINGS = ["certain", "probable", "dog", "fox", "unknown"]


class LivestockClaimInSchema(LoadSchema):
    """POST /api/v1/claims/livestock: a keeper reports animals killed or injured."""

    province = choice(PROVINCE_CODES, N_("provincie"))
    discovered_at = aware_datetime()
    species = _list(
        choice(LIVESTOCK_SPECIES, N_("diersoort (wolf of goudjakhals)")),
        minimum=1,
        what=N_("diersoort"),
    )
    animals = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, 10000, error=N_("Geef 1 tot 10000.")),
        error_messages={"required": REQUIRED, "invalid": N_("Geef het aantal dieren.")},
    )
    description = text(5000)


class WolfFindingInSchema(LoadSchema):
    """POST /api/v1/claims/{id}/wolf-finding: the field visit and the DNA outcome."""

    finding = choice(WOLF_FINDINGS, N_("uitkomst"))
    visited_on = iso_date()
    remarks = text(5000, required=False)


class CompletionRequestSchema(LoadSchema):
    """POST /api/v1/claims/{id}/completion-request."""

    message = text(5000)
    days = fields.Integer(
        load_default=COMPLETION_WORKING_DAYS,
        strict=True,
        validate=validate.Range(
            MIN_DAYS,
            MAX_DAYS,
            error=N_("Kies %(low)s tot %(high)s werkdagen.", low=MIN_DAYS, high=MAX_DAYS),
        ),
        error_messages={"invalid": N_("Geef een aantal werkdagen."), "null": REQUIRED},
        metadata={"description": "working days to complete (default 10)"},
    )


class CompleteSchema(LoadSchema):
    """POST /api/v1/claims/{id}/complete: the farmer (or officer) says the claim is complete."""

    note = text(5000, required=False)


class QueueQuerySchema(LoadSchema):
    """Filters of the officer's queue."""

    status = fields.String(
        load_default=None,
        validate=validate.OneOf([s.value for s in QUEUE_STATUSES], error=N_("Onbekende status.")),
    )
    province = fields.String(
        load_default=None, validate=validate.OneOf(PROVINCE_CODES, error=N_("Onbekende provincie."))
    )
    species = fields.String(load_default=None)
    crop = fields.String(load_default=None)
    overdue = fields.Boolean(load_default=False)
    awaiting_my_approval = fields.Boolean(
        load_default=False,
        metadata={"description": "Only proposals by another officer, which the caller may approve"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class DeadlineOutSchema(Schema):
    """A running deadline with its state."""

    code = fields.String()
    label = fields.String()
    due = fields.Date()
    state = fields.String(metadata={"description": "overdue | soon | ok | closed"})
    text = fields.String()


class QueueRowSchema(Schema):
    """One claim of the queue."""

    id = fields.Integer(attribute="claim.id")
    reference = fields.String(attribute="claim.reference")
    status = fields.String(attribute="claim.status")
    province = fields.String(attribute="claim.province")
    crop = fields.String(attribute="claim.crop", allow_none=True)
    species = fields.List(fields.String(), attribute="claim.species")
    farmer_name = fields.String(attribute="claim.farmer_name")
    assessment_id = fields.Integer(attribute="assessment.id", allow_none=True)
    overdue = fields.Boolean()
    deadlines = fields.List(fields.Nested(DeadlineOutSchema))
    proposed_by = fields.String(
        attribute="proposer",
        allow_none=True,
        metadata={"description": "Name of the officer whose proposal waits for a second one"},
    )
    zienswijze = fields.String(
        attribute="response",
        allow_none=True,
        metadata={"description": "agreed | given: the farmer answered the assessment"},
    )
    penalty_from = fields.Date(
        allow_none=True,
        metadata={
            "description": "The farmer gave notice of default: the dwangsom runs from this day "
            "(Awb 4:17); such claims come first"
        },
    )
    penalty_text = fields.String(
        allow_none=True,
        metadata={"description": "'Ingebreke gesteld — dwangsom loopt vanaf <day>'"},
    )


class QueuePageSchema(Schema):
    """A page of the queue."""

    rows = fields.List(fields.Nested(QueueRowSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


def queue_page_json(page: QueuePage) -> dict[str, Any]:
    """`QueuePageSchema().dump(page)`, written out: the queue is the officers' most read answer
    and marshmallow spends more on its 50 rows than everything else in the request. The schema
    stays the contract (it documents the API); tests/platform/test_demo_seed.py holds the two
    equal on every kind of row."""
    return {
        "rows": [_queue_row_json(row) for row in page.rows],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


def _queue_row_json(row: QueueRow) -> dict[str, Any]:
    claim = row.claim
    penalty_from = claim.penalty_from
    deadlines = row.deadlines
    written = {
        "id": claim.id,
        # As marshmallow's String field writes them: str() of what is not None.
        "reference": None if claim.reference is None else str(claim.reference),
        "status": str(claim.status),
        "province": str(claim.province),
        "crop": None if claim.crop is None else str(claim.crop),
        "species": list(claim.species),
        "farmer_name": None if claim.farmer_name is None else str(claim.farmer_name),
        "overdue": row.overdue,
        "deadlines": [
            {
                "code": d.code,
                "label": d.label,
                "due": d.due.isoformat(),
                "state": d.state,
                "text": d.text,
            }
            for d in deadlines
        ],
        "proposed_by": None if row.proposer is None else str(row.proposer),
        "zienswijze": row.response,  # "agreed", "given" or None
        "penalty_from": penalty_from.isoformat() if penalty_from is not None else None,
        "penalty_text": row.penalty_text,
    }
    if row.assessment is not None:  # the schema leaves the key out without one
        written["assessment_id"] = row.assessment.id
    return written


class PaymentStartedSchema(Schema):
    """Where to send the farmer to pay."""

    payment_id = fields.Integer()
    redirect_url = fields.String()
    amount = fields.Decimal(as_string=True)


class PaymentSchema(Schema):
    """A payment's state."""

    id = fields.Integer()
    claim_id = fields.Integer()
    amount = fields.Decimal(as_string=True)
    status = fields.String()
    paid_at = fields.DateTime(allow_none=True)
    changed = fields.Boolean()


class TestConfirmSchema(LoadSchema):
    """POST /api/v1/payments/{id}/test-confirm."""

    status = fields.String(
        load_default="paid", validate=validate.OneOf(["paid", "cancelled", "failed"])
    )
