"""What the claim page and the API show of a claim's objection (bezwaar): its terms and
hearing, the officer's next steps, and the money a decision on objection moves — the difference
still to pay, or what is reclaimed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from faunaschade.clock import AMSTERDAM
from faunaschade.decisions import objections
from faunaschade.decisions.calculation import assessed_components
from faunaschade.decisions.operations import proposed_amounts, reclaims_of
from faunaschade.extensions import db
from faunaschade.models import (
    Claim,
    Decision,
    Letter,
    LetterKind,
    Objection,
    ObjectionStatus,
    Proposal,
)
from faunaschade.models.decisions import current_decision, open_proposal
from faunaschade.models.payments import paid_below

#: The letters of the objection procedure.
OBJECTION_LETTERS = (
    LetterKind.OBJECTION_RECEIPT,
    LetterKind.HEARING_INVITATION,
    LetterKind.OBJECTION_EXTENSION,
    LetterKind.OBJECTION_DECISION,
)
_ZERO = Decimal("0.00")


def money_effect(claim_id: int, version: int, payout: Decimal, refund: Decimal) -> dict[str, Any]:
    """A decision (version, amounts) set against what the claim's earlier decisions had
    transferred: the difference still to pay, or the amount to reclaim."""
    paid = paid_below(claim_id, version)
    due = {"payout": payout, "leges_refund": refund}
    return {
        "paid_before": sum(paid.values(), _ZERO),
        "to_pay": sum((max(due[k] - paid[k], _ZERO) for k in due), _ZERO),
        "to_reclaim": sum((max(paid[k] - due[k], _ZERO) for k in due), _ZERO),
    }


def _letters(claim: Claim, objection: Objection) -> list[Letter]:
    marker = f"-objection-{objection.id}"
    rows = db.session.scalars(
        select(Letter)
        .where(Letter.claim_id == claim.id, Letter.kind.in_(OBJECTION_LETTERS))
        .order_by(Letter.id)
    )
    return [
        row
        for row in rows
        if row.subject_key.endswith(marker)
        or f"{marker}-hearing-" in row.subject_key
        or (row.decision_id is not None and row.decision_id == objection.resulting_decision_id)
    ]


def detail(claim: Claim) -> dict[str, Any] | None:
    """The claim's objection being handled (else its newest), with its decisions, money,
    letters and what the officer may do next; None without one."""
    objection = objections.open_objection(claim) or objections.latest_objection(claim)
    if objection is None:
        return None
    resulting = (
        db.session.get(Decision, objection.resulting_decision_id)
        if objection.resulting_decision_id
        else None
    )
    effect = (
        money_effect(claim.id, resulting.version, resulting.payout, resulting.leges_refund)
        if resulting
        else None
    )
    open_ = objection.status != ObjectionStatus.DECIDED
    return {
        "objection": objection,
        "due": objection.due,
        "objected_decision": db.session.get(Decision, objection.decision_id),
        # The planned moment in Dutch time, as the form to move it starts from.
        "hearing_local": objection.hearing_at.astimezone(AMSTERDAM)
        if objection.hearing_at
        else None,
        "resulting_decision": resulting,
        "paid_before": effect["paid_before"] if effect else None,
        "to_pay": effect["to_pay"] if effect else None,
        "reclaims": [r for r in reclaims_of(claim) if resulting and r.decision_id == resulting.id],
        "letters": _letters(claim, objection),
        "can_schedule": objection.status == ObjectionStatus.OPEN,
        "can_reschedule": objection.status == ObjectionStatus.HEARING_SCHEDULED
        and not objections.hearing_held(objection),
        "report_from": objections.report_possible_from(objection),
        "can_report": objections.may_record_report(objection),
        "can_extend": open_ and objections.may_extend(objection),
    }


def proposal_effect(claim: Claim) -> dict[str, Any] | None:
    """For the second officer, before approving a proposal on objection: its outcome, the
    amounts of the decision in force and of the new one, the corrected facts, and the
    difference to pay or the reclaim."""
    proposal: Proposal | None = open_proposal(claim)
    current = current_decision(claim)
    if proposal is None or proposal.objection_outcome is None or current is None:
        return None
    new = proposed_amounts(proposal)
    before = {
        (c["species"], c["area_type"]): c["assessed_damage"] for c in assessed_components(claim)
    }
    corrections = [
        {
            **c,
            "assessed_damage": Decimal(c["assessed_damage"]),
            "before": before.get((c["species"], c["area_type"])),
        }
        for c in proposal.corrections or []
    ]
    return {
        "outcome": proposal.objection_outcome,
        "current": current,
        "payout": new["payout"],
        "leges_refund": new["leges_refund"],
        "corrections": corrections,
        **money_effect(claim.id, current.version + 1, new["payout"], new["leges_refund"]),
    }


def objected_proposal(claim: Claim) -> Proposal | None:
    """The proposal behind the decision in force (its reduction is where a new one starts)."""
    current = current_decision(claim)
    return db.session.get(Proposal, current.proposal_id) if current else None
