"""The letters of a wolf claim name the animals, not parcels, with the real totals.

Before issue 14 the assessment confirmation of a wolf claim said "De taxateur heeft de schade op
uw percelen opgenomen", printed an empty crop table and "Totaal vastgestelde schade € 0,00",
and the decision letter spoke of "schade die beschermde dieren aan uw dieren hebben
veroorzaakt" without saying which animals it covered.
"""

import re
from decimal import Decimal

import pytest

from faunaschade.clock import today
from faunaschade.money import format_eur
from faunaschade.rules.prices import price_table_for
from tests.support.assessments import wolf_claim_ordered


@pytest.fixture
def assessed_wolf_claim(client, session, make_user, api_token, redis_conn, run_worker, smtp_server):
    """A wolf claim in Gelderland assessed through the API: a killed ewe with carcass removal
    and an injured one whose vet costs (€ 400) are above her value. Letters rendered."""
    officer = make_user("officer", provinces=("GE",))
    second = make_user("officer", provinces=("GE",))
    assessor = make_user("assessor", name="Tim Taxateur")
    officer_h = api_token(officer)
    farmer, claim, aid = wolf_claim_ordered(
        client,
        officer,
        officer_h,
        assessor,
        animals=2,
        description="Twee ooien gebeten.",
        hours_ago=4,
    )
    sheep = {"species": "wolf", "animal_kind": "schaap", "breed_group": "gebruiksras"}
    report = {
        "visits": [{"date": today().isoformat()}],
        "animals": [
            {
                **sheep,
                "animal": "ooi-1",
                "sex": "female",
                "age_class": "volwassen",
                "outcome": "killed",
                "carcass_removal": "45.00",
            },
            {
                **sheep,
                "animal": "ooi-2",
                "sex": "female",
                "age_class": "jong",
                "outcome": "injured",
                "vet_costs": "400.00",
            },
        ],
    }
    assessor_h = api_token(assessor)
    saved = client.put(f"/api/v1/assessments/{aid}/report", json=report, headers=assessor_h)
    assert saved.status_code == 200, saved.json
    assert client.post(f"/api/v1/assessments/{aid}/submit", headers=assessor_h).status_code == 200
    run_worker()
    table = price_table_for(today())
    total = (
        table.value("schaap", "gebruiksras", "female", "volwassen")
        + Decimal("45.00")
        + min(Decimal("400.00"), table.value("schaap", "gebruiksras", "female", "jong"))
    )
    return {
        "claim": claim,
        "farmer_h": farmer,
        "officer_h": officer_h,
        "second_h": api_token(second),
        "total": total,
    }


def _letter_text(client, headers, claim_id, kind, pdf_text) -> str:
    letters = client.get(f"/api/v1/claims/{claim_id}/letters", headers=headers).json
    letter = next(item for item in letters if item["kind"] == kind)
    assert letter["status"] == "ready", letter
    pdf = client.get(f"/api/v1/letters/{letter['id']}.pdf", headers=headers).data
    return " ".join(pdf_text(pdf).split())


def test_the_assessment_confirmation_names_the_animals_and_their_total(
    client, assessed_wolf_claim, pdf_text
):
    w = assessed_wolf_claim
    text = _letter_text(
        client, w["farmer_h"], w["claim"]["id"], "assessment_confirmation", pdf_text
    )
    assert "De taxateur heeft de dode en gewonde dieren bekeken" in text
    assert "schade door een wolf" in text
    assert "percelen" not in text and "Perceel" not in text
    assert "ooi-1" in text and "ooi-2" in text
    assert "schaap, gebruiksras, vrouwelijk, volwassen" in text
    assert f"Totaal vastgestelde schade {format_eur(w['total'])}" in text
    assert "€ 0,00" not in text
    assert "Veldbezoek en DNA-onderzoek wolf (zeker)" in text
    assert "geen eigen risico" in text
    # The capped vet costs are marked and explained.
    assert re.search(r"dierenarts € 400,00\*", text)


def test_the_decision_letter_says_which_animals_it_covers_and_the_total(
    client, assessed_wolf_claim, run_worker, pdf_text
):
    w = assessed_wolf_claim
    claim_id = w["claim"]["id"]
    answer = client.post(
        f"/api/v1/claims/{claim_id}/zienswijze", json={"text": "Akkoord."}, headers=w["farmer_h"]
    )
    assert answer.status_code == 201, answer.json
    proposal = client.post(
        f"/api/v1/claims/{claim_id}/proposal",
        json={"motivation": "Wolf zeker."},
        headers=w["officer_h"],
    )
    assert proposal.status_code == 201, proposal.json
    assert proposal.json["calculation"]["assessed_damage"] == f"{w['total']:.2f}"
    approved = client.post(f"/api/v1/claims/{claim_id}/approve", json={}, headers=w["second_h"])
    assert approved.status_code == 200, approved.json
    run_worker()
    text = _letter_text(client, w["farmer_h"], claim_id, "decision", pdf_text)
    assert "schade die een wolf aan uw dieren heeft toegebracht" in text
    assert "beschermde dieren aan uw dieren" not in text
    assert "Dit besluit gaat over deze dieren" in text and "ooi-1" in text and "ooi-2" in text
    assert "geen eigen risico en betaalt u geen leges" in text
    assert f"Totaal vastgestelde schade {format_eur(w['total'])}" in text
    assert f"Het bedrag van de tegemoetkoming is {format_eur(w['total'])}" in text
