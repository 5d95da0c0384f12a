"""Four eyes: officer A proposes, officer B approves; the decision letter is a real PDF."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from faunaschade.clock import today
from faunaschade.models import ClaimStatus, Decision, Letter, Proposal
from faunaschade.money import dutch_date
from faunaschade.rules import objection_deadline
from tests.support.decisions import assessed_claim


@pytest.fixture
def people(make_user, api_token):
    users = {
        "farmer": make_user("farmer"),
        "a": make_user("officer", provinces=("DR", "GR")),
        "b": make_user("officer", provinces=("DR",)),
        "other": make_user("officer", provinces=("NH",)),
        "auditor": make_user("auditor", provinces=("DR",)),
        "assessor": make_user("assessor"),
    }
    tokens = {name: api_token(user) for name, user in users.items()}
    return users, tokens


@pytest.fixture
def claim(session, people):
    users, _ = people
    return assessed_claim(session, users["farmer"], users["a"], users["assessor"])


def test_propose_approve_and_the_letter(
    client, session, people, claim, redis_conn, run_worker, smtp_server, pdf_text
):
    _, tokens = people
    proposal = client.post(
        f"/api/v1/claims/{claim.id}/proposal",
        json={"motivation": "Schade vastgesteld door de taxateur."},
        headers=tokens["a"],
    )
    assert proposal.status_code == 201, proposal.json
    body = proposal.json
    assert (body["outcome"], body["calculation"]["payout"]) == ("granted", "2950.00")
    assert body["rule_set_version"].startswith("DR-")
    assert [s["code"] for s in body["calculation"]["steps"]][:2] == ["deadline", "component"]
    assert (
        client.get(f"/api/v1/claims/{claim.id}", headers=tokens["a"]).json["status"] == "proposed"
    )

    approved = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    assert approved.status_code == 200, approved.json
    decision = approved.json["decision"]
    assert decision["outcome"] == "granted" and decision["payout"] == "2950.00"
    assert decision["kenmerk"] == f"{claim.reference}-B1"
    assert decision["objection_deadline"] == objection_deadline(today()).isoformat()

    run_worker()
    letters = client.get(f"/api/v1/claims/{claim.id}/letters", headers=tokens["farmer"]).json
    decision_letter = next(letter for letter in letters if letter["kind"] == "decision")
    assert decision_letter["status"] == "ready"
    pdf = client.get(f"/api/v1/letters/{decision_letter['id']}.pdf", headers=tokens["farmer"])
    text = pdf_text(pdf.data)
    assert "€ 2.950,00" in text
    assert f"{claim.reference}-B1" in text
    assert "namens Gedeputeerde Staten van Drenthe" in text
    assert f"uiterlijk op {dutch_date(objection_deadline(today()))}" in " ".join(text.split())
    assert "artikel 15.53 van de Omgevingswet" in " ".join(text.split())
    assert "NL91 **** **** **43 00" in text
    assert "Eigen risico" in text


def test_the_preparer_can_never_approve_their_own_proposal(client, people, claim):
    _, tokens = people
    client.post(f"/api/v1/claims/{claim.id}/proposal", json={}, headers=tokens["a"])
    own = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["a"])
    assert own.status_code == 403
    assert own.json["error"]["code"] == "four_eyes"
    assert "eigen voorstel" in own.json["error"]["message"]


def test_outside_scope_and_other_roles_cannot_approve(client, people, claim):
    _, tokens = people
    client.post(f"/api/v1/claims/{claim.id}/proposal", json={}, headers=tokens["a"])
    assert (
        client.post(
            f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["other"]
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["auditor"]
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["farmer"]
        ).status_code
        == 403
    )


def test_send_back_returns_the_claim_and_allows_a_new_proposal(client, session, people, claim):
    _, tokens = people
    client.post(f"/api/v1/claims/{claim.id}/proposal", json={}, headers=tokens["a"])
    refused = client.post(f"/api/v1/claims/{claim.id}/send-back", json={}, headers=tokens["b"])
    assert refused.status_code == 422 and "reason" in refused.json["error"]["fields"]
    back = client.post(
        f"/api/v1/claims/{claim.id}/send-back",
        json={"reason": "Korting ontbreekt"},
        headers=tokens["b"],
    )
    assert back.status_code == 200 and back.json["status"] == "sent_back"
    assert (
        client.get(f"/api/v1/claims/{claim.id}", headers=tokens["a"]).json["status"] == "assessed"
    )
    again = client.post(
        f"/api/v1/claims/{claim.id}/proposal",
        json={"reduction_pct": "10", "motivation": "Late melding door drukte"},
        headers=tokens["a"],
    )
    assert again.status_code == 201
    assert (again.json["outcome"], again.json["calculation"]["reduction"]) == (
        "partially_granted",
        "295.00",
    )


def test_reduction_needs_a_motivation(client, people, claim):
    _, tokens = people
    response = client.post(
        f"/api/v1/claims/{claim.id}/proposal", json={"reduction_pct": "10"}, headers=tokens["a"]
    )
    assert response.status_code == 422 and "motivation" in response.json["error"]["fields"]


def test_zienswijze_window_still_open_blocks_the_proposal(client, session, people, claim):
    _, tokens = people
    claim.zienswijze_deadline = today() + timedelta(days=3)
    session.flush()
    response = client.post(f"/api/v1/claims/{claim.id}/proposal", json={}, headers=tokens["a"])
    assert response.status_code == 409 and "zienswijze" in response.json["error"]["message"]


def test_rejection_without_assessment_from_submitted(client, session, people, claim):
    _, tokens = people
    claim.status = ClaimStatus.SUBMITTED
    claim.discovered_on = today() - timedelta(days=60)
    session.flush()
    session.execute(Proposal.__table__.delete())
    from faunaschade.models import Assessment, AssessmentLine

    session.execute(AssessmentLine.__table__.delete())
    session.execute(Assessment.__table__.delete())
    proposal = client.post(
        f"/api/v1/claims/{claim.id}/proposal",
        json={"reject": True, "motivation": "Ruim na de termijn ingediend."},
        headers=tokens["a"],
    )
    assert proposal.status_code == 201, proposal.json
    assert proposal.json["outcome"] == "rejected"
    assert proposal.json["reasons"] == ["late_submission"]
    decision = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    assert decision.json["decision"]["payout"] == "0.00"
    assert decision.json["decision"]["outcome"] == "rejected"


def test_objection_then_decision_on_objection_supersedes(
    client, session, people, claim, redis_conn, run_worker, smtp_server, pdf_text
):
    _, tokens = people
    client.post(f"/api/v1/claims/{claim.id}/proposal", json={}, headers=tokens["a"])
    client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    objection = client.post(
        f"/api/v1/claims/{claim.id}/objection",
        json={"text": "De prijs per kilo is te laag."},
        headers=tokens["farmer"],
    )
    assert objection.status_code == 201, objection.json
    assert (
        client.get(f"/api/v1/claims/{claim.id}", headers=tokens["a"]).json["status"] == "objection"
    )
    proposal = client.post(
        f"/api/v1/claims/{claim.id}/proposal",
        json={"motivation": "Bezwaar gegrond: nieuwe berekening.", "objection_outcome": "gegrond"},
        headers=tokens["b"],
    )
    assert proposal.status_code == 201, proposal.json
    second = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["a"])
    assert second.status_code == 200, second.json
    assert second.json["decision"]["kenmerk"] == f"{claim.reference}-B2"
    session.expire_all()
    decisions = session.scalars(select(Decision).order_by(Decision.version)).all()
    assert [d.version for d in decisions] == [1, 2]
    assert decisions[0].superseded_at is not None and decisions[1].superseded_at is None
    run_worker()
    kinds = {letter.kind.value for letter in session.scalars(select(Letter))}
    assert {"decision", "objection_decision"} <= kinds
    letter = session.scalar(select(Letter).where(Letter.kind == "objection_decision"))
    text = pdf_text(client.get(f"/api/v1/letters/{letter.id}.pdf", headers=tokens["farmer"]).data)
    assert "beroep" in text and f"{claim.reference}-B1" in text


def test_an_objection_after_the_deadline_is_recorded_as_late(client, session, people, claim):
    # The procedure declares it niet-ontvankelijk by a decision (tests/decisions/
    # test_objection_procedure.py); it is no longer refused at the door.
    _, tokens = people
    client.post(f"/api/v1/claims/{claim.id}/proposal", json={}, headers=tokens["a"])
    client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    decision = session.scalar(select(Decision))
    decision.objection_deadline = today() - timedelta(days=1)
    session.flush()
    late = client.post(
        f"/api/v1/claims/{claim.id}/objection", json={"text": "Te laag"}, headers=tokens["farmer"]
    )
    assert late.status_code == 201, late.json
    assert late.json["late"] is True
    assert late.json["objection_period_end"] == decision.objection_deadline.isoformat()


def test_not_processed_after_the_completion_deadline(client, session, people, claim):
    _, tokens = people
    claim.status = ClaimStatus.INCOMPLETE
    claim.completion_deadline = today() - timedelta(days=1)
    session.flush()
    proposal = client.post(f"/api/v1/claims/{claim.id}/proposal", json={}, headers=tokens["a"])
    assert proposal.status_code == 201 and proposal.json["outcome"] == "not_processed"
    decision = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    assert decision.json["decision"]["outcome"] == "not_processed"
    assert session.scalar(select(func.count()).select_from(Decision)) == 1
    assert decision.json["decision"]["payout"] == Decimal("0.00").to_eng_string()


def test_flask_letters_regenerate_makes_an_audited_new_version(
    app, client, session, people, claim, redis_conn, run_worker, smtp_server
):
    _, tokens = people
    client.post(f"/api/v1/claims/{claim.id}/proposal", json={}, headers=tokens["a"])
    client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    run_worker()
    letter = session.scalar(select(Letter).where(Letter.kind == "decision"))
    result = app.test_cli_runner().invoke(
        args=["letters", "regenerate", str(letter.id), "--reason", "adres gewijzigd"]
    )
    assert result.exit_code == 0, result.output
    assert "version 2" in result.output
    run_worker()
    session.expire_all()
    versions = session.scalars(
        select(Letter).where(Letter.kind == "decision").order_by(Letter.version)
    ).all()
    assert [(v.version, v.status.value) for v in versions] == [(1, "ready"), (2, "ready")]
    assert versions[0].sha256 != versions[1].sha256 or versions[0].file_id != versions[1].file_id
    from faunaschade.models import AuditEvent

    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "letter.regenerated"))
    assert event.reason == "adres gewijzigd"
    missing = app.test_cli_runner().invoke(args=["letters", "regenerate", "999999"])
    assert missing.exit_code == 2


def test_delay_notice_before_the_backstop(
    client, session, people, claim, redis_conn, run_worker, pdf_text
):
    from faunaschade.decisions.delays import needs_delay_notice

    _, tokens = people
    claim.status = ClaimStatus.SUBMITTED
    claim.backstop_deadline = today() + timedelta(days=5)
    session.flush()
    assert needs_delay_notice(claim)
    sent = client.post(
        f"/api/v1/claims/{claim.id}/delay-notice",
        json={"expected_on": (today() + timedelta(days=40)).isoformat()},
        headers=tokens["a"],
    )
    assert sent.status_code == 201, sent.json
    assert sent.json["kind"] == "delay_notice"
    again = client.post(f"/api/v1/claims/{claim.id}/delay-notice", json={}, headers=tokens["a"])
    assert again.status_code == 409
    session.expire_all()
    assert not needs_delay_notice(claim)
    run_worker()
    letter = session.scalar(select(Letter).where(Letter.kind == "delay_notice"))
    text = " ".join(
        pdf_text(
            client.get(f"/api/v1/letters/{letter.id}.pdf", headers=tokens["farmer"]).data
        ).split()
    )
    assert f"uiterlijk op {dutch_date(today() + timedelta(days=40))}" in text
    assert "4:14" in text
