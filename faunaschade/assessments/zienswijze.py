"""The farmer's zienswijze on the assessment: 8 working days after the confirmation, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade.audit import chain as audit
from faunaschade.claims import attachments, workflow
from faunaschade.clock import today
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.i18n import language
from faunaschade.models import Assessment, AttachmentKind, Claim, ClaimStatus, User, Zienswijze
from faunaschade.models.assessments import latest_assessment
from faunaschade.money import written_date


@dataclass(frozen=True)
class Window:
    """Where the claim's zienswijze window stands."""

    deadline: date | None  #: Last day to respond; None before the assessment confirmation.
    is_open: bool  #: A zienswijze can be given now.
    answer: Zienswijze | None  #: The zienswijze on the current assessment, if given.

    @property
    def closed(self) -> bool:
        """The window was opened and its last day has passed."""
        return self.deadline is not None and not self.is_open and self.answer is None


def answer_of(claim: Claim) -> Zienswijze | None:
    """The zienswijze on the claim's newest submitted assessment."""
    assessment = latest_assessment(claim)
    if assessment is None:
        return None
    return db.session.scalar(
        select(Zienswijze)
        .where(Zienswijze.claim_id == claim.id, Zienswijze.assessment_id == assessment.id)
        .order_by(Zienswijze.id)
        .limit(1)
    )


def window(claim: Claim, on: date | None = None) -> Window:
    """The zienswijze window of the claim on `on` (default today)."""
    deadline = claim.zienswijze_deadline
    answer = answer_of(claim) if deadline else None
    is_open = (
        deadline is not None
        and answer is None
        and claim.status == ClaimStatus.ASSESSED
        and (on or today()) <= deadline
    )
    return Window(deadline, is_open, answer)


def zienswijze_settled(claim: Claim, on: date | None = None) -> bool:
    """The officer may propose a decision: the window has closed or the farmer answered."""
    found = window(claim, on)
    if claim.autotax and found.deadline is None:
        return True  # an automatic assessment (autotax) opens no window: nobody visited
    return found.answer is not None or (
        found.deadline is not None and (on or today()) > found.deadline
    )


def _refuse_unless_open(claim: Claim) -> Assessment:
    """The assessment the farmer may respond to now, or the refusal that says why not."""
    assessment = latest_assessment(claim)
    deadline = claim.zienswijze_deadline
    if assessment is None or deadline is None:
        raise Conflict(
            _("Er is nog geen bevestiging van de taxatie waarop u kunt reageren."),
            code="no_assessment",
        )
    if (given := answer_of(claim)) is not None:
        if given.agreed:
            raise Conflict(
                _("U heeft al laten weten dat u akkoord bent met deze taxatie."),
                code="zienswijze_exists",
            )
        raise Conflict(
            _("U heeft al een zienswijze op deze taxatie gegeven."), code="zienswijze_exists"
        )
    if today() > deadline:
        raise Conflict(
            _(
                "De termijn voor een zienswijze is gesloten op %(day)s (8 werkdagen na de "
                "bevestiging van de taxatie).",
                day=written_date(deadline, language()),
            ),
            code="zienswijze_closed",
        )
    if claim.status != ClaimStatus.ASSESSED:
        raise Conflict(_("In deze fase van de aanvraag kunt u geen zienswijze meer geven."))
    return assessment


def submit_zienswijze(
    claim: Claim, farmer: User, text: str, attachment: tuple[str, bytes] | None = None
) -> Zienswijze:
    """Record the farmer's response to the assessment confirmation (with an optional file)."""
    claim = workflow.lock(claim)  # one answer per assessment, also from two tabs at once
    assessment = _refuse_unless_open(claim)
    if not text.strip():
        raise ValidationFailed(fields={"text": [_("Schrijf uw zienswijze.")]})
    file = None
    if attachment is not None:
        filename, data = attachment
        file = attachments.add_attachment(
            claim, filename, data, farmer, kind=AttachmentKind.ZIENSWIJZE
        )
    answer = Zienswijze(
        claim_id=claim.id,
        assessment_id=assessment.id,
        text=text.strip(),
        attachment_id=file.id if file else None,
        submitted_by=farmer.id,
    )
    db.session.add(answer)
    db.session.flush()
    audit.record(
        "zienswijze.submitted",
        answer,
        actor=farmer,
        claim_id=claim.id,
        data={"assessment_id": assessment.id, "attachment": file is not None},
    )
    return answer


def accept_assessment(claim: Claim, farmer: User) -> Zienswijze:
    """ "Akkoord met de taxatie": the farmer agrees with the assessment, which closes the
    zienswijze window at once, so the officer may propose the decision without waiting for
    the last day. Stored as the assessment's one answer (agreed, no text) and audited."""
    claim = workflow.lock(claim)  # an officer proposing waits, and sees the answer after
    assessment = _refuse_unless_open(claim)
    answer = Zienswijze(
        claim_id=claim.id,
        assessment_id=assessment.id,
        text="",
        agreed=True,
        submitted_by=farmer.id,
    )
    db.session.add(answer)
    db.session.flush()
    audit.record(
        "zienswijze.agreed",
        answer,
        actor=farmer,
        claim_id=claim.id,
        data={"assessment_id": assessment.id},
    )
    return answer
