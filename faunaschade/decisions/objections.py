"""Bezwaar: the farmer objects; the officer may hear the farmer, postpone once, and a new
decision (four eyes, decisions.operations) answers it: gegrond, deels gegrond, ongegrond or
niet-ontvankelijk.

Terms (DOMAIN §3.9): the objection period is the decision's objection deadline (six weeks,
Awb 6:7); the decision on objection is due six weeks after that period ended (Awb 7:10 lid 1),
or after the day a late objection came in, and may be postponed once by six weeks with a letter
(Awb 7:10 lid 3). A late objection is recorded, not refused: its answer is a decision that
declares it niet-ontvankelijk (Awb 6:9, 6:11), taken with four eyes like every other.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from faunaschade import rules
from faunaschade.audit import chain as audit
from faunaschade.claims import attachments, workflow
from faunaschade.clock import local_day, today
from faunaschade.errors import Conflict, Forbidden, NotFound, ValidationFailed
from faunaschade.extensions import db
from faunaschade.farmers.authorisations import check_may_act
from faunaschade.letters import operations as letters
from faunaschade.models import (
    AttachmentKind,
    Claim,
    ClaimStatus,
    Decision,
    Letter,
    LetterKind,
    Objection,
    ObjectionOutcome,
    ObjectionStatus,
    Role,
    User,
)
from faunaschade.models.base import utcnow
from faunaschade.models.claims import OBJECTION_LIFECYCLE
from faunaschade.models.decisions import current_decision
from faunaschade.notifications import operations as notifications

#: Awb 7:10 lid 1 and lid 3: six weeks to decide, once postponed by six more.
DECISION_TERM = timedelta(weeks=6)
EXTENSION = timedelta(weeks=6)
#: Claim statuses against whose decision the farmer may object (paid or not: the period runs
#: from the decision date whatever the payment).
OBJECTABLE = (ClaimStatus.DECIDED, ClaimStatus.PAID)
#: Outcomes that keep the amounts of the decision objected to.
KEEPS_AMOUNTS = (ObjectionOutcome.ONGEGROND, ObjectionOutcome.NIET_ONTVANKELIJK)
#: Longest place and video link (the columns).
MAX_PLACE, MAX_LINK = 300, 500


def decide_by(period_end: date, received_on: date) -> date:
    """Six weeks after the objection period ended (or after a late objection came in), moved
    to the next working day (Algemene termijnenwet)."""
    return rules.next_working_day_from(max(period_end, received_on) + DECISION_TERM)


def file_objection(
    claim: Claim, farmer: User, text: str, upload: tuple[str, bytes] | None = None
) -> Objection:
    """Object to the decision in force; a late objection is recorded (and flagged) too. Refused
    for anyone but the farmer or their representative (machtiging), naming why."""
    check_may_act(claim, farmer)
    decision = current_decision(claim)
    if claim.status not in OBJECTABLE or decision is None:
        raise Conflict(_("Bezwaar maken kan alleen tegen een genomen besluit."))
    if decision.supersedes_id is not None:
        raise Conflict(
            _(
                "Dit is al een beslissing op bezwaar. Daartegen staat beroep open bij de "
                "rechtbank, geen nieuw bezwaar."
            ),
            code="objection_decided",
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
    received = today()
    objection = Objection(
        claim_id=claim.id,
        decision_id=decision.id,
        text=text.strip(),
        attachment_id=attachment.id if attachment else None,
        submitted_by=farmer.id,
        received_on=received,
        objection_period_end=decision.objection_deadline,
        late=received > decision.objection_deadline,
        decide_by=decide_by(decision.objection_deadline, received),
    )
    db.session.add(objection)
    db.session.flush()
    audit.record(
        "objection.filed",
        objection,
        actor=farmer,
        claim_id=claim.id,
        data={
            "decision": decision.kenmerk,
            "late": objection.late,
            "decide_by": objection.decide_by.isoformat(),
        },
    )
    workflow.transition(claim, ClaimStatus.OBJECTION, farmer)
    subject = f"objection-{objection.id}"
    letters.request_letter(claim, LetterKind.OBJECTION_RECEIPT, actor=farmer, subject=subject)
    notifications.notify(
        notifications.NotificationKind.OBJECTION_RECEIPT, claim, actor=farmer, subject=subject
    )
    return objection


def open_objection(claim: Claim) -> Objection | None:
    """The objection waiting for a decision (at most one: an index)."""
    return db.session.scalar(
        select(Objection).where(
            Objection.claim_id == claim.id, Objection.status != ObjectionStatus.DECIDED
        )
    )


def latest_objection(claim: Claim) -> Objection | None:
    """The claim's newest objection, decided or not."""
    return db.session.scalar(
        select(Objection)
        .where(Objection.claim_id == claim.id)
        .order_by(Objection.id.desc())
        .limit(1)
    )


