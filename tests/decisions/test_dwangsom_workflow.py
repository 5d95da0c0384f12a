"""Late decisions (issue 15, part 3): notice of default, the dwangsom in the queue, the penalty
decision with its letter, and its own transfer in a pain.001 batch."""

import xml.etree.ElementTree as etree
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from faunaschade.claims import completion
from faunaschade.claims.decision_term import term_ends_on
from faunaschade.clock import today
from faunaschade.decisions import penalties
from faunaschade.decisions.delays import send_delay_notice
from faunaschade.models import (
    AuditEvent,
    ClaimStatus,
    DefaultNotice,
    JobRecord,
    Letter,
    LetterKind,
    PenaltyDecision,
)
from faunaschade.money import dutch_date
from tests.support.app import csrf_token_from, web_client
from tests.support.decisions import assessed_claim

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture
def people(make_user, api_token):
    users = {
        "farmer": make_user("farmer"),
        "farmer2": make_user("farmer"),
        "a": make_user("officer", provinces=("DR",), name="Anna A"),
        "b": make_user("officer", provinces=("DR",), name="Bert B"),
        "assessor": make_user("assessor"),
    }
    return users, {name: api_token(user) for name, user in users.items()}


@pytest.fixture
def late_claim(session, people):
    """An assessed claim whose decision term ended on `term_end`."""
    users, _ = people

    def make(term_end: date, farmer: str = "farmer", **options):
        claim = assessed_claim(session, users[farmer], users["a"], users["assessor"], **options)
        claim.backstop_deadline = term_end
        session.flush()
        return claim

    return make


def _on(monkeypatch, day: date) -> None:
    """The service receives the notice on `day`."""
    monkeypatch.setattr(penalties, "today", lambda: day)


def _notice(client, tokens, claim, who="farmer"):
    return client.post(f"/api/v1/claims/{claim.id}/default-notice", json={}, headers=tokens[who])


def _decide(client, tokens, claim, body=None):
    proposed = client.post(
        f"/api/v1/claims/{claim.id}/proposal",
        json=body or {"motivation": "Conform taxatie."},
        headers=tokens["a"],
    )
    assert proposed.status_code == 201, proposed.json
    approved = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    assert approved.status_code == 200, approved.json
    return approved.json["decision"]


def test_a_notice_before_the_term_has_passed_is_premature_and_gives_no_penalty(
    client, session, people, late_claim, monkeypatch
):
    _, tokens = people
    claim = late_claim(today() + timedelta(days=5))
    answer = _notice(client, tokens, claim)
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert (body["premature"], body["first_penalty_day"]) == (True, None)
    assert body["term_ends_on"] == (today() + timedelta(days=5)).isoformat()
    assert "voorbarig" in body["message"] and "geen recht op een dwangsom" in body["message"]
    session.expire_all()
    assert claim.penalty_from is None
    # A premature notice does not block a real one after the term.
    _on(monkeypatch, today() + timedelta(days=6))
    second = _notice(client, tokens, claim)
    assert second.status_code == 201 and second.json["premature"] is False
    assert second.json["first_penalty_day"] == (today() + timedelta(days=21)).isoformat()
    # The decision then taken makes no penalty decision for the premature notice, and one
    # (of € 0, decided before F) for the effective one.
    _decide(client, tokens, claim)
    made = session.scalars(select(PenaltyDecision).where(PenaltyDecision.claim_id == claim.id))
    assert [(m.notice_id, m.days, m.amount) for m in made] == [(second.json["id"], 0, 0)]


def test_a_second_effective_notice_is_refused_naming_the_first(client, people, late_claim):
    _, tokens = people
    claim = late_claim(today() - timedelta(days=1))
    first = _notice(client, tokens, claim)
    assert first.status_code == 201 and first.json["premature"] is False
    again = _notice(client, tokens, claim)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "default_notice_exists"
    assert f"ingebrekestelling {first.json['id']}" in again.json["error"]["message"]


