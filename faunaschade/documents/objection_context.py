"""The plain-valued content of the bezwaar letters: receipt, hearing invitation, postponement."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from faunaschade.clock import local_day
from faunaschade.extensions import db
from faunaschade.models import Claim, Decision, Letter, Objection


@dataclass(frozen=True)
class ObjectionLetter:
    """Ontvangstbevestiging bezwaar, uitnodiging hoorzitting or verdaging (one context)."""

    received_on: date  #: Day the objection came in.
    decision_kenmerk: str  #: The decision objected to.
    decision_date: date  #: Its dagtekening.
    period_end: date  #: Last day of the objection period.
    late: bool  #: Received after the period (to be declared niet-ontvankelijk).
    decide_by: date  #: When the decision on objection is due (Awb 7:10 lid 1).
    extended_until: date | None  #: Postponed to (Awb 7:10 lid 3).
    extension_reason: str | None  #: Why.
    hearing_at: datetime | None  #: When the hearing takes place.
    hearing_place: str | None  #: Where, in person.
    hearing_video_link: str | None  #: The video link.
    #: A moved hearing: the day of the invitation this one replaces.
    replaces_invitation_of: date | None = None


#: "<kind>-claim-<claim>-objection-<id>", a moved hearing's invitation "…-hearing-<n>".
_SUBJECT = re.compile(r"-objection-(\d+)(?:-hearing-(\d+))?$")


def _objection(letter: Letter) -> Objection:
    match = _SUBJECT.search(letter.subject_key)
    objection = db.session.get(Objection, int(match[1])) if match else None
    if objection is None or objection.claim_id != letter.claim_id:
        raise LookupError(f"letter {letter.id} has no objection of its claim")
    return objection


def _replaced_invitation(letter: Letter) -> date | None:
    """For the invitation to a moved hearing: the day of the invitation it replaces."""
    match = _SUBJECT.search(letter.subject_key)
    if match is None or match[2] is None:
        return None
    number = int(match[2])
    base = letter.subject_key[: match.start(2) - len("-hearing-")]
    previous = base if number == 2 else f"{base}-hearing-{number - 1}"
    made = db.session.scalar(
        select(Letter.created_at)
        .where(Letter.subject_key == previous)
        .order_by(Letter.version)
        .limit(1)
    )
    return local_day(made) if made else None


def objection_letter(letter: Letter, claim: Claim) -> ObjectionLetter:
    """The bezwaar letter's specific part."""
    objection = _objection(letter)
    decision = db.session.get(Decision, objection.decision_id)
    return ObjectionLetter(
        received_on=objection.received_on,
        decision_kenmerk=decision.kenmerk,
        decision_date=decision.decided_on,
        period_end=objection.objection_period_end,
        late=objection.late,
        decide_by=objection.decide_by,
        extended_until=objection.extended_until,
        extension_reason=objection.extension_reason,
        hearing_at=objection.hearing_at,
        hearing_place=objection.hearing_place,
        hearing_video_link=objection.hearing_video_link,
        replaces_invitation_of=_replaced_invitation(letter),
    )
