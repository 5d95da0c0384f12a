"""Decisions with four eyes: officer A proposes, officer B approves or sends back; objections.

Every decision — granting, rejecting, not processed after a completion request, and the decision
on an objection — goes through a proposal by one officer and the approval of another.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade import rules
from faunaschade.assessments.zienswijze import zienswijze_settled
from faunaschade.audit import chain as audit
from faunaschade.claims import workflow
from faunaschade.clock import today
from faunaschade.decisions import objections, penalties
from faunaschade.decisions.calculation import calculate_claim
from faunaschade.decisions.delays import needs_delay_notice
from faunaschade.errors import Conflict, Forbidden, NotFound, ValidationFailed
from faunaschade.extensions import db
from faunaschade.letters import operations as letters
from faunaschade.models import (
    Claim,
    ClaimStatus,
    Decision,
    LetterKind,
    ObjectionOutcome,
    ObjectionStatus,
    Outcome,
    Proposal,
    ProposalStatus,
    Reclaim,
    ReclaimKind,
    Role,
    User,
)
from faunaschade.models.assessments import latest_assessment
from faunaschade.models.base import utcnow
from faunaschade.models.decisions import PROPOSAL_LIFECYCLE, current_decision, open_proposal
from faunaschade.models.payments import paid_before
from faunaschade.notifications import operations as notifications
from faunaschade.vocabulary import OFFICER_REASONS, STATUS_LABELS

S = ClaimStatus
#: Claim status in which a proposal may be made → the status while it is open.
PROPOSABLE = {
    S.ASSESSED: S.PROPOSED,
    S.SUBMITTED: S.PROPOSED,
    S.INCOMPLETE: S.INCOMPLETE,
    S.OBJECTION: S.OBJECTION,
}


def _check_officer(officer: User, claim: Claim) -> None:
    if officer.role != Role.OFFICER:
        raise Forbidden(_("Alleen een behandelaar kan dit doen."))
    if claim.province not in officer.provinces:
        raise NotFound(_("Aanvraag niet gevonden."))


def _outcome(result: rules.Result, reject: bool, reduction_pct: Decimal) -> Outcome:
    if reject or not result.eligible or result.payout == 0:
        return Outcome.REJECTED
    excluded = any(step.code == "component_excluded" for step in result.steps)
    return Outcome.PARTIALLY_GRANTED if reduction_pct > 0 or excluded else Outcome.GRANTED


def propose_decision(
    claim: Claim,
    officer: User,
    *,
    reduction_pct: Decimal = Decimal("0"),
    motivation: str = "",
    reject: bool = False,
    reasons: list[str] | None = None,
    objection_outcome: str | None = None,
    corrections: list[dict[str, Any]] | None = None,
) -> Proposal:
    """Officer A's proposal; the rules engine computes it and the rule-set version is kept."""
    _check_officer(officer, claim)
    workflow.lock(claim)
    if claim.status == S.OBJECTION:
        return _propose_on_objection(
            claim, officer, objection_outcome, corrections or [], reduction_pct, motivation
        )
    if objection_outcome or corrections:
        raise ValidationFailed(
            fields={"objection_outcome": [_("Alleen bij een bezwaar in behandeling.")]}
        )
    return _propose(claim, officer, reduction_pct, motivation, reject, reasons)


