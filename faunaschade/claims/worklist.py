"""The officer's queue: claims in scope with their running deadlines, filtered and coloured."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import joinedload, lazyload, load_only, selectinload

from faunaschade import rules
from faunaschade.access import claims_in_scope
from faunaschade.clock import local_day, today
from faunaschade.extensions import db
from faunaschade.i18n import N_, language
from faunaschade.models import (
    Assessment,
    AssessmentStatus,
    Claim,
    ClaimSpecies,
    ClaimStatus,
    FarmerProfile,
    Objection,
    ObjectionStatus,
    Proposal,
    ProposalStatus,
    User,
    Zienswijze,
)
from faunaschade.models.next_due import BACKSTOP_STATUSES, assessment_due, objection_due
from faunaschade.money import written_date

S = ClaimStatus
#: What an officer has work on; the default of the status filter.
OPEN_STATUSES = (
    S.SUBMITTED,
    S.INCOMPLETE,
    S.ASSESSMENT_ORDERED,
    S.ASSESSED,
    S.PROPOSED,
    S.OBJECTION,
)
#: Statuses the queue can be filtered on (drafts are the farmer's alone).
QUEUE_STATUSES = tuple(s for s in ClaimStatus if s != S.DRAFT)
#: A deadline this many working days ahead or fewer is "soon".
SOON_WORKING_DAYS = 3

#: Word for each state (a Dutch message id); the colour only repeats it.
STATE_WORDS = {
    "overdue": N_("Te laat"),
    "soon": N_("Binnenkort"),
    "ok": N_("Op tijd"),
    "closed": N_("Gesloten"),
}


@dataclass(frozen=True)
class Deadline:
    """A running deadline of a claim, with its state on the day asked."""

    code: str  #: completion, assessment, zienswijze, decision, decision_backstop.
    label: str  #: Name of the deadline (a Dutch message id; the page translates it).
    due: date  #: Last day.
    state: str  #: overdue, soon, ok, or closed (a zienswijze window that has passed).
    text: str  #: "3 dagen te laat", "nog 2 dagen", "vandaag"… (in the page's language)

    @property
    def word(self) -> str:
        """The state in one word (shown next to the colour), in the page's language."""
        return gettext(STATE_WORDS[self.state])


def state_of(due: date, on: date) -> str:
    """overdue (passed), soon (within 3 working days) or ok."""
    if due < on:
        return "overdue"
    return "soon" if due <= rules.add_working_days(on, SOON_WORKING_DAYS) else "ok"


def _days(n: int) -> str:
    return ngettext("%(num)d dag", "%(num)d dagen", n)


def make_deadline(code: str, label: str, due: date, on: date, *, closes: bool = False) -> Deadline:
    """A deadline with its state and text; `closes`: passing it closes a window, nobody is late."""
    state = state_of(due, on)
    if state == "overdue":
        ago = _days((on - due).days)
        if closes:
            state, text = "closed", gettext("%(days)s geleden", days=ago)
        else:
            text = gettext("%(days)s te laat", days=ago)
    else:
        left = _days((due - on).days)
        text = gettext("vandaag") if due == on else gettext("nog %(days)s", days=left)
    return Deadline(code, label, due, state, text)


#: How the farmer answered the assessment, as the queue says it (the window is closed then;
#: Dutch message ids, the deadline's text is in the page's language).
RESPONSE_WORDS = {"agreed": N_("akkoord met de taxatie"), "given": N_("zienswijze gegeven")}


def objection_deadlines(objection: Objection, on: date) -> list[Deadline]:
    """The hearing (while planned) and the decision on objection (Awb 7:10, postponed or not)."""
    found = []
    if objection.status == ObjectionStatus.HEARING_SCHEDULED and objection.hearing_at:
        found.append(
            make_deadline("hearing", N_("Hoorzitting"), local_day(objection.hearing_at), on)
        )
    if objection.extended_until:
        label = N_("Beslissing op bezwaar (verdaagd)")
        found.append(make_deadline("objection_decision", label, objection.extended_until, on))
    else:
        label = N_("Beslissing op bezwaar")
        found.append(make_deadline("objection_decision", label, objection.decide_by, on))
    return found


