"""A representative (machtiging for all claims) reports damage for the farmer, reads it, turns
it into the farmer's claim; without or after the authorisation: refused by name, then 404."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from faunaschade.extensions import db
from faunaschade.models import AuditEvent, Claim, DamageReport
from tests.reports.test_reports_api import _body, _parcel, _profile
from tests.support.app import csrf_token_from, web_client


@pytest.fixture
def world(session, make_user, api_token):
    farmer, rep, other = make_user("farmer"), make_user("farmer"), make_user("farmer")
    return {
        "farmer": farmer,
        "rep": rep,
        "parcel": _parcel(session, farmer),
        "profile": _profile(session, farmer),
        "headers": {
            name: api_token(user)
            for name, user in (("farmer", farmer), ("rep", rep), ("other", other))
        },
    }


def _grant(client, world, **body):
    answer = client.post(
        "/api/v1/authorisations",
        json={"email": world["rep"].email, **body},
        headers=world["headers"]["farmer"],
    )
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_representative_reports_for_the_farmer_and_loses_it_on_revocation(client, session, world):
    body = _body(world["parcel"], farmer_id=world["profile"].id)
    refused = client.post("/api/v1/reports", json=body, headers=world["headers"]["rep"])
    assert refused.status_code == 422
    assert "machtiging" in refused.json["error"]["fields"]["farmer_id"][0]
    assert session.scalar(select(DamageReport)) is None

    granted = _grant(client, world)
    made = client.post("/api/v1/reports", json=body, headers=world["headers"]["rep"])
    assert made.status_code == 201, made.json
    report = session.get(DamageReport, made.json["id"])
    assert report.farmer_id == world["profile"].id
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.created"))
    assert event.actor_id == world["rep"].id
    assert event.data["on_behalf_of"] == world["profile"].id

    url = f"/api/v1/reports/{report.id}"
    assert client.get(url, headers=world["headers"]["rep"]).status_code == 200
    assert client.get(url, headers=world["headers"]["other"]).status_code == 404
    listed = client.get("/api/v1/reports", headers=world["headers"]["rep"]).json["items"]
    assert [r["id"] for r in listed] == [report.id]

    converted = client.post(f"{url}/convert", headers=world["headers"]["rep"])
    assert converted.status_code == 201, converted.json
    claim = session.get(Claim, converted.json["id"])
    assert claim.farmer_id == world["profile"].id
    assert claim.discovered_on == report.discovered_on

    revoked = client.post(
        f"/api/v1/authorisations/{granted['id']}/revoke", headers=world["headers"]["farmer"]
    )
    assert revoked.status_code == 200, revoked.json
    assert client.get(url, headers=world["headers"]["rep"]).status_code == 404
    assert client.get(url, headers=world["headers"]["farmer"]).status_code == 200


def test_a_one_claim_authorisation_does_not_cover_meldingen(client, session, world):
    headers = world["headers"]["farmer"]
    first = client.post("/api/v1/reports", json=_body(world["parcel"]), headers=headers).json
    claim = client.post(f"/api/v1/reports/{first['id']}/convert", headers=headers).json
    _grant(client, world, claim_id=claim["id"])
    assert (
        client.get(f"/api/v1/claims/{claim['id']}", headers=world["headers"]["rep"]).status_code
        == 200
    )
    body = _body(world["parcel"], farmer_id=world["profile"].id)
    answer = client.post("/api/v1/reports", json=body, headers=world["headers"]["rep"])
    assert answer.status_code == 422 and "farmer_id" in answer.json["error"]["fields"]
    own = client.post(
        "/api/v1/reports", json=_body(world["parcel"]), headers=world["headers"]["farmer"]
    )
    assert own.status_code == 201
    assert (
        client.get(f"/api/v1/reports/{own.json['id']}", headers=world["headers"]["rep"]).status_code
        == 404
    )


def test_the_melding_form_asks_for_whom_and_files_for_the_farmer(app, committed, make_user):
    farmer, rep = (
        make_user("farmer"),
        make_user("farmer"),
    )
    with app.app_context():
        parcel = _parcel(db.session, farmer)
        profile_id = _profile(db.session, farmer).id
        parcel_id = parcel.id
        body = _body(parcel)
        db.session.commit()
    farmer_web = web_client(app, farmer)
    page = farmer_web.get("/machtigingen")
    granted = farmer_web.post(
        "/machtigingen",
        data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "email": rep.email,
            "scope": "all_claims",
        },
    )
    assert granted.status_code == 302, granted.get_data(as_text=True)[-3000:]
    rep_web = web_client(app, rep)
    form = rep_web.get(f"/meldingen/nieuw?namens={profile_id}")
    text = form.get_data(as_text=True)
    assert form.status_code == 200
    assert "Voor wie meldt u deze schade?" in text and "U handelt namens Boer 1." in text
    sent = rep_web.post(
        f"/meldingen/nieuw?namens={profile_id}",
        data={
            "csrf_token": csrf_token_from(text),
            "discovered_on": body["discovered_on"],
            "species": body["species"],
            f"include_{parcel_id}": "1",
            f"damaged_area_{parcel_id}": "1,5",
            f"area_type_{parcel_id}": "regular",
            "estimated_damage": "1.250,50",
        },
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    with app.app_context():
        report = db.session.scalar(select(DamageReport))
        assert report.farmer_id == profile_id
    assert rep_web.get("/meldingen/nieuw?namens=999999").status_code == 404
