"""Machtigingen (issue 15) through the API: a farmer authorises a representative, who files,
pays, answers and objects for them; revoked or expired, the representative gets 404."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from faunaschade.accounts.users import create_user
from faunaschade.clock import today
from faunaschade.decisions import objections
from faunaschade.errors import Forbidden
from faunaschade.models import (
    AuditEvent,
    Authorisation,
    AuthorisationSource,
    Claim,
    FarmerProfile,
    Parcel,
    Role,
    Tenure,
)
from faunaschade.models.base import utcnow
from tests.support.app import DEMO_PASSWORD, csrf_token_from, post_form, web_client
from tests.support.claims import claim_in_status
from tests.support.decisions import assessed_claim
from tests.support.farmers import claim_body, jpeg_bytes


@pytest.fixture
def people(make_user, session):
    """Farmer "Maatschap Akkerland", a contractor with a farm of their own, an adviser without
    one, another farmer, two Drenthe officers, an NH officer and an assessor."""
    users = {
        "farmer": make_user("farmer"),
        "rep": make_user("farmer", name="Loonbedrijf Jansen"),
        "adviser": create_user("adviseur@example.nl", DEMO_PASSWORD, Role.FARMER, name="Adviseur"),
        "other": make_user("farmer"),
        "a": make_user("officer", provinces=("DR",)),
        "b": make_user("officer", provinces=("DR",)),
        "nh": make_user("officer", provinces=("NH",)),
        "assessor": make_user("assessor"),
    }
    profile = session.scalar(
        select(FarmerProfile).where(FarmerProfile.user_id == users["farmer"].id)
    )
    profile.name = "Maatschap Akkerland"
    session.flush()
    return users


@pytest.fixture
def tokens(people, api_token):
    return {name: api_token(user) for name, user in people.items()}


def _profile(session, user) -> FarmerProfile:
    return session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == user.id))


def _grant(client, tokens, **body):
    body = {"email": "farmer2@example.nl", **body}
    return client.post("/api/v1/authorisations", json=body, headers=tokens["farmer"])


def _parcel(session, profile: FarmerProfile) -> Parcel:
    parcel = Parcel(
        farmer_id=profile.id,
        name="Es",
        area_ha="5",
        crop="blijvend_grasland",
        province="FR",
        tenure=Tenure.OWN,
    )
    session.add(parcel)
    session.flush()
    return parcel


def test_grant_then_the_representative_sees_the_claims_and_whom_they_act_for(
    client, session, people, tokens
):
    claim = assessed_claim(session, people["farmer"], people["a"], people["assessor"])
    assert client.get(f"/api/v1/claims/{claim.id}", headers=tokens["rep"]).status_code == 404

    granted = _grant(client, tokens)
    assert granted.status_code == 201, granted.json
    assert granted.json["scope"] == "all_claims"
    assert granted.json["representative_name"] == "Loonbedrijf Jansen"
    assert granted.json["valid_from"] == today().isoformat()
    assert granted.json["active"] is True and granted.json["source"] == "online"

    seen = client.get(f"/api/v1/claims/{claim.id}", headers=tokens["rep"])
    assert seen.status_code == 200
    assert seen.json["farmer_name"] == "Maatschap Akkerland"
    listed = client.get("/api/v1/claims", headers=tokens["rep"]).json["items"]
    assert [c["id"] for c in listed] == [claim.id]
    acting = client.get("/api/v1/authorisations?as=representative", headers=tokens["rep"]).json
    assert [a["farmer_name"] for a in acting] == ["Maatschap Akkerland"]
    assert [
        a["id"] for a in client.get("/api/v1/authorisations", headers=tokens["farmer"]).json
    ] == [granted.json["id"]]
    # Another farmer sees nothing of it.
    assert client.get(f"/api/v1/claims/{claim.id}", headers=tokens["other"]).status_code == 404
    assert client.get("/api/v1/authorisations", headers=tokens["other"]).json == []
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "authorisation.granted"))
    assert event.actor_id == people["farmer"].id and event.data["scope"] == "all_claims"


def test_one_claim_covers_that_claim_only_and_no_new_claims(client, session, people, tokens):
    first = assessed_claim(session, people["farmer"], people["a"], people["assessor"])
    second = assessed_claim(session, people["farmer"], people["a"], people["assessor"])
    assert _grant(client, tokens, claim_id=first.id).status_code == 201
    assert client.get(f"/api/v1/claims/{first.id}", headers=tokens["rep"]).status_code == 200
    assert client.get(f"/api/v1/claims/{second.id}", headers=tokens["rep"]).status_code == 404
    profile = _profile(session, people["farmer"])
    parcel = _parcel(session, profile)
    refused = client.post(
        "/api/v1/claims",
        json={**claim_body(parcel.id), "farmer_id": profile.id},
        headers=tokens["rep"],
    )
    assert refused.status_code == 422
    assert "machtiging" in refused.json["error"]["fields"]["farmer_id"][0]


def test_the_representative_files_a_claim_for_the_farmer(client, session, people, tokens):
    profile = _profile(session, people["farmer"])
    parcel = _parcel(session, profile)
    body = {**claim_body(parcel.id), "farmer_id": profile.id}
    # Without an authorisation: refused on the field, nothing stored.
    refused = client.post("/api/v1/claims", json=body, headers=tokens["adviser"])
    assert refused.status_code == 422 and "farmer_id" in refused.json["error"]["fields"]
    assert session.scalar(select(Claim).where(Claim.farmer_id == profile.id)) is None

    _grant(client, tokens, email="adviseur@example.nl")
    filed = client.post("/api/v1/claims", json=body, headers=tokens["adviser"])
    assert filed.status_code == 201, filed.json
    assert filed.json["farmer_id"] == profile.id
    assert filed.json["farmer_name"] == "Maatschap Akkerland"
    claim_id = filed.json["id"]
    # The farmer sees it as their own; the adviser submits and starts the payment for them.
    assert client.get(f"/api/v1/claims/{claim_id}", headers=tokens["farmer"]).status_code == 200
    submitted = client.post(f"/api/v1/claims/{claim_id}/submit", headers=tokens["adviser"])
    assert submitted.status_code == 200, submitted.json
    paying = client.post(f"/api/v1/claims/{claim_id}/payment", headers=tokens["adviser"])
    assert paying.status_code == 201, paying.json
    confirm = client.post(
        f"/api/v1/payments/{paying.json['payment_id']}/test-confirm", headers=tokens["adviser"]
    )
    assert confirm.status_code == 200 and confirm.json["status"] == "paid"

    events = session.scalars(
        select(AuditEvent).where(AuditEvent.claim_id == claim_id).order_by(AuditEvent.id)
    ).all()
    by_adviser = [e for e in events if e.actor_id == people["adviser"].id]
    assert {"claim.created", "claim.transition", "payment.started"} <= {
        e.action for e in by_adviser
    }
    assert all(e.data.get("on_behalf_of") == profile.id for e in by_adviser)
    # The farmer's own acts are not "on behalf of" anyone.
    own = client.post("/api/v1/claims", json=claim_body(parcel.id), headers=tokens["farmer"])
    created = session.scalar(
        select(AuditEvent).where(
            AuditEvent.claim_id == own.json["id"], AuditEvent.action == "claim.created"
        )
    )
    assert "on_behalf_of" not in created.data


def test_the_representative_answers_the_assessment_and_objects(client, session, people, tokens):
    claim = assessed_claim(session, people["farmer"], people["a"], people["assessor"])
    claim.zienswijze_deadline = today() + timedelta(days=5)
    session.flush()
    _grant(client, tokens, claim_id=claim.id)
    agreed = client.post(f"/api/v1/claims/{claim.id}/accept-assessment", headers=tokens["rep"])
    assert agreed.status_code in (200, 201), agreed.json

    decided = claim_in_status("decided", people, session=session)
    _grant(client, tokens, claim_id=decided.id)
    objected = client.post(
        f"/api/v1/claims/{decided.id}/objection",
        json={"text": "De prijs per kilo is te laag."},
        headers=tokens["rep"],
    )
    assert objected.status_code == 201, objected.json
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "objection.filed"))
    assert event.actor_id == people["rep"].id
    assert event.data["on_behalf_of"] == decided.farmer_id


def test_revoked_the_representative_gets_404_at_once(client, session, people, tokens):
    claim = claim_in_status("decided", people, session=session)
    granted = _grant(client, tokens).json
    assert client.get(f"/api/v1/claims/{claim.id}", headers=tokens["rep"]).status_code == 200
    revoked = client.post(
        f"/api/v1/authorisations/{granted['id']}/revoke", headers=tokens["farmer"]
    )
    assert revoked.status_code == 200 and revoked.json["active"] is False
    assert client.get(f"/api/v1/claims/{claim.id}", headers=tokens["rep"]).status_code == 404
    objected = client.post(
        f"/api/v1/claims/{claim.id}/objection", json={"text": "Bezwaar."}, headers=tokens["rep"]
    )
    assert objected.status_code == 404
    assert client.get("/api/v1/claims", headers=tokens["rep"]).json["items"] == []
    again = client.post(f"/api/v1/authorisations/{granted['id']}/revoke", headers=tokens["farmer"])
    assert again.status_code == 409 and "al ingetrokken" in again.json["error"]["message"]
    # Someone else's authorisation cannot be revoked (404), not even by the representative.
    other = client.post(f"/api/v1/authorisations/{granted['id']}/revoke", headers=tokens["rep"])
    assert other.status_code == 404
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "authorisation.revoked"))
    assert event.actor_id == people["farmer"].id


def test_expired_or_not_yet_valid_answers_404(client, session, people, tokens):
    claim = assessed_claim(session, people["farmer"], people["a"], people["assessor"])
    profile = _profile(session, people["farmer"])
    expired = Authorisation(
        farmer_id=profile.id,
        representative_id=people["rep"].id,
        valid_from=today() - timedelta(days=30),
        valid_until=today() - timedelta(days=1),
        source=AuthorisationSource.ONLINE,
        created_by=people["farmer"].id,
    )
    session.add(expired)
    session.flush()
    assert client.get(f"/api/v1/claims/{claim.id}", headers=tokens["rep"]).status_code == 404
    future = _grant(client, tokens, valid_from=(today() + timedelta(days=3)).isoformat())
    assert future.status_code == 201 and future.json["active"] is False
    assert client.get(f"/api/v1/claims/{claim.id}", headers=tokens["rep"]).status_code == 404
    # Ending today still counts today.
    client.post(f"/api/v1/authorisations/{future.json['id']}/revoke", headers=tokens["farmer"])
    assert _grant(client, tokens, valid_until=today().isoformat()).status_code == 201
    assert client.get(f"/api/v1/claims/{claim.id}", headers=tokens["rep"]).status_code == 200


def test_an_objection_without_authorisation_is_refused_naming_why(session, people):
    claim = claim_in_status("decided", people, session=session)
    profile = _profile(session, people["farmer"])
    with pytest.raises(Forbidden) as none:
        objections.file_objection(claim, people["rep"], "Bezwaar.")
    assert (
        none.value.message == "U heeft geen machtiging van Maatschap Akkerland voor deze aanvraag."
    )
    assert none.value.code == "not_authorised"

    authorisation = Authorisation(
        farmer_id=profile.id,
        representative_id=people["rep"].id,
        valid_from=today() - timedelta(days=30),
        valid_until=today() - timedelta(days=2),
        source=AuthorisationSource.ONLINE,
        created_by=people["farmer"].id,
    )
    session.add(authorisation)
    session.flush()
    with pytest.raises(Forbidden) as expired:
        objections.file_objection(claim, people["rep"], "Bezwaar.")
    day = today() - timedelta(days=2)
    assert f"is verlopen op {day:%d-%m-%Y}" in expired.value.message

    authorisation.valid_until, authorisation.revoked_at = None, utcnow()
    session.flush()
    with pytest.raises(Forbidden) as revoked:
        objections.file_objection(claim, people["rep"], "Bezwaar.")
    assert f"is ingetrokken op {today():%d-%m-%Y}" in revoked.value.message
    # The farmer themself needs none.
    assert objections.file_objection(claim, people["farmer"], "Bezwaar.").id


def test_officer_records_a_written_authorisation(client, session, people, tokens):
    claim = assessed_claim(session, people["farmer"], people["a"], people["assessor"])
    profile = _profile(session, people["farmer"])
    url = f"/api/v1/farmers/{profile.id}/authorisations"
    body = {
        "email": "adviseur@example.nl",
        "document_date": (today() - timedelta(days=3)).isoformat(),
        "valid_from": (today() - timedelta(days=3)).isoformat(),
    }
    assert client.post(url, json=body, headers=tokens["nh"]).status_code == 404
    assert client.post(url, json=body, headers=tokens["rep"]).status_code == 403
    recorded = client.post(url, json=body, headers=tokens["a"])
    assert recorded.status_code == 201, recorded.json
    assert recorded.json["source"] == "written" and recorded.json["active"] is True
    assert client.get(f"/api/v1/claims/{claim.id}", headers=tokens["adviser"]).status_code == 200
    assert [a["id"] for a in client.get(url, headers=tokens["a"]).json] == [recorded.json["id"]]
    # The farmer sees it on their own list too, and may revoke it.
    listed = client.get("/api/v1/authorisations", headers=tokens["farmer"]).json
    assert [a["source"] for a in listed] == ["written"]
    revoked = client.post(f"{url}/{recorded.json['id']}/revoke", headers=tokens["b"])
    assert revoked.status_code == 200
    assert client.get(f"/api/v1/claims/{claim.id}", headers=tokens["adviser"]).status_code == 404

    future = {**body, "document_date": (today() + timedelta(days=1)).isoformat()}
    answer = client.post(url, json=future, headers=tokens["a"])
    assert (
        answer.status_code == 422
        and "toekomst" in answer.json["error"]["fields"]["document_date"][0]
    )
    missing = {k: v for k, v in body.items() if k != "document_date"}
    answer = client.post(url, json=missing, headers=tokens["a"])
    assert answer.status_code == 422 and "document_date" in answer.json["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"email": "niemand@example.nl"}, "email", "Er is geen account met dit e-mailadres"),
        ({"email": "geen-adres"}, "email", "geldig e-mailadres"),
        ({"email": ""}, "email", "geldig e-mailadres"),
        ({"email": None}, "email", "verplicht"),
        ({"email": ["farmer2@example.nl"]}, "email", "Verwacht tekst"),
        ({"email": "x" * 300 + "@example.nl"}, "email", "e-mailadres"),
        ({"email": "farmer1@example.nl"}, "email", "uzelf niet machtigen"),
        ({"email": "officer5@example.nl"}, "email", "medewerker"),
        ({"claim_id": "1"}, "claim_id", "nummer van een aanvraag"),
        ({"claim_id": -4}, "claim_id", "nummer van een aanvraag"),
        ({"claim_id": 2**40}, "claim_id", "nummer van een aanvraag"),
        ({"claim_id": 999999}, "claim_id", "eigen aanvragen"),
        ({"valid_from": "01-02-2026"}, "valid_from", "JJJJ-MM-DD"),
        ({"valid_from": "2026-02-30"}, "valid_from", "JJJJ-MM-DD"),
        ({"valid_from": "9999-01-01"}, "valid_from", "tussen 2000 en 2100"),
        ({"valid_from": "2020-01-01"}, "valid_from", "verleden"),
        ({"valid_until": "gisteren"}, "valid_until", "JJJJ-MM-DD"),
        ({"valid_until": "2001-01-01"}, "valid_until", "vóór de ingangsdatum"),
        ({"surprise": 1}, "surprise", "Onbekend veld"),
    ],
)
def test_hostile_input_is_a_field_error_in_dutch(
    client, session, people, tokens, body, field, words
):
    answer = _grant(client, tokens, **body)
    assert answer.status_code == 422, answer.json
    assert words in " ".join(answer.json["error"]["fields"][field]), answer.json
    assert session.scalar(select(Authorisation)) is None


def test_another_farmers_claim_and_overlapping_duplicates_are_refused(
    client, session, people, tokens
):
    others = assessed_claim(session, people["other"], people["a"], people["assessor"])
    answer = _grant(client, tokens, claim_id=others.id)
    assert answer.status_code == 422 and "claim_id" in answer.json["error"]["fields"]
    own = assessed_claim(session, people["farmer"], people["a"], people["assessor"])
    until = (today() + timedelta(days=30)).isoformat()
    assert _grant(client, tokens, valid_until=until).status_code == 201
    for again in ({}, {"claim_id": own.id}, {"valid_from": until}):
        duplicate = _grant(client, tokens, **again)
        assert duplicate.status_code == 422, again
        assert "overlapt" in duplicate.json["error"]["fields"]["email"][0]
    later = (today() + timedelta(days=31)).isoformat()
    assert _grant(client, tokens, valid_from=later).status_code == 201
    assert _grant(client, tokens, email="adviseur@example.nl").status_code == 201


def test_letters_name_the_representative_and_they_get_the_email(
    client, session, people, tokens, redis_conn, run_worker, smtp_server, pdf_text
):
    claim = claim_in_status("proposed", people, session=session)
    _grant(client, tokens)
    approve = client.post(f"/api/v1/claims/{claim.id}/approve", headers=tokens["b"])
    assert approve.status_code == 200, approve.json
    run_worker()
    letters = client.get(f"/api/v1/claims/{claim.id}/letters", headers=tokens["rep"]).json
    decision = next(letter for letter in letters if letter["kind"] == "decision")
    pdf = client.get(f"/api/v1/letters/{decision['id']}.pdf", headers=tokens["rep"])
    assert pdf.status_code == 200
    text = " ".join(pdf_text(pdf.data).split())
    assert "Maatschap Akkerland" in text
    assert "Afschrift aan: Loonbedrijf Jansen (gemachtigde)" in text
    messages = smtp_server.wait_for(2)
    recipients = sorted(
        address for envelope in smtp_server.envelope_recipients for address in envelope
    )
    assert recipients == sorted([people["farmer"].email, people["rep"].email])
    copy = next(m for m in messages if m["To"] == people["rep"].email)
    body = copy.get_payload(decode=True).decode()
    assert "Beste Loonbedrijf Jansen," in body
    assert "als gemachtigde van Maatschap Akkerland" in body


def test_the_audit_log_shows_who_acted_for_whom(client, session, people, tokens, make_user):
    claim = claim_in_status("decided", people, session=session)
    _grant(client, tokens)
    client.post(
        f"/api/v1/claims/{claim.id}/objection", json={"text": "Bezwaar."}, headers=tokens["rep"]
    )
    auditor = make_user("auditor", provinces=("DR",))
    page = web_client(client.application, auditor).get("/auditlog")
    html = page.get_data(as_text=True)
    assert "farmer2@example.nl namens Maatschap Akkerland" in html


def test_the_pages_name_bad_fields_and_the_officer_keeps_the_scan(client, session, people):
    farmer = web_client(client.application, people["farmer"])
    empty = post_form(farmer, "/machtigingen", {"email": "", "scope": "all_claims"})
    assert empty.status_code == 422
    assert "Controleer deze velden" in empty.get_data(as_text=True)
    no_claim = post_form(farmer, "/machtigingen", {"email": "farmer2@example.nl", "scope": "claim"})
    assert no_claim.status_code == 422
    assert "Kies de aanvraag waarvoor de machtiging geldt." in no_claim.get_data(as_text=True)
    hostile = post_form(
        farmer,
        "/machtigingen",
        {"email": "farmer2@example.nl", "scope": "claim", "claim_id": "1; DROP TABLE claims"},
    )
    assert hostile.status_code == 422
    staff = post_form(farmer, "/machtigingen", {"email": "officer4@example.nl"})
    assert staff.status_code == 422 and "medewerker" in staff.get_data(as_text=True)
    assert session.scalar(select(Authorisation)) is None

    claim = assessed_claim(session, people["farmer"], people["a"], people["assessor"])
    officer = web_client(client.application, people["a"])
    url = f"/aanvragers/{claim.farmer_id}/machtigingen"
    page = officer.get(url)
    assert page.status_code == 200 and "Maatschap Akkerland" in page.get_data(as_text=True)
    assert web_client(client.application, people["nh"]).get(url).status_code == 404
    form = {
        "email": "adviseur@example.nl",
        "scope": "claim",
        "claim_id": str(claim.id),
        "valid_from": today().isoformat(),
        "document_date": today().isoformat(),
    }
    token = csrf_token_from(page.get_data(as_text=True))
    bad = officer.post(
        url,
        data={**form, "csrf_token": token, "file": (io.BytesIO(b"geen scan"), "scan.txt")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "Alleen een PDF of een foto" in bad.get_data(as_text=True)
    stored = officer.post(
        url,
        data={**form, "csrf_token": token, "file": (io.BytesIO(jpeg_bytes()), "scan.jpg")},
        content_type="multipart/form-data",
    )
    assert stored.status_code == 302
    authorisation = session.scalar(select(Authorisation))
    assert authorisation.source == AuthorisationSource.WRITTEN
    assert authorisation.claim_id == claim.id and authorisation.document_file_id
    scan = officer.get(f"{url}/{authorisation.id}/scan")
    assert scan.status_code == 200 and scan.data == jpeg_bytes()
    claim_page = officer.get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    assert "Adviseur" in claim_page
