"""The batch decision of an autotax run, with four eyes.

Officer A proposes the run's batch: for every claim of the run that is assessed (automatically,
or in the field for a sampled claim whose zienswijze window has closed) and has no open
proposal, the ordinary proposal is made (decisions.operations.propose_decision: the rules engine
computes it). Officer B — never A — approves the batch: each of its proposals is approved
through the ordinary approval (approve_proposal), all in one transaction, so every claim gets its
decision, its decision letter and its e-mail. Sampled claims still in the field wait for a
later batch of the same run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade.assessments.zienswijze import zienswijze_settled
from faunaschade.audit import chain as audit
from faunaschade.autotax.runs import check_officer
from faunaschade.decisions.operations import approve_proposal, propose_decision
from faunaschade.errors import Conflict, Forbidden
from faunaschade.extensions import db
from faunaschade.models import (
    AutotaxBatch,
    AutotaxBatchItem,
    AutotaxBatchStatus,
    AutotaxRun,
    Claim,
    ClaimStatus,
    Proposal,
    ProposalStatus,
    User,
)
from faunaschade.models.autotax import AUTOTAX_BATCH_LIFECYCLE
from faunaschade.models.base import locked, utcnow
from faunaschade.models.decisions import open_proposal

#: The motivation every proposal of a batch carries (printed in the decision's record).
MOTIVATION = "Automatische taxatie (autotax): besluit in een batch met vier ogen."


def open_batch(run: AutotaxRun) -> AutotaxBatch | None:
    """The run's batch waiting for approval, if any."""
    return db.session.scalar(
        select(AutotaxBatch).where(
            AutotaxBatch.run_id == run.id, AutotaxBatch.status == AutotaxBatchStatus.OPEN
        )
    )


def nothing_open() -> Conflict:
    """The refusal when a run has no batch waiting for approval."""
    return Conflict(_("Er ligt geen autotaxbatch die op goedkeuring wacht."), code="no_open_batch")


def batches_of(run: AutotaxRun) -> list[AutotaxBatch]:
    """The run's batches, oldest first."""
    return list(
        db.session.scalars(
            select(AutotaxBatch).where(AutotaxBatch.run_id == run.id).order_by(AutotaxBatch.id)
        )
    )


@dataclass(frozen=True)
class RunFacts:
    """A run with its batches, as the API answers it (other attributes are the run's)."""

    run: AutotaxRun
    batches: list[AutotaxBatch]

    def __getattr__(self, name: str) -> Any:
        if name == "run":
            raise AttributeError(name)
        return getattr(self.run, name)


def with_batches(run: AutotaxRun) -> RunFacts:
    """The run and its batches."""
    return RunFacts(run, batches_of(run))


def ready(run: AutotaxRun) -> list[Claim]:
    """The run's claims that a batch may decide now."""
    claims = []
    for row in run.claims:
        claim = row.claim
        if (
            claim.status == ClaimStatus.ASSESSED
            and open_proposal(claim) is None
            and zienswijze_settled(claim)
        ):
            claims.append(claim)
    return claims


def propose_batch(run: AutotaxRun, officer: User) -> AutotaxBatch:
    """Officer A: a proposal for every claim that is ready, together as one batch."""
    check_officer(officer, run.province)
    locked(AutotaxRun, run.id)  # one batch proposal per run at a time
    if open_batch(run) is not None:
        raise Conflict(
            _("Er ligt al een autotaxbatch die op een tweede behandelaar wacht."),
            code="batch_open",
        )
    claims = ready(run)
    if not claims:
        raise Conflict(
            _("Geen enkele aanvraag van deze ronde is klaar voor een besluit."),
            code="nothing_ready",
        )
    batch = AutotaxBatch(run_id=run.id, proposed_by=officer.id)
    db.session.add(batch)
    db.session.flush()
    for claim in claims:
        proposal = propose_decision(claim, officer, motivation=MOTIVATION)
        db.session.add(
            AutotaxBatchItem(batch_id=batch.id, claim_id=claim.id, proposal_id=proposal.id)
        )
    db.session.flush()
    db.session.refresh(batch)
    audit.record(
        "autotax.batch_proposed",
        batch,
        actor=officer,
        data={"run_id": run.id, "claims": [claim.id for claim in claims]},
    )
    return batch


def approve_batch(batch: AutotaxBatch, officer: User) -> AutotaxBatch:
    """Officer B: a decision for every proposal of the batch still open (never A's own)."""
    run = db.session.get(AutotaxRun, batch.run_id)
    check_officer(officer, run.province)
    batch = locked(AutotaxBatch, batch.id)
    if batch.proposed_by == officer.id:
        raise Forbidden(
            _("U kunt uw eigen autotaxbatch niet goedkeuren (vier-ogenprincipe)."),
            code="four_eyes",
        )
    if batch.status != AutotaxBatchStatus.OPEN:
        raise Conflict(_("Deze autotaxbatch is al goedgekeurd."), code="already_approved")
    decided, skipped = [], []
    for item in batch.items:
        proposal = db.session.get(Proposal, item.proposal_id)
        if proposal.status != ProposalStatus.OPEN:
            skipped.append(item.claim_id)  # sent back (or decided) on its own claim page
            continue
        decided.append(approve_proposal(proposal, officer).id)
    AUTOTAX_BATCH_LIFECYCLE.transition(batch, AutotaxBatchStatus.APPROVED)
    batch.approved_by = officer.id
    batch.approved_at = utcnow()
    db.session.flush()
    audit.record(
        "autotax.batch_approved",
        batch,
        actor=officer,
        data={"run_id": run.id, "decisions": decided, "skipped_claims": skipped},
    )
    return batch
