"""Two people acting on one claim at the same moment, as real parallel requests on PostgreSQL.

Each test fires the requests from threads released by a barrier against the app served over
HTTP, then checks what the database holds afterwards: a claim is `proposed` exactly when it has
one open proposal, a claim has at most one open proposal, a payment is paid once.
"""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from faunaschade.claims import workflow
from faunaschade.clock import today
from faunaschade.extensions import db
from faunaschade.models import (
    AuditEvent,
    Claim,
    ClaimStatus,
    Payment,
    PaymentStatus,
    Proposal,
    ProposalStatus,
)
from tests.support.app import DEMO_PASSWORD
from tests.support.claims import claim_in_status
from tests.support.decisions import assessed_claim, drenthe_people, post_json

pytestmark = pytest.mark.postgres_only


def _tokens(live_server: str, *names: str) -> dict[str, str]:
    return {
        name: post_json(
            f"{live_server}/api/v1/auth/token",
            {"email": f"{name}@example.nl", "password": DEMO_PASSWORD},
        )[1]["token"]
        for name in names
    }


def _at_once(*calls) -> list[tuple[int, dict]]:
    """Run the calls in threads released together; their answers in call order."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(i: int, call) -> None:
        barrier.wait()
        answers[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def _state(app, claim_id: int) -> tuple[ClaimStatus, int]:
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        open_count = db.session.scalar(
            select(func.count())
            .select_from(Proposal)
            .where(Proposal.claim_id == claim_id, Proposal.status == ProposalStatus.OPEN)
        )
        db.session.remove()
        return claim.status, open_count


def test_a_proposal_and_a_send_back_at_once_never_strand_the_claim(committed, live_server):
    with committed.app_context():
        users = drenthe_people("a", "b")
        claim_id = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"]).id
        db.session.commit()
    tokens = _tokens(live_server, "a", "b")
    base = f"{live_server}/api/v1/claims/{claim_id}"

    def propose(done: threading.Event):
        try:
            return post_json(f"{base}/proposal", {}, tokens["a"])
        finally:
            done.set()

    def send_back_until_found(proposed: threading.Event):
        # Officer B keeps asking until there is something to send back: every one of these
        # requests may straddle the moment the proposal commits.
        while True:
            answer = post_json(f"{base}/send-back", {"reason": "Opnieuw"}, tokens["b"])
            if answer[0] != 404 or (proposed.is_set() and _state(committed, claim_id)[1] == 0):
                return answer

    for _ in range(12):
        proposed = threading.Event()
        answers = _at_once(
            lambda e=proposed: propose(e), lambda e=proposed: send_back_until_found(e)
        )
        status, open_count = _state(committed, claim_id)
        assert (status == ClaimStatus.PROPOSED) == (open_count == 1), (status, answers)
        assert open_count <= 1
        assert {code for code, _ in answers} <= {200, 201, 404, 409}, answers
        if status == ClaimStatus.PROPOSED:  # B's request came first: send it back now
            code, body = post_json(f"{base}/send-back", {"reason": "Opnieuw"}, tokens["b"])
            assert code == 200, body
        assert _state(committed, claim_id) == (ClaimStatus.ASSESSED, 0)


def _claim_in_objection(app) -> int:
    with app.app_context():
        users = drenthe_people("a", "b", "c")
        claim = claim_in_status("objection", users)
        db.session.commit()
        return claim.id


def test_two_officers_proposing_at_once_on_an_objection_make_one_open_proposal(
    committed, live_server
):
    claim_id = _claim_in_objection(committed)
    tokens = _tokens(live_server, "a", "c")
    url = f"{live_server}/api/v1/claims/{claim_id}/proposal"
    outcome = {"objection_outcome": "ongegrond", "motivation": "De taxatie blijft staan."}
    for _ in range(4):
        answers = _at_once(
            lambda: post_json(url, outcome, tokens["a"]),
            lambda: post_json(url, outcome, tokens["c"]),
        )
        codes = sorted(code for code, _ in answers)
        assert codes == [201, 409], answers
        loser = next(body for code, body in answers if code == 409)
        assert "al een voorstel" in loser["error"]["message"], loser
        assert _state(committed, claim_id) == (ClaimStatus.OBJECTION, 1)
        with committed.app_context():  # clear the way for the next round
            proposal = db.session.scalar(
                select(Proposal).where(
                    Proposal.claim_id == claim_id, Proposal.status == ProposalStatus.OPEN
                )
            )
            proposal.status = ProposalStatus.SENT_BACK
            db.session.commit()


def _claim_awaiting_payment(app) -> int:
    with app.app_context():
        users = drenthe_people("a")
        claim = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"])
        claim.status, claim.submitted_at = ClaimStatus.AWAITING_PAYMENT, None
        claim.zienswijze_deadline = today() + timedelta(days=1)
        db.session.commit()
        return claim.id


def test_four_confirmations_of_one_payment_at_once_pay_it_once(committed, live_server):
    claim_id = _claim_awaiting_payment(committed)
    token = _tokens(live_server, "farmer")["farmer"]
    code, started = post_json(f"{live_server}/api/v1/claims/{claim_id}/payment", {}, token)
    assert code == 201, started
    url = f"{live_server}/api/v1/payments/{started['payment_id']}/test-confirm"
    answers = _at_once(*[lambda: post_json(url, {"status": "paid"}, token)] * 4)
    assert [code for code, _ in answers] == [200] * 4, answers
    assert sorted(body["changed"] for _, body in answers) == [False, False, False, True]
    with committed.app_context():
        paid_events = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "payment.paid", AuditEvent.claim_id == claim_id)
        )
        assert paid_events == 1
        assert db.session.get(Claim, claim_id).status == ClaimStatus.SUBMITTED


def test_a_cancelled_payment_reported_paid_is_refund_due_not_a_second_payment(
    committed, live_server
):
    claim_id = _claim_awaiting_payment(committed)
    token = _tokens(live_server, "farmer")["farmer"]
    start = f"{live_server}/api/v1/claims/{claim_id}/payment"
    first = post_json(start, {}, token)[1]["payment_id"]
    second = post_json(start, {}, token)[1]["payment_id"]  # starting again cancels the first
    confirm = f"{live_server}/api/v1/payments/{{}}/test-confirm"
    assert post_json(confirm.format(second), {"status": "paid"}, token)[1]["changed"] is True
    code, late = post_json(confirm.format(first), {"status": "paid"}, token)
    assert code == 200 and late["status"] == "refund_due", late
    with committed.app_context():
        statuses = dict(
            db.session.execute(
                select(Payment.id, Payment.status).where(Payment.claim_id == claim_id)
            ).all()
        )
        assert statuses == {first: PaymentStatus.REFUND_DUE, second: PaymentStatus.PAID}
        events = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.claim_id == claim_id, AuditEvent.action.like("payment.%"))
            .order_by(AuditEvent.id)
        ).all()
        assert events.count("payment.paid") == 1 and "payment.refund_due" in events
        assert db.session.get(Claim, claim_id).leges == Decimal("300.00")


def test_the_claim_lock_lets_the_audit_chain_reference_the_claim(committed):
    """Deciding holds the claim's row lock, then waits for the audit chain's lock. Whoever holds
    the chain's lock meanwhile appends an event that references the claim (a foreign key check,
    FOR KEY SHARE): the claim lock must not block that, or the two deadlock (the soak found it:
    a letter job and an approval)."""
    with committed.app_context():
        users = drenthe_people("a")
        claim_id = assessed_claim(db.session, users["farmer"], users["a"], users["assessor"]).id
        db.session.commit()
        workflow.lock(db.session.get(Claim, claim_id))  # held until this session ends
        with db.engine.connect() as other:
            other.execute(text("SET lock_timeout = '2s'"))
            found = other.execute(
                text("SELECT id FROM claims WHERE id = :id FOR KEY SHARE"), {"id": claim_id}
            ).scalar()
            other.rollback()
        db.session.rollback()
    assert found == claim_id
