"""Leges: start a payment, the provider's webhook, and the test provider's confirm."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_login import current_user
from flask_smorest import Blueprint

from faunaschade.access import roles_required
from faunaschade.api.answers import commits
from faunaschade.api.claims import own_claim
from faunaschade.api.idempotency import idempotent
from faunaschade.claims import leges as payments
from faunaschade.claims.leges_providers import provider
from faunaschade.errors import NotFound
from faunaschade.extensions import db
from faunaschade.models import Payment, PaymentStatus, Role
from faunaschade.schemas.payments import PaymentSchema, PaymentStartedSchema, TestConfirmSchema

bp = Blueprint("payments", __name__, url_prefix="/api/v1", description="Leges payments")
test_bp = Blueprint(
    "payments_test", __name__, url_prefix="/api/v1", description="Test payment provider only"
)


def _payment(payment_id: int) -> Payment:
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("Betaling niet gevonden.")
    return payment


def _answer(payment: Payment, changed: bool) -> dict[str, Any]:
    return {
        "id": payment.id,
        "claim_id": payment.claim_id,
        "amount": payment.amount,
        "status": payment.status.value,
        "paid_at": payment.paid_at,
        "changed": changed,
    }


@bp.route("/claims/<int:claim_id>/payment", methods=["POST"])
@roles_required(Role.FARMER)
@idempotent
@bp.response(201, PaymentStartedSchema)
def start(claim_id: int) -> dict[str, Any]:
    """Start paying the leges; send the farmer to `redirect_url`."""
    payment, redirect_url = payments.start_payment(own_claim(claim_id), current_user)
    db.session.flush()  # @idempotent commits with the answer
    return {"payment_id": payment.id, "redirect_url": redirect_url, "amount": payment.amount}


@bp.route("/payments/<int:payment_id>/webhook", methods=["POST"])
@commits
@bp.response(200, PaymentSchema)
def webhook(payment_id: int) -> dict[str, Any]:
    """The provider reports a payment's outcome (verified by the provider adapter)."""
    payment = _payment(payment_id)
    status = provider().webhook_status(payment, request)
    changed = payments.confirm_payment(payment, status)
    db.session.flush()  # @commits commits after the answer is built
    return _answer(db.session.get(Payment, payment_id), changed)


@test_bp.route("/payments/<int:payment_id>/test-confirm", methods=["POST"])
@roles_required(Role.FARMER)
@commits
@test_bp.arguments(TestConfirmSchema, required=False)
@test_bp.response(200, PaymentSchema)
def test_confirm(data: dict[str, Any], payment_id: int) -> dict[str, Any]:
    """Confirm as the test provider would, for the paying farmer (PAYMENT_PROVIDER=test only)."""
    if current_app.config["PAYMENT_PROVIDER"] != "test":
        raise NotFound()
    payment = _payment(payment_id)
    own_claim(payment.claim_id)  # another farmer's payment is 404
    changed = payments.confirm_payment(payment, PaymentStatus(data.get("status", "paid")))
    db.session.flush()  # @commits commits after the answer is built
    return _answer(db.session.get(Payment, payment_id), changed)
