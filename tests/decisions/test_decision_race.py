"""Two approvals racing each other on PostgreSQL: exactly one decision."""

import threading

import pytest
from sqlalchemy import func, select

from faunaschade.extensions import db
from faunaschade.models import Decision
from tests.support.app import DEMO_PASSWORD
from tests.support.decisions import assessed_claim, drenthe_people, post_json

pytestmark = pytest.mark.postgres_only


def test_two_concurrent_approvals_make_one_decision(committed, live_server):
    with committed.app_context():
        users = drenthe_people("a", "b", "c")
        claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
        claim_id = claim.id
        db.session.commit()
    tokens = {
        name: post_json(
            f"{live_server}/api/v1/auth/token",
            {"email": f"{name}@example.nl", "password": DEMO_PASSWORD},
        )[1]["token"]
        for name in ("a", "b", "c")
    }
    status, _ = post_json(f"{live_server}/api/v1/claims/{claim_id}/proposal", {}, tokens["a"])
    assert status == 201

    barrier = threading.Barrier(2)
    answers: list[tuple[int, dict]] = []

    def approve(name: str) -> None:
        barrier.wait()
        answers.append(
            post_json(f"{live_server}/api/v1/claims/{claim_id}/approve", {}, tokens[name])
        )

    threads = [threading.Thread(target=approve, args=(name,)) for name in ("b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    codes = sorted(code for code, _ in answers)
    # The loser either collided inside its transaction (409: stale proposal version or the
    # unique decision per proposal) or, when the winner had already committed, found no open
    # proposal any more (404). Never two decisions.
    assert codes[0] == 200 and codes[1] in (404, 409), answers
    loser = next(body for code, body in answers if code != 200)
    assert loser["error"]["code"] in ("conflict", "not_found")
    with committed.app_context():
        assert db.session.scalar(select(func.count()).select_from(Decision)) == 1
