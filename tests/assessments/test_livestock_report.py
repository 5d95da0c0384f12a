"""The assessor's livestock report in the web pages (Flask's client) and its total in the API.

Before issue 14 a wolf claim's assessment page was the crop form (parcels, lines), saving
answered "Perceel: Dit veld is verplicht … Onbekende diersoort: wolf", and the assessment's
`total_assessed_damage` was "0.00" whatever the animals were worth.
"""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest

from faunaschade.clock import today
from faunaschade.decisions.calculation import calculate_claim
from faunaschade.models import Assessment, AssessmentStatus, Claim
from faunaschade.rules.prices import price_table_for
from tests.support.app import post_form, web_client
from tests.support.assessments import wolf_claim_ordered
from tests.support.farmers import PASSWORD, registration


@pytest.fixture
def wolf(client, session, make_user, api_token):
    """A wolf report in Gelderland (3 sheep), its finding, and an assessment ordered from Tim."""
    officer = make_user("officer", provinces=("GE",))
    assessor = make_user("assessor", name="Tim Taxateur")
    headers = api_token(officer)
    farmer, claim, assessment_id = wolf_claim_ordered(
        client,
        officer,
        headers,
        assessor,
        animals=3,
        description="Drie ooien in de wei, één leeft nog.",
        hours_ago=3,
    )
    return {
        "officer": officer,
        "officer_h": headers,
        "assessor": assessor,
        "assessor_h": api_token(assessor),
        "farmer_h": farmer,
        "claim": claim,
        "assessment_id": assessment_id,
    }


def _animal(row: int, **fields) -> dict[str, str]:
    return {f"animal-{row}-{name}": value for name, value in fields.items()}


def test_a_wolf_assessment_page_is_the_animal_form_not_the_crop_form(app, wolf):
    assessor = web_client(app, wolf["assessor"])
    html = assessor.get(f"/taxaties/{wolf['assessment_id']}").get_data(as_text=True)
    assert "Dode en gewonde dieren" in html
    assert "Taxatieregels" not in html and "Percelen op de aanvraag" not in html
    for label in ("Soort dier", "Rasgroep", "Geslacht", "Leeftijdsklasse", "Drachtig"):
        assert f">{label}</label>" in html
    assert "Dood of gewond" in html and "Dierenartskosten (€)" in html
    # What the keeper reported, not "Teelt: None".
    assert "Teelt" not in html and "None" not in html
    assert "Dode of gewonde dieren gemeld</dt><dd>3</dd>" in html
    assert "wolf (zeker)" in html


def test_saving_animals_shows_each_value_and_the_total(app, session, wolf):
    assessor = web_client(app, wolf["assessor"])
    url = f"/taxaties/{wolf['assessment_id']}"
    form = {
        "animal_rows": "3",
        "visit_rows": "1",
        "visit-0-date": today().isoformat(),
        "visit-0-remarks": "Twee ooien dood, één gewond.",
        **_animal(
            0,
            animal="ooi-1",
            species="wolf",
            animal_kind="schaap",
            breed_group="stamboek",
            sex="female",
            age_class="volwassen",
            pregnant="1",
            outcome="killed",
            carcass_removal="45,00",
        ),
        **_animal(
            1,
            animal="ooi-2",
            species="wolf",
            animal_kind="schaap",
            breed_group="gebruiksras",
            sex="female",
            age_class="jong",
            outcome="injured",
            vet_costs="400",
        ),
        **_animal(2, species="wolf"),  # the spare row, left empty
        "action": "add_animal",
    }
    saved = post_form(assessor, url, form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert saved.headers["Location"].endswith("meer_dieren=1#dieren")
    table = price_table_for(today())
    ewe = table.value("schaap", "stamboek", "female", "volwassen", True)
    young = table.value("schaap", "gebruiksras", "female", "jong")
    total = ewe + Decimal("45.00") + min(Decimal("400"), young)

    page = assessor.get(saved.headers["Location"]).get_data(as_text=True)
    assert page.count("<legend>Dier ") == 2 + 1 + 1  # saved, spare, the one asked for
    values = re.findall(r'<output id="f-animal-(\d)-value"[^>]*><strong>([^<]*)</strong>', page)
    euro = lambda amount: f"€ {amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")  # noqa: E731
    assert values[:2] == [("0", euro(ewe)), ("1", euro(young))]
    assert f"samen {euro(total)} vastgestelde schade" in page
    assert 'value="ooi-2"' in page and 'value="400"' in page

    answer = wolf["assessor_h"]
    api = app.test_client().get(f"/api/v1/assessments/{wolf['assessment_id']}", headers=answer)
    assert api.json["total_assessed_damage"] == f"{total:.2f}"
    assert [a["animal"] for a in api.json["animals"]] == ["ooi-1", "ooi-2"]
    assert api.json["animals"][1]["value"] == f"{young:.2f}"

    submit_page = assessor.get(f"{url}/indienen").get_data(as_text=True)
    assert "ooi-1" in submit_page and euro(total) in submit_page
    done = post_form(assessor, f"{url}/indienen", {})
    assert done.status_code == 302 and done.headers["Location"].endswith("/taxaties")
    session.expire_all()
    assert session.get(Claim, wolf["claim"]["id"]).status.value == "assessed"
    assert session.get(Assessment, wolf["assessment_id"]).status == AssessmentStatus.SUBMITTED


