"""The test provider's betaalpagina (exists only while PAYMENT_PROVIDER=test)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from faunaschade.extensions import db
from faunaschade.models import Claim, Payment, PaymentStatus
from faunaschade.services import payments

bp = Blueprint("payments_web", __name__)


def _payment(ref: str) -> Payment:
    if current_app.config["PAYMENT_PROVIDER"] != "test":
        abort(404)
    payment = db.session.scalar(
        select(Payment).where(Payment.provider == "test", Payment.provider_ref == ref)
    )
    if payment is None:
        abort(404)
    return payment


@bp.route("/betalen/test/<ref>", methods=["GET", "POST"])
def test_checkout(ref: str):
    """Pay or cancel, as a bank's iDEAL page would let you."""
    payment = _payment(ref)
    claim = db.session.get(Claim, payment.claim_id)
    if request.method == "POST":
        outcome = (
            PaymentStatus.PAID if request.form.get("action") == "pay" else PaymentStatus.CANCELLED
        )
        payments.confirm_payment(payment, outcome)
        db.session.commit()
        if outcome == PaymentStatus.PAID:
            flash("De leges zijn betaald. Uw aanvraag is in behandeling.", "success")
        else:
            flash("De betaling is geannuleerd. U kunt het later opnieuw proberen.", "error")
        return redirect(url_for("farmer.claim_detail", claim_id=claim.id))
    return render_template("payments/test_checkout.html", payment=payment, claim=claim)
