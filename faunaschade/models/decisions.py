"""Proposals (officer A), decisions (after officer B's approval) and letters."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from faunaschade.extensions import db
from faunaschade.models.base import (
    CreatedMixin,
    Money,
    UtcDateTime,
    enum_type,
    non_negative,
    positive,
    unique_where,
)
from faunaschade.models.lifecycle import Lifecycle

if TYPE_CHECKING:
    from faunaschade.models.claims import Claim


class Outcome(enum.StrEnum):
    """What was decided."""

    #: Compensation granted as calculated.
    GRANTED = "granted"
    #: Granted with a reduction or for part of the components.
    PARTIALLY_GRANTED = "partially_granted"
    #: Rejected (reasons listed).
    REJECTED = "rejected"
    #: Not processed (buiten behandeling, Awb 4:5).
    NOT_PROCESSED = "not_processed"


class ProposalStatus(enum.StrEnum):
    """Progress of a proposal through the four-eyes check."""

    #: Waiting for a second officer.
    OPEN = "open"
    #: Approved; a decision exists.
    APPROVED = "approved"
    #: Sent back to the preparing officer.
    SENT_BACK = "sent_back"


class Proposal(CreatedMixin, db.Model):
    """A decision prepared by one officer, to be approved by another."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint("approved_by IS NULL OR approved_by <> proposed_by", name="four_eyes"),
        CheckConstraint("reduction_pct >= 0 AND reduction_pct <= 100", name="reduction_range"),
        # Four eyes decide one proposal at a time: at most one open proposal per claim.
        unique_where("uq_proposals_one_open_per_claim", "claim_id", "status = 'open'"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: Officer A.
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Officer B, once approved.
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Proposed outcome.
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome, "proposal_outcome"))
    #: Rejection reason codes from the rules engine.
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Officer's reduction percentage.
    reduction_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    #: Officer's motivation (printed in the letter).
    motivation: Mapped[str] = mapped_column(Text, default="")
    #: The engine's output (SPEC §4.4 with steps) as computed for this proposal.
    calculation: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Version of the rule set used.
    rule_set_version: Mapped[str] = mapped_column(String(60))
    #: open, approved or sent_back.
    status: Mapped[ProposalStatus] = mapped_column(
        enum_type(ProposalStatus, "proposal_status"), default=ProposalStatus.OPEN
    )
    #: Why it was sent back.
    send_back_reason: Mapped[str | None] = mapped_column(Text)
    #: Optimistic-locking counter: two approvals racing → one StaleDataError.
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    #: On objection: what the decision on objection says of it (gegrond … niet_ontvankelijk).
    objection_outcome: Mapped[str | None] = mapped_column(
        String(32),
        CheckConstraint(
            "objection_outcome IN ('gegrond', 'deels_gegrond', 'ongegrond', 'niet_ontvankelijk')",
            name="objection_outcome_known",
        ),
    )
    #: On objection: the facts corrected for the new calculation (assessed damage per
    #: species × area type), as [{"species", "area_type", "assessed_damage"}].
    corrections: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)

    __mapper_args__ = {"version_id_col": version}


#: Officer B approves the proposal or sends it back (decisions.operations), once.
PROPOSAL_LIFECYCLE = Lifecycle(
    Proposal,
    "Voorstel",
    {
        (ProposalStatus.OPEN, ProposalStatus.APPROVED): "Voorstel goedgekeurd",
        (ProposalStatus.OPEN, ProposalStatus.SENT_BACK): "Voorstel teruggestuurd",
    },
)


