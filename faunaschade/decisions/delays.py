"""Verdagingsbericht: before the Awb backstop passes without a decision, tell the farmer when."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, and_, exists, select

from faunaschade.audit import chain as audit
from faunaschade.clock import today
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.letters import operations as letters
from faunaschade.models import Claim, ClaimStatus, Letter, LetterKind, User

#: A delay notice is due this many days before the backstop (time to prepare and send it).
DUE_DAYS_BEFORE = 10
#: Statuses in which no decision has been taken yet.
UNDECIDED = (
    ClaimStatus.SUBMITTED,
    ClaimStatus.INCOMPLETE,
    ClaimStatus.ASSESSMENT_ORDERED,
    ClaimStatus.ASSESSED,
    ClaimStatus.PROPOSED,
)


def _notice_sent():
    return exists().where(Letter.claim_id == Claim.id, Letter.kind == LetterKind.DELAY_NOTICE)


def needing_delay_notice(query: Select, on: date | None = None) -> Select:
    """Narrow a claims query to those whose backstop nears without decision or notice."""
    horizon = (on or today()) + timedelta(days=DUE_DAYS_BEFORE)
    return query.where(
        and_(
            Claim.status.in_(UNDECIDED),
            Claim.backstop_deadline.is_not(None),
            Claim.backstop_deadline <= horizon,
            ~_notice_sent(),
        )
    )


def needs_delay_notice(claim: Claim, on: date | None = None) -> bool:
    """True when this claim needs a delay notice now."""
    query = needing_delay_notice(select(Claim.id).where(Claim.id == claim.id), on)
    return db.session.scalar(query) is not None


def send_delay_notice(claim: Claim, officer: User, expected_on: date | None = None) -> Letter:
    """Record the new expected decision date and send the verdagingsbericht (once)."""
    if claim.status not in UNDECIDED:
        raise Conflict(_("Er is al een besluit, of de aanvraag is niet in behandeling."))
    if db.session.scalar(select(_notice_sent().where(Claim.id == claim.id))):
        raise Conflict(_("Er is al een verdagingsbericht verstuurd."))
    expected = expected_on or max(
        claim.decision_target or date.min, (claim.backstop_deadline or today()) + timedelta(weeks=6)
    )
    if expected <= today():
        raise ValidationFailed(fields={"expected_on": [_("Kies een datum in de toekomst.")]})
    claim.decision_target = expected
    claim.term_extended_to = expected  # the decision term now ends then (claims.decision_term)
    letter = letters.request_letter(claim, LetterKind.DELAY_NOTICE, actor=officer)
    audit.record(
        "claim.delay_notice",
        claim,
        actor=officer,
        claim_id=claim.id,
        data={
            "expected_on": expected.isoformat(),
            "backstop": claim.backstop_deadline.isoformat() if claim.backstop_deadline else None,
        },
    )
    return letter
