"""Privacy: a farmer exports everything held about them; an admin erases it after retention."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from faunaschade.audit import chain as audit_service
from faunaschade.claims import attachments
from faunaschade.clock import today
from faunaschade.farmers import privacy
from faunaschade.models import (
    Attachment,
    AttachmentKind,
    AuditEvent,
    AuthToken,
    Claim,
    ClaimStatus,
    Decision,
    FarmerProfile,
    Payment,
    PaymentBatch,
    PaymentBatchItem,
    StoredFile,
    User,
)
from tests.support.app import DEMO_PASSWORD, csrf_token_from
from tests.support.decisions import assessed_claim
from tests.support.farmers import jpeg_bytes


@pytest.fixture
def people(make_user, api_token):
    users = {
        "farmer": make_user("farmer"),
        "farmer2": make_user("farmer"),
        "a": make_user("officer", provinces=("DR",)),
        "b": make_user("officer", provinces=("DR",)),
        "assessor": make_user("assessor"),
        "admin": make_user("admin"),
    }
    return users, {name: api_token(user) for name, user in users.items()}


def cli(app, *args: str):
    """Run a flask command in its own app context (own session), as from a shell."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def _profile(session, user) -> FarmerProfile:
    return session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == user.id))


def _photo(session, claim, user) -> Attachment:
    # Attached as a zienswijze document: photos are closed once a claim is assessed.
    return attachments.add_attachment(
        claim, "schade-akker.jpg", jpeg_bytes(), user, kind=AttachmentKind.ZIENSWIJZE
    )


def _paid_claim(client, session, users, tokens) -> Claim:
    """Decided (officer A proposes, B approves), batched, exported and paid."""
    claim = assessed_claim(session, users["farmer"], users["a"], users["assessor"])
    _photo(session, claim, users["farmer"])
    steps = [
        (f"/api/v1/claims/{claim.id}/proposal", {"motivation": "Conform taxatie."}, "a", 201),
        (f"/api/v1/claims/{claim.id}/approve", {}, "b", 200),
        ("/api/v1/payment-batches", {"province": "DR"}, "a", 201),
    ]
    for url, body, who, status in steps:
        response = client.post(url, json=body, headers=tokens[who])
        assert response.status_code == status, response.json
    batch_id = response.json["id"]
    base = f"/api/v1/payment-batches/{batch_id}"
    assert client.post(f"{base}/approve", headers=tokens["b"]).status_code == 200
    assert client.get(f"{base}/pain001.xml", headers=tokens["a"]).status_code == 200
    assert client.post(f"{base}/paid", headers=tokens["a"]).status_code == 200
    session.expire_all()
    assert session.get(Claim, claim.id).status == ClaimStatus.PAID
    return claim


def test_export_holds_the_farmers_own_data_and_nobody_elses(client, session, people, redis_conn):
    users, tokens = people
    mine = assessed_claim(session, users["farmer"], users["a"], users["assessor"])
    theirs = assessed_claim(session, users["farmer2"], users["a"], users["assessor"])
    photo = _photo(session, mine, users["farmer"])
    _photo(session, theirs, users["farmer2"])
    session.flush()

    response = client.get("/api/v1/me/export", headers=tokens["farmer"])
    assert response.status_code == 200, response.json
    data = response.json
    profile = _profile(session, users["farmer"])
    assert data["format"] == "faunaschade-export-v1"
    assert data["account"]["email"] == users["farmer"].email
    assert data["profile"]["name"] == profile.name
    assert data["profile"]["iban"] == profile.iban
    assert [p["name"] for p in data["parcels"]] == ["Es"]
    assert [c["reference"] for c in data["claims"]] == [mine.reference]
    claim = data["claims"][0]
    assert claim["species"] == ["wild_zwijn"] and claim["parcels"][0]["damaged_area_ha"]
    [attachment] = claim["attachments"]
    assert attachment["filename"] == "schade-akker.jpg"
    assert attachment["sha256"] == photo.file.sha256 and "data" not in attachment
    assert {"payments", "decisions", "letters", "transfers"} <= set(claim)
    assert data["audit_events"], "the farmer's own audit trail is part of the export"
    assert {e["claim_id"] for e in data["audit_events"]} <= {None, mine.id}
    assert all(e["actor"] in ("you", "system", "officer", "assessor") for e in data["audit_events"])
    # Nothing of the other farmer: not their name, e-mail, claim or profile id.
    text = json.dumps(data)
    other = _profile(session, users["farmer2"])
    for secret in (users["farmer2"].email, other.name, theirs.reference):
        assert secret not in text

    other_export = client.get("/api/v1/me/export", headers=tokens["farmer2"]).json
    assert [c["reference"] for c in other_export["claims"]] == [theirs.reference]
    assert users["farmer"].email not in json.dumps(other_export)

    assert client.get("/api/v1/me/export", headers=tokens["a"]).status_code == 403
    assert client.get("/api/v1/me/export").status_code == 401