class Decision(CreatedMixin, db.Model):
    """A decision (besluit); a decision on objection supersedes it with a new version."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("claim_id", "version"),
        non_negative("payout"),
        non_negative("assessed_damage"),
        non_negative("own_risk"),
        non_negative("leges_refund"),
        CheckConstraint("approved_by <> prepared_by", name="four_eyes"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: The approved proposal; unique, so two racing approvals cannot both create one.
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    #: 1 for the first decision, +1 per decision on objection.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Kenmerk printed on the letter, e.g. FS-2025-000123-B1.
    kenmerk: Mapped[str] = mapped_column(String(40), unique=True)
    #: Dagtekening.
    decided_on: Mapped[date] = mapped_column(Date, index=True)
    #: What was decided.
    outcome: Mapped[Outcome] = mapped_column(enum_type(Outcome, "decision_outcome"))
    #: Assessed damage T.
    assessed_damage: Mapped[Decimal] = mapped_column(Money)
    #: Own risk.
    own_risk: Mapped[Decimal] = mapped_column(Money)
    #: Supplement.
    supplement: Mapped[Decimal] = mapped_column(Money)
    #: Officer's reduction.
    reduction: Mapped[Decimal] = mapped_column(Money)
    #: Payout to the farmer.
    payout: Mapped[Decimal] = mapped_column(Money)
    #: Leges refunded.
    leges_refund: Mapped[Decimal] = mapped_column(Money)
    #: Last day to object (6 weeks, Algemene termijnenwet).
    objection_deadline: Mapped[date] = mapped_column(Date)
    #: Officer A.
    prepared_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Officer B.
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The decision this one replaces (after an objection).
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    #: Set when a later decision replaced this one.
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    @hybrid_property
    def in_force(self) -> bool:
        """Not superseded: the decision that counts (one per decided claim)."""
        return self.superseded_at is None

    @in_force.inplace.expression
    @classmethod
    def _in_force_expression(cls) -> ColumnElement[bool]:
        return cls.superseded_at.is_(None)

    claim = relationship("Claim")
    proposal = relationship("Proposal")


class LetterKind(enum.StrEnum):
    """The letters the system sends."""

    #: Ontvangstbevestiging (Awb 4:3a).
    RECEIPT = "receipt"
    #: Verzoek om aanvulling (Awb 4:5).
    COMPLETION_REQUEST = "completion_request"
    #: Bevestiging taxatie; opens the zienswijze window.
    ASSESSMENT_CONFIRMATION = "assessment_confirmation"
    #: Verdagingsbericht before the Awb backstop.
    DELAY_NOTICE = "delay_notice"
    #: The decision (beschikking).
    DECISION = "decision"
    #: Decision on objection (beslissing op bezwaar).
    OBJECTION_DECISION = "objection_decision"
    #: Dwangsom-beschikking (Awb 4:18) after a late decision.
    PENALTY_DECISION = "penalty_decision"

    #: Ontvangstbevestiging bezwaar (Awb 6:14).
    OBJECTION_RECEIPT = "objection_receipt"
    #: Uitnodiging hoorzitting (Awb 7:2).
    HEARING_INVITATION = "hearing_invitation"
    #: Verdaging beslissing op bezwaar (Awb 7:10 lid 3).
    OBJECTION_EXTENSION = "objection_extension"


class LetterStatus(enum.StrEnum):
    """Rendering state."""

    #: Waiting for the job.
    PENDING = "pending"
    #: Rendered and stored.
    READY = "ready"
    #: Rendering failed (the job is retried).
    FAILED = "failed"


class Letter(CreatedMixin, db.Model):
    """A letter PDF; one row per subject and version, so re-running a job never duplicates."""

    __tablename__ = "letters"
    __table_args__ = (UniqueConstraint("subject_key", "version"),)

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: The decision, for decision letters.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    #: Which letter.
    kind: Mapped[LetterKind] = mapped_column(enum_type(LetterKind, "letter_kind"))
    #: What the letter is about, e.g. "decision:12" or "receipt:claim:5".
    subject_key: Mapped[str] = mapped_column(String(80))
    #: 1, or higher after a deliberate regeneration.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: pending, ready or failed.
    status: Mapped[LetterStatus] = mapped_column(
        enum_type(LetterStatus, "letter_status"), default=LetterStatus.PENDING
    )
    #: The PDF bytes once rendered.
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    #: hex SHA-256 of the PDF.
    sha256: Mapped[str | None] = mapped_column(String(64))
    #: When it was rendered.
    rendered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: Last rendering error (for the officer and the logs).
    error: Mapped[str | None] = mapped_column(Text)

    file = relationship("StoredFile")


_L = LetterStatus

#: The rendering job (letters.rendering) stores a letter once; a failed attempt is retried.
LETTER_LIFECYCLE = Lifecycle(
    Letter,
    "Brief",
    {
        (_L.PENDING, _L.READY): "Brief opgemaakt",
        (_L.FAILED, _L.READY): "Brief alsnog opgemaakt",
        (_L.PENDING, _L.FAILED): "Opmaken mislukt",
        (_L.FAILED, _L.FAILED): "Opmaken opnieuw mislukt",
    },
)


def open_proposal(claim: Claim) -> Proposal | None:
    """The claim's proposal waiting for a second officer, if any (at most one: an index)."""
    return db.session.scalar(
        select(Proposal).where(
            Proposal.claim_id == claim.id, Proposal.status == ProposalStatus.OPEN
        )
    )


def current_decision(claim: Claim) -> Decision | None:
    """The claim's decision in force (not superseded), if any."""
    return db.session.scalar(
        select(Decision).where(Decision.claim_id == claim.id, Decision.in_force)
    )


class ReclaimKind(enum.StrEnum):
    """Which amount is reclaimed."""

    #: Part of the payout (tegemoetkoming).
    PAYOUT = "payout"
    #: Part of the leges refund.
    LEGES_REFUND = "leges_refund"


class ReclaimStatus(enum.StrEnum):
    """State of a reclaim."""

    #: Recorded; collecting it (invoice, set-off) happens outside the service for now.
    OPEN = "open"


class Reclaim(CreatedMixin, db.Model):
    """Terugvordering: a decision on objection pays less than was already paid out."""

    __tablename__ = "reclaims"
    __table_args__ = (UniqueConstraint("decision_id", "kind"), positive("amount"))

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: The decision (on objection) that lowered the amount.
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    #: payout or leges_refund.
    kind: Mapped[ReclaimKind] = mapped_column(enum_type(ReclaimKind, "reclaim_kind"))
    #: What was paid out too much: paid under earlier decisions minus the new amount.
    amount: Mapped[Decimal] = mapped_column(Money)
    #: open (collecting it is outside the service for now).
    status: Mapped[ReclaimStatus] = mapped_column(
        enum_type(ReclaimStatus, "reclaim_status"), default=ReclaimStatus.OPEN
    )


#: A reclaim is recorded open; its collection is not (yet) a step of the service.
RECLAIM_LIFECYCLE = Lifecycle(Reclaim, "Terugvordering", {})