def test_only_the_farmer_of_an_undecided_claim_and_no_fields(client, session, people, late_claim):
    _, tokens = people
    claim = late_claim(today() - timedelta(days=1))
    assert _notice(client, tokens, claim, "farmer2").status_code == 404
    assert _notice(client, tokens, claim, "a").status_code == 403
    hostile = client.post(
        f"/api/v1/claims/{claim.id}/default-notice",
        json={"received_on": "2020-01-01"},
        headers=tokens["farmer"],
    )
    assert hostile.status_code == 422
    assert "received_on" in hostile.json["error"]["fields"]
    not_object = client.post(
        f"/api/v1/claims/{claim.id}/default-notice", json=[1], headers=tokens["farmer"]
    )
    assert not_object.status_code == 422
    claim.backstop_deadline = None  # an old claim without a recorded term: refused, no 500
    session.flush()
    refused = _notice(client, tokens, claim)
    assert refused.status_code == 409, refused.json
    assert refused.json["error"]["code"] == "no_decision_term"
    claim.backstop_deadline = today() - timedelta(days=1)
    session.flush()
    _decide(client, tokens, claim)
    decided = _notice(client, tokens, claim)
    assert decided.status_code == 409 and decided.json["error"]["code"] == "not_awaiting_decision"


def test_the_term_extended_by_a_delay_notice(client, session, people, late_claim, monkeypatch):
    users, tokens = people
    claim = late_claim(today() + timedelta(days=3))
    announced = today() + timedelta(days=40)
    send_delay_notice(claim, users["a"], announced)
    session.flush()
    assert term_ends_on(claim) == announced
    _on(monkeypatch, today() + timedelta(days=10))  # after the backstop, before the new date
    assert _notice(client, tokens, claim).json["premature"] is True
    _on(monkeypatch, announced)  # its last day is still in time
    assert _notice(client, tokens, claim).json["premature"] is True
    _on(monkeypatch, announced + timedelta(days=1))
    late = _notice(client, tokens, claim).json
    assert (late["premature"], late["term_ends_on"]) == (False, announced.isoformat())
    assert late["first_penalty_day"] == (announced + timedelta(days=16)).isoformat()


def test_the_term_suspended_by_a_completion_request(
    client, session, people, late_claim, monkeypatch
):
    users, tokens = people
    backstop = today() + timedelta(days=3)
    claim = late_claim(backstop)
    claim.status = ClaimStatus.SUBMITTED  # before the assessment, where completion is asked
    session.flush()
    completion.request_completion(claim, users["a"], "Stuur foto's van het perceel.", 10)
    session.flush()
    # While the claim is incomplete the term stands still: the day after the original backstop
    # is still within it.
    _on(monkeypatch, backstop + timedelta(days=1))
    assert term_ends_on(claim, backstop + timedelta(days=1)) == backstop + timedelta(days=4)
    assert _notice(client, tokens, claim).json["premature"] is True
    # Completed 5 days after the request: the backstop moved on by those days.
    monkeypatch.setattr(completion, "today", lambda: today() + timedelta(days=5))
    completion.complete_claim(claim, users["farmer"], "Foto's toegevoegd.")
    session.flush()
    assert claim.backstop_deadline == backstop + timedelta(days=5)
    assert _notice(client, tokens, claim).json["premature"] is True
    _on(monkeypatch, backstop + timedelta(days=6))
    assert _notice(client, tokens, claim).json["premature"] is False


def test_the_notice_heads_the_queue_with_its_first_penalty_day(
    client, session, people, late_claim, monkeypatch
):
    _, tokens = people
    urgent = late_claim(today() + timedelta(days=20))
    urgent.decision_target = today() - timedelta(days=30)  # the most overdue deadline
    noticed = late_claim(today() - timedelta(days=2), farmer="farmer2")
    noticed.decision_target = today() + timedelta(days=30)
    session.flush()
    assert _notice(client, tokens, noticed, "farmer2").status_code == 201
    first_day = today() + timedelta(days=15)
    rows = client.get("/api/v1/queue", headers=tokens["a"]).json["rows"]
    assert [row["id"] for row in rows][:2] == [noticed.id, urgent.id]
    assert rows[0]["penalty_from"] == first_day.isoformat()
    assert rows[0]["penalty_text"].startswith("Ingebreke gesteld — dwangsom loopt vanaf ")
    assert rows[1]["penalty_from"] is None
    # Once decided the claim leaves the head of the queue.
    _decide(client, tokens, noticed)
    session.expire_all()
    assert noticed.penalty_from is None


