"""Leges payments and SEPA payment batches."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
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
)


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


class Payment(CreatedMixin, db.Model):
    """A leges payment for a claim."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("provider", "provider_ref"), non_negative("amount"))

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
    #: open, paid, cancelled or failed.
    status: Mapped[PaymentStatus] = mapped_column(
        enum_type(PaymentStatus, "payment_status"), default=PaymentStatus.OPEN
    )
    #: When the provider confirmed it.
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


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
    """A SEPA credit-transfer batch for one province."""

    __tablename__ = "payment_batches"
    __table_args__ = (
        province_check("province"),
        non_negative("total"),
        CheckConstraint("approved_by IS NULL OR approved_by <> built_by", name="four_eyes"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Province paying (the debtor).
    province: Mapped[str] = mapped_column(String(2), index=True)
    #: draft, approved, exported, paid or cancelled.
    status: Mapped[BatchStatus] = mapped_column(
        enum_type(BatchStatus, "batch_status"), default=BatchStatus.DRAFT
    )
    #: Sum of the items.
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    #: Officer who built it.
    built_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Second officer.
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: SEPA message id of the export.
    message_id: Mapped[str | None] = mapped_column(String(35), unique=True)
    #: When it was exported.
    exported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: When it was marked paid.
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    items: Mapped[list[PaymentBatchItem]] = relationship(back_populates="batch")


class BatchItemKind(enum.StrEnum):
    """What a transfer pays."""

    #: The decision's payout.
    PAYOUT = "payout"
    #: Refund of the leges.
    LEGES_REFUND = "leges_refund"


class PaymentBatchItem(db.Model):
    """One credit transfer in a batch, traced to its decision."""

    __tablename__ = "payment_batch_items"
    __table_args__ = (
        # A decision's payout (or refund) sits in at most one open batch: open_key is the
        # decision id while the batch is open and NULL once it is cancelled.
        UniqueConstraint("open_key", "kind"),
        positive("amount"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The batch.
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    #: The decision paid.
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    #: The claim (for tracing and the paid transition).
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: payout or leges_refund.
    kind: Mapped[BatchItemKind] = mapped_column(enum_type(BatchItemKind, "batch_item_kind"))
    #: Amount transferred.
    amount: Mapped[Decimal] = mapped_column(Money)
    #: SEPA end-to-end id.
    end_to_end_id: Mapped[str] = mapped_column(String(35), unique=True)
    #: Decision id while the batch is not cancelled (uniqueness guard).
    open_key: Mapped[int | None] = mapped_column()

    batch: Mapped[PaymentBatch] = relationship(back_populates="items")