def test_the_farmers_pages_link_to_the_download(app, session, people):
    users, _tokens = people
    browser = app.test_client()
    token = csrf_token_from(browser.get("/login").get_data(as_text=True))
    login = {"email": users["farmer"].email, "password": DEMO_PASSWORD, "csrf_token": token}
    assert browser.post("/login", data=login).status_code == 302
    page = browser.get("/percelen").get_data(as_text=True)
    assert 'href="/mijn-gegevens.json"' in page
    download = browser.get("/mijn-gegevens.json")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    assert json.loads(download.data)["account"]["email"] == users["farmer"].email


def test_erase_after_retention_keeps_the_money_and_the_chain(
    app, client, session, people, redis_conn
):
    users, tokens = people
    farmer = users["farmer"]
    email = farmer.email
    claim = _paid_claim(client, session, users, tokens)
    profile = _profile(session, farmer)
    decision = session.scalar(select(Decision).where(Decision.claim_id == claim.id))
    amounts = (decision.assessed_damage, decision.payout, decision.leges_refund)
    items = session.execute(
        select(PaymentBatchItem.kind, PaymentBatchItem.amount).where(
            PaymentBatchItem.claim_id == claim.id
        )
    ).all()
    batch_total = session.scalar(select(PaymentBatch.total))
    payments = session.scalar(select(func.count(Payment.id)))
    # Eight years ago: the retention period of seven years after the last decision is over.
    eight_years_ago = today() - timedelta(days=8 * 366)
    session.execute(
        update(Decision).where(Decision.claim_id == claim.id).values(decided_on=eight_years_ago)
    )
    session.flush()
    events_before = session.scalar(select(func.count(AuditEvent.id)))

    result = cli(app, "privacy", "erase", email.upper())
    assert result.exit_code == 0, result.output
    assert "erased farmer profile" in result.output and "(forced)" not in result.output

    session.expire_all()
    profile = session.get(FarmerProfile, profile.id)
    user = session.get(User, farmer.id)
    assert profile.erased_at is not None
    assert "Boer" not in profile.name and profile.iban == "" and profile.kvk == "00000000"
    assert profile.address == "[verwijderd]" and profile.city == "[verwijderd]"
    assert user.email.endswith("@invalid") and not user.active
    assert (
        session.scalar(
            select(func.count(AuthToken.id)).where(
                AuthToken.user_id == farmer.id, AuthToken.revoked_at.is_(None)
            )
        )
        == 0
    )
    # Attachment bytes gone, metadata kept; the download answers 404.
    attachment = session.scalar(select(Attachment).where(Attachment.claim_id == claim.id))
    stored = session.get(StoredFile, attachment.file_id)
    assert stored.size == 0 and stored.data == b"" and len(stored.sha256) == 64
    url = f"/api/v1/claims/{claim.id}/attachments/{attachment.id}"
    assert client.get(url, headers=tokens["a"]).status_code == 404
    # The money stays exactly as it was.
    decision = session.scalar(select(Decision).where(Decision.claim_id == claim.id))
    assert (decision.assessed_damage, decision.payout, decision.leges_refund) == amounts
    assert session.get(Claim, claim.id).status == ClaimStatus.PAID
    transfers = session.scalars(
        select(PaymentBatchItem).where(PaymentBatchItem.claim_id == claim.id)
    ).all()
    assert sorted((t.kind, t.amount) for t in transfers) == sorted(items)
    assert all(t.creditor_iban == "" and "Boer" not in t.creditor_name for t in transfers)
    assert session.scalar(select(PaymentBatch.total)) == batch_total
    assert session.scalar(select(func.count(Payment.id))) == payments
    # The chain only grew by the erasure event, and is intact.
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert len(events) == events_before + 1
    assert events[-1].action == "farmer.erased" and events[-1].data["forced"] is False
    assert audit_service.verify().intact
    verified = cli(app, "audit", "verify")
    assert verified.exit_code == 0 and "audit chain intact" in verified.output
    # No personal data in the audit log, before or after.
    log = json.dumps([[e.reason, e.data] for e in events], default=str)
    for secret in (email, "NL91ABNA0417164300", "Dijk 1", "1234 AB", "Joure"):
        assert secret not in log
    # The farmer can no longer log in, with the old token nor the old password.
    assert client.get("/api/v1/me", headers=tokens["farmer"]).status_code == 401
    login = {"email": email, "password": DEMO_PASSWORD}
    assert client.post("/api/v1/auth/token", json=login).status_code == 401
    # Erasing twice is refused.
    again = client.post(
        f"/api/v1/admin/farmers/{profile.id}/erase", json={}, headers=tokens["admin"]
    )
    assert again.status_code == 409 and again.json["error"]["code"] == "already_erased"