def running_deadlines(
    claim: Claim,
    assessment_due: date | None = None,
    on: date | None = None,
    response: str | None = None,
    objection: Objection | None = None,
) -> list[Deadline]:
    """The deadlines that run for the claim in its current status; `response` ("agreed" or
    "given"): the farmer answered the assessment, so its zienswijze window is closed;
    `objection`: the objection being handled (status objection)."""
    on = on or today()
    found = []
    if claim.status == S.OBJECTION and objection is not None:
        found.extend(objection_deadlines(objection, on))
    if claim.status == S.INCOMPLETE and claim.completion_deadline:
        found.append(make_deadline("completion", N_("Aanvulling"), claim.completion_deadline, on))
    if claim.status == S.ASSESSMENT_ORDERED and assessment_due:
        found.append(make_deadline("assessment", N_("Taxatierapport"), assessment_due, on))
    if claim.status == S.ASSESSED and claim.zienswijze_deadline and response:
        found.append(
            Deadline(
                "zienswijze",
                N_("Zienswijze"),
                claim.zienswijze_deadline,
                "closed",
                gettext(RESPONSE_WORDS[response]),
            )
        )
    elif claim.status == S.ASSESSED and claim.zienswijze_deadline:
        found.append(
            make_deadline(
                "zienswijze", N_("Zienswijze"), claim.zienswijze_deadline, on, closes=True
            )
        )
    if claim.status in (S.ASSESSED, S.PROPOSED) and claim.decision_target:
        found.append(
            make_deadline("decision", N_("Besluit (streefdatum)"), claim.decision_target, on)
        )
    if claim.status in BACKSTOP_STATUSES and claim.backstop_deadline:
        found.append(
            make_deadline(
                "decision_backstop", N_("Besluit of verdaging (Awb)"), claim.backstop_deadline, on
            )
        )
    return found


def overdue_condition(on: date) -> ColumnElement[bool]:
    """SQL: some deadline an officer or assessor must meet has passed."""
    return or_(
        and_(Claim.status == S.INCOMPLETE, Claim.completion_deadline < on),
        and_(Claim.status == S.ASSESSMENT_ORDERED, assessment_due() < on),
        and_(Claim.status.in_((S.ASSESSED, S.PROPOSED)), Claim.decision_target < on),
        and_(Claim.status.in_(BACKSTOP_STATUSES), Claim.backstop_deadline < on),
        and_(Claim.status == S.OBJECTION, objection_due() < on),
    )


def queue_query(user: User, filters: dict[str, Any], on: date | None = None) -> Select:
    """Claims in the user's scope that match the filters, most urgent first."""
    on = on or today()
    query = claims_in_scope(user).where(Claim.status != S.DRAFT)
    status = filters.get("status")
    query = query.where(
        Claim.status == ClaimStatus(status) if status else Claim.status.in_(OPEN_STATUSES)
    )
    if filters.get("province"):
        query = query.where(Claim.province == filters["province"])
    if filters.get("crop"):
        query = query.where(Claim.crop == filters["crop"])
    if filters.get("species"):
        query = query.where(
            Claim.id.in_(
                select(ClaimSpecies.claim_id).where(ClaimSpecies.species == filters["species"])
            )
        )
    if filters.get("awaiting_my_approval"):
        # "Wacht op mijn akkoord": a proposal by another officer, which this one may approve.
        query = query.where(
            Claim.id.in_(
                select(Proposal.claim_id).where(
                    Proposal.status == ProposalStatus.OPEN, Proposal.proposed_by != user.id
                )
            )
        )
    if filters.get("overdue"):
        # overdue_condition(on) in one indexed column: some deadline has passed exactly when
        # the earliest one has.
        query = query.where(Claim.next_due_at < on)
    # Most urgent first: a running dwangsom (the farmer gave notice of default) before any
    # deadline, claims without a running deadline last: the order of the index.
    return query.order_by(
        Claim.penalty_from.asc().nulls_last(), Claim.next_due_at.asc().nulls_last(), Claim.id
    )


@dataclass(frozen=True)
class QueueRow:
    """One claim in the queue."""

    claim: Claim  #: The claim.
    assessment: Assessment | None  #: Its newest assessment.
    deadlines: list[Deadline]  #: Running deadlines, coloured.
    proposer_id: int | None = None  #: Who made the open proposal, if there is one.
    proposer: str | None = None  #: Their name (or e-mail address).
    response: str | None = None  #: The farmer's answer to that assessment: agreed, given.

    @property
    def overdue(self) -> bool:
        """Some deadline has passed."""
        return any(d.state == "overdue" for d in self.deadlines)

    @property
    def penalty_from(self) -> date | None:
        """The farmer gave notice of default: the dwangsom runs from this day (Awb 4:17)."""
        return self.claim.penalty_from

    @property
    def penalty_text(self) -> str | None:
        """ "Ingebreke gesteld — dwangsom loopt vanaf …", in the page's language."""
        if self.claim.penalty_from is None:
            return None
        return gettext(
            "Ingebreke gesteld — dwangsom loopt vanaf %(day)s",
            day=written_date(self.claim.penalty_from, language()),
        )