def test_errors_stand_next_to_their_field_with_the_dutch_label(app, session, wolf):
    assessor = web_client(app, wolf["assessor"])
    url = f"/taxaties/{wolf['assessment_id']}"
    form = {
        "animal_rows": "2",
        "visit_rows": "1",
        "visit-0-date": today().isoformat(),
        **_animal(
            0,
            animal="ooi-1",
            species="wolf",
            animal_kind="schaap",
            sex="female",
            age_class="volwassen",
            outcome="killed",
            vet_costs="veel",
        ),
        **_animal(
            1,
            animal="koe-1",
            species="wolf",
            animal_kind="rund",
            breed_group="stamboek",
            sex="female",
            age_class="volwassen",
            outcome="killed",
        ),
        "action": "save",
    }
    response = post_form(assessor, url, form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # The summary names the row and the field in Dutch and links to it.
    assert '<a href="#f-animal-0-breed_group">Dier 1: Rasgroep</a>: Dit veld is verplicht.' in html
    assert '<a href="#f-animal-0-vet_costs">Dier 1: Dierenartskosten (€)</a>' in html
    # The message stands inside the field's own box, the control points to it.
    assert re.search(
        r'<label class="label" for="f-animal-0-breed_group">Rasgroep</label>\s*'
        r'<p class="error-text" id="f-animal-0-breed_group-error-1">'
        r".*?Dit veld is verplicht\.</p>\s*"
        r'<select class="input" id="f-animal-0-breed_group" name="animal-0-breed_group" '
        r'aria-invalid="true"',
        html,
    )
    assert 'id="f-animal-0-vet_costs" name="animal-0-vet_costs" type="text" value="veel"' in html
    assert "Onbekende diersoort" not in html and "Perceel" not in html
    assert session.get(Assessment, wolf["assessment_id"]).status == AssessmentStatus.ORDERED

    # A combination the price table lacks is refused by the use case, next to the breed group.
    form.update(_animal(0, breed_group="stamboek", vet_costs=""))
    response = post_form(assessor, url, form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<a href="#f-animal-1-breed_group">Dier 2: Rasgroep</a>: ' in html
    assert "geen prijs voor rund, rasgroep stamboek" in html
    assert re.search(r'id="f-animal-1-breed_group-error-1">.*?geen prijs voor rund', html)
    # The value of the row the table knows is shown even though nothing was saved.
    assert re.search(r'<output id="f-animal-0-value"[^>]*><strong>€ ', html)


def test_submitting_without_animals_names_the_animals(app, wolf):
    assessor = web_client(app, wolf["assessor"])
    url = f"/taxaties/{wolf['assessment_id']}"
    saved = post_form(
        assessor,
        url,
        {"animal_rows": "1", "visit_rows": "1", "visit-0-date": today().isoformat()},
    )
    assert saved.status_code == 302
    response = post_form(assessor, f"{url}/indienen", {})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Dieren</a>: Leg ten minste één dood of gewond dier vast." in html


def test_the_api_total_is_what_the_animals_are_worth_as_the_engine_counts_them(
    client, session, wolf
):
    """PUT /report for a killed ewe (+ carcass removal) and an injured one whose vet costs are
    above her value: the total is the killed ewe's value, the removal and the vet costs capped
    at the injured ewe's value, the same figure the rules engine calls the assessed damage."""
    animal = {"species": "wolf", "animal_kind": "schaap", "breed_group": "gebruiksras"}
    report = {
        "visits": [{"date": today().isoformat()}],
        "animals": [
            {
                **animal,
                "animal": "ooi-1",
                "sex": "female",
                "age_class": "volwassen",
                "outcome": "killed",
                "carcass_removal": "45.00",
            },
            {
                **animal,
                "animal": "ooi-2",
                "sex": "female",
                "age_class": "jong",
                "outcome": "injured",
                "vet_costs": "400.00",
            },
            {
                **animal,
                "animal": "ram-1",
                "sex": "male",
                "age_class": "lam",
                "outcome": "injured",
                "vet_costs": "0",
            },
        ],
    }
    aid = wolf["assessment_id"]
    saved = client.put(f"/api/v1/assessments/{aid}/report", json=report, headers=wolf["assessor_h"])
    assert saved.status_code == 200, saved.json
    table = price_table_for(today())
    expected = (
        table.value("schaap", "gebruiksras", "female", "volwassen")
        + Decimal("45.00")
        + table.value("schaap", "gebruiksras", "female", "jong")  # 400 capped at her value
    )
    assert saved.json["total_assessed_damage"] == f"{expected:.2f}"
    # The injured lamb with no vet costs is still in the report when it is read back.
    assert [a["animal"] for a in saved.json["animals"]] == ["ooi-1", "ooi-2", "ram-1"]
    capped = saved.json["animals"][1]
    assert (capped["vet_costs"], capped["total"]) == ("400.00", capped["value"])

    submitted = client.post(f"/api/v1/assessments/{aid}/submit", headers=wolf["assessor_h"])
    assert submitted.json["total_assessed_damage"] == f"{expected:.2f}"
    claim = session.get(Claim, wolf["claim"]["id"])
    assert calculate_claim(claim).assessed_damage == expected


def test_the_wolf_claim_pages_show_the_report_the_finding_and_the_animals(app, client, wolf):
    """Before issue 14 the claim page of a wolf claim said 'Teelt: None', showed an empty
    parcel table and nothing of the animals."""
    farmer = web_client(app, SimpleNamespace(email=registration()["email"]), PASSWORD)
    officer = web_client(app, wolf["officer"])
    url = f"/aanvragen/{wolf['claim']['id']}"
    for page in (farmer.get(url).get_data(as_text=True), officer.get(url).get_data(as_text=True)):
        assert "Teelt" not in page and "None" not in page
        assert "Percelen met schade" not in page
        assert "Dieren gevonden op" in page and "Gemeld op" in page
        assert "Dode of gewonde dieren gemeld</dt><dd>3</dd>" in page
        assert "wolf (zeker)" in page
        assert "Melding van 3 dode of gewonde dieren gedaan" in page
    report = {
        "visits": [{"date": today().isoformat()}],
        "animals": [
            {
                "species": "wolf",
                "animal": "ooi-1",
                "animal_kind": "schaap",
                "breed_group": "gebruiksras",
                "sex": "female",
                "age_class": "volwassen",
                "outcome": "killed",
            }
        ],
    }
    aid = wolf["assessment_id"]
    client.put(f"/api/v1/assessments/{aid}/report", json=report, headers=wolf["assessor_h"])
    # The farmer sees the animals once the report is submitted, the officer while it is written.
    value = price_table_for(today()).value("schaap", "gebruiksras", "female", "volwassen")
    assert "ooi-1" not in farmer.get(url).get_data(as_text=True)
    assert "ooi-1" in officer.get(url).get_data(as_text=True)
    client.post(f"/api/v1/assessments/{aid}/submit", headers=wolf["assessor_h"])
    page = farmer.get(url).get_data(as_text=True)
    assert "Vastgestelde schade aan dieren" in page and "ooi-1" in page
    assert "schaap, gebruiksras, vrouwelijk, volwassen" in page
    euro = f"€ {value:.2f}".replace(".", ",")
    assert re.search(rf"Totaal vastgestelde schade</th><td[^>]*><strong>{euro}</strong>", page)


@pytest.mark.parametrize(
    ("fields", "where", "message"),
    [
        ({"vet_costs": "1e999"}, "vet_costs", "Geef een bedrag"),
        ({"vet_costs": "NaN"}, "vet_costs", "NaN"),
        ({"abortion": "-5"}, "abortion", "Geef 0 tot en met"),
        ({"animal": "x" * 41}, "animal", "Gebruik 1 tot 40 tekens."),
        ({"species": "hond"}, "species", "Onbekende diersoort"),
        ({"sex": "onbekend"}, "sex", "Onbekende geslacht"),
        ({"animal_kind": "ezel"}, "breed_group", "geen prijs voor ezel"),
        ({"outcome": "injured"}, "vet_costs", "Een gewond dier heeft dierenartskosten."),
    ],
)
def test_bad_animal_input_is_named_at_its_field(app, wolf, fields, where, message):
    assessor = web_client(app, wolf["assessor"])
    row = {
        "animal": "ooi-1",
        "species": "wolf",
        "animal_kind": "schaap",
        "breed_group": "gebruiksras",
        "sex": "female",
        "age_class": "volwassen",
        "outcome": "killed",
        **fields,
    }
    response = post_form(
        assessor,
        f"/taxaties/{wolf['assessment_id']}",
        {"animal_rows": "1", "visit_rows": "0", **_animal(0, **row)},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'id="f-animal-0-{where}-error-1">.*?{re.escape(message)}', html)


def test_a_form_claiming_too_many_rows_is_read_as_500(app, wolf):
    assessor = web_client(app, wolf["assessor"])
    form = {"animal_rows": "100000", "visit_rows": "x", **_animal(0, animal="ooi-1")}
    response = post_form(assessor, f"/taxaties/{wolf['assessment_id']}", form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count("<legend>Dier ") == 500 and "Bezoek 1" in html
