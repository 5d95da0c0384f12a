"""The officer's queue: claims in scope with their running deadlines, filtered and coloured."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import get_translations, gettext
from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from faunaschade import rules
from faunaschade.clock import local_day, today
from faunaschade.errors import Forbidden
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
    Role,
    User,
    Zienswijze,
)
from faunaschade.models.claims import OPEN_STATUSES
from faunaschade.models.next_due import BACKSTOP_STATUSES, assessment_due, objection_due
from faunaschade.money import written_date

S = ClaimStatus
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


@dataclass(slots=True)
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


class DeadlineWords:
    """The states and texts of the deadlines of one page, on one day, in the page's language.

    flask-babel looks the request's translations up on every call; a queue page of 50 claims
    writes well over a hundred deadline texts, most of them alike ("nog 3 dagen"). This looks
    the translations up once and writes each distinct text once; `of` keeps the words of a
    day and language for the pages after (they are the same whoever asks).
    """

    def __init__(self, on: date, translations: Any = None) -> None:
        self.on = on
        self._soon_until = rules.add_working_days(on, SOON_WORKING_DAYS)
        self._translations = translations or get_translations()
        self._texts: dict[tuple[str, int], str] = {}

    @classmethod
    def of(cls, on: date) -> DeadlineWords:
        """The words of the day `on` in the request's language (made once per day and
        language in a process)."""
        return _words_of(on, get_translations())

    @classmethod
    def on_day(cls, words: DeadlineWords | None, on: date) -> DeadlineWords:
        """`words` when they are of the day `on`, else words of that day."""
        return words if words is not None and words.on == on else cls.of(on)

    def gettext(self, msgid: str, **values: Any) -> str:
        """As flask-babel's gettext, with the translations looked up once."""
        text = self._translations.ugettext(msgid)
        return text % values if values else text

    def state(self, due: date) -> str:
        """overdue (passed), soon (within 3 working days) or ok."""
        if due < self.on:
            return "overdue"
        return "soon" if due <= self._soon_until else "ok"

    def deadline(self, code: str, label: str, due: date, closes: bool = False) -> Deadline:
        """A deadline on this day, with its state and text (make_deadline)."""
        state = self.state(due)
        if state != "overdue":
            return Deadline(code, label, due, state, self.text("left", (due - self.on).days))
        if closes:
            return Deadline(code, label, due, "closed", self.text("ago", (self.on - due).days))
        return Deadline(code, label, due, state, self.text("late", (self.on - due).days))

    def text(self, kind: str, days: int) -> str:
        """ "3 dagen te laat" (late), "3 dagen geleden" (ago), "nog 3 dagen" (left), "vandaag"."""
        key = (kind, days)
        if (text := self._texts.get(key)) is None:
            if kind == "left" and days == 0:
                text = self.gettext("vandaag")
            else:
                n = self._translations.ungettext("%(num)d dag", "%(num)d dagen", days)
                text = self.gettext(_DAY_TEXTS[kind], days=n % {"num": days})
            self._texts[key] = text
        return text


@functools.lru_cache(maxsize=32)
def _words_of(on: date, translations: Any) -> DeadlineWords:
    return DeadlineWords(on, translations)


#: Texts around a number of days (Dutch message ids).
_DAY_TEXTS = {
    "late": N_("%(days)s te laat"),
    "ago": N_("%(days)s geleden"),
    "left": N_("nog %(days)s"),
}


def make_deadline(
    code: str,
    label: str,
    due: date,
    on: date,
    *,
    closes: bool = False,
    words: DeadlineWords | None = None,
) -> Deadline:
    """A deadline with its state and text; `closes`: passing it closes a window, nobody is late.
    `words`: the page's (for many deadlines on one page); one of its own otherwise."""
    return DeadlineWords.on_day(words, on).deadline(code, label, due, closes)


#: How the farmer answered the assessment, as the queue says it (the window is closed then;
#: Dutch message ids, the deadline's text is in the page's language).
RESPONSE_WORDS = {"agreed": N_("akkoord met de taxatie"), "given": N_("zienswijze gegeven")}


def objection_deadlines(
    objection: Objection, on: date, words: DeadlineWords | None = None
) -> list[Deadline]:
    """The hearing (while planned) and the decision on objection (Awb 7:10, postponed or not)."""
    found = []
    if objection.status == ObjectionStatus.HEARING_SCHEDULED and objection.hearing_at:
        found.append(
            make_deadline(
                "hearing", N_("Hoorzitting"), local_day(objection.hearing_at), on, words=words
            )
        )
    if objection.extended_until:
        label = N_("Beslissing op bezwaar (verdaagd)")
        found.append(
            make_deadline("objection_decision", label, objection.extended_until, on, words=words)
        )
    else:
        label = N_("Beslissing op bezwaar")
        found.append(
            make_deadline("objection_decision", label, objection.decide_by, on, words=words)
        )
    return found