#: Decision dated F + offset → penalty days and amount (€ 23 × 14, € 35 × 14, € 45 × 14).
CASES = [
    (0, 0, "0.00"),
    (13, 13, "299.00"),
    (14, 14, "322.00"),
    (27, 27, "777.00"),
    (28, 28, "812.00"),
    (45, 42, "1442.00"),
]


@pytest.mark.parametrize(("offset", "days", "amount"), CASES)
def test_the_penalty_decision_counts_the_days_up_to_the_day_before_the_decision(
    client, session, people, late_claim, monkeypatch, offset, days, amount
):
    users, tokens = people
    received = today() - timedelta(days=15 + offset)  # the decision (today) is dated F + offset
    claim = late_claim(received - timedelta(days=3))
    _on(monkeypatch, received)
    notice = _notice(client, tokens, claim).json
    assert notice["first_penalty_day"] == (today() - timedelta(days=offset)).isoformat()
    decision = _decide(client, tokens, claim)
    made = session.scalar(select(PenaltyDecision).where(PenaltyDecision.claim_id == claim.id))
    assert (made.days, made.amount) == (days, Decimal(amount))
    assert made.kenmerk == f"{claim.reference}-D1" and made.decided_on == today()
    assert (made.prepared_by, made.approved_by) == (users["a"].id, users["b"].id)
    assert made.decision_id == decision["id"]
    periods = [(s["days"], s["per_day"]) for s in made.steps if "per_day" in s]
    assert sum(d for d, _ in periods) == days
    assert sum(Decimal(p) * d for d, p in periods) == Decimal(amount)
    event = session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "penalty_decision.taken", AuditEvent.claim_id == claim.id
        )
    )
    assert event.data["amount"] == amount and event.data["days"] == days
    letter = session.scalar(
        select(Letter).where(
            Letter.claim_id == claim.id, Letter.kind == LetterKind.PENALTY_DECISION
        )
    )
    assert letter is not None
    assert session.scalar(
        select(JobRecord.id).where(JobRecord.id.like(f"mail-penalty_decision-claim-{claim.id}-%"))
    )


