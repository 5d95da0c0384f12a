"""Who wants to hear of events: the active subscribers, kept per process between their changes.

Every audited commit asks which active subscribers want which types (outbox.py). They change a
few times a year, so on PostgreSQL a process keeps the answer and asks again only when told:

- a statement-level trigger on `event_subscribers` (migration w19a1b2c3d4e) sends a
  notification on channel `CHANNEL`, the changing transaction's id as its payload, for every
  INSERT, UPDATE, DELETE or TRUNCATE; PostgreSQL delivers it, when the change commits, to
  every connection that LISTENs there, in every process on every machine;
- every connection of the app's engine LISTENs there from its start (`init_app`), and psycopg
  hands a notification to this module while it reads the answer to any statement. A new
  connection makes the kept answer stale too: one that was away may have missed a change;
- a change this process flushes makes the answer stale at once, and its own transaction asks
  the database until it ends (the kept answer holds committed subscribers only).

So a transaction that begins once the process has heard of a change announces by the new
settings. A listening connection is handed the notification between two of its transactions,
moments after the commit: a transaction already under way then, or one that starts in that
moment, may still go by the old ones (before, the subscribers were read at its commit: a
window of milliseconds, not a lost event for a settled subscriber). Inside a savepoint (the
tests' rolled-back transactions) the database is asked every time. SQLite (`make run`: one
process) asks every time.
"""

from __future__ import annotations

from collections import deque
from typing import Any
from weakref import WeakKeyDictionary

from flask import Flask
from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import Session, object_session

from faunaschade.extensions import db
from faunaschade.models import Subscriber

#: The notification channel of the trigger on event_subscribers.
CHANNEL = "faunaschade_subscribers"
#: session.info key: this transaction changed a subscriber (the engine it changed it on).
_CHANGED = "events_subscribers_changed"
#: Every audited commit asks this: built once, answered as plain rows (no objects made).
_ACTIVE = (
    select(Subscriber.id, Subscriber.event_types)
    .where(Subscriber.active.is_(True))
    .order_by(Subscriber.id)
)

Wanted = list[tuple[int, frozenset[str]]]


class _Kept:
    """One engine's last answer and the number of changes heard of when it was read."""

    __slots__ = ("answer", "changes", "news", "read_at")

    def __init__(self) -> None:
        self.changes = 0
        self.answer: Wanted = []
        self.read_at = -1  # never read
        # Every listening connection gets its own copy of a notification: the changing
        # transaction's id (its payload) makes the second copy no news.
        self.news: deque[str] = deque(maxlen=64)

    def stale(self) -> None:
        # Several threads may count at once: a lost step still differs from `read_at`.
        self.changes += 1

    def heard(self, notification: Any) -> None:
        # Called by psycopg while it reads an answer: nothing here may raise.
        if notification.channel == CHANNEL and notification.payload not in self.news:
            self.news.append(notification.payload)
            self.stale()


_KEPT: WeakKeyDictionary[Engine, _Kept] = WeakKeyDictionary()


def init_app(app: Flask) -> None:
    """Have the app's PostgreSQL connections listen for subscriber changes."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql" or engine in _KEPT:
        return
    kept = _KEPT[engine] = _Kept()

    def listen(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.add_notify_handler(kept.heard)
        dbapi_connection.execute(f"LISTEN {CHANNEL}")
        dbapi_connection.commit()
        kept.stale()

    event.listen(engine, "connect", listen)


def active_subscribers(session: Session) -> Wanted:
    """(id, wanted types) of each active subscriber that wants any type, in id order.

    Asked on the transaction's connection: no autoflush, so a commit with nobody to tell makes
    no flush of its own."""
    connection = session.connection()
    kept = _KEPT.get(connection.engine)
    if kept is None or _CHANGED in session.info or connection.in_nested_transaction():
        return _read(connection)
    changes = kept.changes  # before reading: a change heard meanwhile makes this answer stale
    if kept.read_at != changes:
        kept.answer, kept.read_at = _read(connection), changes
    return kept.answer


def _read(connection: Connection) -> Wanted:
    return [(ident, frozenset(types)) for ident, types in connection.execute(_ACTIVE) if types]


@event.listens_for(Subscriber, "after_insert")
@event.listens_for(Subscriber, "after_update")
@event.listens_for(Subscriber, "after_delete")
def _changed(_mapper: Any, connection: Connection, target: Subscriber) -> None:
    session = object_session(target)
    if session is not None:
        session.info[_CHANGED] = connection.engine
    if (kept := _KEPT.get(connection.engine)) is not None:
        kept.stale()


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    # Committed or not, what this transaction read about its own change is not kept.
    if transaction.parent is not None or (engine := session.info.pop(_CHANGED, None)) is None:
        return
    if (kept := _KEPT.get(engine)) is not None:
        kept.stale()
