"""Verzoek om aanvulling (Awb 4:5): ask the farmer to complete a claim, and the completion."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _

from faunaschade import rules
from faunaschade.claims import workflow
from faunaschade.clock import today
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.letters import operations as letters
from faunaschade.models import (
    Claim,
    ClaimStatus,
    CompletionNote,
    LetterKind,
    Role,
    User,
)
from faunaschade.models.completion_requests import completion_request, completion_requests
from faunaschade.models.decisions import open_proposal
from faunaschade.notifications import operations as notifications

#: Working days the farmer gets to complete a claim (Faunafonds 2014 art. 3(2), DOMAIN §13).
COMPLETION_WORKING_DAYS = 10
#: Bounds on the term an officer may set.
MIN_DAYS, MAX_DAYS = 1, 40


def _normalised(text: str) -> str:
    # Browsers post CRLF; the letter splits paragraphs at blank lines.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def request_completion(
    claim: Claim, officer: User, message: str, days: int = COMPLETION_WORKING_DAYS
) -> Claim:
    """Ask the farmer to complete the claim within `days` working days (submitted → incomplete)."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationFailed(
            fields={
                "days": [
                    _(
                        "Kies een termijn van %(low)s tot %(high)s werkdagen.",
                        low=MIN_DAYS,
                        high=MAX_DAYS,
                    )
                ]
            }
        )
    if not message.strip():
        raise ValidationFailed(fields={"message": [_("Schrijf op wat er ontbreekt.")]})
    if claim.status != ClaimStatus.SUBMITTED:
        raise Conflict(
            _(
                "Aanvulling vragen kan alleen bij een ingediende aanvraag die nog niet is "
                "getaxeerd."
            ),
            code="invalid_transition",
        )
    deadline = rules.add_working_days(today(), days)
    number = len(completion_requests(claim)) + 1
    claim.completion_deadline = deadline
    workflow.transition(
        claim,
        ClaimStatus.INCOMPLETE,
        officer,
        data={"message": _normalised(message), "deadline": deadline.isoformat(), "days": days},
    )
    letters.request_letter(
        claim, LetterKind.COMPLETION_REQUEST, actor=officer, subject=f"request-{number}"
    )
    notifications.notify(notifications.NotificationKind.COMPLETION_REQUESTED, claim, actor=officer)
    return claim


def complete_claim(claim: Claim, actor: User, note: str = "") -> Claim:
    """The claim is complete again (incomplete → submitted), said by its farmer or an officer.

    The Awb decision term stood still while the claim was incomplete (Awb 4:15), so the
    backstop moves on by the days the request was open.
    """
    if claim.status != ClaimStatus.INCOMPLETE:
        raise Conflict(_("Deze aanvraag wacht niet op een aanvulling."), code="invalid_transition")
    if open_proposal(claim) is not None:
        raise Conflict(
            _(
                "De termijn om aan te vullen is verstreken en er ligt een voorstel om de "
                "aanvraag buiten behandeling te laten. Neem contact op met de provincie."
            ),
            code="not_processed_proposed",
        )
    request = completion_request(claim)
    day = today()
    late = request is not None and day > request.deadline
    if request is not None and claim.backstop_deadline is not None:
        stop = min(day, request.deadline)
        stood_still = timedelta(days=max((stop - request.requested_on).days, 0))
        claim.backstop_deadline += stood_still
        if claim.term_extended_to is not None:  # a delay notice's date stands still as well
            claim.term_extended_to += stood_still
    claim.completion_deadline = None
    written = None
    if note.strip():
        # Free text is personal data: its own row (erasure clears it), never the audit chain.
        written = CompletionNote(claim_id=claim.id, text=note.strip(), written_by=actor.id)
        db.session.add(written)
        db.session.flush()
    workflow.transition(
        claim,
        ClaimStatus.SUBMITTED,
        actor,
        reason=(
            "Aanvraag aangevuld door de aanvrager"
            if actor.role == Role.FARMER
            else "Aanvraag compleet verklaard door de behandelaar"
        ),
        data={"note_id": written.id if written else None, "late": late},
    )
    return claim


def completion_lapsed(claim: Claim, on: date | None = None) -> bool:
    """True when the claim is incomplete and its completion deadline has passed."""
    return (
        claim.status == ClaimStatus.INCOMPLETE
        and claim.completion_deadline is not None
        and (on or today()) > claim.completion_deadline
    )
