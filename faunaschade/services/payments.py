"""Leges payments: start one, confirm it (once), cancel open ones."""

from __future__ import annotations

from sqlalchemy import select

from faunaschade.errors import Conflict
from faunaschade.extensions import db
from faunaschade.models import Claim, ClaimStatus, Payment, PaymentStatus, User
from faunaschade.models.base import utcnow
from faunaschade.payments import provider
from faunaschade.services import audit, workflow


def start_payment(claim: Claim, actor: User) -> tuple[Payment, str]:
    """A payment for the claim's leges and the provider page to send the farmer to."""
    if claim.status != ClaimStatus.AWAITING_PAYMENT:
        raise Conflict("Voor deze aanvraag hoeven geen leges (meer) te worden betaald.")
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
        payment.status = PaymentStatus.CANCELLED


def confirm_payment(payment: Payment, status: PaymentStatus, actor: User | None = None) -> bool:
    """Apply what the provider reported; a repeated confirmation changes nothing (returns False)."""
    locked = db.session.scalar(select(Payment).where(Payment.id == payment.id).with_for_update())
    if locked.status == PaymentStatus.PAID or locked.status == status:
        return False
    if status != PaymentStatus.PAID:
        locked.status = status
        audit.record(
            "payment.ended",
            locked,
            actor=actor,
            claim_id=locked.claim_id,
            data={"status": status.value},
        )
        return True
    locked.status, locked.paid_at = PaymentStatus.PAID, utcnow()
    audit.record(
        "payment.paid",
        locked,
        actor=actor,
        claim_id=locked.claim_id,
        data={"amount": locked.amount},
    )
    claim = db.session.get(Claim, locked.claim_id)
    if claim.status == ClaimStatus.AWAITING_PAYMENT:
        from faunaschade.services.claims import on_received

        workflow.transition(claim, ClaimStatus.SUBMITTED, actor, reason="Leges betaald")
        on_received(claim, actor)
    return True
