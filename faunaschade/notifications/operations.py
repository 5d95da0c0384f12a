"""E-mail notifications to the farmer: queued in the caller's transaction, sent by a job."""

from __future__ import annotations

import enum
from typing import Any

from faunaschade.audit import chain as audit
from faunaschade.clock import today
from faunaschade.extensions import db
from faunaschade.jobs.core import enqueue
from faunaschade.models import Claim, JobRecord
from faunaschade.models.authorisations import representatives_of


class NotificationKind(enum.StrEnum):
    """Which e-mail the farmer gets; each has a template templates/mail/<kind>.txt."""

    #: The claim was received (submitted, or waiting for the leges).
    SUBMITTED = "submitted"
    #: The officer asked for more information (verzoek om aanvulling).
    COMPLETION_REQUESTED = "completion_requested"
    #: The assessment report is in; the zienswijze window runs.
    ASSESSMENT_CONFIRMATION = "assessment_confirmation"
    #: A decision (or a decision on objection) was taken.
    DECISION = "decision"
    #: The penalty for a late decision was fixed (dwangsom-beschikking, Awb 4:18).
    PENALTY_DECISION = "penalty_decision"
    #: The objection was received, with its terms (Awb 6:14).
    OBJECTION_RECEIPT = "objection_receipt"
    #: The farmer is invited to the hearing on their objection (Awb 7:2), or it was moved.
    HEARING_INVITATION = "hearing_invitation"
    #: The decision on objection is postponed once (Awb 7:10 lid 3).
    OBJECTION_EXTENSION = "objection_extension"


def notification_job_id(kind: NotificationKind, claim: Claim, subject: str | None = None) -> str:
    """Deterministic job id: one e-mail per kind per claim version, or per kind and `subject`
    (what it is about, e.g. "objection-7-hearing-2", as its letter's subject)."""
    if subject:
        # Steps of an objection (a hearing planned, moved; a postponement) leave the claim's
        # status and version alone: their subject, like their letter's, tells them apart.
        return f"mail-{kind.value}-claim-{claim.id}-{subject}"
    # Every legitimate notification follows a change of the claim (a transition), which bumps
    # the claim's optimistic-locking `version`; a retried request that changes nothing meets
    # the same version and hence the same job id, which `enqueue` turns into a no-op.
    return f"mail-{kind.value}-claim-{claim.id}-v{claim.version}"


def notify(kind: str, claim: Claim, *, actor: Any = None, subject: str | None = None) -> None:
    """Queue the e-mail of this kind to the claim's farmer (sent after commit) and audit it."""
    kind = NotificationKind(kind)
    # Flush so the claim has its id and the version that includes the caller's changes.
    db.session.flush()
    job_id = notification_job_id(kind, claim, subject)
    if db.session.get(JobRecord, job_id) is not None:
        return
    enqueue("mail.notify", job_id, kind=kind.value, claim_id=claim.id, notification_id=job_id)
    data: dict[str, Any] = {"kind": kind.value, "job_id": job_id}
    # A representative (machtiging) covering the claim gets the same e-mail, a job each.
    copies = [
        f"{job_id}-r{user.id}" for user in representatives_of(claim.farmer_id, claim.id, today())
    ]
    for copy_id in copies:
        recipient = int(copy_id.rsplit("-r", 1)[1])
        enqueue(
            "mail.notify",
            copy_id,
            kind=kind.value,
            claim_id=claim.id,
            notification_id=copy_id,
            recipient_id=recipient,
        )
    if copies:
        data["copies"] = copies
    audit.record("notification.queued", claim, actor=actor, claim_id=claim.id, data=data)
