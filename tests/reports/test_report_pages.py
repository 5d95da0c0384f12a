"""The melding pages without a browser: the form's errors in place, the list and its filters,
the melding page and its button that makes a claim, and the scope (404 for another farmer)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from faunaschade import clock, rules
from faunaschade.models import Claim, DamageReport, FarmerProfile, Parcel, Tenure
from faunaschade.web.pages import page_date
from tests.support.app import csrf_token_from, post_form, web_client
from tests.support.farmers import recent_workday


@pytest.fixture
def farm(app, session, farmer):
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    parcels = {
        name: Parcel(
            farmer_id=profile.id,
            name=name,
            area_ha=Decimal("4"),
            crop="snijmais",
            province=province,
            tenure=Tenure.OWN,
        )
        for name, province in [("Noord", "DR"), ("Oost", "GR")]
    }
    session.add_all(parcels.values())
    session.flush()
    return web_client(app, farmer), parcels


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def _form(*chosen: Parcel, **fields) -> dict:
    data = {"discovered_on": recent_workday().isoformat(), "species": ["wild_zwijn"], **fields}
    for parcel in chosen:
        data[f"include_{parcel.id}"] = "1"
        data[f"damaged_area_{parcel.id}"] = "1,5"
    return data


def test_the_form_sits_beside_the_claim_form_with_the_same_choices(farm):
    client, _parcels = farm
    claims_page = _text(client.get("/aanvragen"))
    assert (
        'href="/meldingen/nieuw"' in claims_page
        and "Schade melden (zonder aanvraag)" in claims_page
    )
    page = client.get("/meldingen/nieuw")
    assert page.status_code == 200
    text = _text(page)
    assert "<h1>Schade melden</h1>" in text
    for group in ("Ganzen", "Andere vogels", "Zoogdieren"):  # the claim form's species groups
        assert group in text
    assert "Noord" in text and "Oost" in text and "Geschatte schade (euro)" in text
    assert "geen leges" in text


def test_refused_input_comes_back_in_place_with_what_was_typed(farm, session):
    client, parcels = farm
    future = (clock.today() + timedelta(days=3)).isoformat()
    data = _form(
        parcels["Noord"],
        discovered_on=future,
        species=[],
        estimated_damage="heel veel",
        note="Zwijnen bij de bosrand",
    )
    data[f"damaged_area_{parcels['Noord'].id}"] = "9"
    answer = post_form(client, "/meldingen/nieuw", data)
    assert answer.status_code == 422
    text = _text(answer)
    start = text.index('class="error-summary"')
    summary = text[start : text.index("</ul>", start)]
    for label in (
        "Datum waarop u de schade ontdekte",
        "Diersoorten die de schade veroorzaakten",
        "Geschatte schade (euro)",
        "Perceel 'Noord': beschadigde oppervlakte (ha)",
    ):
        assert label in summary, label
    assert "autofocus" in summary
    assert "De ontdekkingsdatum ligt in de toekomst." in text
    assert "Groter dan het perceel zelf" in text
    # What was typed stays: the estimate, the note, the area with its comma, the date.
    assert 'value="heel veel"' in text and "Zwijnen bij de bosrand</textarea>" in text
    assert 'value="9"' in text and f'value="{future}"' in text
    assert 'id="f-estimated_damage"' in text and 'aria-invalid="true"' in text
    assert session.scalar(select(func.count()).select_from(DamageReport)) == 0


def test_parcels_in_two_provinces_ask_the_province(farm, session):
    client, parcels = farm
    answer = post_form(client, "/meldingen/nieuw", _form(parcels["Noord"], parcels["Oost"]))
    assert answer.status_code == 422
    text = _text(answer)
    assert "verschillende provincies (Drenthe en Groningen)" in text
    assert 'id="ask-province" hidden' not in text
    chosen = _form(parcels["Noord"], parcels["Oost"], province="GR")
    saved = post_form(client, "/meldingen/nieuw", chosen)
    assert saved.status_code == 302
    assert session.scalar(select(DamageReport.province)) == "GR"


def test_a_melding_is_saved_shown_and_turned_into_a_claim_once(farm, session):
    client, parcels = farm
    data = _form(parcels["Noord"], estimated_damage="€ 1.250,50", note="Zwijnen")
    saved = post_form(client, "/meldingen/nieuw", data)
    assert saved.status_code == 302
    report = session.scalar(select(DamageReport))
    assert saved.headers["Location"].endswith(f"/meldingen/{report.id}")
    assert report.estimated_damage == Decimal("1250.50") and report.note == "Zwijnen"
    page = _text(client.get(saved.headers["Location"]))
    assert f"Uw melding {report.reference} is opgeslagen" in page
    assert "€ 1.250,50" in page and "Aanvraag indienen voor deze schade" in page
    deadline = rules.submission_deadline(recent_workday())
    assert f"uiterlijk {page_date(deadline)} een aanvraag in" in page
    listed = _text(client.get("/meldingen"))
    assert report.reference in listed and "Mijn meldingen" in listed

    token = csrf_token_from(client.get(f"/meldingen/{report.id}").get_data(as_text=True))
    made = client.post(f"/meldingen/{report.id}/aanvraag", data={"csrf_token": token})
    assert made.status_code == 302
    claim = session.scalar(select(Claim))
    assert made.headers["Location"].endswith(f"/aanvragen/{claim.id}")
    claim_page = _text(client.get(made.headers["Location"]))
    assert f"Aanvraag {claim.reference} is als concept gemaakt uit uw melding" in claim_page
    assert f'Gemaakt uit melding: <a href="/meldingen/{report.id}">{report.reference}</a>' in (
        claim_page
    )
    assert claim.discovered_on == report.discovered_on and claim.submission_deadline == deadline
    assert page_date(deadline) in claim_page

    again = client.post(f"/meldingen/{report.id}/aanvraag", data={"csrf_token": token})
    assert again.status_code == 302 and again.headers["Location"].endswith(
        f"/meldingen/{report.id}"
    )
    refused = _text(client.get(again.headers["Location"]))
    assert f"al aanvraag {claim.reference} gemaakt" in refused
    assert "Aanvraag indienen voor deze schade" not in refused
    assert session.scalar(select(func.count()).select_from(Claim)) == 1


def test_another_farmer_sees_nothing_and_staff_read_only(app, farm, session, make_user, officer):
    client, parcels = farm
    post_form(client, "/meldingen/nieuw", _form(parcels["Noord"]))
    report = session.scalar(select(DamageReport))
    other = web_client(app, make_user("farmer"))
    assert other.get(f"/meldingen/{report.id}").status_code == 404
    assert report.reference not in other.get("/meldingen").get_data(as_text=True)
    token = csrf_token_from(other.get("/meldingen").get_data(as_text=True))
    assert (
        other.post(f"/meldingen/{report.id}/aanvraag", data={"csrf_token": token}).status_code
        == 404
    )

    staff = web_client(app, officer)
    page = _text(staff.get(f"/meldingen/{report.id}"))
    assert report.reference in page and "Aanvraag indienen voor deze schade" not in page
    assert "Er is (nog) geen aanvraag voor deze schade." in page
    token = csrf_token_from(staff.get("/meldingen").get_data(as_text=True))
    assert (
        staff.post(f"/meldingen/{report.id}/aanvraag", data={"csrf_token": token}).status_code
        == 403
    )
    assert staff.get("/meldingen/nieuw").status_code == 403


def test_staff_filter_the_list_by_species_and_month(app, farm, session, officer):
    client, parcels = farm
    post_form(client, "/meldingen/nieuw", _form(parcels["Noord"]))
    geese = _form(parcels["Noord"], species=["grauwe_gans"], discovered_on="2025-03-10")
    post_form(client, "/meldingen/nieuw", geese)
    refs = dict(session.execute(select(DamageReport.discovered_on, DamageReport.reference)).all())
    old = refs[date(2025, 3, 10)]
    new = refs[recent_workday()]
    staff = web_client(app, officer)
    everything = _text(staff.get("/meldingen"))
    assert old in everything and new in everything and "Boer" in everything
    geese_only = _text(staff.get("/meldingen?species=grauwe_gans"))
    assert old in geese_only and new not in geese_only
    march = _text(staff.get("/meldingen?month=2025-03"))
    assert old in march and new not in march
    bad = staff.get("/meldingen?month=maart&species=grauwe_gans")
    assert bad.status_code == 422
    text = _text(bad)
    assert "Maand van ontdekking</a>: Geef een maand als JJJJ-MM." in text
    assert old in text and new not in text  # the good filter still applies
