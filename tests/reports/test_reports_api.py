"""Meldingen through the API (issue 15, part 2): report damage without applying, read it back
within scope, and turn it into a claim whose deadline runs from the melding's discovery."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from faunaschade import clock, rules
from faunaschade.models import (
    AuditEvent,
    Claim,
    ClaimStatus,
    DamageReport,
    FarmerProfile,
    Parcel,
    Tenure,
)
from tests.support.farmers import recent_workday


def _profile(session, user) -> FarmerProfile:
    return session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == user.id))


def _parcel(session, user, **fields) -> Parcel:
    values = {
        "name": "Noord",
        "area_ha": Decimal("4"),
        "crop": "snijmais",
        "province": "DR",
        "tenure": Tenure.OWN,
        **fields,
    }
    parcel = Parcel(farmer_id=_profile(session, user).id, **values)
    session.add(parcel)
    session.flush()
    return parcel


def _body(parcel: Parcel, **overrides) -> dict:
    body = {
        "discovered_on": recent_workday().isoformat(),
        "species": ["wild_zwijn", "das"],
        "parcels": [{"parcel_id": parcel.id, "damaged_area_ha": "1.5", "area_type": "regular"}],
        "estimated_damage": "1250.50",
        "note": "Wroetschade langs de bosrand.",
    }
    body.update(overrides)
    return body


def last_in_time_day(on: date) -> date:
    """The earliest discovery day whose claim is still in time on `on` (deadline == on, or the
    first working day after it)."""
    day = on
    while rules.submission_deadline(day - timedelta(days=1)) >= on:
        day -= timedelta(days=1)
    return day


@pytest.fixture
def farm(session, farmer, api_token):
    return {"parcel": _parcel(session, farmer), "headers": api_token(farmer), "user": farmer}


def test_a_farmer_reports_damage_and_reads_it_back(client, session, farm):
    answer = client.post("/api/v1/reports", json=_body(farm["parcel"]), headers=farm["headers"])
    assert answer.status_code == 201, answer.json
    report = answer.json
    year = recent_workday().year
    assert report["reference"] == f"M-{year}-{report['id']:06d}"
    # Province and crop from the parcel, as a claim takes them.
    assert (report["province"], report["crop"]) == ("DR", "snijmais")
    assert report["species"] == ["das", "wild_zwijn"]
    assert report["estimated_damage"] == "1250.50"
    assert report["parcels"][0]["parcel_name"] == "Noord"
    assert report["reported_by"] == farm["user"].id
    assert report["converted_claim_id"] is None and report["late"] is False
    assert report["claim_deadline"] == rules.submission_deadline(recent_workday()).isoformat()

    again = client.get(f"/api/v1/reports/{report['id']}", headers=farm["headers"]).json
    assert again == report
    listed = client.get("/api/v1/reports", headers=farm["headers"]).json
    assert listed["total"] == 1 and listed["items"] == [report]

    # No claim, no leges, no payment: a melding only records.
    assert session.scalar(select(func.count()).select_from(Claim)) == 0
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.created"))
    assert event.object_id == report["id"] and event.actor_id == farm["user"].id
    assert event.data["province"] == "DR" and event.data["estimated_damage"] == "1250.50"


def test_the_estimate_and_note_are_optional(client, farm):
    body = _body(farm["parcel"])
    del body["estimated_damage"], body["note"]
    answer = client.post("/api/v1/reports", json=body, headers=farm["headers"])
    assert answer.status_code == 201, answer.json
    assert answer.json["estimated_damage"] is None and answer.json["note"] == ""
    zero = client.post(
        "/api/v1/reports",
        json=_body(farm["parcel"], estimated_damage="0", note=None) | {"note": "Klein"},
        headers=farm["headers"],
    )
    assert zero.status_code == 201 and zero.json["estimated_damage"] == "0.00"
    minus_zero = client.post(
        "/api/v1/reports",
        json=_body(farm["parcel"], estimated_damage="-0"),
        headers=farm["headers"],
    )
    assert minus_zero.json["estimated_damage"] == "0.00"


HOSTILE = [
    ("discovered_on", "gisteren", "JJJJ-MM-DD"),
    ("discovered_on", "1999-12-31", "tussen 2000 en 2100"),
    ("discovered_on", None, "verplicht"),
    ("species", [], "minstens 1"),
    ("species", ["wolf"], "Onbekende diersoort"),
    ("species", ["das", "das"], "één keer"),
    ("species", "das", "lijst"),
    ("parcels", [], "minstens 1"),
    ("parcels", [{"parcel_id": "x", "damaged_area_ha": "1", "area_type": "regular"}], "perceel"),
    ("estimated_damage", "-1", "0 tot en met"),
    ("estimated_damage", "1000000.01", "0 tot en met"),
    ("estimated_damage", "NaN", "NaN"),
    ("estimated_damage", "Infinity", "oneindig"),
    ("estimated_damage", "1e400", "bedrag in euro"),
    ("estimated_damage", "veel", "bedrag in euro"),
    ("estimated_damage", "9" * 5000, "bedrag in euro"),
    ("estimated_damage", True, "bedrag in euro"),
    ("estimated_damage", "1.250,50", "bedrag in euro"),
    ("note", "x" * 5001, "tekens"),
    ("note", 12, "tekst"),
    ("province", "XX", "Onbekende provincie"),
    ("crop", "tulpen", "Onbekende teelt"),
]


@pytest.mark.parametrize("field, value, words", HOSTILE)
def test_bad_input_names_the_field_in_dutch(client, session, farm, field, value, words):
    answer = client.post(
        "/api/v1/reports", json=_body(farm["parcel"], **{field: value}), headers=farm["headers"]
    )
    assert answer.status_code == 422, answer.json
    fields = answer.json["error"]["fields"]
    named = [path for path in fields if path == field or path.startswith(f"{field}[")]
    assert named, fields
    assert any(words in message for path in named for message in fields[path]), fields
    assert session.scalar(select(func.count()).select_from(DamageReport)) == 0


def test_unknown_fields_and_business_rules_are_refused_by_name(client, session, farm, make_user):
    headers = farm["headers"]
    unknown = client.post("/api/v1/reports", json=_body(farm["parcel"], leges="0"), headers=headers)
    assert unknown.status_code == 422 and "leges" in unknown.json["error"]["fields"]

    future = (clock.today() + timedelta(days=1)).isoformat()
    answer = client.post(
        "/api/v1/reports", json=_body(farm["parcel"], discovered_on=future), headers=headers
    )
    assert answer.status_code == 422
    assert answer.json["error"]["fields"]["discovered_on"] == [
        "De ontdekkingsdatum ligt in de toekomst."
    ]

    stranger = _parcel(session, make_user("farmer"), name="Van een ander")
    line = {"parcel_id": stranger.id, "damaged_area_ha": "1", "area_type": "regular"}
    answer = client.post("/api/v1/reports", json=_body(stranger, parcels=[line]), headers=headers)
    assert answer.status_code == 422
    assert "Onbekend perceel" in answer.json["error"]["fields"]["parcels[0].parcel_id"][0]

    big = {"parcel_id": farm["parcel"].id, "damaged_area_ha": "9", "area_type": "regular"}
    answer = client.post(
        "/api/v1/reports", json=_body(farm["parcel"], parcels=[big]), headers=headers
    )
    assert (
        "Groter dan het perceel" in answer.json["error"]["fields"]["parcels[0].damaged_area_ha"][0]
    )

    other_crop = client.post(
        "/api/v1/reports", json=_body(farm["parcel"], crop="tulp"), headers=headers
    )
    assert other_crop.status_code == 422
    assert "niet" in other_crop.json["error"]["fields"]["crop"][0]
    assert session.scalar(select(func.count()).select_from(DamageReport)) == 0


def test_another_farmer_and_other_provinces_get_404(
    client, session, farm, make_user, api_token, officer, auditor
):
    report = client.post("/api/v1/reports", json=_body(farm["parcel"]), headers=farm["headers"])
    report_id = report.json["id"]
    other = api_token(make_user("farmer"))
    assert client.get(f"/api/v1/reports/{report_id}", headers=other).status_code == 404
    assert client.post(f"/api/v1/reports/{report_id}/convert", headers=other).status_code == 404
    assert client.get("/api/v1/reports", headers=other).json["total"] == 0

    elsewhere = api_token(make_user("officer", provinces=("NH",)))
    assert client.get(f"/api/v1/reports/{report_id}", headers=elsewhere).status_code == 404
    assert client.get("/api/v1/reports", headers=elsewhere).json["items"] == []

    # Officers and auditors of Drenthe read it; they cannot report or convert (read-only).
    for reader in (officer, auditor):
        headers = api_token(reader)
        assert client.get(f"/api/v1/reports/{report_id}", headers=headers).status_code == 200
        assert client.get("/api/v1/reports", headers=headers).json["total"] == 1
        assert (
            client.post(f"/api/v1/reports/{report_id}/convert", headers=headers).status_code == 403
        )
        refused = client.post("/api/v1/reports", json=_body(farm["parcel"]), headers=headers)
        assert refused.status_code == 403
    assessor = api_token(make_user("assessor"))
    assert client.get("/api/v1/reports", headers=assessor).status_code == 403
    assert client.get("/api/v1/reports").status_code == 401


def test_the_list_filters_by_species_month_and_province(client, session, farm, officer, api_token):
    headers = farm["headers"]
    day = recent_workday()
    client.post("/api/v1/reports", json=_body(farm["parcel"]), headers=headers)
    geese = _body(farm["parcel"], species=["grauwe_gans"], discovered_on="2025-03-10")
    client.post("/api/v1/reports", json=geese, headers=headers)
    staff = api_token(officer)
    by_species = client.get("/api/v1/reports?species=grauwe_gans", headers=staff).json
    assert [item["species"] for item in by_species["items"]] == [["grauwe_gans"]]
    by_month = client.get("/api/v1/reports?month=2025-03", headers=staff).json
    assert [item["discovered_on"] for item in by_month["items"]] == ["2025-03-10"]
    this_month = client.get(f"/api/v1/reports?month={day:%Y-%m}", headers=staff).json
    assert this_month["total"] == 1
    assert client.get("/api/v1/reports?province=FR", headers=staff).json["total"] == 0
    for query in ("month=2025-13", "month=maart", "species=wolf", "province=XX", "per_page=0"):
        answer = client.get(f"/api/v1/reports?{query}", headers=staff)
        assert answer.status_code == 422, query
        assert query.split("=")[0] in answer.json["error"]["fields"], query


def test_converting_makes_a_draft_claim_with_the_discovery_day_and_its_deadline(
    client, session, farm
):
    report = client.post("/api/v1/reports", json=_body(farm["parcel"]), headers=farm["headers"])
    report_id = report.json["id"]
    answer = client.post(f"/api/v1/reports/{report_id}/convert", headers=farm["headers"])
    assert answer.status_code == 201, answer.json
    claim = answer.json
    assert claim["status"] == "draft" and claim["kind"] == "crop"
    assert claim["discovered_on"] == recent_workday().isoformat()
    assert (
        claim["deadlines"]["submission"] == rules.submission_deadline(recent_workday()).isoformat()
    )
    assert (claim["province"], claim["crop"]) == ("DR", "snijmais")
    assert claim["species"] == ["das", "wild_zwijn"]
    assert claim["parcels"] == [
        {
            "parcel_id": farm["parcel"].id,
            "parcel_name": "Noord",
            "damaged_area_ha": "1.5000",
            "area_type": "regular",
            "area_check": "no_outline",  # a typed parcel: the farmer's area type (issue 16)
        }
    ]
    assert claim["description"] == "Wroetschade langs de bosrand."
    assert [w["code"] for w in claim["warnings"]] == []

    shown = client.get(f"/api/v1/reports/{report_id}", headers=farm["headers"]).json
    assert shown["converted_claim_id"] == claim["id"]
    assert shown["converted_claim_reference"] == claim["reference"]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.converted"))
    assert event.claim_id == claim["id"] and event.object_id == report_id
    assert event.data["late"] is False

    # The draft is an ordinary claim: the farmer submits it as any other.
    submitted = client.post(f"/api/v1/claims/{claim['id']}/submit", headers=farm["headers"])
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["status"] in ("awaiting_payment", "submitted")


def test_a_late_conversion_is_late_as_a_claim_with_that_discovery_day(client, session, farm):
    """Converted on 'day 9': the deadline is the discovery's, so the claim is late exactly as a
    claim filed directly with that discovery day."""
    today = clock.today()
    late_day = last_in_time_day(today) - timedelta(days=1)  # one day too early to be in time
    deadline = rules.submission_deadline(late_day)
    assert deadline < today
    body = _body(farm["parcel"], discovered_on=late_day.isoformat())
    report = client.post("/api/v1/reports", json=body, headers=farm["headers"]).json
    assert report["late"] is True and report["claim_deadline"] == deadline.isoformat()

    claim = client.post(f"/api/v1/reports/{report['id']}/convert", headers=farm["headers"]).json
    assert claim["deadlines"]["submission"] == deadline.isoformat()
    assert [w["code"] for w in claim["warnings"]] == ["late_submission"]
    direct = client.post(
        "/api/v1/claims",
        json={
            "discovered_on": late_day.isoformat(),
            "species": ["das"],
            "parcels": body["parcels"],
        },
        headers=farm["headers"],
    ).json
    assert direct["deadlines"]["submission"] == claim["deadlines"]["submission"]
    assert [w["code"] for w in direct["warnings"]] == ["late_submission"]
    refused = client.post(f"/api/v1/claims/{claim['id']}/submit", headers=farm["headers"])
    assert refused.status_code == 409 and refused.json["error"]["code"] == "late_submission"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.converted"))
    assert event.data == {
        "discovered_on": late_day.isoformat(),
        "submission_deadline": deadline.isoformat(),
        "late": True,
    }

    # And one still in time on its last day is not late.
    edge = client.post(
        "/api/v1/reports",
        json=_body(farm["parcel"], discovered_on=last_in_time_day(today).isoformat()),
        headers=farm["headers"],
    ).json
    assert edge["late"] is False
    in_time = client.post(f"/api/v1/reports/{edge['id']}/convert", headers=farm["headers"]).json
    assert in_time["warnings"] == []


def test_a_melding_is_converted_once(client, session, farm):
    report = client.post("/api/v1/reports", json=_body(farm["parcel"]), headers=farm["headers"])
    url = f"/api/v1/reports/{report.json['id']}/convert"
    first = client.post(url, headers=farm["headers"])
    second = client.post(url, headers=farm["headers"])
    assert second.status_code == 409, second.json
    assert second.json["error"]["code"] == "already_converted"
    assert first.json["reference"] in second.json["error"]["message"]
    assert session.scalar(select(func.count()).select_from(Claim)) == 1
    claim = session.get(Claim, first.json["id"])
    assert claim.status == ClaimStatus.DRAFT


def test_a_repeated_convert_with_its_idempotency_key_replays_the_claim(client, session, farm):
    report = client.post("/api/v1/reports", json=_body(farm["parcel"]), headers=farm["headers"])
    url = f"/api/v1/reports/{report.json['id']}/convert"
    headers = {**farm["headers"], "Idempotency-Key": "melding-omzetten-1"}
    first = client.post(url, headers=headers)
    again = client.post(url, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    assert session.scalar(select(func.count()).select_from(Claim)) == 1


def test_a_converted_parcel_that_became_rented_is_refused_by_name(client, session, farm):
    report = client.post("/api/v1/reports", json=_body(farm["parcel"]), headers=farm["headers"])
    farm["parcel"].tenure = Tenure.RENT
    session.flush()
    answer = client.post(f"/api/v1/reports/{report.json['id']}/convert", headers=farm["headers"])
    assert answer.status_code == 422
    assert "gehuurd" in answer.json["error"]["fields"]["parcels[0].parcel_id"][0]
    assert session.scalar(select(func.count()).select_from(Claim)) == 0
    assert session.get(DamageReport, report.json["id"]).converted_claim_id is None
