"""Meldingen in the auditor's statistics: counted beside the claims per species, province and
month (a converted melding still counts), in JSON, CSV, Dutch CSV and on the dashboard; left
out when grouped or filtered by outcome; the claims' own figures unchanged."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from faunaschade.models import FarmerProfile, Parcel, Tenure
from faunaschade.reports import operations as reports
from faunaschade.statistics import figures as statistics
from tests.support.app import web_client

#: (province, species, discovered_on, estimate) of each melding made below.
MELDINGEN = [
    ("DR", ["wild_zwijn"], date(2026, 3, 2), "1000.00"),
    ("DR", ["wild_zwijn", "das"], date(2026, 3, 20), "500.25"),
    ("DR", ["das"], date(2026, 4, 7), None),
    ("FR", ["grauwe_gans"], date(2026, 3, 9), "2000.00"),
    ("NH", ["grauwe_gans"], date(2026, 3, 9), "9999.00"),  # outside the auditor's scope
]


@pytest.fixture
def meldingen(session, make_user):
    farmer = make_user("farmer")
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    parcels = {}
    for province in ("DR", "FR", "NH"):
        parcels[province] = Parcel(
            farmer_id=profile.id,
            name=f"Perceel {province}",
            area_ha=Decimal("5"),
            crop="snijmais" if province == "DR" else "blijvend_grasland",
            province=province,
            tenure=Tenure.OWN,
        )
    session.add_all(parcels.values())
    session.flush()
    made = []
    for province, species, day, estimate in MELDINGEN:
        body = {
            "discovered_on": day,
            "species": species,
            "parcels": [
                {
                    "parcel_id": parcels[province].id,
                    "damaged_area_ha": Decimal("1"),
                    "area_type": "regular",
                }
            ],
            "estimated_damage": Decimal(estimate) if estimate else None,
        }
        made.append(reports.create_report(profile, body, farmer))
    reports.convert_report(made[0], farmer)  # a draft claim: not a submitted claim
    session.flush()
    return made


@pytest.fixture
def auditor_token(make_user, api_token):
    return api_token(make_user("auditor", provinces=("DR", "FR")))


def _get(client, headers, query: str) -> dict:
    answer = client.get(f"/api/v1/statistics?{query}", headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_meldingen_count_per_species_beside_the_claims(client, meldingen, auditor_token):
    answer = _get(client, auditor_token, "group_by=species")
    rows = {row["species"]: row for row in answer["rows"]}
    assert set(rows) == {"wild_zwijn", "das", "grauwe_gans"}
    # A melding naming two species counts in both rows, as a claim does.
    assert rows["wild_zwijn"]["reports"] == 2
    assert rows["wild_zwijn"]["reported_damage"] == "1500.25"
    assert rows["wild_zwijn"]["reports_converted"] == 1  # converted: still a melding
    assert rows["das"]["reports"] == 2 and rows["das"]["reported_damage"] == "500.25"
    assert (
        rows["grauwe_gans"]["reports"] == 1 and rows["grauwe_gans"]["reported_damage"] == "2000.00"
    )
    # No submitted claim anywhere: the claims' measures are zero in these rows.
    for row in rows.values():
        assert row["claims"] == 0 and row["paid"] == "0.00"
        assert row["median_days_to_decision"] is None
    totals = answer["totals"]
    assert totals["reports"] == 4 and totals["reports_converted"] == 1
    assert totals["reported_damage"] == "3500.25" and totals["claims"] == 0


def test_meldingen_per_province_and_month_and_filtered(client, meldingen, auditor_token):
    rows = _get(client, auditor_token, "group_by=province,month")["rows"]
    cells = {(row["province"], row["month"]): row["reports"] for row in rows}
    assert cells == {("DR", 3): 2, ("DR", 4): 1, ("FR", 3): 1}
    dr = _get(client, auditor_token, "group_by=&province=DR&species=das")["totals"]
    assert dr["reports"] == 2 and dr["reported_damage"] == "500.25"
    grass = _get(client, auditor_token, "group_by=province&crop=blijvend_grasland")["rows"]
    assert [(row["province"], row["reports"]) for row in grass] == [("FR", 1)]
    year = _get(client, auditor_token, "group_by=&damage_year=2025")["totals"]
    assert year["reports"] == 0 and year["reported_damage"] == "0.00"
    assert _get(client, auditor_token, "group_by=&damage_year=2026")["totals"]["reports"] == 4


def test_no_outcome_for_a_melding_so_none_when_grouped_or_filtered_by_it(
    client, meldingen, auditor_token
):
    by_outcome = _get(client, auditor_token, "group_by=province,outcome")
    assert by_outcome["rows"] == []  # no submitted claim; the meldingen have no outcome
    assert by_outcome["totals"]["reports"] == 4  # the totals are not grouped
    undecided = _get(client, auditor_token, "group_by=province&outcome=none")
    assert "reports" not in undecided["totals"]
    assert statistics.measures_for(["outcome"], statistics.Filters()) == statistics.MEASURES


def test_the_exports_carry_the_meldingen(app, client, meldingen, auditor_token, make_user):
    plain = client.get("/api/v1/statistics?group_by=species&format=csv", headers=auditor_token)
    parsed = list(csv.DictReader(io.StringIO(plain.get_data(as_text=True))))
    assert list(parsed[0])[-3:] == ["reports", "reports_converted", "reported_damage"]
    assert {line["species"]: line["reports"] for line in parsed} == {
        "das": "2",
        "grauwe_gans": "1",
        "wild_zwijn": "2",
    }
    dutch = client.get("/api/v1/statistics?group_by=province&format=csv-nl", headers=auditor_token)
    lines = list(csv.reader(io.StringIO(dutch.get_data().decode("utf-8-sig")), delimiter=";"))
    assert lines[0][-3:] == [
        "Meldingen",
        "Meldingen omgezet in aanvraag",
        "Geschatte schade meldingen (euro)",
    ]
    assert [lines[1][0], *lines[1][-3:]] == ["Drenthe", "3", "1", "1500,25"]

    page = web_client(app, make_user("auditor", provinces=("DR", "FR")))
    html = page.get("/statistieken?group_by=species").get_data(as_text=True)
    assert '<th scope="col">Meldingen</th>' in html and "omgezet in aanvraag" in html
    assert "€ 1.500,25" in html


def test_grouped_sets_give_the_meldingen_as_separate_queries(session, meldingen):
    sets = [(), ("province",), ("month",), ("damage_year",)]
    together = statistics.grouped(sets, statistics.Filters(), ("DR", "FR"))
    for keys in sets:
        assert together[keys] == list(statistics.rows(keys, statistics.Filters(), ("DR", "FR")))
    assert together[()][0]["reports"] == 4
