"""Leges payments: start one, confirm it (once), cancel open ones."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade.audit import chain as audit
from faunaschade.claims import workflow
from faunaschade.claims.leges_providers import provider
from faunaschade.claims.receipt import on_received
from faunaschade.errors import Conflict
from faunaschade.extensions import db
from faunaschade.models import Claim, ClaimStatus, Payment, PaymentStatus, User
from faunaschade.models.base import locked as lock_row
from faunaschade.models.base import utcnow
from faunaschade.models.payments import PAYMENT_LIFECYCLE


def start_payment(claim: Claim, actor: User) -> tuple[Payment, str]:
    """A payment for the claim's leges and the provider page to send the farmer to."""
    workflow.lock(claim)
    if claim.status != ClaimStatus.AWAITING_PAYMENT:
        raise Conflict(_("Voor deze aanvraag hoeven geen leges (meer) te worden betaald."))
    cancel_open_payments(claim)
    payment = Payment(
        claim_id=claim.id, provider=provider().name, provider_ref="pending", amount=claim.leges
    )
    db.session.add(payment)
    db.session.flush()
    payment.provider_ref, redirect_url = provider().create(payment)
    audit.record(
        "payment.started",
        payment,
        actor=actor,
        claim_id=claim.id,
        data={"amount": payment.amount, "provider": payment.provider},
    )
    return payment, redirect_url


def cancel_open_payments(claim: Claim) -> None:
    """Open payments of this claim will not be honoured any more."""
    for payment in db.session.scalars(
        select(Payment).where(Payment.claim_id == claim.id, Payment.status == PaymentStatus.OPEN)
    ):
        PAYMENT_LIFECYCLE.transition(payment, PaymentStatus.CANCELLED)


def confirm_payment(payment: Payment, status: PaymentStatus, actor: User | None = None) -> bool:
    """Apply what the provider reported; a repeated confirmation changes nothing (returns False).

    Only an open payment becomes paid. Money reported for a payment we had cancelled (or
    failed) is not a second payment of the leges: it becomes `refund_due`.
    """
    claim = workflow.lock(db.session.get(Claim, payment.claim_id))
    # Re-read: the session may hold this payment as read before the lock was taken.
    locked = lock_row(Payment, payment.id)
    if locked.status in (PaymentStatus.PAID, PaymentStatus.REFUND_DUE, status):
        return False
    if status == PaymentStatus.PAID and (
        locked.status != PaymentStatus.OPEN or _paid_payment(claim) is not None
    ):
        return _refund_due(locked, actor)
    if status != PaymentStatus.PAID:
        PAYMENT_LIFECYCLE.transition(locked, status)
        audit.record(
            "payment.ended",
            locked,
            actor=actor,
            claim_id=locked.claim_id,
            data={"status": status.value},
        )
        return True
    PAYMENT_LIFECYCLE.transition(locked, PaymentStatus.PAID)
    locked.paid_at = utcnow()
    audit.record(
        "payment.paid",
        locked,
        actor=actor,
        claim_id=locked.claim_id,
        data={"amount": locked.amount},
    )
    if claim.status == ClaimStatus.AWAITING_PAYMENT:
        workflow.transition(claim, ClaimStatus.SUBMITTED, actor, reason="Leges betaald")
        on_received(claim, actor)
    return True


def _paid_payment(claim: Claim) -> Payment | None:
    return db.session.scalar(
        select(Payment).where(Payment.claim_id == claim.id, Payment.status == PaymentStatus.PAID)
    )


def _refund_due(payment: Payment, actor: User | None) -> bool:
    was = PAYMENT_LIFECYCLE.transition(payment, PaymentStatus.REFUND_DUE)
    payment.paid_at = utcnow()
    audit.record(
        "payment.refund_due",
        payment,
        actor=actor,
        claim_id=payment.claim_id,
        data={"amount": payment.amount, "was": was.value},
    )
    return True
