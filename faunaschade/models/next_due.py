"""A claim's next due date (`claims.next_due_at`), stored so the officer's queue sorts on an index.

The definition is one SQL expression, `next_due_expression()`: the earliest deadline an officer
or assessor must meet in the claim's current status (completion when incomplete, the assessment
report when an assessment is ordered, the decision on objection (Awb 7:10) while objected to,
the target decision date when assessed or proposed, and the Awb backstop while the decision term
runs). A claim whose farmer gave notice of default sorts before all of these on its own column,
`claims.penalty_from`, which this hook clears once the claim leaves the statuses in which a
decision is due. `refresh_next_due()` stores it for many claims in one UPDATE (after a bulk load,
in the migration); the flush hook below keeps it current for every change made through the ORM,
so no use case has to remember it:

- a claim whose status or deadlines change gets the value in its own INSERT/UPDATE, worked out
  in Python by `next_due_of()` (the same rules), unless it waits for an assessment report;
- a claim waiting for an assessment report or a decision on objection, or whose assessments or
  objection change (ordered, rescheduled, submitted, removed; filed, postponed, decided), is
  refreshed by one UPDATE after the flush.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, event, func, inspect, select, update
from sqlalchemy.orm import Session

from faunaschade.models.assessments import Assessment, AssessmentStatus
from faunaschade.models.claims import Claim, ClaimStatus, Objection, ObjectionStatus

S = ClaimStatus
#: The Awb decision term runs in these statuses (it stands still while incomplete, Awb 4:15).
BACKSTOP_STATUSES = (S.SUBMITTED, S.ASSESSMENT_ORDERED, S.ASSESSED, S.PROPOSED)
#: Statuses of a claim in behandeling that still waits for its first decision: a notice of
#: default can be given, and its penalty runs (claims.decision_term, decisions.penalties).
DECISION_DUE_STATUSES = (S.SUBMITTED, S.INCOMPLETE, S.ASSESSMENT_ORDERED, S.ASSESSED, S.PROPOSED)
#: Statuses whose primary deadline is the target decision date.
DECISION_STATUSES = (S.ASSESSED, S.PROPOSED)
#: The claim's own columns the value derives from (the assessments' due dates aside).
CLAIM_FACTS = ("status", "completion_deadline", "decision_target", "backstop_deadline")
#: The assessment columns it derives from.
ASSESSMENT_FACTS = ("claim_id", "due_on", "status")
#: The objection columns it derives from (the decision on objection is due by then).
OBJECTION_FACTS = ("claim_id", "status", "decide_by", "extended_until")
#: Statuses whose deadlines live in other tables (read by SQL after the flush).
READ_BY_SQL = (S.ASSESSMENT_ORDERED, S.OBJECTION)


def assessment_due() -> Any:
    """SQL: the earliest due date of the claim's assessments that are not submitted yet."""
    return (
        select(func.min(Assessment.due_on))
        .where(Assessment.claim_id == Claim.id, Assessment.status != AssessmentStatus.SUBMITTED)
        .scalar_subquery()
    )


def objection_due() -> Any:
    """SQL: when the decision on the claim's objection is due (postponed or not, Awb 7:10)."""
    return (
        select(func.min(func.coalesce(Objection.extended_until, Objection.decide_by)))
        .where(Objection.claim_id == Claim.id, Objection.status != ObjectionStatus.DECIDED)
        .scalar_subquery()
    )


def _earliest(a: Any, b: Any) -> Any:
    # Portable LEAST() that ignores NULLs (SQLite has no LEAST; MIN(a, b) is NULL with a NULL).
    return case((a.is_(None), b), (b.is_(None), a), (a < b, a), else_=b)


