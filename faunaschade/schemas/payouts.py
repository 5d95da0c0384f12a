"""Payment batches: build, cancel, list filters and the batch with its transfers."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from faunaschade.i18n import N_
from faunaschade.models import BatchStatus
from faunaschade.provinces import PROVINCE_CODES
from faunaschade.schemas.base import LoadSchema, choice, text


class BatchBuildSchema(LoadSchema):
    """POST /api/v1/payment-batches."""

    province = choice(PROVINCE_CODES, N_("provincie"))


class BatchCancelSchema(LoadSchema):
    """POST /api/v1/payment-batches/{id}/cancel."""

    reason = text(2000, required=False)


class BatchListQuerySchema(LoadSchema):
    """Filters and paging of GET /api/v1/payment-batches."""

    status = choice([s.value for s in BatchStatus], N_("status"), required=False)
    province = choice(PROVINCE_CODES, N_("provincie"), required=False)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class DebtorSchema(Schema):
    """The province's account the transfers are paid from."""

    name = fields.String()
    iban = fields.String()
    bic = fields.String()
    illustrative = fields.Boolean(metadata={"description": "a development account, not real"})


class TransferSchema(Schema):
    """One credit transfer, traced to its claim and decision."""

    id = fields.Integer()
    claim_id = fields.Integer()
    claim_reference = fields.String()
    decision_id = fields.Integer()
    kenmerk = fields.String(
        metadata={"description": "the decision's kenmerk (a dwangsom: its penalty decision's)"}
    )
    kind = fields.String(metadata={"description": "payout, leges_refund or dwangsom"})
    amount = fields.Decimal(as_string=True)
    end_to_end_id = fields.String()
    creditor_name = fields.String()
    creditor_iban = fields.String()
    remittance = fields.String(metadata={"description": "Ustrd: what is paid and the kenmerk"})


class BatchSummarySchema(Schema):
    """A batch as the list shows it."""

    id = fields.Integer()
    province = fields.String()
    status = fields.String()
    total = fields.Decimal(as_string=True)
    claim_count = fields.Integer()
    transfer_count = fields.Integer()
    built_by = fields.Integer()
    approved_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    approved_at = fields.DateTime(allow_none=True)
    message_id = fields.String(allow_none=True)
    exported_at = fields.DateTime(allow_none=True)
    paid_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)


class BatchSchema(BatchSummarySchema):
    """A batch with its debtor and transfers."""

    debtor = fields.Nested(DebtorSchema, allow_none=True)
    items = fields.List(fields.Nested(TransferSchema))


class BatchPageSchema(Schema):
    """A page of batches."""

    items = fields.List(fields.Nested(BatchSummarySchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
