"""The plain-valued content of a penalty decision (dwangsom-beschikking, Awb 4:17 and 4:18)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from faunaschade import rules
from faunaschade.documents.decision_context import mask_iban
from faunaschade.extensions import db
from faunaschade.models import (
    Claim,
    Decision,
    DefaultNotice,
    FarmerProfile,
    Letter,
    PenaltyDecision,
)


@dataclass(frozen=True)
class PenaltyRow:
    """One period of the dwangsom: days × the rate of that period."""

    days: int  #: Penalty days counted in this period.
    per_day: Decimal  #: Euros a day.
    amount: Decimal  #: days × per_day.
    rule: str  #: The legal rule, as printed.


@dataclass(frozen=True)
class PenaltyLetter:
    """Dwangsom-beschikking."""

    kenmerk: str  #: The penalty decision's kenmerk, e.g. FS-2025-000123-D1.
    decision_kenmerk: str  #: The decision on the claim that ended the penalty.
    decision_date: date  #: That decision's date.
    received_on: date  #: Day the notice of default was received.
    term_ends_on: date  #: The decision term's last day.
    first_day: date  #: First penalty day F.
    last_day: date | None  #: Last penalty day counted (None when no day counted).
    days: int  #: Penalty days.
    amount: Decimal  #: The dwangsom.
    maximum_reached: bool  #: 42 days, the legal maximum.
    rows: tuple[PenaltyRow, ...]  #: The steps table: days × rate per period.
    masked_iban: str  #: The account it is paid to, most digits hidden.
    objection_deadline: date  #: Last day to object.
    source: str  #: Where the rule comes from.


def penalty_letter(letter: Letter, claim: Claim) -> PenaltyLetter:
    """The penalty decision letter's specific part (the claim's penalty decision)."""
    made = db.session.scalar(
        select(PenaltyDecision)
        .where(PenaltyDecision.claim_id == claim.id)
        .order_by(PenaltyDecision.id.desc())
    )
    if made is None:
        raise LookupError(f"claim {claim.id} has no penalty decision")
    notice = db.session.get(DefaultNotice, made.notice_id)
    decision = db.session.get(Decision, made.decision_id)
    profile = db.session.get(FarmerProfile, claim.farmer_id)
    rows = tuple(
        PenaltyRow(
            days=step["days"],
            per_day=Decimal(step["per_day"]),
            amount=Decimal(step["amount"]),
            rule=step["rule"],
        )
        for step in made.steps
        if "per_day" in step
    )
    return PenaltyLetter(
        kenmerk=made.kenmerk,
        decision_kenmerk=decision.kenmerk,
        decision_date=decision.decided_on,
        received_on=notice.received_on,
        term_ends_on=notice.term_ends_on,
        first_day=made.first_penalty_day,
        last_day=made.first_penalty_day + timedelta(days=made.days - 1) if made.days else None,
        days=made.days,
        amount=made.amount,
        maximum_reached=any(step["code"] == "maximum" for step in made.steps),
        rows=rows,
        masked_iban=mask_iban(profile.iban),
        objection_deadline=rules.objection_deadline(made.decided_on),
        source=made.source,
    )