def running_deadlines(
    claim: Claim | QueueClaim,
    assessment_due: date | None = None,
    on: date | None = None,
    response: str | None = None,
    objection: Objection | None = None,
    words: DeadlineWords | None = None,
) -> list[Deadline]:
    """The deadlines that run for the claim in its current status; `response` ("agreed" or
    "given"): the farmer answered the assessment, so its zienswijze window is closed;
    `objection`: the objection being handled (status objection); `words`: the page's."""
    on = on or today()
    words = DeadlineWords.on_day(words, on)
    status = claim.status
    found = []
    if status == S.OBJECTION and objection is not None:
        found.extend(objection_deadlines(objection, on, words))
    if status == S.INCOMPLETE and claim.completion_deadline:
        found.append(words.deadline("completion", _LABELS["completion"], claim.completion_deadline))
    if status == S.ASSESSMENT_ORDERED and assessment_due:
        found.append(words.deadline("assessment", _LABELS["assessment"], assessment_due))
    if status == S.ASSESSED and claim.zienswijze_deadline and response:
        found.append(
            Deadline(
                "zienswijze",
                _LABELS["zienswijze"],
                claim.zienswijze_deadline,
                "closed",
                words.gettext(RESPONSE_WORDS[response]),
            )
        )
    elif status == S.ASSESSED and claim.zienswijze_deadline:
        found.append(
            words.deadline("zienswijze", _LABELS["zienswijze"], claim.zienswijze_deadline, True)
        )
    if status in _DECISION_TARGET_STATUSES and claim.decision_target:
        found.append(words.deadline("decision", _LABELS["decision"], claim.decision_target))
    if status in BACKSTOP_STATUSES and claim.backstop_deadline:
        found.append(
            words.deadline(
                "decision_backstop", _LABELS["decision_backstop"], claim.backstop_deadline
            )
        )
    return found


#: The deadlines' names (Dutch message ids; the page translates them).
_LABELS = {
    "completion": N_("Aanvulling"),
    "assessment": N_("Taxatierapport"),
    "zienswijze": N_("Zienswijze"),
    "decision": N_("Besluit (streefdatum)"),
    "decision_backstop": N_("Besluit of verdaging (Awb)"),
}
_DECISION_TARGET_STATUSES = (S.ASSESSED, S.PROPOSED)


def overdue_condition(on: date) -> ColumnElement[bool]:
    """SQL: some deadline an officer or assessor must meet has passed."""
    return or_(
        and_(Claim.status == S.INCOMPLETE, Claim.completion_deadline < on),
        and_(Claim.status == S.ASSESSMENT_ORDERED, assessment_due() < on),
        and_(Claim.status.in_((S.ASSESSED, S.PROPOSED)), Claim.decision_target < on),
        and_(Claim.status.in_(BACKSTOP_STATUSES), Claim.backstop_deadline < on),
        and_(Claim.status == S.OBJECTION, objection_due() < on),
    )


#: The queue's filters (QueueQuerySchema's, besides the page): each adds a condition.
FILTERS = ("status", "province", "crop", "species", "awaiting_my_approval", "overdue")


def queue_query(given: frozenset[str]) -> Select:
    """The claims of the caller's provinces that match the filters `given` (names of FILTERS),
    most urgent first. Every value is a bind parameter (queue_parameters gives them), so that
    one statement serves every officer and day with these filters."""
    # An officer's scope (access.claims_in_scope): the claims of their provinces.
    query = select(Claim).where(
        Claim.province.in_(bindparam("scope", expanding=True)), Claim.status != S.DRAFT
    )
    query = query.where(
        Claim.status == bindparam("status")
        if "status" in given
        # Written into the statement, not sent as values: a plan made once for the prepared
        # statement then knows it may read the partial index of the open claims.
        else Claim.status.in_(
            bindparam("open", OPEN_STATUSES, expanding=True, literal_execute=True)
        )
    )
    if "province" in given:
        query = query.where(Claim.province == bindparam("province"))
    if "crop" in given:
        query = query.where(Claim.crop == bindparam("crop"))
    if "species" in given:
        query = query.where(
            Claim.id.in_(
                select(ClaimSpecies.claim_id).where(ClaimSpecies.species == bindparam("species"))
            )
        )
    if "awaiting_my_approval" in given:
        # "Wacht op mijn akkoord": a proposal by another officer, which this one may approve.
        query = query.where(
            Claim.id.in_(
                select(Proposal.claim_id).where(
                    Proposal.status == ProposalStatus.OPEN,
                    Proposal.proposed_by != bindparam("user_id"),
                )
            )
        )
    if "overdue" in given:
        # overdue_condition(on) in one indexed column: some deadline has passed exactly when
        # the earliest one has.
        query = query.where(Claim.next_due_at < bindparam("on"))
    return query.order_by(*most_urgent_first(Claim))


