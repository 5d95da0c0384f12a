"""The audit log: GET /api/v1/audit-events, the page, the CSV export, `flask audit verify`."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from faunaschade.audit import chain as audit
from faunaschade.models import AuditEvent, Claim, User
from tests.support.app import DEMO_PASSWORD
from tests.support.statistics import (
    ADMIN,
    AUDITOR,
    FARMER,
    OFFICER_FR,
    seeded_database,
    token_for,
    web_login,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(scope="module")
def seeded(app):
    with seeded_database(app, 120) as report:
        yield report


@pytest.fixture
def auditor(client, seeded):
    return token_for(client, AUDITOR)


def events(client, headers, query: str = "") -> dict:
    response = client.get(f"/api/v1/audit-events?{query}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_newest_first_with_paging(client, auditor, session):
    total = session.scalar(select(func.count()).select_from(AuditEvent))
    first = events(client, auditor, "per_page=25")
    second = events(client, auditor, "per_page=25&page=2")
    assert first["total"] == second["total"] == total > 500
    seqs = [e["seq"] for e in first["items"] + second["items"]]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == 50
    assert seqs[0] == session.scalar(select(func.max(AuditEvent.seq)))


def test_filter_by_claim_actor_action_and_period(client, auditor, session):
    claim = session.scalar(select(Claim).where(Claim.status == "paid").limit(1))
    found = events(client, auditor, f"claim_id={claim.id}&per_page=500")
    assert found["total"] >= 6
    assert {e["claim_reference"] for e in found["items"]} == {claim.reference}

    officer = session.scalar(select(User).where(User.email == OFFICER_FR))
    by_officer = events(client, auditor, f"actor_id={officer.id}&per_page=500")["items"]
    assert by_officer and {e["actor_email"] for e in by_officer} == {OFFICER_FR}
    assert {e["actor_role"] for e in by_officer} == {"officer"}

    decisions = events(client, auditor, "action=decision.taken&per_page=5")
    assert decisions["total"] == session.scalar(
        select(func.count()).where(AuditEvent.action == "decision.taken")
    )
    assert {e["action"] for e in decisions["items"]} == {"decision.taken"}

    day = date(2025, 3, 3)
    window = events(client, auditor, f"from={day}&to={day + timedelta(days=6)}&per_page=500")
    assert window["total"] > 0
    for event in window["items"]:
        local = date.fromisoformat(event["occurred_at"][:10])
        assert day - timedelta(days=1) <= local <= day + timedelta(days=7)
    bad = client.get("/api/v1/audit-events?from=2025-03-10&to=2025-03-01", headers=auditor)
    assert bad.status_code == 422 and "to" in bad.json["error"]["fields"]


def test_csv_export_is_the_chain_in_order(client, auditor, session):
    response = client.get("/api/v1/audit-events?format=csv", headers=auditor)
    assert response.status_code == 200 and response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == session.scalar(select(func.count()).select_from(AuditEvent))
    assert [int(r["seq"]) for r in rows] == list(range(1, len(rows) + 1))
    for before, after in pairwise(rows):
        assert after["prev_hash"] == before["hash"]
    assert rows[0]["prev_hash"] == audit.GENESIS


def test_an_auditor_of_one_province_sees_only_its_claims(client, seeded, session, make_user):
    make_user("auditor", provinces=("FR",), email="controleur-fr@example.nl")
    token = token_for_password(client, "controleur-fr@example.nl")
    items = events(client, token, "per_page=500")["items"]
    claims = {e["claim_id"] for e in items}
    provinces = set(session.scalars(select(Claim.province).where(Claim.id.in_(claims))))
    assert items and provinces == {"FR"}
    nh = session.scalar(select(Claim.id).where(Claim.province == "NH").limit(1))
    assert events(client, token, f"claim_id={nh}")["total"] == 0


def token_for_password(client, email):
    response = client.post("/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_who_may_read_the_log(client, seeded):
    admin = events(client, token_for(client, ADMIN), "per_page=1")
    assert admin["total"] > 0
    for email in (OFFICER_FR, FARMER):
        response = client.get("/api/v1/audit-events", headers=token_for(client, email))
        assert response.status_code == 403
    assert client.get("/api/v1/audit-events").status_code == 401


def test_the_page_filters_pages_and_exports(app, seeded, session):
    claim = session.scalar(select(Claim).where(Claim.status == "paid").limit(1))
    browser = web_login(app, AUDITOR)
    page = browser.get(f"/auditlog?claim={claim.reference}").get_data(as_text=True)
    assert claim.reference in page and "Besluit genomen" in page
    assert "Besluit genomen (vier ogen)" in page  # the transition's reason
    unknown = browser.get("/auditlog?claim=FS-1999-000001").get_data(as_text=True)
    assert "Geen aanvraag met dit kenmerk." in unknown and "Geen gebeurtenissen" in unknown
    everything = browser.get("/auditlog?page=2").get_data(as_text=True)
    assert "Pagina 2 van" in everything and 'rel="prev"' in everything
    export = browser.get(f"/auditlog/export.csv?claim={claim.reference}")
    lines = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert lines and {line["claim_reference"] for line in lines} == {claim.reference}
    assert web_login(app, OFFICER_FR).get("/auditlog").status_code == 403
    assert web_login(app, ADMIN).get("/auditlog").status_code == 200


def test_flask_audit_verify_reports_the_chain_intact_and_a_broken_one(app, seeded, session):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "audit chain intact" in result.output
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "decision.taken").limit(1))
    event.reason = "stil aangepast"
    session.flush()
    report = audit.verify()
    assert not report.intact and f"seq {event.seq}" in report.problems[0]
