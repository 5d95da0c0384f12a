"""Sending CloudEvents: the delivery job, the signature, back-off, and the sweep.

A job sends the pending deliveries of one subscriber and subject (a *stream*) in sequence
order, one POST at a time, each under a lease (a second job meeting it leaves it alone). A
delivery is sent only when every earlier one of its stream is delivered: a failure holds the
later ones back, so a receiver never sees event 4 of a claim before event 3. A failed attempt
sets the next one at an exponentially growing, jittered delay; after EVENTS_MAX_ATTEMPTS the
delivery is `failed` and the stream waits for the admin (retry). The worker's sweep hands a
job to every stream whose head is due (a retry's moment has come, a job was lost).

Signature (README "Event notifications"): `X-Faunaschade-Signature: sha256=<hex>`, the
HMAC-SHA256 with the subscriber's secret of `<timestamp>.<body>`, where `<timestamp>` is the
`X-Faunaschade-Timestamp` header (Unix seconds); the receiver recomputes it and refuses an old
timestamp, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import logging
import random
import socket
import ssl
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import aliased

from faunaschade.audit import chain as audit
from faunaschade.events.outbox import DELIVER_JOB, delivery_job_id, enqueue_current
from faunaschade.events.secret_box import SecretUnreadable, unseal
from faunaschade.events.subscribers import address_refused
from faunaschade.extensions import db
from faunaschade.jobs import system
from faunaschade.jobs.core import job
from faunaschade.models import (
    DeliveryStatus,
    EventDelivery,
    JobRecord,
    JobStatus,
    Subscriber,
)
from faunaschade.models.base import utcnow
from faunaschade.models.events import DELIVERY_LIFECYCLE

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Faunaschade-Signature"
TIMESTAMP_HEADER = "X-Faunaschade-Timestamp"
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
#: How long a job may hold a delivery it is sending (far above the HTTP timeouts).
LEASE = timedelta(seconds=120)
#: The start of the receiver's answer kept with a failure.
_ANSWER_KEPT = 300


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def back_off(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones: doubling from
    EVENTS_RETRY_BASE_SECONDS up to EVENTS_RETRY_MAX_SECONDS, between half and all of it
    (jitter: receivers that come back are not hit by every sender at the same moment)."""
    config = current_app.config
    delay = min(
        config["EVENTS_RETRY_MAX_SECONDS"],
        config["EVENTS_RETRY_BASE_SECONDS"] * 2 ** max(0, attempts - 1),
    )
    return delay / 2 + random.uniform(0, delay / 2)


@job(DELIVER_JOB, queue="default", timeout=300, retries=0, background=True)
def deliver(delivery_id: int) -> None:
    """Send the stream of this delivery from its head, in order, until one fails or waits."""
    delivery = db.session.get(EventDelivery, delivery_id)
    if delivery is None:
        raise LookupError(f"event delivery {delivery_id} does not exist")
    send_stream(delivery.subscriber_id, delivery.subject)


def _head(subscriber_id: int, subject: str) -> EventDelivery | None:
    """The first delivery of the stream that is not delivered (pending or failed)."""
    return db.session.scalars(
        select(EventDelivery)
        .where(
            EventDelivery.subscriber_id == subscriber_id,
            EventDelivery.subject == subject,
            EventDelivery.status != DeliveryStatus.DELIVERED,
        )
        .order_by(EventDelivery.sequence)
        .limit(1)
        .execution_options(populate_existing=True)
    ).first()


def send_stream(subscriber_id: int, subject: str) -> int:
    """Send what is due in the stream, in order; returns how many were delivered."""
    delivered = 0
    while True:
        db.session.commit()  # see what other jobs committed
        head = _head(subscriber_id, subject)
        if (
            head is None
            or head.status != DeliveryStatus.PENDING
            or head.next_attempt_at > utcnow()
            or not head.subscriber.active
        ):
            return delivered
        if not _lease(head):
            return delivered  # another job is sending it; it goes on with the stream
        if not attempt(head.id):
            return delivered
        delivered += 1