def most_urgent_first(claim: Any) -> tuple[ColumnElement[Any], ...]:
    """The queue's order over `claim` (Claim, or an alias of a chosen page): a running dwangsom
    (the farmer gave notice of default) before any deadline, claims without a running deadline
    last; the order of the index."""
    return (
        claim.penalty_from.asc().nulls_last(),
        claim.next_due_at.asc().nulls_last(),
        claim.id,
    )


def queue_parameters(user: User, filters: dict[str, Any], on: date) -> dict[str, Any]:
    """The values of queue_query's bind parameters for this officer, these filters, this day."""
    if user.role != Role.OFFICER:
        raise Forbidden()
    return {
        "scope": user.provinces,
        "status": ClaimStatus(filters["status"]) if filters.get("status") else None,
        "province": filters.get("province"),
        "crop": filters.get("crop"),
        "species": filters.get("species"),
        "user_id": user.id,
        "on": on,
    }


@functools.lru_cache(maxsize=256)
def _queue_statements(
    given: frozenset[str], with_assessors: bool, lateral: bool = True
) -> tuple[Select, Select]:
    """The page statement and the count statement for these filters, built once per process.

    Building them and working out their cache keys cost a queue page as much CPU as sending
    them; a statement is immutable, and every value of a request is a bind parameter.

    The page is chosen first, from the claims table alone (the filters, the order, the offset
    and the limit), with the number of all matching claims beside each row (a window count,
    worked out before the limit: no second statement for a full page); only the page's rows
    are then joined to what a row shows. Joined first and sorted after, every open claim in
    scope was joined, and a page cost three times the database time at 60 open claims, more
    as the queue grows."""
    query = queue_query(given)
    ranked = (
        query.with_only_columns(
            *CLAIM_COLUMNS,
            Claim.farmer_id,
            Claim.next_due_at,
            func.count().over().label("total"),
            maintain_column_froms=False,
        )
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
        .subquery("page")
    )
    claim = aliased(Claim, ranked)
    columns, joins = _page_columns(claim, with_assessors, lateral)
    page = select(*columns, ranked.c.total).select_from(claim)
    for target, condition, outer in joins:
        page = page.join(target, condition, isouter=outer)
    page = page.order_by(*most_urgent_first(claim))
    counted = query.with_only_columns(Claim.id).order_by(None).subquery()
    return page, select(func.count()).select_from(counted)


@dataclass(slots=True)
class QueueClaim:
    """What a queue row shows of a claim and works its deadlines out from (not an ORM object:
    the queue is read in plain rows, the officers' most read page)."""

    id: int
    reference: str | None
    status: ClaimStatus
    province: str
    crop: str | None
    completion_deadline: date | None
    zienswijze_deadline: date | None
    decision_target: date | None
    backstop_deadline: date | None
    penalty_from: date | None
    farmer_name: str  #: The farmer's name (not the profile: no IBAN read for a queue).
    farmer_city: str | None
    species: tuple[str, ...]  #: Species codes, sorted.


@dataclass(slots=True)
class QueueAssessment:
    """The claim's newest assessment, as far as the queue shows it."""

    id: int
    due_on: date | None
    status: AssessmentStatus
    urgent: bool
    assessor: str | None = None  #: Name (or e-mail) of the assessor, when asked for.


@dataclass(slots=True)
class QueueRow:
    """One claim in the queue."""

    claim: QueueClaim  #: The claim.
    assessment: QueueAssessment | None  #: Its newest assessment.
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


@dataclass(slots=True)
class QueueObjection:
    """The objection being handled, as far as its deadlines need it (objection_deadlines)."""

    status: ObjectionStatus
    hearing_at: datetime | None
    extended_until: date | None
    decide_by: date


