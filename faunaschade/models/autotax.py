"""Autotax (automatische taxatie): parcels registered for a damage year, the runs that turn them
into claims with their review sample, and the batch decision with four eyes."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from faunaschade.extensions import db
from faunaschade.models.base import (
    CreatedMixin,
    Hectares,
    Money,
    UtcDateTime,
    enum_type,
    non_negative,
    province_check,
    unique_where,
)
from faunaschade.models.lifecycle import Lifecycle


class AutotaxRegistration(CreatedMixin, db.Model):
    """A farmer's parcel registered for autotax in one damage year ("Autotax gereed melden")."""

    __tablename__ = "autotax_registrations"
    __table_args__ = (
        province_check("province"),
        UniqueConstraint("parcel_id", "damage_year"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The farmer.
    farmer_id: Mapped[int] = mapped_column(ForeignKey("farmer_profiles.id"), index=True)
    #: The parcel (it has an outline).
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"))
    #: Province whose autotax it is registered for.
    province: Mapped[str] = mapped_column(String(2))
    #: The damage year (schadejaar, 1 November – 31 October, named by the year it ends in).
    damage_year: Mapped[int] = mapped_column(Integer)
    #: Who registered it (the farmer or their representative).
    registered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))

    parcel = relationship("Parcel", lazy="joined")


class AutotaxRun(CreatedMixin, db.Model):
    """One run of autotax for a province and damage year: who, when, with which parameters."""

    __tablename__ = "autotax_runs"
    __table_args__ = (
        province_check("province"),
        UniqueConstraint("province", "damage_year"),
        CheckConstraint("sample_pct >= 0 AND sample_pct <= 100", name="sample_pct_range"),
        non_negative("review_above"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Province.
    province: Mapped[str] = mapped_column(String(2))
    #: Damage year.
    damage_year: Mapped[int] = mapped_column(Integer)
    #: The day the parcels were classified on (the claims' day of discovery).
    reference_day: Mapped[date] = mapped_column(Date)
    #: Version of the autotax table applied.
    table_version: Mapped[str] = mapped_column(String(40))
    #: The seed of random.Random that drew the sample.
    seed: Mapped[int] = mapped_column(BigInteger)
    #: Percentage of the claims drawn at random for review.
    sample_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    #: Every claim whose automatic assessment is above this is reviewed.
    review_above: Mapped[Decimal] = mapped_column(Money)
    #: The officer who started it.
    started_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The assessor the sampled claims were ordered from (None when nothing was sampled).
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Registrations considered.
    registrations: Mapped[int] = mapped_column(Integer)

    claims: Mapped[list[AutotaxRunClaim]] = relationship(
        back_populates="run", order_by="AutotaxRunClaim.claim_id", lazy="selectin"
    )


class AutotaxRunClaim(db.Model):
    """A claim a run made: the parcel, its overlap, the table's rate, and whether it is sampled."""

    __tablename__ = "autotax_run_claims"
    __table_args__ = (
        CheckConstraint(
            "(sampled AND sample_reason IS NOT NULL) OR (NOT sampled AND sample_reason IS NULL)",
            name="sample_reason_if_sampled",
        ),
        non_negative("amount"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The run.
    run_id: Mapped[int] = mapped_column(ForeignKey("autotax_runs.id"), index=True)
    #: The claim it made.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), unique=True)
    #: The registered parcel.
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"))
    #: Hectares of the parcel in the areas autotax covers, on the reference day.
    overlap_ha: Mapped[Decimal] = mapped_column(Hectares)
    #: The table's euros per hectare.
    eur_per_ha: Mapped[Decimal] = mapped_column(Money)
    #: The automatic assessment: overlap × rate, half-up to cents.
    amount: Mapped[Decimal] = mapped_column(Money)
    #: In the review sample (an assessor checks it in the field).
    sampled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Why: "random" (drawn with the seed) or "above_amount" (above review_above).
    sample_reason: Mapped[str | None] = mapped_column(String(20))

    run: Mapped[AutotaxRun] = relationship(back_populates="claims")
    claim = relationship("Claim", lazy="joined")


class AutotaxBatchStatus(enum.StrEnum):
    """Progress of a run's batch decision."""

    #: Proposed by officer A; waiting for officer B.
    OPEN = "open"
    #: Approved by officer B: a decision per claim.
    APPROVED = "approved"


class AutotaxBatch(CreatedMixin, db.Model):
    """The batch decision of a run's claims: proposed by one officer, approved by another."""

    __tablename__ = "autotax_batches"
    __table_args__ = (
        CheckConstraint("approved_by IS NULL OR approved_by <> proposed_by", name="four_eyes"),
        unique_where("uq_autotax_batches_one_open_per_run", "run_id", "status = 'open'"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The run.
    run_id: Mapped[int] = mapped_column(ForeignKey("autotax_runs.id"), index=True)
    #: open or approved.
    status: Mapped[AutotaxBatchStatus] = mapped_column(
        enum_type(AutotaxBatchStatus, "autotax_batch_status"), default=AutotaxBatchStatus.OPEN
    )
    #: Officer A.
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Officer B.
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When officer B approved.
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    items: Mapped[list[AutotaxBatchItem]] = relationship(
        back_populates="batch", order_by="AutotaxBatchItem.claim_id", lazy="selectin"
    )


#: A batch is proposed (its proposals made) and approved once (a decision per claim).
AUTOTAX_BATCH_LIFECYCLE = Lifecycle(
    AutotaxBatch,
    "Autotaxbatch",
    {(AutotaxBatchStatus.OPEN, AutotaxBatchStatus.APPROVED): "Autotaxbatch goedgekeurd"},
)


class AutotaxBatchItem(db.Model):
    """One claim's proposal in a batch."""

    __tablename__ = "autotax_batch_items"

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The batch.
    batch_id: Mapped[int] = mapped_column(ForeignKey("autotax_batches.id"), index=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: The proposal made for it (one batch per proposal).
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)

    batch: Mapped[AutotaxBatch] = relationship(back_populates="items")
