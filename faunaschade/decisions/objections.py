"""Bezwaar: the farmer objects within six weeks; a new decision answers it."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade.audit import chain as audit
from faunaschade.claims import attachments, workflow
from faunaschade.clock import today
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.farmers.authorisations import check_may_act
from faunaschade.models import (
    AttachmentKind,
    Claim,
    ClaimStatus,
    Decision,
    Objection,
    ObjectionStatus,
    User,
)
from faunaschade.models.claims import OBJECTION_LIFECYCLE
from faunaschade.models.decisions import current_decision


def file_objection(
    claim: Claim, farmer: User, text: str, upload: tuple[str, bytes] | None = None
) -> Objection:
    """Object to the decision in force; refused after the deadline, naming it, and for anyone
    but the farmer or their representative (machtiging), naming why."""
    check_may_act(claim, farmer)
    decision = current_decision(claim)
    if claim.status != ClaimStatus.DECIDED or decision is None:
        raise Conflict(_("Bezwaar maken kan alleen tegen een genomen besluit."))
    if today() > decision.objection_deadline:
        raise Conflict(
            _(
                "De bezwaartermijn is verstreken op %(day)s.",
                day=f"{decision.objection_deadline:%d-%m-%Y}",
            ),
            code="objection_period_closed",
        )
    if not (text or "").strip():
        raise ValidationFailed(
            fields={"text": [_("Schrijf waarom u het niet eens bent met het besluit.")]}
        )
    attachment = (
        attachments.add_attachment(
            claim, upload[0], upload[1], farmer, kind=AttachmentKind.OBJECTION
        )
        if upload
        else None
    )
    objection = Objection(
        claim_id=claim.id,
        decision_id=decision.id,
        text=text.strip(),
        attachment_id=attachment.id if attachment else None,
        submitted_by=farmer.id,
    )
    db.session.add(objection)
    db.session.flush()
    audit.record(
        "objection.filed",
        objection,
        actor=farmer,
        claim_id=claim.id,
        data={"decision": decision.kenmerk},
    )
    workflow.transition(claim, ClaimStatus.OBJECTION, farmer)
    return objection


def open_objection(claim: Claim) -> Objection | None:
    """The objection waiting for a decision."""
    return db.session.scalar(
        select(Objection).where(
            Objection.claim_id == claim.id, Objection.status == ObjectionStatus.OPEN
        )
    )


def settle(claim: Claim, decision: Decision) -> None:
    """The new decision answers the open objection."""
    objection = open_objection(claim)
    if objection is not None:
        OBJECTION_LIFECYCLE.transition(objection, ObjectionStatus.DECIDED)
        objection.resulting_decision_id = decision.id
