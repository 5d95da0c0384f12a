"""Each process keeps the active subscribers and hears of their changes (issue 13).

An audited commit no longer asks the database who wants its events: the answer is kept per
process and asked again when PostgreSQL notifies a change of `event_subscribers` (a trigger,
delivered at the change's commit to every listening connection) or this process changes one.
Here a subscriber is saved, deactivated and activated again from outside the app (a plain
connection, as psql or another machine would), and from the app's own use case, with real
commits: each change decides the very next transaction's deliveries."""

from __future__ import annotations

import json
import time

import psycopg
import pytest
from sqlalchemy import event, func, select

from faunaschade.accounts.users import create_user
from faunaschade.claims import workflow
from faunaschade.events import secret_box, wanted
from faunaschade.events import subscribers as use_case
from faunaschade.extensions import db
from faunaschade.models import ClaimStatus, EventDelivery, Role
from tests.support.app import DEMO_PASSWORD
from tests.support.decisions import assessed_claim, drenthe_people

pytestmark = pytest.mark.postgres_only

TYPES = ["nl.faunaschade.claim.proposed", "nl.faunaschade.claim.assessed"]


class _Asked:
    """Counts the outbox's questions for the active subscribers on the app's engine."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, _conn, _cursor, statement, *_args) -> None:
        if statement.startswith("SELECT event_subscribers.id, event_subscribers.event_types"):
            self.count += 1


def _bounce(claim, officer) -> None:
    """One announced change, committed: assessed ↔ proposed."""
    to = ClaimStatus.PROPOSED if claim.status == ClaimStatus.ASSESSED else ClaimStatus.ASSESSED
    workflow.transition(claim, to, officer, reason="terug")
    db.session.commit()


def _heard_of(change) -> None:
    """Commit a change from outside, then let the app hear of it: PostgreSQL hands the
    notification to a listening connection between its transactions, moments after the commit
    (a request that starts in that moment may still go by the old settings)."""
    before = wanted._KEPT[db.engine].changes
    change()
    deadline = time.monotonic() + 10
    while wanted._KEPT[db.engine].changes == before:
        assert time.monotonic() < deadline, "no notification within 10 s"
        db.session.execute(select(1))  # any statement reads what the connection was sent
        db.session.commit()
        time.sleep(0.01)


def _deliveries() -> dict[int, int]:
    """Deliveries per subscriber, read in a transaction of its own (ended, as a request's is:
    a transaction under way when a subscriber changes may still go by the old settings)."""
    rows = db.session.execute(
        select(EventDelivery.subscriber_id, func.count()).group_by(EventDelivery.subscriber_id)
    )
    counts = dict(rows.all())
    db.session.commit()
    return counts


def test_every_change_of_a_subscriber_decides_the_next_transactions_deliveries(
    committed, other_app, database_url, redis_url, receiver
):
    # A web process as production runs it: jobs go to rq (nothing is sent here), so no
    # background thread opens connections of its own (a new connection reads again).
    web = other_app(REDIS_URL=redis_url)
    asked = _Asked()
    with web.app_context():
        users = drenthe_people("a")
        admin = create_user("beheer@example.nl", DEMO_PASSWORD, Role.ADMIN)
        claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
        db.session.commit()
        officer = users["a"]
        event.listen(db.engine, "before_cursor_execute", asked)
        try:
            _bounce(claim, officer)  # nobody subscribed: read once, then kept
            _bounce(claim, officer)
            assert _deliveries() == {}
            assert asked.count == 1

            # Saved from outside the app, committed: the next transaction announces to it.
            plain_url = database_url.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(plain_url, autocommit=True) as other:
                _heard_of(
                    lambda: other.execute(
                        "INSERT INTO event_subscribers"
                        " (name, url, event_types, secret_sealed, active, created_at, updated_at)"
                        " VALUES ('Zaaksysteem', %s, %s, %s, true, now(), now())",
                        (receiver.url, json.dumps(TYPES), secret_box.seal("x" * 32)),
                    )
                )
                outside = other.execute("SELECT max(id) FROM event_subscribers").fetchone()[0]
                _bounce(claim, officer)
                assert _deliveries() == {outside: 1}
                _bounce(claim, officer)  # kept again: no new question
                assert _deliveries() == {outside: 2}
                assert asked.count == 2

                # Deactivated from outside: nothing more for it, from the next transaction on.
                _heard_of(lambda: other.execute("UPDATE event_subscribers SET active = false"))
                _bounce(claim, officer)
                assert _deliveries() == {outside: 2}

                # The app's own use case: the process knows at once, before any notification.
                mine, _secret = use_case.create_subscriber(
                    {"name": "Financiën", "url": receiver.url, "event_types": TYPES[:1]}, admin
                )
                db.session.commit()
                if claim.status == ClaimStatus.PROPOSED:
                    _bounce(claim, officer)  # back to assessed: the next one is "proposed"
                _bounce(claim, officer)
                assert _deliveries() == {outside: 2, mine.id: 1}

                # Activated again from outside, with only the type that comes next.
                _heard_of(
                    lambda: other.execute(
                        "UPDATE event_subscribers SET active = true, event_types = %s"
                        " WHERE id = %s",
                        (json.dumps(TYPES[1:]), outside),
                    )
                )
                _bounce(claim, officer)  # proposed → assessed
                assert _deliveries() == {outside: 3, mine.id: 1}
        finally:
            event.remove(db.engine, "before_cursor_execute", asked)
