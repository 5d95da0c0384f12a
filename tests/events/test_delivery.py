"""CloudEvents to a real HTTP receiver (tests/support/receiver.py) through the outbox, the jobs
and a real rq worker: signed, in order per subject across failures, retried with back-off,
given up and retried by the admin, never slowing a request, without personal data."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from faunaschade import jobs
from faunaschade.claims import workflow
from faunaschade.events import delivery as sending
from faunaschade.models import (
    AuditEvent,
    ClaimStatus,
    DeliveryStatus,
    Event,
    EventDelivery,
    FarmerProfile,
)
from tests.support.decisions import assessed_claim
from tests.support.farmers import claim_body, parcel_body, register_and_login, registration
from tests.support.receiver import Receiver

CLAIM_TYPES = ["nl.faunaschade.claim.proposed", "nl.faunaschade.claim.assessed"]


@pytest.fixture
def quick(app, monkeypatch):
    """Short back-off and timeout, so that retries are due within the test."""
    monkeypatch.setitem(app.config, "EVENTS_RETRY_BASE_SECONDS", 0.05)
    monkeypatch.setitem(app.config, "EVENTS_RETRY_MAX_SECONDS", 0.2)
    monkeypatch.setitem(app.config, "EVENTS_TIMEOUT_SECONDS", 1.0)
    return app


def subscribe(client, headers, receiver: Receiver, types: list[str]) -> dict:
    answer = client.post(
        "/api/v1/admin/subscribers",
        json={"name": "Zaaksysteem Drenthe", "url": receiver.url, "event_types": types},
        headers=headers,
    )
    assert answer.status_code == 201, answer.json
    receiver.secret = answer.json["secret"]
    return answer.json


def bounce(session, claim, officer, times: int) -> None:
    """assessed → proposed → assessed … : 2 × `times` claim events, each committed."""
    for _ in range(times):
        workflow.transition(claim, ClaimStatus.PROPOSED, officer)
        session.commit()
        workflow.transition(claim, ClaimStatus.ASSESSED, officer, reason="terug")
        session.commit()


def sweep_and_work(app, run_worker, rounds: int = 20) -> None:
    """What a worker does over time: sweep (due retries), run the jobs, until nothing is due."""
    for _ in range(rounds):
        time.sleep(0.25)
        with app.app_context():
            jobs.sweep()
        run_worker()


def deliveries(session) -> list[EventDelivery]:
    session.expire_all()
    return session.scalars(select(EventDelivery).order_by(EventDelivery.sequence)).all()


def test_events_arrive_signed_in_order_without_personal_data(
    app, session, client, admin, api_token, farmer, officer, assessor, run_worker, receiver
):
    subscribe(client, api_token(admin), receiver, CLAIM_TYPES)
    claim = assessed_claim(session, farmer, officer, assessor)
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    profile.name, profile.iban = "Maatschap Geheimhouding", "NL20INGB0001234567"
    session.commit()
    bounce(session, claim, officer, 2)
    assert receiver.requests == []  # the requests wrote rows only; the worker sends
    run_worker()

    got = receiver.accepted()
    assert [e["type"] for e in got] == CLAIM_TYPES[:1] + CLAIM_TYPES[1:] + CLAIM_TYPES
    assert [e["sequence"] for e in got] == ["0000000001", "0000000002", "0000000003", "0000000004"]
    assert all(r.signature_ok for r in receiver.requests)
    first = got[0]
    assert first["specversion"] == "1.0" and first["subject"] == claim.reference
    assert first["source"] == app.config["EVENTS_SOURCE"].replace(":", ":")
    assert first["source"].startswith("urn:nld:oin:")
    assert first["datacontenttype"] == "application/json"
    assert first["dataref"] == f"{app.config['PUBLIC_BASE_URL']}/api/v1/claims/{claim.id}"
    assert first["time"].endswith("Z") and len(first["id"]) == 36
    assert first["data"] == {
        "claim_id": claim.id,
        "reference": claim.reference,
        "kind": "crop",
        "province": "DR",
        "status": "proposed",
        "previous_status": "assessed",
    }
    headers = receiver.requests[0].headers
    assert headers["Content-Type"] == "application/cloudevents+json; charset=utf-8"
    for received in receiver.requests:
        text = received.body.decode()
        for secret in (profile.name, profile.iban, farmer.email, "Geheimhouding"):
            assert secret not in text
    assert {d.status for d in deliveries(session)} == {DeliveryStatus.DELIVERED}
    # Each delivery's audit event, none of them announced again.
    delivered = session.scalar(
        select(func.count()).where(AuditEvent.action == "event_delivery.delivered")
    )
    assert delivered == 4


def test_a_rolled_back_change_announces_nothing(
    session, client, admin, api_token, farmer, officer, assessor, receiver
):
    subscribe(client, api_token(admin), receiver, CLAIM_TYPES)
    claim = assessed_claim(session, farmer, officer, assessor)
    session.commit()
    workflow.transition(claim, ClaimStatus.PROPOSED, officer)
    session.flush()
    session.rollback()
    session.commit()
    assert session.scalar(select(func.count()).select_from(Event)) == 0
    assert session.scalar(select(func.count()).select_from(EventDelivery)) == 0


def test_order_per_subject_holds_across_500s_and_recovers_with_back_off(
    quick, session, client, admin, api_token, farmer, officer, assessor, run_worker, receiver
):
    subscribe(client, api_token(admin), receiver, CLAIM_TYPES)
    claim = assessed_claim(session, farmer, officer, assessor)
    session.commit()
    receiver.fail_next = 2
    # The first retry is not due during this run.
    quick.config["EVENTS_RETRY_BASE_SECONDS"] = quick.config["EVENTS_RETRY_MAX_SECONDS"] = 5
    bounce(session, claim, officer, 2)
    run_worker()
    # The first event failed once; the three behind it were not sent (they wait their turn).
    assert [r.answered for r in receiver.requests] == [500]
    first, *rest = deliveries(session)
    assert (first.status, first.attempts) == (DeliveryStatus.PENDING, 1)
    assert first.last_error == "HTTP 500: nope!"
    waited = (first.next_attempt_at - first.last_attempt_at).total_seconds()
    assert 2.5 <= waited <= 5.01  # half to all of the first back-off
    assert all(d.attempts == 0 for d in rest)
    # Time passes (the back-off is over); later retries come quickly.
    quick.config["EVENTS_RETRY_BASE_SECONDS"] = 0.05
    quick.config["EVENTS_RETRY_MAX_SECONDS"] = 0.2
    first.next_attempt_at = first.last_attempt_at
    session.commit()

    sweep_and_work(quick, run_worker)
    assert [r.answered for r in receiver.requests] == [500, 500, 204, 204, 204, 204]
    sequences = [int(e["sequence"]) for e in receiver.accepted()]
    assert sequences == [1, 2, 3, 4]
    first, *rest = deliveries(session)
    assert (first.status, first.attempts) == (DeliveryStatus.DELIVERED, 3)
    assert all(d.status == DeliveryStatus.DELIVERED and d.attempts == 1 for d in rest)


def test_a_receiver_that_is_down_gets_the_events_once_it_is_back(
    quick, session, client, admin, api_token, farmer, officer, assessor, run_worker, receiver
):
    subscribe(client, api_token(admin), receiver, CLAIM_TYPES)
    claim = assessed_claim(session, farmer, officer, assessor)
    session.commit()
    receiver.down()
    bounce(session, claim, officer, 1)
    run_worker()
    first = deliveries(session)[0]
    assert first.status == DeliveryStatus.PENDING
    assert first.last_error.startswith("ConnectionRefusedError")
    receiver.start()  # the same port again
    sweep_and_work(quick, run_worker)
    assert [int(e["sequence"]) for e in receiver.accepted()] == [1, 2]


def test_back_off_doubles_with_jitter_up_to_the_maximum(app, monkeypatch):
    monkeypatch.setitem(app.config, "EVENTS_RETRY_BASE_SECONDS", 30)
    monkeypatch.setitem(app.config, "EVENTS_RETRY_MAX_SECONDS", 3600)
    with app.app_context():
        for attempts, full in [(1, 30), (2, 60), (3, 120), (5, 480), (8, 3600), (30, 3600)]:
            waits = [sending.back_off(attempts) for _ in range(200)]
            assert all(full / 2 <= w <= full for w in waits)
            assert max(waits) - min(waits) > full / 10  # jittered, not one fixed moment


def test_a_slow_receiver_never_slows_the_request_and_holds_a_worker_only_the_timeout(
    quick, session, client, admin, api_token, run_worker, receiver
):
    subscribe(client, api_token(admin), receiver, ["nl.faunaschade.claim.created"])
    receiver.delay = 3.0  # far beyond EVENTS_TIMEOUT_SECONDS (1 s)
    farmer_headers = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer_headers).json
    started = time.monotonic()
    answer = client.post(
        "/api/v1/claims", json=claim_body(parcel["id"], province="DR"), headers=farmer_headers
    )
    took = time.monotonic() - started
    assert answer.status_code == 201, answer.json
    assert took < quick.config["EVENTS_TIMEOUT_SECONDS"]  # the request only wrote rows
    assert receiver.requests == []

    started = time.monotonic()
    run_worker()
    worked = time.monotonic() - started
    assert 1.0 <= worked < receiver.delay  # the attempt gave up at the timeout
    (waiting,) = deliveries(session)
    assert waiting.status == DeliveryStatus.PENDING and waiting.attempts == 1
    assert "timed out" in waiting.last_error
    body = session.get(Event, waiting.event_id).body
    for personal in ("Maatschap De Vries", registration()["email"], "NL91", "ABNA", "01234567"):
        assert personal not in body


def test_given_up_after_the_last_attempt_shown_to_the_admin_and_retried(
    quick,
    monkeypatch,
    session,
    client,
    admin,
    api_token,
    farmer,
    officer,
    assessor,
    run_worker,
    receiver,
):
    monkeypatch.setitem(quick.config, "EVENTS_MAX_ATTEMPTS", 2)
    headers = api_token(admin)
    subscriber = subscribe(client, headers, receiver, CLAIM_TYPES)
    claim = assessed_claim(session, farmer, officer, assessor)
    session.commit()
    receiver.fail_next = 1000
    bounce(session, claim, officer, 1)
    run_worker()
    sweep_and_work(quick, run_worker, rounds=4)
    assert [r.answered for r in receiver.requests] == [500, 500]  # then it was given up

    listed = client.get(f"/api/v1/admin/subscribers/{subscriber['id']}/deliveries", headers=headers)
    assert listed.status_code == 200
    later, failed = listed.json  # newest first
    assert (failed["status"], failed["attempts"], failed["last_error"]) == (
        "failed",
        2,
        "HTTP 500: nope!",
    )
    assert later["status"] == "pending" and later["waiting_for_earlier"] is True
    counts = client.get("/api/v1/admin/subscribers", headers=headers).json[0]["deliveries"]
    assert counts == {"pending": 1, "delivered": 0, "failed": 1}
    assert "secret" not in client.get("/api/v1/admin/subscribers", headers=headers).json[0]
    refused = client.post(f"/api/v1/admin/deliveries/{later['id']}/retry", headers=headers)
    assert refused.status_code == 409

    receiver.fail_next = 0
    retried = client.post(f"/api/v1/admin/deliveries/{failed['id']}/retry", headers=headers)
    assert retried.status_code == 200 and retried.json["status"] == "pending"
    assert retried.json["attempts"] == 0
    run_worker()
    assert [int(e["sequence"]) for e in receiver.accepted()] == [1, 2]
    assert {d.status for d in deliveries(session)} == {DeliveryStatus.DELIVERED}
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("event_%")).order_by(AuditEvent.id)
    ).all()
    assert actions.count("event_delivery.failed") == 1
    assert actions.count("event_delivery.retried") == 1