def test_the_penalty_letter_and_its_own_transfer_in_the_pain001(
    client, session, people, late_claim, monkeypatch, redis_conn, run_worker, pdf_text, smtp_server
):
    _, tokens = people
    received = today() - timedelta(days=15 + 20)  # 20 penalty days: 14 × 23 + 6 × 35 = 532
    granted = late_claim(received - timedelta(days=1))
    rejected = late_claim(received - timedelta(days=1), farmer="farmer2", measures=())
    _on(monkeypatch, received)
    for claim, who in ((granted, "farmer"), (rejected, "farmer2")):
        assert _notice(client, tokens, claim, who).json["premature"] is False
    _decide(client, tokens, granted)
    _decide(client, tokens, rejected, {"reject": True, "reasons": ["insufficient_prevention"]})
    session.commit()
    run_worker()
    session.expire_all()

    letter = session.scalar(
        select(Letter).where(
            Letter.claim_id == granted.id, Letter.kind == LetterKind.PENALTY_DECISION
        )
    )
    assert letter.status.value == "ready", letter.error
    pdf = client.get(f"/api/v1/letters/{letter.id}.pdf", headers=tokens["farmer"])
    text = " ".join(pdf_text(pdf.data).split())
    assert f"{granted.reference}-D1" in text
    assert "Wij zijn u een dwangsom van € 532,00 verschuldigd over 20 dagen" in text
    assert "14 dagen × € 23,00" in text and "6 dagen × € 35,00" in text
    assert "artikel 4:17" in text and "artikel 4:18" in text
    assert "bezwaar maken bij Gedeputeerde Staten van Drenthe" in text
    mails = [m for m in smtp_server.messages if m["Subject"].startswith("Dwangsom bij aanvraag")]
    assert len(mails) == 2
    body = " ".join(
        next(m for m in mails if granted.reference in m["Subject"]).get_content().split()
    )
    assert "De dwangsom is € 532,00 over 20 dagen." in body

    built = client.post("/api/v1/payment-batches", json={"province": "DR"}, headers=tokens["a"])
    assert built.status_code == 201, built.json
    batch = built.json
    items = {(i["claim_id"], i["kind"]): i for i in batch["items"]}
    assert set(items) == {
        (granted.id, "payout"),
        (granted.id, "leges_refund"),
        (granted.id, "dwangsom"),
        (rejected.id, "dwangsom"),  # rejected without a leges refund: the dwangsom alone
    }
    dwangsom = items[(granted.id, "dwangsom")]
    assert dwangsom["amount"] == "532.00" and dwangsom["kenmerk"] == f"{granted.reference}-D1"
    assert dwangsom["end_to_end_id"] == f"FS-B{batch['id']}-D{dwangsom['decision_id']}-DWS"
    assert f"beschikking {granted.reference}-D1" in dwangsom["remittance"]
    detail = client.get(f"/api/v1/payment-batches/{batch['id']}", headers=tokens["b"]).json
    assert detail["total"] == batch["total"] == "4314.00"  # 2950 + 300 + 532 and 532

    assert (
        client.post(
            f"/api/v1/payment-batches/{batch['id']}/approve", headers=tokens["b"]
        ).status_code
        == 200
    )
    exported = client.get(f"/api/v1/payment-batches/{batch['id']}/pain001.xml", headers=tokens["a"])
    assert exported.status_code == 200, exported.json
    root = etree.fromstring(exported.data)
    transfers = {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS): (
            tx.findtext("p:Amt/p:InstdAmt", namespaces=NS),
            tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS),
        )
        for tx in root.iterfind(".//p:CdtTrfTxInf", namespaces=NS)
    }
    assert len(transfers) == 4
    assert transfers[dwangsom["end_to_end_id"]][0] == "532.00"
    assert f"{granted.reference}-D1" in transfers[dwangsom["end_to_end_id"]][1]
    payout = items[(granted.id, "payout")]
    assert transfers[payout["end_to_end_id"]][0] == "2950.00"
    assert (
        payout["end_to_end_id"].endswith("-UIT")
        and f"{granted.reference}-B1" in (transfers[payout["end_to_end_id"]][1])
    )
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "4314.00"

    paid = client.post(f"/api/v1/payment-batches/{batch['id']}/paid", headers=tokens["a"])
    assert paid.status_code == 200, paid.json
    session.expire_all()
    assert session.get(type(granted), rejected.id).status == ClaimStatus.PAID
    # Paid once: nothing left to pay for either claim.
    again = client.post("/api/v1/payment-batches", json={"province": "DR"}, headers=tokens["a"])
    assert again.status_code == 409


def test_the_claim_pages_show_the_notice_and_the_running_penalty(
    app, session, people, late_claim, monkeypatch
):
    users, _ = people
    claim = late_claim(today() - timedelta(days=1))
    waiting = late_claim(today() + timedelta(days=4), farmer="farmer2")
    farmer = web_client(app, users["farmer"])
    page = farmer.get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    assert "Ingebrekestelling sturen" in page
    other = web_client(app, users["farmer2"]).get(f"/aanvragen/{waiting.id}")
    text = " ".join(other.get_data(as_text=True).split())
    assert "Ingebrekestelling sturen" not in text
    possible = today() + timedelta(days=5)
    assert f"vanaf {dutch_date(possible)} in gebreke stellen" in text

    sent = farmer.post(
        f"/aanvragen/{claim.id}/ingebrekestelling", data={"csrf_token": csrf_token_from(page)}
    )
    assert sent.status_code == 302
    shown = " ".join(farmer.get(sent.location).get_data(as_text=True).split())
    first = today() + timedelta(days=15)
    assert f"vanaf {dutch_date(first)} een dwangsom verschuldigd" in shown  # the flash
    assert "Ingebrekestelling sturen" not in shown
    notice = session.scalar(select(DefaultNotice).where(DefaultNotice.claim_id == claim.id))
    assert (notice.premature, notice.first_penalty_day) == (False, first)

    _on(monkeypatch, first + timedelta(days=2))
    officer = web_client(app, users["a"]).get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    officer = " ".join(officer.split())
    assert f"Ingebreke gesteld — dwangsom loopt vanaf {dutch_date(first)}" in officer
    assert "Tot en met vandaag 3 dagen: € 69,00." in officer