def next_due_expression() -> ColumnElement[date | None]:
    """SQL: the earliest deadline an officer or assessor must meet, by status."""
    backstop = case((Claim.status.in_(BACKSTOP_STATUSES), Claim.backstop_deadline), else_=None)
    primary = case(
        (Claim.status == S.INCOMPLETE, Claim.completion_deadline),
        (Claim.status == S.ASSESSMENT_ORDERED, assessment_due()),
        (Claim.status == S.OBJECTION, objection_due()),
        (Claim.status.in_(DECISION_STATUSES), Claim.decision_target),
        else_=None,
    )
    return _earliest(primary, backstop)


def next_due_of(claim: Claim) -> date | None:
    """`next_due_expression()` worked out from the claim's own values (not while it waits for an
    assessment report: that needs its assessments, which the SQL reads)."""
    if claim.status in READ_BY_SQL:
        raise ValueError("an assessment's or objection's due date is read by the SQL")
    primary = {
        S.INCOMPLETE: claim.completion_deadline,
        S.ASSESSED: claim.decision_target,
        S.PROPOSED: claim.decision_target,
    }.get(claim.status)
    backstop = claim.backstop_deadline if claim.status in BACKSTOP_STATUSES else None
    found = [day for day in (primary, backstop) if day is not None]
    return min(found) if found else None


def refresh_next_due(session: Session, claim_ids: Iterable[int] | None = None) -> int:
    """Store next_due_at for these claims (None: every claim) in one UPDATE; the rows changed.

    For a bulk load that bypasses the ORM (the seed); ORM changes are kept current by the flush
    hook below. Objects of these claims in the session forget their old value.
    """
    statement = update(Claim.__table__).values(next_due_at=next_due_expression())
    ids = None if claim_ids is None else sorted(set(claim_ids))
    if ids is not None:
        if not ids:
            return 0
        statement = statement.where(Claim.__table__.c.id.in_(ids))
    # Core UPDATE on the connection: no ORM synchronisation, no version bump, no autoflush.
    changed = session.connection().execute(statement).rowcount
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Claim) and (ids is None or obj.id in ids):
            session.expire(obj, ["next_due_at"])
    return changed


def _changed(obj: Any, names: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _assessment_claims(obj: Assessment, deleted: bool) -> set[int]:
    """The claims whose next due date an assessment change can move (old and new claim)."""
    history = inspect(obj).attrs.claim_id.history
    ids = {*history.added, *history.unchanged, *history.deleted}
    if obj.claim_id is not None:
        ids.add(obj.claim_id)
    if deleted or _changed(obj, ASSESSMENT_FACTS):
        return {i for i in ids if i is not None}
    return set()


_PENDING = "next_due_refresh"


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    pending: set[Any] = session.info.setdefault(_PENDING, set())
    for obj in (*session.new, *session.dirty):
        if (
            isinstance(obj, Claim)
            and _changed(obj, ("status",))
            and obj.status not in DECISION_DUE_STATUSES
            and obj.penalty_from is not None
        ):
            obj.penalty_from = None  # decided (or withdrawn): its dwangsom no longer runs
        if isinstance(obj, Claim) and (obj in session.new or _changed(obj, CLAIM_FACTS)):
            if obj.status in READ_BY_SQL:
                pending.add(obj)  # its id may only exist after the INSERT
            else:
                value = next_due_of(obj)
                if obj.next_due_at != value:
                    obj.next_due_at = value
        elif isinstance(obj, Assessment):
            pending.update(_assessment_claims(obj, deleted=False))
            if obj.claim is not None and obj in session.new:
                pending.add(obj.claim)
        elif isinstance(obj, Objection) and (obj in session.new or _changed(obj, OBJECTION_FACTS)):
            pending.add(obj.claim_id)
    for obj in session.deleted:
        if isinstance(obj, Assessment):
            pending.update(_assessment_claims(obj, deleted=True))


@event.listens_for(Session, "after_flush_postexec")
def _after_flush(session: Session, _context: Any) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    ids = {item.id if isinstance(item, Claim) else item for item in pending}
    refresh_next_due(session, {i for i in ids if i is not None})


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(_PENDING, None)
