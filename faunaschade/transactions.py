"""How a request's transaction ends when it only read: with COMMIT, not ROLLBACK.

psycopg prepares a statement on the server once a connection has sent it five times, and forgets
every prepared statement at each ROLLBACK (a conservative choice of its own: PostgreSQL keeps
them). Flask-SQLAlchemy ends every request by closing the session, which rolls back; so every
read request (the queue, a claim's page, and every token check before them) ended in ROLLBACK,
and no statement of the service stayed prepared: each was parsed and planned again on every
request, which cost the queue's page more than half of its database time.

For a transaction that changed nothing, COMMIT and ROLLBACK are the same. So a request whose
session only read ends its transaction with COMMIT, through the session (a test's savepoint is
released, not its outer transaction committed), and the connection keeps its prepared
statements for the next request. A transaction that flushed, sent anything but a SELECT, failed
in the database or ended in an exception ends as before: rolled back.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from faunaschade.extensions import db

log = logging.getLogger(__name__)

#: session.info key: this transaction changed something (or may have).
WROTE = "faunaschade.wrote"
#: session.info key: this transaction holds a connection (it sent something).
CONNECTED = "faunaschade.connected"
#: flask.g key: this app context served a request.
_SERVED = "faunaschade_served"


def init_app(app: Flask) -> None:
    """On PostgreSQL (psycopg), end read-only request transactions with COMMIT: at the end of
    each request, before Flask-SQLAlchemy closes the session at the end of the app context (jobs
    and commands keep their own way). And close a request's session without letting a lost
    connection turn its answer into a 500."""
    app.teardown_request(_served)
    app.teardown_appcontext(_close_after_request)  # after db.init_app: runs before its close
    with app.app_context():
        if db.engine.dialect.driver != "psycopg":
            return
    app.teardown_request(_end_read_only)


def _served(_exc: BaseException | None) -> None:
    g.setdefault(_SERVED, True)


def _close_after_request(_exc: BaseException | None) -> None:
    """Close the session of an app context that served a request. The answer is made by now;
    a connection that died in the meantime (a database restart) used to raise from the close's
    ROLLBACK and make the server answer 500 instead. SQLAlchemy has invalidated that
    connection: the next request gets a new one."""
    if not g.get(_SERVED) or not db.session.registry.has():
        return
    try:
        db.session.remove()
    except SQLAlchemyError as error:
        log.warning("closing the request's session failed: %s", type(error).__name__)
        db.session.registry.clear()


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _flush: UOWTransaction) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    # Core INSERT, UPDATE, DELETE and text() statements through the session all count as writes.
    if not state.is_select:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_begin")
def _connected(session: Session, _transaction: Any, _connection: Any) -> None:
    session.info[CONNECTED] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE, None)
        session.info.pop(CONNECTED, None)


def _end_read_only(exc: BaseException | None) -> None:
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.info.get(CONNECTED) or session.info.get(WROTE):
        return  # nothing was sent (no connection to keep), or something may have been written
    driver = session.connection().connection.driver_connection
    if driver.info.transaction_status != TransactionStatus.INTRANS:
        return  # idle already, or a statement failed: the close rolls back
    # As the close would: what the request loaded stays as it was read (a commit would expire
    # it, and it may still be looked at once the session is gone).
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    except SQLAlchemyError as error:
        # The answer is made and nothing was written: a connection lost now (a restart) changes
        # nothing for it. SQLAlchemy has invalidated the connection; the next request gets a
        # new one.
        log.warning("ending a read-only transaction failed: %s", type(error).__name__)
    finally:
        session.expire_on_commit = expire
