"""Racing officers on PostgreSQL: two builds take each claim once, two 'paid' pay it once."""

import threading
import urllib.request

import pytest
from sqlalchemy import func, select

from faunaschade.decisions import operations as decisions
from faunaschade.extensions import db
from faunaschade.models import AuditEvent, PaymentBatchClaim
from tests.support.app import DEMO_PASSWORD
from tests.support.decisions import assessed_claim, drenthe_people, post_json

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def tokens(committed, live_server, redis_conn):
    """Three Drenthe officers and two decided claims, committed; bearer tokens by name."""
    with committed.app_context():
        users = drenthe_people("a", "b", "c")
        for _ in range(2):
            claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
            proposal = decisions.propose_decision(claim, users["a"])
            decisions.approve_proposal(proposal, users["b"])
        db.session.commit()
    return {
        name: post_json(
            f"{live_server}/api/v1/auth/token",
            {"email": f"{name}@example.nl", "password": DEMO_PASSWORD},
        )[1]["token"]
        for name in ("a", "b", "c")
    }


def _at_once(calls) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(len(calls))
    answers: list[tuple[int, dict]] = []

    def run(call) -> None:
        barrier.wait()
        answers.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


def test_two_builds_at_once_put_each_claim_in_one_batch(committed, live_server, tokens):
    url = f"{live_server}/api/v1/payment-batches"
    answers = _at_once(
        [lambda name=name: post_json(url, {"province": "DR"}, tokens[name]) for name in ("a", "b")]
    )
    assert sorted(status for status, _ in answers) == [201, 409], answers
    with committed.app_context():
        live = db.session.scalars(
            select(PaymentBatchClaim.claim_id).where(PaymentBatchClaim.live_claim_id.isnot(None))
        ).all()
        assert len(live) == len(set(live)) == 2


def test_paid_twice_at_once_pays_each_claim_once(committed, live_server, tokens):
    status, batch = post_json(
        f"{live_server}/api/v1/payment-batches", {"province": "DR"}, tokens["a"]
    )
    assert status == 201, batch
    base = f"{live_server}/api/v1/payment-batches/{batch['id']}"
    assert post_json(f"{base}/approve", {}, tokens["b"])[0] == 200
    request = urllib.request.Request(f"{base}/pain001.xml")
    request.add_header("Authorization", f"Bearer {tokens['a']}")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    answers = _at_once(
        [lambda name=name: post_json(f"{base}/paid", {}, tokens[name]) for name in ("b", "c")]
    )
    assert sorted(status for status, _ in answers) == [200, 409], answers
    with committed.app_context():
        paid_transitions = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "claim.transition", AuditEvent.to_status == "paid")
        )
        assert paid_transitions == 2