def _lease(delivery: EventDelivery) -> bool:
    now = utcnow()
    taken = db.session.execute(
        update(EventDelivery)
        .where(
            EventDelivery.id == delivery.id,
            EventDelivery.status == DeliveryStatus.PENDING,
            or_(EventDelivery.leased_until.is_(None), EventDelivery.leased_until < now),
        )
        .values(leased_until=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


def attempt(delivery_id: int) -> bool:
    """One POST of a leased delivery; records the outcome. True when it was accepted."""
    delivery = db.session.get(EventDelivery, delivery_id, populate_existing=True)
    subscriber, body = delivery.subscriber, delivery.event.body.encode()
    url = subscriber.url
    timestamp = str(int(time.time()))
    try:
        secret = unseal(subscriber.secret_sealed)
    except SecretUnreadable:
        secret = None
    db.session.commit()  # no transaction stays open while the receiver takes its time
    if secret is None:
        # Not sent: SECRET_KEY changed without the old one in SECRET_KEY_FALLBACKS.
        error = "secret unreadable under SECRET_KEY: give the subscriber a new secret"
    else:
        headers = {
            "Content-Type": CONTENT_TYPE,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(secret, timestamp, body),
            "User-Agent": "Faunaschade-events/1",
        }
        error = post(url, body, headers, current_app.config["EVENTS_TIMEOUT_SECONDS"])
    delivery = db.session.get(EventDelivery, delivery_id, populate_existing=True)
    now = utcnow()
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.leased_until = now, None
    if error is None:
        DELIVERY_LIFECYCLE.transition(delivery, DeliveryStatus.DELIVERED)
        delivery.delivered_at = now
        _audit("event_delivery.delivered", delivery, DeliveryStatus.PENDING)
    else:
        delivery.last_error = error
        if delivery.attempts >= current_app.config["EVENTS_MAX_ATTEMPTS"]:
            DELIVERY_LIFECYCLE.transition(delivery, DeliveryStatus.FAILED)
            _audit("event_delivery.failed", delivery, DeliveryStatus.PENDING, reason=error)
        else:
            delivery.next_attempt_at = now + timedelta(seconds=back_off(delivery.attempts))
    db.session.commit()
    return error is None


def _audit(action: str, delivery: EventDelivery, was: DeliveryStatus, **kwargs) -> None:
    audit.record(
        action,
        delivery,
        from_status=was.value,
        to_status=delivery.status.value,
        data={
            "subscriber_id": delivery.subscriber_id,
            "event_id": delivery.event.event_id,
            "type": delivery.event.type,
            "subject": delivery.subject,
            "sequence": delivery.sequence,
            "attempts": delivery.attempts,
        },
        **kwargs,
    )


class Refused(Exception):
    """The URL may not be used under this configuration (http, an internal address)."""


def _checked_address(scheme: str, host: str, port: int) -> tuple[str, int] | None:
    """The address to connect to, checked now (a name is resolved once, and every address it
    has must be allowed, so a DNS answer that changes between check and connect cannot point
    the POST inside); None: connect by name (internal addresses are allowed here)."""
    config = current_app.config
    if scheme != "https" and not config["EVENTS_ALLOW_HTTP"]:
        raise Refused("refused: http is not allowed here (https only)")
    if config["EVENTS_ALLOW_INTERNAL_ADDRESSES"]:
        return None
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [info[4][0] for info in found]
    for address in addresses:
        if address_refused(ipaddress.ip_address(address.split("%", 1)[0])):
            raise Refused(f"refused: {host} has the internal address {address}")
    if not addresses:
        raise Refused(f"refused: {host} has no address")
    return addresses[0], port


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> str | None:
    """POST the body; None when the receiver answered 2xx, else what went wrong (a redirect
    counts as wrong: it is not followed). `timeout` bounds the connect and every read. The
    URL is checked again here (http and internal addresses, as the configuration allows): a
    subscriber stored under other settings, or a name now pointing inside, is not posted to."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        pinned = _checked_address(parts.scheme, parts.hostname or "", port)
        if parts.scheme == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        if pinned is not None:
            # Connect to the address checked above; TLS still verifies the certificate for
            # the name (HTTPSConnection wraps the socket with server_hostname=host).
            connection._create_connection = (  # type: ignore[attr-defined]
                lambda _address, wait, source=None: socket.create_connection(pinned, wait, source)
            )
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("POST", target, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read(_ANSWER_KEPT).decode("utf-8", "replace")
        finally:
            connection.close()
    except Refused as exc:
        return str(exc)[:500]
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__
    if 200 <= answer.status < 300:
        return None
    return f"HTTP {answer.status}: {text.strip()}"[:500]


def sweep(limit: int = 500) -> int:
    """Hand a job to every stream whose head is due and has no job waiting or running (a retry's
    moment came, a job was lost); returns how many were handed over."""
    now = utcnow()
    earlier = aliased(EventDelivery)
    blocked = exists().where(
        earlier.subscriber_id == EventDelivery.subscriber_id,
        earlier.subject == EventDelivery.subject,
        earlier.sequence < EventDelivery.sequence,
        earlier.status != DeliveryStatus.DELIVERED,
    )
    due = db.session.scalars(
        select(EventDelivery)
        .join(Subscriber, Subscriber.id == EventDelivery.subscriber_id)
        .where(
            EventDelivery.status == DeliveryStatus.PENDING,
            EventDelivery.next_attempt_at <= now,
            or_(EventDelivery.leased_until.is_(None), EventDelivery.leased_until < now),
            Subscriber.active.is_(True),
            ~blocked,
        )
        .order_by(EventDelivery.next_attempt_at)
        .limit(limit)
    ).all()
    live = (JobStatus.PENDING, JobStatus.QUEUED, JobStatus.STARTED)
    handed = 0
    for delivery in due:
        current = db.session.get(JobRecord, delivery_job_id(delivery))
        if current is not None and current.status in live:
            continue
        # Two sweepers (two workers) meeting here: the second UPDATE finds the number changed.
        seen = delivery.dispatches
        claimed = db.session.execute(
            update(EventDelivery)
            .where(EventDelivery.id == delivery.id, EventDelivery.dispatches == seen)
            .values(dispatches=seen + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            db.session.refresh(delivery, ["dispatches"])
            enqueue_current(delivery)
            handed += 1
    db.session.commit()
    return handed


system.SWEEPS["events"] = sweep
