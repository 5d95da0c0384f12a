"""The farmer's journey through the API: register → parcel → claim → submit → pay → status."""

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from faunaschade.models import Claim, FarmerProfile, IdempotencyKey, Payment, User
from tests.support.farmers import (
    claim_body,
    jpeg_bytes,
    parcel_body,
    register_and_login,
    registration,
)


def test_register_parcel_claim_submit_pay_status(
    client, session, redis_conn, run_worker, smtp_server
):
    farmer = register_and_login(client)
    me = client.get("/api/v1/me", headers=farmer).json
    assert me["role"] == "farmer"

    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer)
    assert parcel.status_code == 201, parcel.json
    assert parcel.json["eligible"] is True

    created = client.post("/api/v1/claims", json=claim_body(parcel.json["id"]), headers=farmer)
    assert created.status_code == 201, created.json
    claim = created.json
    assert claim["status"] == "draft" and claim["reference"].startswith("FS-")
    assert claim["leges"] == "300.00"
    assert claim["deadlines"]["submission"] is not None and claim["warnings"] == []

    photo = client.post(
        f"/api/v1/claims/{claim['id']}/attachments",
        headers=farmer,
        data={"file": (__import__("io").BytesIO(jpeg_bytes()), "gans.jpg")},
    )
    assert photo.status_code == 201, photo.json
    assert photo.json["content_type"] == "image/jpeg"

    submitted = client.post(f"/api/v1/claims/{claim['id']}/submit", json={}, headers=farmer)
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["status"] == "awaiting_payment"
    assert submitted.json["deadlines"]["decision_backstop"] is not None

    started = client.post(f"/api/v1/claims/{claim['id']}/payment", headers=farmer)
    assert started.status_code == 201, started.json
    assert started.json["redirect_url"].startswith("/betalen/test/")
    assert started.json["amount"] == "300.00"

    confirm = client.post(
        f"/api/v1/payments/{started.json['payment_id']}/test-confirm",
        json={"status": "paid"},
        headers=farmer,
    )
    assert confirm.status_code == 200 and confirm.json["changed"] is True
    again = client.post(
        f"/api/v1/payments/{started.json['payment_id']}/test-confirm",
        json={"status": "paid"},
        headers=farmer,
    )
    assert again.status_code == 200 and again.json["changed"] is False

    status = client.get(f"/api/v1/claims/{claim['id']}", headers=farmer).json
    assert status["status"] == "submitted"

    run_worker()
    letters = client.get(f"/api/v1/claims/{claim['id']}/letters", headers=farmer).json
    assert [(letter["kind"], letter["status"]) for letter in letters] == [("receipt", "ready")]
    pdf = client.get(f"/api/v1/letters/{letters[0]['id']}.pdf", headers=farmer)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    message = smtp_server.wait_for(1)[0]
    assert claim["reference"] in message["Subject"] + message.get_content()
    assert message["To"] == "jan@boerderij.nl"


def test_leges_free_province_skips_payment(client, session):
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    claim = client.post(
        "/api/v1/claims", json=claim_body(parcel["id"], province="LI"), headers=farmer
    ).json
    assert claim["leges"] == "0.00"
    submitted = client.post(f"/api/v1/claims/{claim['id']}/submit", json={}, headers=farmer)
    assert submitted.json["status"] == "submitted"
    assert client.post(f"/api/v1/claims/{claim['id']}/payment", headers=farmer).status_code == 409


def test_rented_parcel_is_refused_with_the_reason(client, session):
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(tenure="rent"), headers=farmer).json
    assert parcel["eligible"] is False
    response = client.post("/api/v1/claims", json=claim_body(parcel["id"]), headers=farmer)
    assert response.status_code == 422
    assert "gehuurd" in response.json["error"]["fields"]["parcels[0].parcel_id"][0]
    assert session.scalar(select(func.count()).select_from(Claim)) == 0


def test_late_claim_needs_acknowledgement_then_is_accepted(client, session):
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    claim = client.post(
        "/api/v1/claims", json=claim_body(parcel["id"], discovered_on="2025-01-06"), headers=farmer
    ).json
    assert [w["code"] for w in claim["warnings"]] == ["late_submission"]
    refused = client.post(f"/api/v1/claims/{claim['id']}/submit", json={}, headers=farmer)
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "late_submission"
    assert "15-01-2025" in refused.json["error"]["message"]
    accepted = client.post(
        f"/api/v1/claims/{claim['id']}/submit", json={"acknowledge_late": True}, headers=farmer
    )
    assert accepted.status_code == 200 and accepted.json["status"] == "awaiting_payment"