def objection_in_scope(claim: Claim) -> Objection:
    """The claim's objection being handled (409 when there is none: the claim is in scope)."""
    objection = open_objection(claim)
    if objection is None:
        raise Conflict(_("Er is geen bezwaar in behandeling."), code="no_objection")
    return objection


def _officer_on(claim: Claim, officer: User) -> Objection:
    if officer.role != Role.OFFICER:
        raise Forbidden(_("Alleen een behandelaar kan dit doen."))
    if claim.province not in officer.provinces:
        raise NotFound(_("Aanvraag niet gevonden."))
    workflow.lock(claim)
    return objection_in_scope(claim)


def _hearing_problems(
    objection: Objection, at: datetime, place: str | None, video_link: str | None
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if local_day(at) < today():
        problems["hearing_at"] = [_("Kies een moment vanaf vandaag.")]
    elif local_day(at) > objection.due:
        problems["hearing_at"] = [
            _(
                "Kies een moment vóór de beslistermijn (%(day)s).",
                day=f"{objection.due:%d-%m-%Y}",
            )
        ]
    if place is None and video_link is None:
        problems["place"] = [_("Geef een plaats of een videolink.")]
    return problems


def schedule_hearing(
    claim: Claim,
    officer: User,
    at: datetime,
    place: str | None = None,
    video_link: str | None = None,
) -> Objection:
    """Plan the hearing (hoorzitting, Awb 7:2) in person or by video; the invitation follows."""
    objection = _officer_on(claim, officer)
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict(_("Voor dit bezwaar is al een hoorzitting gepland."), code="hearing_planned")
    place, video_link = (place or "").strip() or None, (video_link or "").strip() or None
    if problems := _hearing_problems(objection, at, place, video_link):
        raise ValidationFailed(fields=problems)
    OBJECTION_LIFECYCLE.transition(objection, ObjectionStatus.HEARING_SCHEDULED)
    objection.hearing_at, objection.hearing_place = at, place
    objection.hearing_video_link = video_link
    audit.record(
        "objection.hearing_scheduled",
        objection,
        actor=officer,
        claim_id=claim.id,
        data={"hearing_at": at.isoformat(), "in_person": place is not None},
    )
    _invite(claim, objection, officer, f"objection-{objection.id}")
    return objection


def _invite(claim: Claim, objection: Objection, officer: User, subject: str) -> None:
    letters.request_letter(claim, LetterKind.HEARING_INVITATION, actor=officer, subject=subject)
    notifications.notify(
        notifications.NotificationKind.HEARING_INVITATION, claim, actor=officer, subject=subject
    )


def hearing_held(objection: Objection) -> bool:
    """Whether the hearing's moment has come (it can no longer be moved)."""
    return objection.hearing_at is not None and objection.hearing_at <= utcnow()


def report_possible_from(objection: Objection) -> date | None:
    """The first day the hearing's report may be recorded (its Dutch day), if one is planned."""
    if objection.status != ObjectionStatus.HEARING_SCHEDULED or objection.hearing_at is None:
        return None
    return local_day(objection.hearing_at)


def may_record_report(objection: Objection) -> bool:
    """The hearing is planned and its day has come."""
    first = report_possible_from(objection)
    return first is not None and first <= today()


def may_extend(objection: Objection) -> bool:
    """Not postponed before, and the first term has not ended."""
    return (
        objection.status != ObjectionStatus.DECIDED
        and objection.extended_until is None
        and today() <= objection.decide_by
    )


def invitations(claim: Claim, objection: Objection) -> list[Letter]:
    """The hearing invitations of this objection, oldest first (a rescheduled hearing adds one)."""
    first = letters.subject_key(
        claim, LetterKind.HEARING_INVITATION, subject=f"objection-{objection.id}"
    )
    rows = db.session.scalars(
        select(Letter)
        .where(Letter.claim_id == claim.id, Letter.kind == LetterKind.HEARING_INVITATION)
        .order_by(Letter.id)
    )
    return [
        row
        for row in rows
        if row.subject_key == first or row.subject_key.startswith(f"{first}-hearing-")
    ]


def reschedule_hearing(
    claim: Claim,
    officer: User,
    at: datetime,
    place: str | None = None,
    video_link: str | None = None,
) -> Objection:
    """Move a planned hearing that has not taken place yet: a new invitation (letter and
    e-mail) replaces the earlier one, audited with the old and the new moment."""
    objection = _officer_on(claim, officer)
    if objection.status != ObjectionStatus.HEARING_SCHEDULED or objection.hearing_at is None:
        raise Conflict(_("Er is geen geplande hoorzitting om te verplaatsen."), code="no_hearing")
    if hearing_held(objection):
        raise Conflict(
            _("De hoorzitting heeft al plaatsgevonden; leg het verslag vast."),
            code="hearing_held",
        )
    place, video_link = (place or "").strip() or None, (video_link or "").strip() or None
    problems = _hearing_problems(objection, at, place, video_link)
    unchanged = (at, place, video_link) == (
        objection.hearing_at,
        objection.hearing_place,
        objection.hearing_video_link,
    )
    if unchanged and not problems:
        problems["hearing_at"] = [_("Dit is al het geplande moment en de geplande plaats.")]
    if problems:
        raise ValidationFailed(fields=problems)
    before = objection.hearing_at
    objection.hearing_at, objection.hearing_place = at, place
    objection.hearing_video_link = video_link
    audit.record(
        "objection.hearing_rescheduled",
        objection,
        actor=officer,
        claim_id=claim.id,
        data={
            "from": before.isoformat(),
            "hearing_at": at.isoformat(),
            "in_person": place is not None,
        },
    )
    number = len(invitations(claim, objection)) + 1
    _invite(claim, objection, officer, f"objection-{objection.id}-hearing-{number}")
    return objection


def record_hearing_report(claim: Claim, officer: User, report: str) -> Objection:
    """The report of the hearing, once its day has come."""
    objection = _officer_on(claim, officer)
    if objection.status != ObjectionStatus.HEARING_SCHEDULED or objection.hearing_at is None:
        raise Conflict(_("Er is geen geplande hoorzitting om verslag van te doen."))
    if local_day(objection.hearing_at) > today():
        raise Conflict(
            _(
                "De hoorzitting is op %(day)s; leg het verslag daarna vast.",
                day=f"{local_day(objection.hearing_at):%d-%m-%Y}",
            )
        )
    if not (report or "").strip():
        raise ValidationFailed(fields={"report": [_("Schrijf het verslag van de hoorzitting.")]})
    OBJECTION_LIFECYCLE.transition(objection, ObjectionStatus.HEARD)
    objection.hearing_report = report.strip()
    audit.record("objection.heard", objection, actor=officer, claim_id=claim.id)
    return objection


def extend(claim: Claim, officer: User, reason: str) -> Objection:
    """Postpone the decision on objection once by six weeks, before the term ends; a letter
    tells the farmer (Awb 7:10 lid 3)."""
    objection = _officer_on(claim, officer)
    if objection.extended_until is not None:
        raise Conflict(
            _(
                "De beslistermijn is al eenmaal verdaagd, tot %(day)s.",
                day=f"{objection.extended_until:%d-%m-%Y}",
            ),
            code="already_extended",
        )
    if today() > objection.decide_by:
        raise Conflict(
            _(
                "De beslistermijn is op %(day)s verstreken; verdagen kan alleen daarvoor.",
                day=f"{objection.decide_by:%d-%m-%Y}",
            )
        )
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [_("Geef de reden van de verdaging.")]})
    objection.extended_until = rules.next_working_day_from(objection.decide_by + EXTENSION)
    objection.extension_reason = reason.strip()
    audit.record(
        "objection.extended",
        objection,
        actor=officer,
        claim_id=claim.id,
        data={
            "decide_by": objection.decide_by.isoformat(),
            "extended_until": objection.extended_until.isoformat(),
        },
    )
    subject = f"objection-{objection.id}"
    letters.request_letter(claim, LetterKind.OBJECTION_EXTENSION, actor=officer, subject=subject)
    notifications.notify(
        notifications.NotificationKind.OBJECTION_EXTENSION, claim, actor=officer, subject=subject
    )
    return objection


def settle(
    claim: Claim, decision: Decision, outcome: ObjectionOutcome | None, officer: User
) -> None:
    """The new decision answers the open objection, with its outcome."""
    objection = open_objection(claim)
    if objection is not None:
        OBJECTION_LIFECYCLE.transition(objection, ObjectionStatus.DECIDED)
        objection.resulting_decision_id = decision.id
        objection.outcome = outcome
        audit.record(
            "objection.decided",
            objection,
            claim_id=claim.id,
            actor=officer,
            data={"outcome": outcome.value if outcome else None, "decision": decision.kenmerk},
        )
