"""Leges payments."""

from marshmallow import Schema, fields, validate

from faunaschade.schemas.base import LoadSchema


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