def _propose(
    claim: Claim,
    officer: User,
    reduction_pct: Decimal,
    motivation: str,
    reject: bool,
    reasons: list[str] | None,
) -> Proposal:
    if claim.status not in PROPOSABLE:
        raise Conflict(
            _(
                "In status '%(status)s' kan geen besluit worden voorgesteld.",
                status=_(STATUS_LABELS[claim.status.value]),
            )
        )
    if open_proposal(claim) is not None:
        raise Conflict(_("Er ligt al een voorstel dat op een tweede behandelaar wacht."))
    reasons = list(dict.fromkeys(reasons or []))
    # Field problems are gathered and refused together, so the officer sees them all at once.
    problems: dict[str, list[str]] = {}
    if unknown := sorted(set(reasons) - set(OFFICER_REASONS)):
        problems["reasons"] = [_("Onbekende reden: %(codes)s.", codes=", ".join(unknown))]
    if reduction_pct > 0 and not motivation.strip():
        problems["motivation"] = [_("Motiveer de korting.")]
    if claim.status == S.ASSESSED and not zienswijze_settled(claim):
        until = f"{claim.zienswijze_deadline:%d-%m-%Y}" if claim.zienswijze_deadline else "—"
        raise Conflict(
            _(
                "De termijn voor een zienswijze loopt nog tot en met %(day)s; wacht die af.",
                day=until,
            )
        )
    if claim.status in (S.SUBMITTED, S.INCOMPLETE):
        reject = True  # without an assessment only a rejection can be proposed
    if claim.status == S.INCOMPLETE:
        if claim.completion_deadline is None or claim.completion_deadline >= today():
            raise Conflict(_("De termijn om aan te vullen is nog niet verstreken."))
        reasons = ["not_processed"]
    result = calculate_claim(claim, reduction_pct=reduction_pct)
    reasons = reasons or list(result.rejection_reasons)
    if reject and not reasons:
        problems.setdefault("reasons", [_("Geef de reden van de afwijzing.")])
    if problems:
        raise ValidationFailed(fields=problems)
    outcome = (
        Outcome.NOT_PROCESSED
        if "not_processed" in reasons
        else _outcome(result, reject, reduction_pct)
    )
    proposal = Proposal(
        claim_id=claim.id,
        proposed_by=officer.id,
        outcome=outcome,
        reasons=reasons if outcome in (Outcome.REJECTED, Outcome.NOT_PROCESSED) else [],
        reduction_pct=reduction_pct,
        motivation=motivation.strip(),
        calculation=result.to_dict(),
        rule_set_version=result.rule_set,
    )
    db.session.add(proposal)
    db.session.flush()
    audit.record(
        "proposal.created",
        proposal,
        actor=officer,
        claim_id=claim.id,
        data={
            "outcome": outcome.value,
            "payout": _payout(proposal),
            "rule_set": result.rule_set,
            "reduction_pct": reduction_pct,
        },
    )
    if PROPOSABLE[claim.status] != claim.status:
        workflow.transition(
            claim, PROPOSABLE[claim.status], officer, data={"proposal_id": proposal.id}
        )
    return proposal


def _propose_on_objection(
    claim: Claim,
    officer: User,
    outcome: str | None,
    corrections: list[dict[str, Any]],
    reduction_pct: Decimal,
    motivation: str,
) -> Proposal:
    """The decision on objection: gegrond / deels gegrond recompute with the corrected facts,
    ongegrond / niet-ontvankelijk keep the amounts of the decision objected to."""
    if open_proposal(claim) is not None:
        raise Conflict(_("Er ligt al een voorstel dat op een tweede behandelaar wacht."))
    objection = objections.objection_in_scope(claim)
    problems: dict[str, list[str]] = {}
    if outcome not in {o.value for o in ObjectionOutcome}:
        problems["objection_outcome"] = [
            _("Kies: gegrond, deels gegrond, ongegrond of niet-ontvankelijk.")
        ]
    if not motivation.strip():
        problems["motivation"] = [_("Motiveer de beslissing op bezwaar.")]
    if objection.status == ObjectionStatus.HEARING_SCHEDULED:
        raise Conflict(_("Leg eerst het verslag van de hoorzitting vast."))
    keeps = outcome in {o.value for o in objections.KEEPS_AMOUNTS}
    if keeps and (corrections or reduction_pct > 0):
        problems["corrections"] = [
            _("Bij ongegrond of niet-ontvankelijk blijven de bedragen van het besluit gelijk.")
        ]
    if problems:
        raise ValidationFailed(fields=problems)
    previous = db.session.get(Proposal, current_decision(claim).proposal_id)
    if keeps:
        calculation, rule_set = previous.calculation, previous.rule_set_version
        decided, reasons, pct = previous.outcome, list(previous.reasons), previous.reduction_pct
    else:
        result = calculate_claim(claim, reduction_pct=reduction_pct, corrections=corrections)
        calculation, rule_set, pct = result.to_dict(), result.rule_set, reduction_pct
        decided = _outcome(result, False, reduction_pct)
        reasons = list(result.rejection_reasons) if decided == Outcome.REJECTED else []
    proposal = Proposal(
        claim_id=claim.id,
        proposed_by=officer.id,
        outcome=decided,
        reasons=reasons,
        reduction_pct=pct,
        motivation=motivation.strip(),
        calculation=calculation,
        rule_set_version=rule_set,
        objection_outcome=outcome,
        corrections=[{**c, "assessed_damage": str(c["assessed_damage"])} for c in corrections]
        or None,
    )
    db.session.add(proposal)
    db.session.flush()
    audit.record(
        "proposal.created",
        proposal,
        actor=officer,
        claim_id=claim.id,
        data={
            "outcome": decided.value,
            "objection_outcome": outcome,
            "payout": _payout(proposal),
            "rule_set": rule_set,
            "reduction_pct": pct,
            "corrections": proposal.corrections,
        },
    )
    return proposal


