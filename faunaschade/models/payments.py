"""Leges payments and SEPA payment batches."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from faunaschade.extensions import db
from faunaschade.models.base import (
    CreatedMixin,
    Money,
    UtcDateTime,
    enum_type,
    non_negative,
    positive,
    province_check,
    unique_where,
)
from faunaschade.models.decisions import Decision
from faunaschade.models.lifecycle import Lifecycle


class PaymentStatus(enum.StrEnum):
    """State of a leges payment at the provider."""

    #: Started; the farmer is on the provider's page.
    OPEN = "open"
    #: Confirmed by the provider.
    PAID = "paid"
    #: The farmer cancelled.
    CANCELLED = "cancelled"
    #: The provider reported a failure.
    FAILED = "failed"
    #: Paid at the provider after we had cancelled it, or while another payment of the claim
    #: was already paid: the leges are paid once, this amount goes back to the farmer.
    REFUND_DUE = "refund_due"


class Payment(CreatedMixin, db.Model):
    """A leges payment for a claim."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("provider", "provider_ref"),
        non_negative("amount"),
        # The leges of a claim are paid once: at most one paid payment per claim.
        unique_where("uq_payments_one_paid_per_claim", "claim_id", "status = 'paid'"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: Provider name (e.g. "test").
    provider: Mapped[str] = mapped_column(String(40))
    #: The provider's id of the payment.
    provider_ref: Mapped[str] = mapped_column(String(100))
    #: Amount asked.
    amount: Mapped[Decimal] = mapped_column(Money)
    #: open, paid, cancelled, failed or refund_due.
    status: Mapped[PaymentStatus] = mapped_column(
        enum_type(PaymentStatus, "payment_status"), default=PaymentStatus.OPEN
    )
    #: When the provider confirmed it.
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


_P = PaymentStatus

#: What the provider reports (claims/leges.confirm_payment: paid, cancelled or failed) and a
#: new payment cancelling the open ones. Money for a payment that is no longer open, or while
#: another one of the claim is paid, is due back to the farmer.
PAYMENT_LIFECYCLE = Lifecycle(
    Payment,
    "Betaling",
    {
        (_P.OPEN, _P.PAID): "Leges betaald",
        (_P.OPEN, _P.CANCELLED): "Betaling geannuleerd",
        (_P.OPEN, _P.FAILED): "Betaling mislukt",
        (_P.FAILED, _P.CANCELLED): "Betaling geannuleerd",
        (_P.CANCELLED, _P.FAILED): "Betaling mislukt",
        **{
            (start, _P.REFUND_DUE): "Betaald na annulering of dubbel betaald: terug te betalen"
            for start in (_P.OPEN, _P.CANCELLED, _P.FAILED)
        },
    },
)


class BatchStatus(enum.StrEnum):
    """Life of a payment batch."""

    #: Built by officer A; its claims are reserved.
    DRAFT = "draft"
    #: Approved by officer B.
    APPROVED = "approved"
    #: pain.001 exported to the bank.
    EXPORTED = "exported"
    #: The bank executed it; claims are paid.
    PAID = "paid"
    #: Cancelled before export; claims released.
    CANCELLED = "cancelled"


class PaymentBatch(CreatedMixin, db.Model):
    """A SEPA credit-transfer batch for one province.

    `total` always equals the sum of the items: database triggers keep it so and refuse any
    other value (migrations "payment batches" and "batch totals per statement"), on PostgreSQL
    and on SQLite. They add each statement's change once per batch on PostgreSQL (statement-level
    triggers with transition tables) and each item's amount on SQLite, so writing n items costs
    n, not n².
    """

    __tablename__ = "payment_batches"
    __table_args__ = (
        province_check("province"),
        non_negative("total"),
        CheckConstraint("approved_by IS NULL OR approved_by <> built_by", name="four_eyes"),
        # Nothing leaves draft without a second officer, nothing counts as sent without a
        # message id, nothing is paid without a date.
        CheckConstraint(
            "status IN ('draft', 'cancelled') OR approved_by IS NOT NULL", name="approved_first"
        ),
        CheckConstraint(
            "status NOT IN ('exported', 'paid') "
            "OR (message_id IS NOT NULL AND exported_at IS NOT NULL)",
            name="exported_with_message",
        ),
        CheckConstraint("status <> 'paid' OR paid_at IS NOT NULL", name="paid_with_date"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Province paying (the debtor).
    province: Mapped[str] = mapped_column(String(2), index=True)
    #: draft, approved, exported, paid or cancelled.
    status: Mapped[BatchStatus] = mapped_column(
        enum_type(BatchStatus, "batch_status"), default=BatchStatus.DRAFT
    )
    #: Sum of the items (kept and checked by database triggers).
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    #: Officer who built it.
    built_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Second officer.
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When the second officer approved it.
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: SEPA message id of the export.
    message_id: Mapped[str | None] = mapped_column(String(35), unique=True)
    #: When it was exported.
    exported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: The exported pain.001 file, kept so a second download is byte for byte the same.
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    #: When it was marked paid.
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: When it was cancelled.
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: Optimistic-locking counter: approve, cancel and paid racing → one StaleDataError.
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    entries: Mapped[list[PaymentBatchClaim]] = relationship(
        back_populates="batch", order_by="PaymentBatchClaim.claim_id"
    )
    #: Every transfer, read-only here: items are added through their entry.
    items: Mapped[list[PaymentBatchItem]] = relationship(
        order_by="PaymentBatchItem.id", viewonly=True
    )
    file = relationship("StoredFile")


_B = BatchStatus

#: payouts.batches: built (draft), approved by a second officer, exported, paid; cancelled
#: only before it has gone to the bank.
BATCH_LIFECYCLE = Lifecycle(
    PaymentBatch,
    "Betaalbatch",
    {
        (_B.DRAFT, _B.APPROVED): "Betaalbatch goedgekeurd",
        (_B.APPROVED, _B.EXPORTED): "Betaalbestand geëxporteerd",
        (_B.EXPORTED, _B.PAID): "Betaalbatch uitbetaald",
        (_B.DRAFT, _B.CANCELLED): "Betaalbatch geannuleerd",
        (_B.APPROVED, _B.CANCELLED): "Betaalbatch geannuleerd",
    },
)


class PaymentBatchClaim(db.Model):
    """A claim's place in a batch, with the decision it pays."""

    __tablename__ = "payment_batch_claims"
    __table_args__ = (
        CheckConstraint(
            "live_claim_id IS NULL OR live_claim_id = claim_id", name="live_claim_is_claim"
        ),
        # Unique: a decision is in at most one batch that is open or paid, so it is never
        # paid twice (an index, so that it could be added without rebuilding the table).
        Index("uq_payment_batch_claims_live_decision_id", "live_decision_id", unique=True),
    )

    #: The batch.
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id"), primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), primary_key=True, index=True)
    #: The decision in force when the batch was built.
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    #: The claim id while the batch is open (draft, approved or exported), NULL once it is
    #: paid or cancelled. Unique: a claim has money in flight in at most one batch.
    live_claim_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    #: The decision id while the batch is not cancelled (open or paid), NULL once it is.
    #: Unique (index above): a decision is paid at most once; a decision on objection pays
    #: only its difference with what the claim's earlier decisions paid (payouts.batches).
    live_decision_id: Mapped[int | None] = mapped_column(
        Integer,
        CheckConstraint(
            "live_decision_id IS NULL OR live_decision_id = decision_id",
            name="live_decision_is_decision",
        ),
    )

    batch: Mapped[PaymentBatch] = relationship(back_populates="entries")
    items: Mapped[list[PaymentBatchItem]] = relationship(
        back_populates="entry", order_by="PaymentBatchItem.id"
    )


class BatchItemKind(enum.StrEnum):
    """What a transfer pays."""

    #: The decision's payout.
    PAYOUT = "payout"
    #: Refund of the leges.
    LEGES_REFUND = "leges_refund"
    #: The dwangsom of a late decision (Awb 4:17), as its penalty decision fixed it.
    DWANGSOM = "dwangsom"


class PaymentBatchItem(db.Model):
    """One credit transfer in a batch, traced to its decision."""

    __tablename__ = "payment_batch_items"
    __table_args__ = (
        # Every transfer belongs to its claim's entry in the same batch, so the payout and the
        # refund of a claim can never sit in two different batches.
        ForeignKeyConstraint(
            ["batch_id", "claim_id"],
            ["payment_batch_claims.batch_id", "payment_batch_claims.claim_id"],
        ),
        UniqueConstraint("batch_id", "claim_id", "kind"),
        positive("amount"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The batch.
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    #: The decision paid (the same as the entry's).
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    #: The claim (for tracing and the paid transition).
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: payout, leges_refund or dwangsom.
    kind: Mapped[BatchItemKind] = mapped_column(enum_type(BatchItemKind, "batch_item_kind"))
    #: Amount transferred.
    amount: Mapped[Decimal] = mapped_column(Money)
    #: SEPA end-to-end id: batch, decision and kind, e.g. FS-B12-D345-UIT.
    end_to_end_id: Mapped[str] = mapped_column(String(35), unique=True)
    #: Creditor name as approved (SEPA allows 70 characters).
    creditor_name: Mapped[str] = mapped_column(String(70))
    #: Creditor IBAN as approved: a later change of the farmer's IBAN needs a new batch.
    creditor_iban: Mapped[str] = mapped_column(String(34))
    #: Unstructured remittance information (Ustrd) with the decision's (or the penalty
    #: decision's) kenmerk.
    remittance: Mapped[str] = mapped_column(String(140))

    entry: Mapped[PaymentBatchClaim] = relationship(back_populates="items")


#: Batches whose money has gone to the bank.
SENT = (BatchStatus.EXPORTED, BatchStatus.PAID)


def paid_before(decision: Any) -> dict[str, Decimal]:
    """Per item kind, what the claim's earlier decisions have had transferred (batches exported
    or paid): what a decision on objection pays on top of, or reclaims from."""
    return paid_below(decision.claim_id, decision.version)


def paid_below(claim_id: int, version: int) -> dict[str, Decimal]:
    """Per item kind, what the claim's decisions below `version` have had transferred (for a
    proposal on objection: below the version it would get)."""
    rows = db.session.execute(
        select(PaymentBatchItem.kind, func.sum(PaymentBatchItem.amount))
        .join(
            PaymentBatchClaim,
            (PaymentBatchClaim.batch_id == PaymentBatchItem.batch_id)
            & (PaymentBatchClaim.claim_id == PaymentBatchItem.claim_id),
        )
        .join(PaymentBatch, PaymentBatch.id == PaymentBatchItem.batch_id)
        .join(Decision, Decision.id == PaymentBatchItem.decision_id)
        .where(
            PaymentBatchItem.claim_id == claim_id,
            PaymentBatchClaim.live_decision_id.is_not(None),
            PaymentBatch.status.in_(SENT),
            Decision.version < version,
        )
        .group_by(PaymentBatchItem.kind)
    )
    paid = {kind.value: Decimal("0.00") for kind in BatchItemKind}
    for kind, amount in rows:
        paid[kind.value] = Decimal(amount).quantize(Decimal("0.01"))
    return paid
