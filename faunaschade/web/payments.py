"""The test provider's betaalpagina (exists only while PAYMENT_PROVIDER=test)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from faunaschade.access import get_claim_in_scope_or_404, roles_required
from faunaschade.claims import leges as payments
from faunaschade.extensions import db
from faunaschade.models import Payment, PaymentStatus, Role

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
@roles_required(Role.FARMER)
def test_checkout(ref: str):
    """Pay or cancel, as a bank's iDEAL page would let you; only the claim's own farmer."""
    payment = _payment(ref)
    # Another farmer gets the same 404 as an unknown ref: the ref alone must not pay a claim.
    claim = get_claim_in_scope_or_404(payment.claim_id)
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