def test_erase_before_retention_is_refused_unless_an_admin_forces_it(app, client, session, people):
    users, tokens = people
    profile = _profile(session, users["farmer2"])  # registered today, no claims
    url = f"/api/v1/admin/farmers/{profile.id}/erase"

    refused = client.post(url, json={}, headers=tokens["admin"])
    assert refused.status_code == 409, refused.json
    assert refused.json["error"]["code"] == "retention_running"
    assert client.post(url, json={"force": True}, headers=tokens["a"]).status_code == 403
    assert client.post(url, json={"force": True}).status_code == 401
    result = cli(app, "privacy", "erase", users["farmer2"].email)
    assert result.exit_code == 1 and "bewaartermijn" in result.output
    result = cli(app, "privacy", "erase", users["farmer2"].email, "--force")
    assert result.exit_code != 0 and "--by" in result.output
    session.expire_all()
    assert session.get(FarmerProfile, profile.id).erased_at is None

    forced = client.post(url, json={"force": True}, headers=tokens["admin"])
    assert forced.status_code == 200, forced.json
    assert forced.json["forced"] is True and forced.json["tokens_revoked"] >= 1
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor_id, event.data["forced"]) == (
        "farmer.erased",
        users["admin"].id,
        True,
    )
    assert audit_service.verify().intact


def test_a_claim_in_handling_blocks_erasure_even_when_forced(client, session, people):
    users, tokens = people
    claim = assessed_claim(session, users["farmer"], users["a"], users["assessor"])
    profile = _profile(session, users["farmer"])
    response = client.post(
        f"/api/v1/admin/farmers/{profile.id}/erase", json={"force": True}, headers=tokens["admin"]
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "claims_open"
    assert claim.reference in response.json["error"]["message"]


def test_retention_is_seven_years_after_the_last_decision(session, people):
    users, _tokens = people
    profile = _profile(session, users["farmer2"])
    start = privacy.retention_start(profile)
    assert start == profile.created_at.date()
    ends = privacy.retention_ends(profile)
    assert ends.year - start.year == privacy.RETENTION_YEARS
    with pytest.raises(Exception, match="bewaartermijn"):
        privacy.erase_farmer(profile, users["admin"], on=ends - timedelta(days=1))
    erased = privacy.erase_farmer(profile, users["admin"], on=ends)
    assert erased.forced is False and erased.retention_ends == ends
    assert Decimal("0") == 0  # amounts are untouched by definition: no claims here