@dataclass(frozen=True)
class QueuePage:
    """A page of the queue."""

    rows: list[QueueRow]  #: The claims of this page.
    total: int  #: All matching claims.
    page: int  #: 1-based page number.
    per_page: int  #: Page size.


#: The claim columns a queue row shows or works its deadlines out from.
ROW_COLUMNS = (
    Claim.id,
    Claim.reference,
    Claim.status,
    Claim.province,
    Claim.crop,
    Claim.completion_deadline,
    Claim.zienswijze_deadline,
    Claim.decision_target,
    Claim.backstop_deadline,
    Claim.penalty_from,
)


def officer_queue(
    user: User,
    filters: dict[str, Any],
    page: int = 1,
    per_page: int = 50,
    *,
    with_assessors: bool = False,
) -> QueuePage:
    """A page of the officer's queue, in the same few statements however long the queue is.

    Only what a row shows is read: the farmer's name and place (not the whole profile with its
    IBAN), the species, the newest assessment's due date and status; its assessor only when
    asked (`with_assessors`: the page shows who assesses, the API does not).
    """
    on = today()
    query = queue_query(user, filters, on)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    claims = db.session.scalars(
        query.options(
            load_only(*ROW_COLUMNS),
            joinedload(Claim.farmer).load_only(FarmerProfile.name, FarmerProfile.city),
            selectinload(Claim.species),
            lazyload(Claim.parcels),
        )
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    newest: dict[int, Assessment] = {}
    if claims:
        assessor = (
            selectinload(Assessment.assessor).options(
                load_only(User.name, User.email), lazyload(User.province_scopes)
            )
            if with_assessors
            else lazyload(Assessment.assessor)
        )
        for assessment in db.session.scalars(
            select(Assessment)
            .where(Assessment.claim_id.in_([c.id for c in claims]))
            .options(
                load_only(
                    Assessment.id,
                    Assessment.claim_id,
                    Assessment.due_on,
                    Assessment.status,
                    Assessment.urgent,
                ),
                assessor,
            )
            .order_by(Assessment.id)
        ):
            newest[assessment.claim_id] = assessment
    proposers, responses = _proposers(claims), _responses(claims, newest)
    objected = _objections(claims)
    rows = []
    for claim in claims:
        assessment = newest.get(claim.id)
        due = (
            assessment.due_on
            if assessment and assessment.status != AssessmentStatus.SUBMITTED
            else None
        )
        response = responses.get(claim.id)
        proposer_id, proposer = proposers.get(claim.id, (None, None))
        rows.append(
            QueueRow(
                claim,
                assessment,
                running_deadlines(claim, due, on, response, objected.get(claim.id)),
                proposer_id,
                proposer,
                response,
            )
        )
    return QueuePage(rows, total or 0, page, per_page)


def _proposers(claims: list[Claim]) -> dict[int, tuple[int, str]]:
    """Claim id → (id, name) of the officer whose proposal is open: one statement per page."""
    if not claims:
        return {}
    found = db.session.execute(
        select(Proposal.claim_id, User.id, User.name, User.email)
        .join(User, User.id == Proposal.proposed_by)
        .where(
            Proposal.claim_id.in_([c.id for c in claims]),
            Proposal.status == ProposalStatus.OPEN,
        )
    )
    return {claim_id: (user_id, name or email) for claim_id, user_id, name, email in found}


def _responses(claims: list[Claim], newest: dict[int, Assessment]) -> dict[int, str]:
    """Claim id → "agreed" or "given" for assessed claims whose farmer answered the newest
    assessment: one statement per page."""
    assessed = [c.id for c in claims if c.status == S.ASSESSED and c.id in newest]
    if not assessed:
        return {}
    found = db.session.execute(
        select(Zienswijze.claim_id, Zienswijze.assessment_id, Zienswijze.agreed).where(
            Zienswijze.claim_id.in_(assessed)
        )
    )
    return {
        claim_id: "agreed" if agreed else "given"
        for claim_id, assessment_id, agreed in found
        if newest[claim_id].id == assessment_id
    }


def _objections(claims: list[Claim]) -> dict[int, Objection]:
    """Claim id → the objection being handled, for claims objected to: one statement per page."""
    objected = [c.id for c in claims if c.status == S.OBJECTION]
    if not objected:
        return {}
    found = db.session.scalars(
        select(Objection).where(
            Objection.claim_id.in_(objected), Objection.status != ObjectionStatus.DECIDED
        )
    )
    return {objection.claim_id: objection for objection in found}
