"""Proposals, decisions and objections."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, fields, validate

from faunaschade.i18n import N_
from faunaschade.models import ObjectionOutcome
from faunaschade.schemas.base import (
    NOT_A_NUMBER,
    LoadSchema,
    aware_datetime,
    text,
)
from faunaschade.schemas.letters import LetterSchema
from faunaschade.vocabulary import OFFICER_REASONS

#: The highest corrected assessed damage (the sums stay inside Numeric(12, 2)).
MAX_CORRECTED = Decimal("100000000")


class ProposalInSchema(LoadSchema):
    """POST /api/v1/claims/{id}/proposal."""

    reduction_pct = fields.Decimal(
        load_default=Decimal("0"),
        places=2,
        as_string=True,
        validate=validate.Range(0, 100, error=N_("Een korting ligt tussen 0 en 100 procent.")),
        error_messages={
            "invalid": N_("Geef een percentage, bijv. 10 of 12.5."),
            "special": NOT_A_NUMBER,
        },
    )
    motivation = text(5000, required=False)
    reject = fields.Boolean(load_default=False)
    reasons = fields.List(
        fields.String(
            validate=validate.OneOf(list(OFFICER_REASONS), error=N_("Onbekende reden: {input}."))
        ),
        load_default=list,
    )
    objection_outcome = fields.String(
        load_default=None,
        validate=validate.OneOf(
            [o.value for o in ObjectionOutcome],
            error=N_("Kies: gegrond, deels gegrond, ongegrond of niet-ontvankelijk."),
        ),
        metadata={
            "description": "On objection: gegrond | deels_gegrond | ongegrond | niet_ontvankelijk"
        },
    )
    corrections = fields.List(
        fields.Nested(lambda: CorrectionSchema()),
        load_default=list,
        validate=validate.Length(max=100, error=N_("Te veel correcties.")),
        metadata={
            "description": "On objection (gegrond, deels gegrond): corrected assessed "
            "damage per species × area type"
        },
    )


class CorrectionSchema(LoadSchema):
    """A fact corrected on objection: the assessed damage of one species × area type."""

    species = text(40)
    area_type = text(40)
    assessed_damage = fields.Decimal(
        required=True,
        places=2,
        as_string=True,
        validate=validate.Range(
            Decimal("0"),
            MAX_CORRECTED,
            error=N_("Geef een bedrag van 0 tot 100.000.000 euro."),
        ),
        error_messages={
            "required": N_("Verplicht."),
            "invalid": N_("Geef een bedrag, bijv. 1250.00."),
            "special": NOT_A_NUMBER,
        },
    )


class StepSchema(Schema):
    """One step of the engine's calculation."""

    code = fields.String()
    description = fields.String()
    amount = fields.String(allow_none=True)
    rule = fields.String(allow_none=True)


class CalculationSchema(Schema):
    """The engine's output (SPEC §4.4)."""

    rule_set = fields.String()
    deadline = fields.String()
    eligible = fields.Boolean()
    rejection_reasons = fields.List(fields.String())
    assessed_damage = fields.String()
    own_risk = fields.String()
    supplement = fields.String()
    reduction = fields.String()
    compensation = fields.String()
    payout = fields.String()
    leges = fields.String()
    leges_refund = fields.String()
    steps = fields.List(fields.Nested(StepSchema))


class ProposalOutSchema(Schema):
    """A proposal with its calculation and outcome."""

    id = fields.Integer()
    claim_id = fields.Integer()
    status = fields.String()
    outcome = fields.String()
    reasons = fields.List(fields.String())
    reduction_pct = fields.Decimal(as_string=True)
    motivation = fields.String()
    proposed_by = fields.Integer()
    rule_set_version = fields.String()
    calculation = fields.Nested(CalculationSchema)
    send_back_reason = fields.String(allow_none=True)


class DecisionSchema(Schema):
    """A decision."""

    id = fields.Integer()
    kenmerk = fields.String()
    version = fields.Integer()
    outcome = fields.String()
    payout = fields.Decimal(as_string=True)
    leges_refund = fields.Decimal(as_string=True)
    supersedes_id = fields.Integer(allow_none=True)
    decided_on = fields.Date()
    objection_deadline = fields.Date()


class ApprovedSchema(Schema):
    """Answer to an approval."""

    decision = fields.Nested(DecisionSchema)


class SendBackSchema(LoadSchema):
    """POST /api/v1/claims/{id}/send-back."""

    reason = text(2000)