def test_draft_can_be_edited_then_not_after_submit(client, session):
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    claim = client.post(
        "/api/v1/claims", json=claim_body(parcel["id"], province="LI"), headers=farmer
    ).json
    patched = client.patch(
        f"/api/v1/claims/{claim['id']}", json={"species": ["kolgans"]}, headers=farmer
    )
    assert patched.status_code == 200 and patched.json["species"] == ["kolgans"]
    client.post(f"/api/v1/claims/{claim['id']}/submit", json={}, headers=farmer)
    late_edit = client.patch(
        f"/api/v1/claims/{claim['id']}", json={"description": "x"}, headers=farmer
    )
    assert late_edit.status_code == 409


def test_withdraw_cancels_the_open_payment(client, session):
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    claim = client.post("/api/v1/claims", json=claim_body(parcel["id"]), headers=farmer).json
    client.post(f"/api/v1/claims/{claim['id']}/submit", json={}, headers=farmer)
    payment = client.post(f"/api/v1/claims/{claim['id']}/payment", headers=farmer).json
    withdrawn = client.post(f"/api/v1/claims/{claim['id']}/withdraw", headers=farmer)
    assert withdrawn.json["status"] == "withdrawn"
    session.expire_all()
    assert session.get(Payment, payment["payment_id"]).status.value == "cancelled"


def test_idempotency_key_replays_and_refuses_another_body(client, session):
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    headers = {**farmer, "Idempotency-Key": "claim-1"}
    first = client.post("/api/v1/claims", json=claim_body(parcel["id"]), headers=headers)
    replay = client.post("/api/v1/claims", json=claim_body(parcel["id"]), headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json == first.json and replay.headers["Idempotent-Replayed"] == "true"
    other = client.post(
        "/api/v1/claims", json=claim_body(parcel["id"], description="anders"), headers=headers
    )
    assert other.status_code == 422
    assert other.json["error"]["code"] == "idempotency_key_reused"
    assert session.scalar(select(func.count()).select_from(Claim)) == 1


def test_the_work_the_key_and_its_answer_commit_together(client, session):
    """One COMMIT: no moment (nor crash) where the claim is stored but its key says "busy"."""
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    commits: list[Session] = []
    count = commits.append
    event.listen(Session, "after_commit", count)
    try:
        created = client.post(
            "/api/v1/claims",
            json=claim_body(parcel["id"]),
            headers={**farmer, "Idempotency-Key": "claim-once"},
        )
    finally:
        event.remove(Session, "after_commit", count)
    assert created.status_code == 201, created.json
    assert len(commits) == 1
    key = session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == "claim-once"))
    assert key.response_status == 201 and key.response_body == created.json


def test_failed_create_with_a_key_can_be_retried(client, session):
    farmer = register_and_login(client)
    headers = {**farmer, "Idempotency-Key": "parcel-1"}
    bad = client.post("/api/v1/parcels", json=parcel_body(area_ha="-1"), headers=headers)
    assert bad.status_code == 422
    good = client.post("/api/v1/parcels", json=parcel_body(area_ha="-1"), headers=headers)
    assert good.status_code == 422  # validated again, not replayed as if stored


def test_registration_replay_does_not_register_twice(client, session):
    headers = {"Idempotency-Key": "signup-1"}
    first = client.post("/api/v1/register", json=registration(), headers=headers)
    replay = client.post("/api/v1/register", json=registration(), headers=headers)
    assert first.status_code == replay.status_code == 202
    assert session.scalar(select(func.count()).select_from(FarmerProfile)) == 1
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_no_field_anywhere_holds_a_bsn(client, session):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    names = {prop.lower() for schema in schemas.values() for prop in schema.get("properties", {})}
    assert "kvk" in names and not any("bsn" in n or "burgerservice" in n for n in names)
    columns = {c.name for t in FarmerProfile.metadata.sorted_tables for c in t.columns}
    assert not any("bsn" in c for c in columns)
