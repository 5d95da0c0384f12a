"""The plain-valued content of a decision letter and of a decision on objection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from faunaschade import rules
from faunaschade.clock import local_day
from faunaschade.extensions import db
from faunaschade.models import (
    Claim,
    Decision,
    FarmerProfile,
    Letter,
    Objection,
    Outcome,
    Proposal,
    Reclaim,
    Zienswijze,
)
from faunaschade.models.assessments import latest_assessment
from faunaschade.models.payments import paid_before
from faunaschade.rules.wording import REASONS
from faunaschade.vocabulary import OFFICER_REASONS

#: The statutory basis every decision cites.
LEGAL_BASIS = "artikel 15.53 van de Omgevingswet"
#: The decision on objection's verdict on the objection.
OBJECTION_OUTCOME_TEXT = {
    "gegrond": "Wij verklaren uw bezwaar gegrond.",
    "deels_gegrond": "Wij verklaren uw bezwaar gedeeltelijk gegrond.",
    "ongegrond": "Wij verklaren uw bezwaar ongegrond.",
    "niet_ontvankelijk": "Wij verklaren uw bezwaar niet-ontvankelijk.",
}
OUTCOME_TEXT = {
    Outcome.GRANTED: "Wij kennen u een tegemoetkoming toe.",
    Outcome.PARTIALLY_GRANTED: "Wij kennen u gedeeltelijk een tegemoetkoming toe.",
    Outcome.REJECTED: "Wij wijzen uw aanvraag af.",
    Outcome.NOT_PROCESSED: "Wij nemen uw aanvraag niet in behandeling.",
}


@dataclass(frozen=True)
class StepLine:
    """One step of the calculation as printed."""

    code: str  #: Engine step code.
    description: str  #: Dutch description.
    amount: Decimal | None  #: Amount of the step, if it has one.


@dataclass(frozen=True)
class DecisionLetter:
    """Besluit, or beslissing op bezwaar."""

    kenmerk: str  #: The decision's kenmerk.
    damaged: str  #: What was damaged, in words ("gewas", "dieren").
    decided_on: date  #: Dagtekening of the decision.
    outcome: str  #: Outcome code.
    outcome_text: str  #: One sentence stating the decision.
    granted: bool  #: Something is paid.
    steps: tuple[StepLine, ...]  #: The engine's steps in order.
    reasons: tuple[str, ...]  #: Dutch texts of the rejection reasons.
    motivation: str  #: The officer's motivation.
    reduction_pct: Decimal  #: Officer's reduction percentage.
    assessed_damage: Decimal  #: T.
    own_risk: Decimal  #: Own risk.
    payout: Decimal  #: Paid to the farmer.
    leges: Decimal  #: Leges of the claim.
    leges_refund: Decimal  #: Leges refunded.
    masked_iban: str  #: The payout account with most digits hidden.
    legal_basis: str  #: Omgevingswet article.
    beleidsregel: str  #: Title of the province's policy rule.
    beleidsregel_reference: str | None  #: Its publication reference.
    beleidsregel_version_date: date  #: First day of the applied version of the beleidsregel.
    rule_set_version: str  #: Internal version code of the rule set (kept, never printed).
    objection_deadline: date  #: Last day to object (or to appeal, after an objection).
    on_objection: bool  #: This decides an objection (appeal to court follows, not objection).
    objected_on: date | None  #: When the objection was filed.
    previous_kenmerk: str | None  #: The decision objected to.
    #: The day the farmer agreed with the assessment ("akkoord met de taxatie"), if they did.
    assessment_agreed_on: date | None = None
    #: On objection: gegrond, deels_gegrond, ongegrond or niet_ontvankelijk.
    objection_outcome: str | None = None
    #: On objection: the objection period's last day (a late objection is niet-ontvankelijk).
    objection_period_end: date | None = None
    #: On objection: the day of the hearing, if there was one.
    heard_on: date | None = None
    #: On objection: what the earlier decisions had paid out (payout, leges refund).
    paid_before: Decimal = Decimal("0.00")
    leges_refunded_before: Decimal = Decimal("0.00")
    #: On objection: reclaimed (terugvordering) because the new amounts are lower.
    reclaim: Decimal = Decimal("0.00")
    leges_reclaim: Decimal = Decimal("0.00")

    @property
    def objection_outcome_text(self) -> str:
        """One sentence with the verdict on the objection."""
        return OBJECTION_OUTCOME_TEXT.get(self.objection_outcome or "", "")

    @property
    def paid_earlier(self) -> bool:
        """Money went out under the decision objected to."""
        return self.paid_before > 0 or self.leges_refunded_before > 0

    @property
    def difference(self) -> Decimal:
        """What is still paid on top of the earlier payout (0 when nothing more)."""
        return max(self.payout - self.paid_before, Decimal("0.00"))

    @property
    def leges_difference(self) -> Decimal:
        """What is still refunded on top of the earlier leges refund."""
        return max(self.leges_refund - self.leges_refunded_before, Decimal("0.00"))


def mask_iban(iban: str) -> str:
    """NL91 **** **** **43 00: country, check digits and the last four only."""
    compact = iban.replace(" ", "")
    hidden = compact[:4] + "*" * (len(compact) - 8) + compact[-4:]
    return " ".join(hidden[i : i + 4] for i in range(0, len(hidden), 4))


def _reason_text(code: str) -> str:
    return OFFICER_REASONS.get(code) or REASONS.get(code, code)


def _agreed_on(claim: Claim) -> date | None:
    """The day the farmer agreed with the assessment the decision rests on, if they did."""
    assessment = latest_assessment(claim)
    if assessment is None:
        return None
    agreed = db.session.scalar(
        select(Zienswijze.created_at)
        .where(
            Zienswijze.claim_id == claim.id,
            Zienswijze.assessment_id == assessment.id,
            Zienswijze.agreed.is_(True),
        )
        .limit(1)
    )
    return local_day(agreed) if agreed else None


def decision_letter(letter: Letter, claim: Claim) -> DecisionLetter:
    """The decision letter's specific part."""
    decision = db.session.get(Decision, letter.decision_id)
    proposal = db.session.get(Proposal, decision.proposal_id)
    rule_set = rules.rule_set_by_version(proposal.rule_set_version)
    profile = db.session.get(FarmerProfile, claim.farmer_id)
    calculation = proposal.calculation
    previous = db.session.get(Decision, decision.supersedes_id) if decision.supersedes_id else None
    objection = (
        db.session.query(Objection).filter_by(resulting_decision_id=decision.id).one_or_none()
    )
    return DecisionLetter(
        kenmerk=decision.kenmerk,
        damaged="dieren" if claim.kind.value == "livestock" else "gewas",
        decided_on=decision.decided_on,
        outcome=decision.outcome.value,
        outcome_text=OUTCOME_TEXT[decision.outcome],
        granted=decision.payout > 0,
        steps=tuple(
            StepLine(
                s["code"],
                s["description"],
                Decimal(s["amount"]) if s["amount"] is not None else None,
            )
            for s in calculation["steps"]
        ),
        reasons=tuple(_reason_text(code) for code in proposal.reasons),
        motivation=proposal.motivation,
        reduction_pct=proposal.reduction_pct,
        assessed_damage=decision.assessed_damage,
        own_risk=decision.own_risk,
        payout=decision.payout,
        leges=Decimal(calculation["leges"]),
        leges_refund=decision.leges_refund,
        masked_iban=mask_iban(profile.iban),
        legal_basis=LEGAL_BASIS,
        beleidsregel=rule_set.beleidsregel.title,
        beleidsregel_reference=rule_set.beleidsregel.reference,
        beleidsregel_version_date=rule_set.valid_from,
        rule_set_version=rule_set.version,
        objection_deadline=decision.objection_deadline,
        on_objection=previous is not None,
        objected_on=local_day(objection.created_at) if objection else None,
        previous_kenmerk=previous.kenmerk if previous else None,
        assessment_agreed_on=None if previous else _agreed_on(claim),
        **(_on_objection(decision, objection) if previous else {}),
    )


def _on_objection(decision: Decision, objection: Objection | None) -> dict[str, Any]:
    """The objection's outcome and the money compared with the earlier decisions."""
    paid = paid_before(decision)
    reclaims = {
        r.kind.value: r.amount
        for r in db.session.scalars(select(Reclaim).where(Reclaim.decision_id == decision.id))
    }
    zero = Decimal("0.00")
    return {
        "objection_outcome": objection.outcome.value if objection and objection.outcome else None,
        "objection_period_end": objection.objection_period_end if objection else None,
        "heard_on": (
            local_day(objection.hearing_at)
            if objection and objection.hearing_report and objection.hearing_at
            else None
        ),
        "paid_before": paid["payout"],
        "leges_refunded_before": paid["leges_refund"],
        "reclaim": reclaims.get("payout", zero),
        "leges_reclaim": reclaims.get("leges_refund", zero),
    }
