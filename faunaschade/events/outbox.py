"""The outbox: CloudEvents written in the transaction of the change they announce.

Every audit event a session flushes is noted; just before that session commits, the noted
events that `types.derive` knows become `events` rows (one CloudEvent each, its body fixed
now) and one `event_deliveries` row per active subscriber that wants the type (wanted.py),
plus a job per delivery (jobs.core: dispatched only after the commit). A rolled-back change
leaves neither event nor delivery nor job; a committed one always has all three. The request
writes rows and nothing more: the POST happens in the worker (events/delivery.py).

Sequence numbers: per subject, taken by one UPDATE … RETURNING of the subject's
`event_subjects` row, which stays locked until the commit. A second transaction about the same
subject waits there, so numbers follow the commit order (subjects are taken in sorted order:
two transactions never wait for each other the wrong way round).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, inspect, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from faunaschade.events.types import BUILDERS, Derived, derive
from faunaschade.events.wanted import Wanted, active_subscribers
from faunaschade.jobs.core import enqueue
from faunaschade.models import AuditEvent, Event, EventDelivery, EventSubject

_NOTED = "events_noted_audit"
#: The registered name of the delivery job (events/delivery.py).
DELIVER_JOB = "events.deliver"


def delivery_job_id(delivery: EventDelivery) -> str:
    """The job id of the delivery's current dispatch (a new one for every hand-over)."""
    return f"event-delivery-{delivery.id}-{delivery.dispatches}"


def dispatch(delivery: EventDelivery) -> None:
    """Hand the delivery to a new job (after the commit): it sends the stream from its head."""
    delivery.dispatches += 1
    enqueue_current(delivery)


def enqueue_current(delivery: EventDelivery) -> None:
    """The job of the delivery's current dispatch number (once per number)."""
    enqueue(DELIVER_JOB, delivery_job_id(delivery), delivery_id=delivery.id)


def _announced(obj: object) -> bool:
    return isinstance(obj, AuditEvent) and obj.action in BUILDERS


@event.listens_for(Session, "after_flush")
def _note(session: Session, _context: Any) -> None:
    # In after_flush, `session.new` still lists what this flush inserted.
    noted = [o for o in session.new if _announced(o)]
    if noted:
        session.info.setdefault(_NOTED, []).extend(noted)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, _previous: Any) -> None:
    # Events of a rolled-back savepoint (or transaction) are no longer persistent.
    if _NOTED in session.info:
        session.info[_NOTED] = [e for e in session.info[_NOTED] if inspect(e).persistent]


@event.listens_for(Session, "before_commit")
def _write_outbox(session: Session) -> None:
    # audit.record() leaves its events to the next flush: the commit's own comes after this.
    if not has_app_context():
        return
    if _NOTED not in session.info and not any(_announced(o) for o in session.new):
        return
    subscribers = active_subscribers(session)
    if not subscribers:
        # Nobody to tell: the events go with the commit's own flush, and what that flush notes
        # is forgotten after it (_forget_noted).
        session.info.pop(_NOTED, None)
        return
    session.flush()
    noted = [e for e in session.info.pop(_NOTED, []) if inspect(e).persistent]
    if noted:
        write(session, noted, subscribers)


@event.listens_for(Session, "after_commit")
def _forget_noted(session: Session) -> None:
    session.info.pop(_NOTED, None)


def write(session: Session, audit_events: list[AuditEvent], subscribers: Wanted) -> list[Event]:
    """The CloudEvents (and their deliveries and jobs) for these audit events, for these
    subscribers (`active_subscribers`)."""
    wanted = {kind for _, types in subscribers for kind in types}
    if not wanted:
        return []
    derived: list[tuple[AuditEvent, Derived]] = []
    for audit_event in sorted(audit_events, key=lambda e: e.id):
        if (made := derive(audit_event)) is not None and made.type in wanted:
            derived.append((audit_event, made))
    if not derived:
        return []
    counts = Counter(made.subject for _, made in derived)
    following = {
        subject: _take_sequences(session, subject, n) for subject, n in sorted(counts.items())
    }
    config = current_app.config
    base_url = config["PUBLIC_BASE_URL"].rstrip("/")
    events = []
    for audit_event, made in derived:
        sequence = following[made.subject]
        following[made.subject] += 1
        event_id = str(uuid.uuid4())
        body = cloudevent(made, event_id, sequence, audit_event, config["EVENTS_SOURCE"], base_url)
        events.append(
            Event(
                event_id=event_id,
                type=made.type,
                subject=made.subject,
                sequence=sequence,
                time=audit_event.occurred_at,
                audit_event_id=audit_event.id,
                claim_id=made.claim_id,
                body=body,
            )
        )
    session.add_all(events)
    session.flush()
    deliveries = [
        EventDelivery(
            subscriber_id=subscriber_id,
            event_id=made.id,
            subject=made.subject,
            sequence=made.sequence,
            dispatches=0,
        )
        for made in events
        for subscriber_id, types in subscribers
        if made.type in types
    ]
    session.add_all(deliveries)
    session.flush()
    for delivery in deliveries:
        dispatch(delivery)
    return events


def _take_sequences(session: Session, subject: str, count: int) -> int:
    """The first of `count` new sequence numbers of the subject (its row locked till commit)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(EventSubject).values(subject=subject, last_sequence=0).on_conflict_do_nothing()
    )
    last = session.execute(
        update(EventSubject)
        .where(EventSubject.subject == subject)
        .values(last_sequence=EventSubject.last_sequence + count)
        .returning(EventSubject.last_sequence)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return last - count + 1


def cloudevent(
    made: Derived, event_id: str, sequence: int, audit_event: AuditEvent, source: str, base: str
) -> str:
    """The structured-mode JSON of one CloudEvent (NL GOV profile; see README)."""
    moment = audit_event.occurred_at.isoformat(timespec="microseconds").replace("+00:00", "Z")
    envelope = {
        "specversion": "1.0",
        "type": made.type,
        "source": source,
        "subject": made.subject,
        "id": event_id,
        "time": moment,
        "datacontenttype": "application/json",
        "dataref": base + made.path,
        # Lexicographically orderable, as the profile asks: the same width for every number.
        "sequence": f"{sequence:010d}",
        "data": made.data,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
