"""Read requests keep the server's prepared statements (issue 13).

psycopg prepares a statement once a connection has sent it five times, and forgets all of them
at every ROLLBACK. A request's session used to end with ROLLBACK, so the officers' most read
answers (the queue, and the token check before every API call) were parsed and planned again on
every request. A transaction that only read now ends with COMMIT (faunaschade.transactions);
one that wrote and failed still ends with ROLLBACK. PostgreSQL only: SQLite prepares nothing on
a server."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text, update

from faunaschade.accounts.users import issue_token
from faunaschade.errors import NotFound
from faunaschade.extensions import db
from faunaschade.models import Claim, TokenKind
from tests.support.decisions import assessed_claim, drenthe_people

pytestmark = pytest.mark.postgres_only


def _prepared(app) -> list[str]:
    """The statements the app's one pooled connection has prepared on the server."""
    with app.app_context():
        assert db.engine.pool.checkedin() == 1, "the test client uses one connection"
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT statement FROM pg_prepared_statements"))
            return [row.statement for row in rows]


def test_the_queue_and_the_token_check_stay_prepared_across_requests(committed, other_app):
    web = other_app()
    with web.app_context():
        users = drenthe_people("a")
        assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
        token = issue_token(users["a"], TokenKind.API, hours=1)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # the requests below share one new connection
    client = web.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(8):  # past psycopg's threshold of five
        answer = client.get("/api/v1/queue", headers=headers)
        assert answer.status_code == 200 and answer.get_json()["total"] == 1

    prepared = _prepared(web)
    assert any("JOIN auth_tokens" in statement for statement in prepared), prepared
    assert any("OVER ()" in statement for statement in prepared), prepared


@pytest.mark.parametrize("failure", [None, "flush", NotFound, RuntimeError])
def test_what_a_request_wrote_and_did_not_commit_is_rolled_back(committed, other_app, failure):
    """A write that the view does not commit, then a 200, an answered error (404) or an
    unanswered one (500): the request's transaction is rolled back, not committed. (Core
    statements through the session, ORM flushes and text() all count as writes.)"""
    web = other_app(PROPAGATE_EXCEPTIONS=False)

    @web.get("/test-writes-then-fails/<int:claim_id>")
    def writes_then_fails(claim_id: int):
        if failure == "flush":  # an ORM change, flushed
            db.session.get(Claim, claim_id).crop = "gras"
            db.session.flush()
        else:
            db.session.execute(update(Claim).where(Claim.id == claim_id).values(crop="gras"))
        if failure in (None, "flush"):
            return {"written": True}
        raise failure("after the write")

    with web.app_context():
        users = drenthe_people("a")
        claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
        db.session.commit()
        claim_id, crop = claim.id, claim.crop
    answer = web.test_client().get(f"/test-writes-then-fails/{claim_id}")
    assert (
        answer.status_code == {None: 200, "flush": 200, NotFound: 404, RuntimeError: 500}[failure]
    )
    with web.app_context():
        assert db.session.scalar(select(Claim.crop).where(Claim.id == claim_id)) == crop


def test_a_read_whose_connection_dies_before_the_end_still_answers(committed, other_app):
    """The COMMIT that ends a read cannot fail the request: its answer was already made. The
    connection is killed after the read (as a database restart would), the answer stands, and
    the next request gets a new connection."""
    web = other_app(PROPAGATE_EXCEPTIONS=False)

    @web.get("/test-read-then-connection-dies")
    def read_then_dies():
        count = db.session.scalar(select(func.count()).select_from(Claim))
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        with db.engine.connect() as other:  # from another connection: this one learns at COMMIT
            other.execute(select(func.pg_terminate_backend(pid)))
            other.commit()
        return {"claims": count}

    client = web.test_client()
    first = client.get("/test-read-then-connection-dies")
    assert first.status_code == 200, first.get_data(as_text=True)
    with web.app_context():
        assert db.session.scalar(select(func.count()).select_from(Claim)) == 0


def test_a_session_that_sent_nothing_checks_no_connection_out_at_its_end(committed, other_app):
    """A view that only adds an object it never flushes begins the session's transaction
    without a connection; ending the request must not check one out just to find it idle."""
    from sqlalchemy import event

    from faunaschade.models import AuditEvent

    web = other_app()

    @web.get("/test-adds-without-flushing")
    def adds_without_flushing():
        db.session.add(AuditEvent(action="test.never-flushed", content_hash="0" * 64))
        return {"added": True}

    checkouts: list[object] = []
    with web.app_context():
        event.listen(db.engine, "checkout", lambda *args: checkouts.append(args))
    answer = web.test_client().get("/test-adds-without-flushing")
    assert answer.status_code == 200
    assert checkouts == []