def _settle_money(claim: Claim, decision: Decision, officer: User) -> bool:
    """Compare the decision on objection with what the earlier decisions had paid: a lower
    amount is recorded as a reclaim (terugvordering), a higher one waits for the next payment
    batch (payouts.batches pays the difference). True when money went out before and nothing
    more is due, so the claim is paid as it stands."""
    paid = paid_before(decision)
    due = {"payout": decision.payout, "leges_refund": decision.leges_refund}
    for kind, amount in due.items():
        if amount < paid[kind]:
            reclaim = Reclaim(
                claim_id=claim.id,
                decision_id=decision.id,
                kind=ReclaimKind(kind),
                amount=paid[kind] - amount,
            )
            db.session.add(reclaim)
            db.session.flush()
            audit.record(
                "reclaim.recorded",
                reclaim,
                actor=officer,
                claim_id=claim.id,
                data={"kind": kind, "amount": reclaim.amount, "decision": decision.kenmerk},
            )
    went_out = any(amount > 0 for amount in paid.values())
    return went_out and all(due[kind] <= paid[kind] for kind in due)


def _locked_claim_of(proposal: Proposal) -> Claim:
    # Every change to a proposal happens under its claim's lock; after taking it, read the
    # proposal again: another officer may have approved or sent it back meanwhile.
    claim = workflow.lock(db.session.get(Claim, proposal.claim_id))
    db.session.refresh(proposal)
    return claim


def _payout(proposal: Proposal) -> Decimal:
    if proposal.outcome in (Outcome.REJECTED, Outcome.NOT_PROCESSED):
        return Decimal("0.00")
    return Decimal(proposal.calculation["payout"])


def _amount(proposal: Proposal, name: str) -> Decimal:
    rejected = proposal.outcome in (Outcome.REJECTED, Outcome.NOT_PROCESSED)
    keep = name in ("assessed_damage", "leges_refund")
    return Decimal(proposal.calculation[name]) if keep or not rejected else Decimal("0.00")


def proposed_amounts(proposal: Proposal) -> dict[str, Decimal]:
    """What the decision would pay if this proposal were approved, per kind."""
    return {"payout": _payout(proposal), "leges_refund": _amount(proposal, "leges_refund")}


