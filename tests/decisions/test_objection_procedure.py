"""The objection procedure (bezwaar, issue 15 part 4): receipt, hearing, one postponement, the
decision on objection with its outcome, and payment of only the difference (or a reclaim)."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from faunaschade import rules
from faunaschade.clock import AMSTERDAM, today
from faunaschade.models import (
    Claim,
    ClaimStatus,
    Decision,
    Letter,
    LetterKind,
    Objection,
    Reclaim,
)
from tests.support.decisions import decided_by_api, pay_a_batch


@pytest.fixture
def people(make_user, api_token):
    users = {
        "farmer": make_user("farmer"),
        "a": make_user("officer", provinces=("DR",), name="Anna A"),
        "b": make_user("officer", provinces=("DR",), name="Bert B"),
        "assessor": make_user("assessor"),
    }
    return users, {name: api_token(user) for name, user in users.items()}


@pytest.fixture
def decided(client, session, people, redis_conn):
    """A claim decided through the API (A proposes, B approves)."""
    users, tokens = people

    def make(**kwargs) -> Claim:
        return decided_by_api(client, session, users, tokens, **kwargs)

    return make


def _decision(session, claim) -> Decision:
    session.expire_all()
    return session.scalar(select(Decision).where(Decision.claim_id == claim.id, Decision.in_force))


def _status(session, claim) -> ClaimStatus:
    session.expire_all()
    return session.get(Claim, claim.id).status


def _object(client, claim, tokens, text="De opbrengstderving is te laag getaxeerd."):
    return client.post(
        f"/api/v1/claims/{claim.id}/objection", json={"text": text}, headers=tokens["farmer"]
    )


def _hearing_today(client, claim, tokens, **body):
    at = datetime.combine(today(), time(0, 30), AMSTERDAM).isoformat()
    return client.post(
        f"/api/v1/claims/{claim.id}/objection/hearing",
        json={"hearing_at": at, **body},
        headers=tokens["a"],
    )


def _queue_row(client, tokens, claim) -> dict:
    rows = client.get("/api/v1/queue?status=objection", headers=tokens["a"]).json["rows"]
    return next(row for row in rows if row["id"] == claim.id)


def test_filing_sends_a_receipt_and_puts_decide_by_in_the_queue(client, session, people, decided):
    _, tokens = people
    claim = decided()
    decision = _decision(session, claim)
    filed = _object(client, claim, tokens)
    assert filed.status_code == 201, filed.json
    expected = rules.next_working_day_from(decision.objection_deadline + timedelta(weeks=6))
    assert filed.json["received_on"] == today().isoformat()
    assert filed.json["objection_period_end"] == decision.objection_deadline.isoformat()
    assert filed.json["decide_by"] == expected.isoformat()
    assert filed.json["late"] is False and filed.json["status"] == "open"
    receipt = session.scalar(select(Letter).where(Letter.kind == LetterKind.OBJECTION_RECEIPT))
    assert receipt is not None and receipt.claim_id == claim.id
    assert receipt.subject_key.endswith(f"objection-{filed.json['id']}")
    row = _queue_row(client, tokens, claim)
    deadline = next(d for d in row["deadlines"] if d["code"] == "objection_decision")
    assert deadline["due"] == expected.isoformat() and deadline["state"] == "ok"
    # The queue sorts on the stored next due date: the objection's decide_by.
    session.expire_all()
    assert session.get(Claim, claim.id).next_due_at == expected


def test_receipt_letter_is_rendered_with_the_terms(
    client, session, people, decided, run_worker, pdf_text
):
    _, tokens = people
    claim = decided()
    filed = _object(client, claim, tokens).json
    run_worker()
    session.expire_all()
    letter = session.scalar(select(Letter).where(Letter.kind == LetterKind.OBJECTION_RECEIPT))
    text = pdf_text(client.get(f"/api/v1/letters/{letter.id}.pdf", headers=tokens["farmer"]).data)
    text = " ".join(text.split())
    assert "Ontvangstbevestiging van uw bezwaar" in text
    decide_by = datetime.fromisoformat(filed["decide_by"]).date()
    assert f"{decide_by.day} " in text and "artikel 7:10" in text


def test_a_hearing_is_scheduled_with_an_invitation_and_its_report_recorded(
    client, session, people, decided, run_worker, pdf_text
):
    _, tokens = people
    claim = decided()
    _object(client, claim, tokens)
    # Hostile and bad input: each field named, nothing stored.
    bad = [
        ({"hearing_at": "morgen", "place": "Assen"}, "hearing_at"),
        ({"hearing_at": "2020-01-01T10:00:00+01:00", "place": "Assen"}, "hearing_at"),
        ({"hearing_at": "2099-01-01T10:00:00+01:00", "place": "Assen"}, "hearing_at"),
        ({"hearing_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()}, "place"),
        (
            {
                "hearing_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
                "video_link": "javascript:alert(1)",
            },
            "video_link",
        ),
        ({"hearing_at": "2026-13-45T99:00", "place": "x" * 301}, "hearing_at"),
    ]
    for body, field in bad:
        refused = client.post(
            f"/api/v1/claims/{claim.id}/objection/hearing", json=body, headers=tokens["a"]
        )
        assert refused.status_code == 422, (body, refused.json)
        assert field in refused.json["error"]["fields"], (body, refused.json)
    assert (
        session.scalar(select(Letter).where(Letter.kind == LetterKind.HEARING_INVITATION)) is None
    )
    # The report waits for a hearing.
    early = client.post(
        f"/api/v1/claims/{claim.id}/objection/hearing-report",
        json={"report": "Gehoord."},
        headers=tokens["a"],
    )
    assert early.status_code == 409

    planned = _hearing_today(
        client, claim, tokens, place="Provinciehuis Assen", video_link="https://meet.example.nl/1"
    )
    assert planned.status_code == 201, planned.json
    assert planned.json["status"] == "hearing_scheduled"
    again = _hearing_today(client, claim, tokens, place="Assen")
    assert again.status_code == 409
    row = _queue_row(client, tokens, claim)
    assert {"hearing", "objection_decision"} <= {d["code"] for d in row["deadlines"]}

    empty = client.post(
        f"/api/v1/claims/{claim.id}/objection/hearing-report",
        json={"report": ""},
        headers=tokens["a"],
    )
    assert empty.status_code == 422 and "report" in empty.json["error"]["fields"]
    reported = client.post(
        f"/api/v1/claims/{claim.id}/objection/hearing-report",
        json={"report": "Aanvrager licht toe dat de opbrengst hoger lag."},
        headers=tokens["a"],
    )
    assert reported.status_code == 200, reported.json
    assert reported.json["status"] == "heard"
    assert reported.json["hearing_report"].startswith("Aanvrager licht toe")

    run_worker()
    session.expire_all()
    letter = session.scalar(select(Letter).where(Letter.kind == LetterKind.HEARING_INVITATION))
    text = pdf_text(client.get(f"/api/v1/letters/{letter.id}.pdf", headers=tokens["farmer"]).data)
    assert "Provinciehuis Assen" in text and "https://meet.example.nl/1" in text


def test_the_decision_on_objection_is_postponed_once(client, session, people, decided):
    _, tokens = people
    claim = decided()
    filed = _object(client, claim, tokens).json
    url = f"/api/v1/claims/{claim.id}/objection/extension"
    missing = client.post(url, json={"reason": ""}, headers=tokens["a"])
    assert missing.status_code == 422 and "reason" in missing.json["error"]["fields"]
    farmer = client.post(url, json={"reason": "Ik wil meer tijd."}, headers=tokens["farmer"])
    assert farmer.status_code == 403
    first = client.post(
        url, json={"reason": "Advies van een tweede taxateur."}, headers=tokens["a"]
    )
    assert first.status_code == 200, first.json
    decide_by = datetime.fromisoformat(filed["decide_by"]).date()
    extended = rules.next_working_day_from(decide_by + timedelta(weeks=6))
    assert first.json["extended_until"] == extended.isoformat()
    second = client.post(url, json={"reason": "Nog meer tijd."}, headers=tokens["a"])
    assert second.status_code == 409
    assert second.json["error"]["code"] == "already_extended"
    letters = session.scalars(
        select(Letter).where(Letter.kind == LetterKind.OBJECTION_EXTENSION)
    ).all()
    assert len(letters) == 1
    row = _queue_row(client, tokens, claim)
    deadline = next(d for d in row["deadlines"] if d["code"] == "objection_decision")
    assert deadline["due"] == extended.isoformat()
    session.expire_all()
    assert session.get(Claim, claim.id).next_due_at == extended


def test_a_late_objection_is_declared_niet_ontvankelijk_with_four_eyes(
    client, session, people, decided, run_worker, pdf_text
):
    _, tokens = people
    claim = decided()
    decision = _decision(session, claim)
    decision.objection_deadline = today() - timedelta(days=3)
    session.flush()
    filed = _object(client, claim, tokens)
    assert filed.status_code == 201 and filed.json["late"] is True
    proposal_url = f"/api/v1/claims/{claim.id}/proposal"
    # Niet-ontvankelijk keeps the amounts: a correction is refused by name.
    refused = client.post(
        proposal_url,
        json={
            "objection_outcome": "niet_ontvankelijk",
            "motivation": "Te laat.",
            "corrections": [
                {"species": "wild_zwijn", "area_type": "regular", "assessed_damage": "9000"}
            ],
        },
        headers=tokens["a"],
    )
    assert refused.status_code == 422 and "corrections" in refused.json["error"]["fields"]
    unknown = client.post(
        proposal_url, json={"objection_outcome": "half", "motivation": "x"}, headers=tokens["a"]
    )
    assert unknown.status_code == 422 and "objection_outcome" in unknown.json["error"]["fields"]
    no_motivation = client.post(
        proposal_url, json={"objection_outcome": "niet_ontvankelijk"}, headers=tokens["a"]
    )
    assert no_motivation.status_code == 422
    assert "motivation" in no_motivation.json["error"]["fields"]
    proposed = client.post(
        proposal_url,
        json={"objection_outcome": "niet_ontvankelijk", "motivation": "Buiten de termijn."},
        headers=tokens["a"],
    )
    assert proposed.status_code == 201, proposed.json
    own = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["a"])
    assert own.status_code == 403 and own.json["error"]["code"] == "four_eyes"
    approved = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    assert approved.status_code == 200, approved.json
    new = _decision(session, claim)
    assert new.version == 2 and new.payout == decision.payout
    objection = session.get(Objection, filed.json["id"])
    assert objection.outcome.value == "niet_ontvankelijk" and objection.status.value == "decided"
    run_worker()
    session.expire_all()
    letter = session.scalar(select(Letter).where(Letter.kind == LetterKind.OBJECTION_DECISION))
    text = pdf_text(client.get(f"/api/v1/letters/{letter.id}.pdf", headers=tokens["farmer"]).data)
    assert "niet-ontvankelijk" in " ".join(text.split())
    # Against a decision on objection: appeal to the court, no new objection.
    again = _object(client, claim, tokens)
    assert again.status_code == 409 and again.json["error"]["code"] == "objection_decided"


def test_paid_claim_heard_and_decided_deels_gegrond_pays_exactly_the_difference(
    client, session, people, decided, run_worker, pdf_text
):
    _, tokens = people
    claim = decided()
    first = _decision(session, claim)
    pay_a_batch(client, tokens)
    assert _status(session, claim) == ClaimStatus.PAID
    # Paid, yet within the objection period (6 weeks from the decision date).
    filed = _object(client, claim, tokens)
    assert filed.status_code == 201, filed.json
    assert _hearing_today(client, claim, tokens, place="Assen").status_code == 201
    # A proposal while the hearing's report is missing is refused.
    body = {
        "objection_outcome": "deels_gegrond",
        "motivation": "De opbrengst lag hoger dan getaxeerd; de korting blijft.",
        "corrections": [
            {"species": "wild_zwijn", "area_type": "regular", "assessed_damage": "4200.00"}
        ],
    }
    early = client.post(f"/api/v1/claims/{claim.id}/proposal", json=body, headers=tokens["a"])
    assert early.status_code == 409
    client.post(
        f"/api/v1/claims/{claim.id}/objection/hearing-report",
        json={"report": "Gehoord; facturen overgelegd."},
        headers=tokens["a"],
    )
    wrong = client.post(
        f"/api/v1/claims/{claim.id}/proposal",
        json={
            **body,
            "corrections": [{"species": "das", "area_type": "regular", "assessed_damage": "1"}],
        },
        headers=tokens["a"],
    )
    assert wrong.status_code == 422 and "corrections" in wrong.json["error"]["fields"]
    hostile = client.post(
        f"/api/v1/claims/{claim.id}/proposal",
        json={
            **body,
            "corrections": [
                {"species": "wild_zwijn", "area_type": "regular", "assessed_damage": "NaN"}
            ],
        },
        headers=tokens["a"],
    )
    assert hostile.status_code == 422
    proposed = client.post(f"/api/v1/claims/{claim.id}/proposal", json=body, headers=tokens["a"])
    assert proposed.status_code == 201, proposed.json
    assert Decimal(proposed.json["calculation"]["assessed_damage"]) == Decimal("4200.00")
    approved = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    assert approved.status_code == 200, approved.json
    second = _decision(session, claim)
    assert second.supersedes_id == first.id and second.payout > first.payout
    assert _status(session, claim) == ClaimStatus.DECIDED

    batch, transfers = pay_a_batch(client, tokens)
    difference = second.payout - first.payout
    # Exactly the difference, traced to the new decision; the leges were refunded already.
    assert transfers == {f"FS-B{batch['id']}-D{second.id}-UIT": f"{difference:.2f}"}
    assert Decimal(batch["total"]) == difference
    assert _status(session, claim) == ClaimStatus.PAID
    # Nothing is paid a third time.
    again = client.post("/api/v1/payment-batches", json={"province": "DR"}, headers=tokens["a"])
    assert again.status_code == 409

    run_worker()
    session.expire_all()
    letter = session.scalar(select(Letter).where(Letter.kind == LetterKind.OBJECTION_DECISION))
    text = " ".join(
        pdf_text(
            client.get(f"/api/v1/letters/{letter.id}.pdf", headers=tokens["farmer"]).data
        ).split()
    )
    assert "gedeeltelijk gegrond" in text
    amount = f"{difference:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert f"Wij betalen u het verschil: € {amount}" in text


def test_an_ongegrond_objection_on_a_paid_claim_pays_nothing(client, session, people, decided):
    _, tokens = people
    claim = decided()
    first = _decision(session, claim)
    pay_a_batch(client, tokens)
    _object(client, claim, tokens)
    proposed = client.post(
        f"/api/v1/claims/{claim.id}/proposal",
        json={"objection_outcome": "ongegrond", "motivation": "De taxatie is juist."},
        headers=tokens["a"],
    )
    assert proposed.status_code == 201, proposed.json
    assert (
        client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"]).status_code
        == 200
    )
    second = _decision(session, claim)
    assert second.version == 2 and second.payout == first.payout
    # Nothing more due: the claim is paid as it stands, and no batch finds anything.
    assert _status(session, claim) == ClaimStatus.PAID
    built = client.post("/api/v1/payment-batches", json={"province": "DR"}, headers=tokens["a"])
    assert built.status_code == 409
    assert session.scalars(select(Reclaim)).all() == []


def test_a_lower_amount_on_objection_records_a_reclaim(client, session, people, decided):
    _, tokens = people
    claim = decided()
    first = _decision(session, claim)
    pay_a_batch(client, tokens)
    _object(client, claim, tokens)
    proposed = client.post(
        f"/api/v1/claims/{claim.id}/proposal",
        json={
            "objection_outcome": "deels_gegrond",
            "motivation": "Herberekening na hoorzitting: een deel van de schade was al vergoed.",
            "corrections": [
                {"species": "wild_zwijn", "area_type": "regular", "assessed_damage": "2000.00"}
            ],
        },
        headers=tokens["a"],
    )
    assert proposed.status_code == 201, proposed.json
    client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens["b"])
    second = _decision(session, claim)
    assert second.payout < first.payout
    reclaims = session.scalars(select(Reclaim).where(Reclaim.claim_id == claim.id)).all()
    assert [(r.kind.value, r.amount, r.status.value, r.decision_id) for r in reclaims] == [
        ("payout", first.payout - second.payout, "open", second.id)
    ]
    assert _status(session, claim) == ClaimStatus.PAID
    assert (
        client.post(
            "/api/v1/payment-batches", json={"province": "DR"}, headers=tokens["a"]
        ).status_code
        == 409
    )