def _page_columns(
    claim: Any, with_assessors: bool, lateral: bool
) -> tuple[list[ColumnElement[Any]], list[Any]]:
    """What one row of the page reads, and the outer joins it reads it through; `claim` is the
    page's claims (an alias of the chosen page, _queue_statements), `lateral` whether the
    database joins laterally.

    Every row is one claim: the newest assessment is the one with the highest id, a claim has
    at most one open proposal and one objection not yet decided (partial unique indexes), and
    the species and the farmer's answer are subqueries of one value each."""
    # The newest assessment: looked up for each row of the page by the claim's index (a lateral
    # join; SQLite has none, and joins it on the highest id instead).
    if lateral:
        newest_join = (
            select(
                Assessment.id,
                Assessment.due_on,
                Assessment.status,
                Assessment.urgent,
                Assessment.assessor_id,
            )
            .where(Assessment.claim_id == claim.id)
            .order_by(Assessment.id.desc())
            .limit(1)
            .lateral("newest")
        )
        newest, newest_on = newest_join.c, true()
    else:
        newest_join = aliased(Assessment)
        newest = newest_join
        newest_on = (
            newest.id
            == (
                select(func.max(Assessment.id)).where(Assessment.claim_id == claim.id)
            ).scalar_subquery()
        )
    proposer = aliased(User)
    assessor = aliased(User)
    species = (
        select(func.aggregate_strings(ClaimSpecies.species, ","))
        .where(ClaimSpecies.claim_id == claim.id)
        .scalar_subquery()
    )
    # The farmer's answer to the newest assessment (their latest, if they gave more than one).
    agreed = (
        select(Zienswijze.agreed)
        .where(Zienswijze.claim_id == claim.id, Zienswijze.assessment_id == newest.id)
        .order_by(Zienswijze.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    columns = [
        *(getattr(claim, column.key) for column in CLAIM_COLUMNS),
        FarmerProfile.name,
        FarmerProfile.city,
        species,
        newest.id,
        newest.due_on,
        newest.status,
        newest.urgent,
        assessor.display_name if with_assessors else literal(None),
        Proposal.proposed_by,
        proposer.display_name,
        agreed,
        Objection.status,
        Objection.hearing_at,
        Objection.extended_until,
        Objection.decide_by,
    ]
    joins = [
        (FarmerProfile, FarmerProfile.id == claim.farmer_id, False),
        (newest_join, newest_on, True),
        (
            Proposal,
            and_(Proposal.claim_id == claim.id, Proposal.status == ProposalStatus.OPEN),
            True,
        ),
        (proposer, proposer.id == Proposal.proposed_by, True),
        (
            Objection,
            and_(Objection.claim_id == claim.id, Objection.status != ObjectionStatus.DECIDED),
            True,
        ),
    ]
    if with_assessors:
        joins.append((assessor, assessor.id == newest.assessor_id, True))
    return columns, joins


#: The claim columns a queue row shows or works its deadlines out from (QueueClaim's order).
CLAIM_COLUMNS = (
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
    """A page of the officer's queue in one statement, however long the queue is, with the
    number of claims in it (one more statement only for a page past the end).

    Only what a row shows is read, in plain rows (no ORM objects): the farmer's name and place
    (not the whole profile with its IBAN), the species, the newest assessment's due date and
    status, who proposed, the farmer's answer, the objection's terms; the assessor only when
    asked (`with_assessors`: the page shows who assesses, the API does not).
    """
    on = today()
    given = frozenset(name for name in FILTERS if filters.get(name))
    lateral = db.session.get_bind().dialect.name != "sqlite"
    page_statement, count_statement = _queue_statements(given, with_assessors, lateral)
    parameters = queue_parameters(user, filters, on)
    found = db.session.execute(
        page_statement, {**parameters, "offset": (page - 1) * per_page, "limit": per_page}
    ).all()
    if found:
        total = found[0][-1]  # the window count beside every row
    elif page == 1:
        total = 0
    else:  # past the last page: nothing to count beside
        total = db.session.scalar(count_statement, parameters) or 0
    words = DeadlineWords.of(on)
    return QueuePage([_row(values[:-1], on, words) for values in found], total, page, per_page)


def _row(values: Row[Any], on: date, words: DeadlineWords) -> QueueRow:
    """One queue row from one row of the page statement (_page_columns' order)."""
    first = len(CLAIM_COLUMNS) + 2  # the claim's columns, the farmer's name and place
    claim_values = values[:first]
    species, assessment_id, due_on, status, urgent, assessor = values[first : first + 6]
    proposer_id, proposer, agreed, *objection = values[first + 6 :]
    claim = QueueClaim(*claim_values, tuple(sorted(species.split(","))) if species else ())
    assessment = (
        QueueAssessment(assessment_id, due_on, status, urgent, assessor)
        if assessment_id is not None
        else None
    )
    due = due_on if assessment and status != AssessmentStatus.SUBMITTED else None
    response = None
    if claim.status == S.ASSESSED and agreed is not None:
        response = "agreed" if agreed else "given"
    held = QueueObjection(*objection) if objection[0] is not None else None
    return QueueRow(
        claim,
        assessment,
        running_deadlines(
            claim, due, on, response, held if claim.status == S.OBJECTION else None, words
        ),
        proposer_id,
        proposer,
        response,
    )