class ObjectionInSchema(LoadSchema):
    """POST /api/v1/claims/{id}/objection."""

    text = text(10000)


class ObjectionOutSchema(Schema):
    """An objection with its terms, hearing and outcome."""

    id = fields.Integer()
    claim_id = fields.Integer()
    decision_id = fields.Integer()
    status = fields.String()
    text = fields.String()
    received_on = fields.Date()
    objection_period_end = fields.Date()
    late = fields.Boolean()
    decide_by = fields.Date()
    extended_until = fields.Date(allow_none=True)
    extension_reason = fields.String(allow_none=True)
    hearing_at = fields.AwareDateTime(allow_none=True)
    hearing_place = fields.String(allow_none=True)
    hearing_video_link = fields.String(allow_none=True)
    hearing_report = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    resulting_decision_id = fields.Integer(allow_none=True)


class ReclaimSchema(Schema):
    """A reclaim (terugvordering): a decision on objection pays less than was paid out."""

    id = fields.Integer()
    decision_id = fields.Integer()
    kind = fields.String(metadata={"description": "payout | leges_refund"})
    amount = fields.Decimal(as_string=True)
    status = fields.String()


class ObjectionDetailSchema(Schema):
    """GET /api/v1/claims/{id}/objection: the objection with its decisions, money and letters."""

    objection = fields.Nested(ObjectionOutSchema)
    due = fields.Date(metadata={"description": "decide by this day (extended or first term)"})
    objected_decision = fields.Nested(DecisionSchema)
    resulting_decision = fields.Nested(DecisionSchema, allow_none=True)
    paid_before = fields.Decimal(
        as_string=True,
        allow_none=True,
        metadata={"description": "transferred under the earlier decisions (once decided)"},
    )
    to_pay = fields.Decimal(
        as_string=True,
        allow_none=True,
        metadata={"description": "the difference the decision on objection still pays"},
    )
    reclaims = fields.List(fields.Nested(ReclaimSchema))
    letters = fields.List(fields.Nested(LetterSchema))


class HearingInSchema(LoadSchema):
    """POST /api/v1/claims/{id}/objection/hearing."""

    hearing_at = aware_datetime()
    place = text(300, required=False)
    video_link = fields.Url(
        load_default=None,
        schemes={"https"},
        validate=validate.Length(max=500, error=N_("Gebruik hoogstens 500 tekens.")),
        error_messages={"invalid": N_("Geef een https-link.")},
    )


class HearingReportInSchema(LoadSchema):
    """POST /api/v1/claims/{id}/objection/hearing-report."""

    report = text(20000)


class ObjectionExtensionInSchema(LoadSchema):
    """POST /api/v1/claims/{id}/objection/extension."""

    reason = text(2000)


class DelayNoticeInSchema(LoadSchema):
    """POST /api/v1/claims/{id}/delay-notice."""

    expected_on = fields.Date(load_default=None, error_messages={"invalid": N_("Geef JJJJ-MM-DD.")})


class PreviewQuerySchema(LoadSchema):
    """GET /api/v1/claims/{id}/calculation-preview."""

    reduction_pct = fields.Decimal(
        load_default=Decimal("0"),
        places=2,
        as_string=True,
        validate=validate.Range(0, 100, error=N_("Geef een percentage van 0 tot 100.")),
        error_messages={
            "invalid": N_("Geef een percentage, bijv. 10 of 12.5."),
            "special": NOT_A_NUMBER,
        },
    )


class PreviewSchema(CalculationSchema):
    """The rules engine's output for the claim as it stands (SPEC §4.4), and its input."""

    case = fields.Dict(metadata={"description": "the engine's input built from the claim"})


class DefaultNoticeInSchema(LoadSchema):
    """POST /api/v1/claims/{id}/default-notice: no fields; the notice is received today."""


class DefaultNoticeSchema(Schema):
    """A notice of default (ingebrekestelling) as recorded."""

    id = fields.Integer()
    claim_id = fields.Integer()
    received_on = fields.Date(metadata={"description": "the Dutch day it was received"})
    term_ends_on = fields.Date(metadata={"description": "the decision term's last day then"})
    premature = fields.Boolean(metadata={"description": "received before the term passed"})
    first_penalty_day = fields.Date(
        allow_none=True, metadata={"description": "the dwangsom runs from this day (F)"}
    )
    message = fields.String(metadata={"description": "what this notice means, in words"})
