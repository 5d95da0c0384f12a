"""Wolf damage to livestock: report within 24 h (late is flagged), finding, items, decision."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from faunaschade import clock
from faunaschade.models import (
    Assessment,
    AssessmentStatus,
    Claim,
    LivestockItem,
)
from faunaschade.models.base import utcnow
from faunaschade.rules.prices import price_table_for
from tests.support.farmers import register_and_login


def _report(client, farmer, hours_ago: float, **extra):
    body = {
        "province": "GE",
        "discovered_at": (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat(),
        "species": ["wolf"],
        "animals": 3,
        "description": "Drie ooien dood in de wei.",
    }
    body.update(extra)
    return client.post("/api/v1/claims/livestock", json=body, headers=farmer)


@pytest.fixture
def officers(make_user, api_token):
    a, b = make_user("officer", provinces=("GE",)), make_user("officer", provinces=("GE",))
    return api_token(a), api_token(b), a


def test_report_in_time_is_submitted_without_leges(client, session):
    farmer = register_and_login(client)
    response = _report(client, farmer, hours_ago=3)
    assert response.status_code == 201, response.json
    claim = response.json
    assert (claim["kind"], claim["status"], claim["leges"]) == ("livestock", "submitted", "0.00")
    assert claim["warnings"] == []


def test_report_after_24_hours_is_accepted_but_flagged(client, session):
    farmer = register_and_login(client)
    claim = _report(client, farmer, hours_ago=30).json
    assert claim["status"] == "submitted"
    assert [w["code"] for w in claim["warnings"]] == ["late_submission"]
    assert "24 uur" in claim["warnings"][0]["message"]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("species", ["grauwe_gans"], "Onbekende diersoort"),
        ("animals", 0, "1 tot 10000"),
        ("discovered_at", "2025-03-01T10:00:00", "tijdzone"),
        ("province", "XX", "provincie"),
    ],
)
def test_bad_report_fields_are_named(client, session, field, value, expected):
    farmer = register_and_login(client)
    response = _report(client, farmer, hours_ago=2, **{field: value})
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert expected in " ".join(" ".join(v) for k, v in fields.items() if k.startswith(field))


def _assess(session, claim_id: int, assessor_id: int, officer_id: int) -> None:
    table = price_table_for(clock.today())
    ewe = table.value("schaap", "gebruiksras", "female", "volwassen", pregnant=True)
    injured_value = table.value("schaap", "gebruiksras", "female", "jong")
    items = [
        LivestockItem(
            species="wolf",
            animal="ooi-1",
            animal_kind="schaap",
            breed="gebruiksras",
            sex="female",
            age_class="volwassen",
            pregnant=True,
            outcome="killed",
            item_type="animal_value",
            amount=ewe,
        ),
        LivestockItem(
            species="wolf",
            animal="ooi-1",
            animal_kind="schaap",
            breed="gebruiksras",
            sex="female",
            age_class="volwassen",
            pregnant=True,
            outcome="killed",
            item_type="carcass_removal",
            amount=Decimal("45.00"),
        ),
        LivestockItem(
            species="wolf",
            animal="ooi-2",
            animal_kind="schaap",
            breed="gebruiksras",
            sex="female",
            age_class="jong",
            pregnant=False,
            outcome="injured",
            item_type="vet_costs",
            amount=Decimal("400.00"),
            animal_value=injured_value,
        ),
    ]
    session.add(
        Assessment(
            claim_id=claim_id,
            assessor_id=assessor_id,
            ordered_by=officer_id,
            due_on=clock.today(),
            status=AssessmentStatus.SUBMITTED,
            submitted_at=utcnow(),
            livestock_items=items,
        )
    )
    claim = session.get(Claim, claim_id)
    claim.status = claim.status.__class__("assessed")
    claim.zienswijze_deadline = clock.today() - timedelta(days=1)  # the window has closed
    session.flush()


def test_finding_items_and_decision(
    client, session, make_user, officers, redis_conn, run_worker, smtp_server
):
    token_a, token_b, officer_a = officers
    farmer = register_and_login(client)
    claim_id = _report(client, farmer, hours_ago=5).json["id"]
    bad = client.post(
        f"/api/v1/claims/{claim_id}/wolf-finding",
        json={"finding": "wolfachtig", "visited_on": clock.today().isoformat()},
        headers=token_a,
    )
    assert bad.status_code == 422 and "finding" in bad.json["error"]["fields"]
    found = client.post(
        f"/api/v1/claims/{claim_id}/wolf-finding",
        json={"finding": "certain", "visited_on": clock.today().isoformat()},
        headers=token_a,
    )
    assert found.status_code == 200, found.json
    _assess(session, claim_id, make_user("assessor").id, officer_a.id)
    proposal = client.post(f"/api/v1/claims/{claim_id}/proposal", json={}, headers=token_a).json
    calc = proposal["calculation"]
    # killed pregnant ewe 240 + carcass 45 + vet costs capped at the injured ewe's value 160
    assert (calc["assessed_damage"], calc["own_risk"], calc["payout"]) == (
        "445.00",
        "0.00",
        "445.00",
    )
    decision = client.post(f"/api/v1/claims/{claim_id}/approve", json={}, headers=token_b)
    assert decision.status_code == 200, decision.json
    assert decision.json["decision"]["payout"] == "445.00"
    run_worker()
    letters = client.get(f"/api/v1/claims/{claim_id}/letters", headers=farmer).json
    assert {(item["kind"], item["status"]) for item in letters} == {
        ("receipt", "ready"),
        ("decision", "ready"),
    }


def test_not_wolf_is_rejected_with_the_reason(client, session, make_user, officers):
    token_a, _, officer_a = officers
    farmer = register_and_login(client)
    claim_id = _report(client, farmer, hours_ago=5).json["id"]
    client.post(
        f"/api/v1/claims/{claim_id}/wolf-finding",
        json={"finding": "dog", "visited_on": clock.today().isoformat()},
        headers=token_a,
    )
    _assess(session, claim_id, make_user("assessor").id, officer_a.id)
    proposal = client.post(f"/api/v1/claims/{claim_id}/proposal", json={}, headers=token_a).json
    assert proposal["outcome"] == "rejected" and proposal["reasons"] == ["not_wolf"]


def test_late_report_rejection_names_the_reason(client, session, officers):
    token_a, _, _ = officers
    farmer = register_and_login(client)
    claim_id = _report(client, farmer, hours_ago=40).json["id"]
    proposal = client.post(
        f"/api/v1/claims/{claim_id}/proposal",
        json={"reject": True, "motivation": "Melding na 40 uur."},
        headers=token_a,
    )
    assert proposal.status_code == 201, proposal.json
    assert "late_submission" in proposal.json["reasons"]
    assert session.scalar(select(Claim.status).where(Claim.id == claim_id)).value == "proposed"


def test_wolf_claim_from_report_to_decision_letter_through_the_api(
    client, session, make_user, officers, redis_conn, run_worker, smtp_server
):
    import io

    from pypdf import PdfReader

    token_a, token_b, _ = officers
    assessor = make_user("assessor")
    assessor_token = client.post(
        "/api/v1/auth/token", json={"email": assessor.email, "password": "correct-horse-42-battery"}
    ).json["token"]
    assessor_headers = {"Authorization": f"Bearer {assessor_token}"}
    farmer = register_and_login(client)
    claim_id = _report(client, farmer, hours_ago=6).json["id"]
    client.post(
        f"/api/v1/claims/{claim_id}/wolf-finding",
        json={"finding": "probable", "visited_on": clock.today().isoformat()},
        headers=token_a,
    )
    order = client.post(
        f"/api/v1/claims/{claim_id}/assessment-order",
        json={"assessor_email": assessor.email, "urgent": True},
        headers=token_a,
    )
    assert order.status_code == 201, order.json
    assessment_id = order.json["assessment_id"]
    animal = {
        "species": "wolf",
        "animal_kind": "schaap",
        "breed_group": "gebruiksras",
        "sex": "female",
        "pregnant": False,
    }
    report = {
        "visits": [{"date": clock.today().isoformat(), "remarks": "Twee ooien"}],
        "animals": [
            {
                **animal,
                "animal": "ooi-1",
                "age_class": "volwassen",
                "outcome": "killed",
                "carcass_removal": "45.00",
            },
            {
                **animal,
                "animal": "ooi-2",
                "age_class": "jong",
                "outcome": "injured",
                "vet_costs": "400.00",
            },
            {**animal, "animal": "ooi-3", "age_class": "stokoud", "outcome": "killed"},
        ],
    }
    bad = client.put(
        f"/api/v1/assessments/{assessment_id}/report", json=report, headers=assessor_headers
    )
    assert bad.status_code == 422
    assert "geen prijs voor schaap" in bad.json["error"]["fields"]["animals[2].breed_group"][0]
    report["animals"].pop()
    saved = client.put(
        f"/api/v1/assessments/{assessment_id}/report", json=report, headers=assessor_headers
    )
    assert saved.status_code == 200, saved.json
    submitted = client.post(f"/api/v1/assessments/{assessment_id}/submit", headers=assessor_headers)
    assert submitted.status_code == 200, submitted.json
    answer = client.post(
        f"/api/v1/claims/{claim_id}/zienswijze",
        json={"text": "Akkoord met de taxatie."},
        headers=farmer,
    )
    assert answer.status_code == 201, answer.json
    proposal = client.post(f"/api/v1/claims/{claim_id}/proposal", json={}, headers=token_a).json
    # killed ewe 180 + carcass removal 45 + vet costs 400 capped at the injured ewe's 160
    assert proposal["calculation"]["payout"] == "385.00", proposal
    decision = client.post(f"/api/v1/claims/{claim_id}/approve", json={}, headers=token_b).json
    assert decision["decision"]["payout"] == "385.00"
    run_worker()
    letters = client.get(f"/api/v1/claims/{claim_id}/letters", headers=farmer).json
    letter = next(item for item in letters if item["kind"] == "decision")
    pdf = client.get(f"/api/v1/letters/{letter['id']}.pdf", headers=farmer).data
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "€ 385,00" in text and "dieren" in text
    assert all(item["status"] == "ready" for item in letters)
