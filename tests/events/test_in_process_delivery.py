"""Without Redis (`make run`): the delivery job runs in a short-lived thread after the commit,
so a slow subscriber never slows the request that announced something; other in-process jobs
still run before the request answers."""

from __future__ import annotations

import time

from sqlalchemy import select

from faunaschade.extensions import db
from faunaschade.jobs import core
from faunaschade.models import DeliveryStatus, EventDelivery, JobRecord, JobStatus
from tests.support.farmers import claim_body, parcel_body, register_and_login


def test_a_slow_subscriber_does_not_slow_the_request_without_redis(committed, other_app, receiver):
    app = other_app(REDIS_URL=None, JOBS_IN_PROCESS=True, EVENTS_TIMEOUT_SECONDS=5.0)
    assert isinstance(core.dispatcher(app), core.InProcessDispatcher)
    from faunaschade.accounts.users import create_user
    from faunaschade.models import Role
    from tests.support.app import DEMO_PASSWORD

    with app.app_context():
        create_user("beheer@example.nl", DEMO_PASSWORD, Role.ADMIN)
        db.session.commit()
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"email": "beheer@example.nl", "password": DEMO_PASSWORD}
    ).json["token"]
    made = client.post(
        "/api/v1/admin/subscribers",
        json={
            "name": "Traag zaaksysteem",
            "url": receiver.url,
            "event_types": ["nl.faunaschade.claim.created"],
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert made.status_code == 201, made.json
    receiver.secret = made.json["secret"]
    receiver.delay = 2.0

    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    started = time.monotonic()
    answer = client.post(
        "/api/v1/claims", json=claim_body(parcel["id"], province="DR"), headers=farmer
    )
    took = time.monotonic() - started
    assert answer.status_code == 201, answer.json
    assert took < 1.5, took  # the receiver takes 2 s: the request did not wait for it

    core.wait_for_background_jobs(timeout=20)
    assert [r.answered for r in receiver.requests] == [204]
    assert receiver.requests[0].signature_ok
    with app.app_context():
        (delivery,) = db.session.scalars(select(EventDelivery)).all()
        assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
        job = db.session.get(JobRecord, f"event-delivery-{delivery.id}-1")
        assert job.status == JobStatus.FINISHED
        # The farmer's other jobs (mails, …) ran inside the request, as before.
        others = db.session.scalars(
            select(JobRecord).where(JobRecord.name != "events.deliver")
        ).all()
        assert all(j.status != JobStatus.PENDING for j in others)
