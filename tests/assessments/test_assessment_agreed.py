"""Akkoord met de taxatie (issue 14): the farmer agrees, the zienswijze window closes at once,
the officer may propose the decision, and the decision letter says the farmer agreed."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from faunaschade.clock import today
from faunaschade.models import AuditEvent, Zienswijze
from faunaschade.money import dutch_date
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.decisions import assessed_claim


@pytest.fixture
def people(make_user, api_token):
    users = {
        "farmer": make_user("farmer"),
        "other_farmer": make_user("farmer"),
        "a": make_user("officer", provinces=("DR",)),
        "b": make_user("officer", provinces=("DR",)),
        "assessor": make_user("assessor"),
    }
    return users, {name: api_token(user) for name, user in users.items()}


@pytest.fixture
def claim(session, people):
    """An assessed claim whose zienswijze window runs for five more days."""
    users, _ = people
    claim = assessed_claim(session, users["farmer"], users["a"], users["assessor"])
    claim.zienswijze_deadline = today() + timedelta(days=5)
    session.flush()
    return claim


def _accept(client, claim, headers):
    return client.post(f"/api/v1/claims/{claim.id}/accept-assessment", headers=headers)


def test_the_officer_cannot_propose_while_the_window_runs_until_the_farmer_agrees(
    client, session, people, claim
):
    _, tokens = people
    waiting = client.post(f"/api/v1/claims/{claim.id}/proposal", json={}, headers=tokens["a"])
    assert waiting.status_code == 409 and "zienswijze" in waiting.json["error"]["message"]

    agreed = _accept(client, claim, tokens["farmer"])
    assert agreed.status_code == 201, agreed.json
    assert agreed.json["agreed"] is True and agreed.json["text"] == ""

    proposal = client.post(f"/api/v1/claims/{claim.id}/proposal", json={}, headers=tokens["a"])
    assert proposal.status_code == 201, proposal.json
    events = session.scalars(
        select(AuditEvent.action).where(AuditEvent.claim_id == claim.id).order_by(AuditEvent.id)
    ).all()
    assert "zienswijze.agreed" in events
    assert events.index("zienswijze.agreed") < events.index("proposal.created")


def test_once_agreed_no_second_answer_and_no_zienswijze(client, session, people, claim):
    _, tokens = people
    assert _accept(client, claim, tokens["farmer"]).status_code == 201
    again = _accept(client, claim, tokens["farmer"])
    assert again.status_code == 409 and "al laten weten" in again.json["error"]["message"]
    text = client.post(
        f"/api/v1/claims/{claim.id}/zienswijze",
        json={"text": "Toch niet eens."},
        headers=tokens["farmer"],
    )
    assert text.status_code == 409
    assert session.scalars(select(Zienswijze)).all()[0].agreed is True
    assert len(session.scalars(select(Zienswijze)).all()) == 1


def test_agreeing_after_the_window_closed_is_refused_naming_the_date(
    client, session, people, claim
):
    _, tokens = people
    claim.zienswijze_deadline = today() - timedelta(days=1)
    session.flush()
    closed = _accept(client, claim, tokens["farmer"])
    assert closed.status_code == 409
    assert closed.json["error"]["code"] == "zienswijze_closed"
    assert dutch_date(claim.zienswijze_deadline) in closed.json["error"]["message"]


def test_only_the_claims_own_farmer_may_agree(client, people, claim):
    _, tokens = people
    assert _accept(client, claim, tokens["other_farmer"]).status_code == 404
    assert _accept(client, claim, tokens["a"]).status_code == 403


def _web(app, user):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    login = {"email": user.email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    return client


def test_the_claim_page_offers_akkoord_and_then_says_it_was_given(app, people, claim):
    users, _ = people
    farmer = _web(app, users["farmer"])
    page = farmer.get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    assert "Akkoord met de taxatie" in page
    token = csrf_token_from(page)
    answer = farmer.post(f"/aanvragen/{claim.id}/akkoord-taxatie", data={"csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("#zienswijze")
    page = farmer.get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    assert "U bent akkoord met de taxatie" in page  # the flash
    assert "U bent akkoord gegaan met de taxatie op" in page
    assert "Akkoord gegeven met de taxatie" in page  # the timeline
    assert f'action="/aanvragen/{claim.id}/akkoord-taxatie"' not in page

    officer = _web(app, users["a"]).get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    assert "De aanvrager is akkoord gegaan met de taxatie" in officer
    queue = _web(app, users["a"]).get("/behandeling").get_data(as_text=True)
    assert "akkoord met de taxatie" in queue


def test_the_queue_api_says_the_farmer_agreed(client, people, claim):
    _, tokens = people
    before = client.get("/api/v1/queue", headers=tokens["a"]).json["rows"][0]
    assert before["zienswijze"] is None
    assert [d["state"] for d in before["deadlines"] if d["code"] == "zienswijze"] == ["ok"]
    _accept(client, claim, tokens["farmer"])
    after = client.get("/api/v1/queue", headers=tokens["a"]).json["rows"][0]
    assert after["zienswijze"] == "agreed"
    zienswijze = next(d for d in after["deadlines"] if d["code"] == "zienswijze")
    assert (zienswijze["state"], zienswijze["text"]) == ("closed", "akkoord met de taxatie")


def test_the_decision_letter_says_the_farmer_agreed(
    client, people, claim, redis_conn, run_worker, smtp_server, pdf_text
):
    _, tokens = people
    assert _accept(client, claim, tokens["farmer"]).status_code == 201
    assert (
        client.post(f"/api/v1/claims/{claim.id}/proposal", json={}, headers=tokens["a"]).status_code
        == 201
    )
    approved = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    assert approved.status_code == 200, approved.json
    run_worker()
    letters = client.get(f"/api/v1/claims/{claim.id}/letters", headers=tokens["farmer"]).json
    letter = next(letter for letter in letters if letter["kind"] == "decision")
    text = " ".join(
        pdf_text(
            client.get(f"/api/v1/letters/{letter['id']}.pdf", headers=tokens["farmer"]).data
        ).split()
    )
    assert f"Op {dutch_date(today())} heeft u laten weten dat u akkoord bent met de taxatie" in text


def test_a_decision_letter_without_agreement_does_not_say_so(
    client, session, people, claim, redis_conn, run_worker, smtp_server, pdf_text
):
    _, tokens = people
    claim.zienswijze_deadline = today() - timedelta(days=1)  # the window simply closed
    session.flush()
    client.post(f"/api/v1/claims/{claim.id}/proposal", json={}, headers=tokens["a"])
    client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    run_worker()
    letters = client.get(f"/api/v1/claims/{claim.id}/letters", headers=tokens["farmer"]).json
    letter = next(letter for letter in letters if letter["kind"] == "decision")
    text = pdf_text(
        client.get(f"/api/v1/letters/{letter['id']}.pdf", headers=tokens["farmer"]).data
    )
    assert "akkoord" not in text
