"""Late decisions: the farmer's notice of default (ingebrekestelling, Awb 4:17) and the penalty
decision (dwangsom-beschikking, Awb 4:18) that fixes what the province owes for it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from faunaschade.extensions import db
from faunaschade.models.base import CreatedMixin, Money, non_negative, unique_where
from faunaschade.models.claims import Claim


class DefaultNotice(CreatedMixin, db.Model):
    """An ingebrekestelling: the farmer tells the province it has not decided in time.

    One received before the decision term has passed is kept as premature (it gives no
    penalty); at most one effective notice per claim, by a partial unique index.
    """

    __tablename__ = "default_notices"
    __table_args__ = (
        unique_where("uq_default_notices_one_effective_per_claim", "claim_id", "NOT premature"),
        CheckConstraint(
            "(premature AND first_penalty_day IS NULL) "
            "OR (NOT premature AND first_penalty_day IS NOT NULL)",
            name="first_day_unless_premature",
        ),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim not decided in time.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: The farmer who sent it.
    sent_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The Dutch day the service received it.
    received_on: Mapped[date] = mapped_column(Date)
    #: The decision term's last day at that moment (backstop, extended, suspended).
    term_ends_on: Mapped[date] = mapped_column(Date)
    #: Received on or before the term's last day: recorded, no penalty.
    premature: Mapped[bool] = mapped_column(Boolean)
    #: First penalty day F (received + 15 days); None when premature.
    first_penalty_day: Mapped[date | None] = mapped_column(Date)


class PenaltyDecision(CreatedMixin, db.Model):
    """The dwangsom-beschikking (Awb 4:18): days and amount from the notice to the decision.

    A consequence fixed by law, so it is made by the two officers of the decision that ended
    the lateness, in the same step (README, "Late decisions")."""

    __tablename__ = "penalty_decisions"
    __table_args__ = (
        non_negative("amount"),
        CheckConstraint("days >= 0", name="days_non_negative"),
        CheckConstraint("approved_by <> prepared_by", name="four_eyes"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The claim.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: The effective notice it answers; one penalty decision per notice.
    notice_id: Mapped[int] = mapped_column(ForeignKey("default_notices.id"), unique=True)
    #: The decision on the claim that ended the penalty (the day before its date was the last).
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    #: Kenmerk printed on its letter and the transfer, e.g. FS-2025-000123-D1.
    kenmerk: Mapped[str] = mapped_column(String(40), unique=True)
    #: Dagtekening (the decision's date).
    decided_on: Mapped[date] = mapped_column(Date)
    #: First penalty day F.
    first_penalty_day: Mapped[date] = mapped_column(Date)
    #: Penalty days counted (0 to 42).
    days: Mapped[int] = mapped_column(Integer)
    #: The dwangsom owed to the farmer.
    amount: Mapped[Decimal] = mapped_column(Money)
    #: The calculation's steps (code, Dutch text, amount, rule) as rules.dwangsom gave them.
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: Where the rule comes from (the data file's source).
    source: Mapped[str] = mapped_column(String(400))
    #: Officer A of the decision.
    prepared_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Officer B of the decision.
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


def effective_notice(claim: Claim) -> DefaultNotice | None:
    """The claim's effective (not premature) notice of default, if any (at most one: an index)."""
    return db.session.scalar(
        select(DefaultNotice).where(
            DefaultNotice.claim_id == claim.id, DefaultNotice.premature.is_(False)
        )
    )


def penalty_decision(claim: Claim) -> PenaltyDecision | None:
    """The claim's penalty decision, if one was made."""
    return db.session.scalar(select(PenaltyDecision).where(PenaltyDecision.claim_id == claim.id))