def approve_proposal(proposal: Proposal, officer: User) -> Decision:
    """Officer B approves: the decision is taken, its letter and e-mail follow after commit."""
    claim = _locked_claim_of(proposal)
    _check_officer(officer, claim)
    if proposal.proposed_by == officer.id:
        raise Forbidden(
            _("U kunt uw eigen voorstel niet goedkeuren (vier-ogenprincipe)."), code="four_eyes"
        )
    if proposal.status != ProposalStatus.OPEN:
        raise Conflict(_("Dit voorstel is al afgehandeld."))
    previous = current_decision(claim)
    version = (previous.version + 1) if previous else 1
    PROPOSAL_LIFECYCLE.transition(proposal, ProposalStatus.APPROVED)
    proposal.approved_by = officer.id
    decided_on = today()
    decision = Decision(
        claim_id=claim.id,
        proposal_id=proposal.id,
        version=version,
        kenmerk=f"{claim.reference}-B{version}",
        decided_on=decided_on,
        outcome=proposal.outcome,
        assessed_damage=_amount(proposal, "assessed_damage"),
        own_risk=_amount(proposal, "own_risk"),
        supplement=_amount(proposal, "supplement"),
        reduction=_amount(proposal, "reduction"),
        payout=_payout(proposal),
        leges_refund=_amount(proposal, "leges_refund"),
        objection_deadline=rules.objection_deadline(decided_on),
        prepared_by=proposal.proposed_by,
        approved_by=officer.id,
        supersedes_id=previous.id if previous else None,
    )
    if previous is not None:
        previous.superseded_at = utcnow()
    db.session.add(decision)
    db.session.flush()
    audit.record(
        "decision.taken",
        decision,
        actor=officer,
        claim_id=claim.id,
        data={
            "kenmerk": decision.kenmerk,
            "outcome": decision.outcome.value,
            "payout": decision.payout,
            "version": version,
            "rule_set": proposal.rule_set_version,
            "supersedes": previous.id if previous else None,
        },
    )
    on_objection = claim.status == S.OBJECTION
    if on_objection:
        outcome = proposal.objection_outcome
        objections.settle(claim, decision, ObjectionOutcome(outcome) if outcome else None, officer)
    workflow.transition(claim, S.DECIDED, officer, data={"decision_id": decision.id})
    if on_objection and previous is not None and _settle_money(claim, decision, officer):
        workflow.transition(
            claim,
            S.PAID,
            officer,
            reason="Niets meer uit te betalen: betaald onder het eerdere besluit",
            data={"decision_id": decision.id},
        )
    kind = LetterKind.OBJECTION_DECISION if previous else LetterKind.DECISION
    letters.request_letter(claim, kind, decision=decision, actor=officer)
    notifications.notify(notifications.NotificationKind.DECISION, claim, actor=officer)
    penalties.decide_penalty(claim, decision, officer)  # after a notice of default (Awb 4:18)
    return decision


def send_back(proposal: Proposal, officer: User, reason: str) -> Proposal:
    """Officer B returns the proposal to be redone."""
    claim = _locked_claim_of(proposal)
    _check_officer(officer, claim)
    if proposal.status != ProposalStatus.OPEN:
        raise Conflict(_("Dit voorstel is al afgehandeld."))
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Geef aan waarom het voorstel terug gaat.")]})
    PROPOSAL_LIFECYCLE.transition(proposal, ProposalStatus.SENT_BACK)
    proposal.send_back_reason = reason.strip()
    audit.record("proposal.sent_back", proposal, actor=officer, claim_id=claim.id, reason=reason)
    if claim.status == S.PROPOSED:
        back = S.ASSESSED if latest_assessment(claim) is not None else S.SUBMITTED
        workflow.transition(
            claim, back, officer, reason=f"Voorstel teruggestuurd: {reason.strip()}"
        )
    return proposal


def proposal_in_scope(claim: Claim) -> Proposal:
    """The open proposal of a claim (404 when there is none)."""
    proposal = open_proposal(claim)
    if proposal is None:
        raise NotFound(_("Er is geen openstaand voorstel."))
    return proposal


def summary(decision: Decision) -> dict[str, Any]:
    """The decision as the API answers it."""
    return {
        "id": decision.id,
        "kenmerk": decision.kenmerk,
        "version": decision.version,
        "outcome": decision.outcome.value,
        "payout": decision.payout,
        "decided_on": decision.decided_on,
        "objection_deadline": decision.objection_deadline,
    }


def decision_view(claim: Claim) -> dict[str, Any]:
    """What the claim page shows about proposals and the decision."""
    decision = current_decision(claim)
    return {
        "proposal": open_proposal(claim),
        "decision": decision,
        "can_propose": claim.status in PROPOSABLE,
        "can_object": decision is not None
        and claim.status in objections.OBJECTABLE
        and decision.supersedes_id is None,
        "objection_late": decision is not None and today() > decision.objection_deadline,
        "objection": objections.open_objection(claim) or objections.latest_objection(claim),
        "reclaims": reclaims_of(claim),
        "needs_delay_notice": needs_delay_notice(claim),
    }


def reclaims_of(claim: Claim) -> list[Reclaim]:
    """The claim's recorded reclaims (terugvorderingen), oldest first."""
    return list(
        db.session.scalars(select(Reclaim).where(Reclaim.claim_id == claim.id).order_by(Reclaim.id))
    )
