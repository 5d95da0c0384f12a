"""Event notifications to other systems (issue 17): subscribers, CloudEvents, deliveries.

An `Event` is one CloudEvent (NL GOV profile), written in the transaction of the change it
announces, its JSON body fixed then (every retry and every subscriber gets the same bytes).
An `EventDelivery` is the outbox row of one event for one subscriber; deliveries of one
subscriber and subject go out in the order of their `sequence`.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from faunaschade.extensions import db
from faunaschade.models.base import CreatedMixin, UtcDateTime, enum_type, utcnow
from faunaschade.models.lifecycle import Lifecycle


class Subscriber(CreatedMixin, db.Model):
    """Another system that wants to hear of events: where to POST them, which types, the secret
    their bodies are signed with (HMAC-SHA256), and whether it is active."""

    __tablename__ = "event_subscribers"

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the admin calls it, e.g. "Zaaksysteem provincie Drenthe".
    name: Mapped[str] = mapped_column(String(120))
    #: The receiving URL (https; http only where EVENTS_ALLOW_HTTP is set: development, tests).
    url: Mapped[str] = mapped_column(String(2000))
    #: The CloudEvent types it wants (events/types.py), sorted.
    event_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The HMAC key, sealed (events/secret_box.py: Fernet under a key derived from SECRET_KEY):
    #: needed to sign every delivery, shown to the admin once, replaced with a new one on request.
    secret_sealed: Mapped[str] = mapped_column(String(255))
    #: Inactive: no new deliveries are made for it, and waiting ones are not sent.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The admin who registered it.
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Last change of its settings or secret.
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class EventSubject(db.Model):
    """The last sequence number given out per subject: the row every transaction announcing
    something about that subject updates (and so locks) to take the next numbers, which keeps
    the numbers in commit order."""

    __tablename__ = "event_subjects"

    #: The CloudEvent subject (a claim's reference, "betaalbatch-<id>").
    subject: Mapped[str] = mapped_column(String(60), primary_key=True)
    #: The highest sequence given to an event of this subject.
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)


class Event(CreatedMixin, db.Model):
    """One CloudEvent, as it is sent (its body never changes)."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("subject", "sequence"),)

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The CloudEvent `id`: a UUID given once, the same on every retry and for every subscriber.
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    #: The CloudEvent `type`, e.g. "nl.faunaschade.claim.decided".
    type: Mapped[str] = mapped_column(String(80), index=True)
    #: The CloudEvent `subject`.
    subject: Mapped[str] = mapped_column(String(60))
    #: The event's place among the events of its subject (1, 2, …).
    sequence: Mapped[int] = mapped_column(Integer)
    #: The CloudEvent `time`: when the audit event it comes from was written.
    time: Mapped[datetime] = mapped_column(UtcDateTime())
    #: The audit event it was derived from.
    audit_event_id: Mapped[int | None] = mapped_column(ForeignKey("audit_events.id"))
    #: The claim it is about (None for a payment batch).
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)
    #: The structured-mode JSON body (application/cloudevents+json), exactly as sent.
    body: Mapped[str] = mapped_column(Text)


class DeliveryStatus(enum.StrEnum):
    """Where one event stands for one subscriber."""

    #: Not yet accepted by the receiver (waiting its turn, or for its next attempt).
    PENDING = "pending"
    #: The receiver answered 2xx.
    DELIVERED = "delivered"
    #: Given up after EVENTS_MAX_ATTEMPTS; the admin may try again.
    FAILED = "failed"


class EventDelivery(CreatedMixin, db.Model):
    """The outbox row of one event for one subscriber."""

    __tablename__ = "event_deliveries"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "event_id"),
        Index("ix_event_deliveries_stream", "subscriber_id", "subject", "sequence"),
        Index("ix_event_deliveries_due", "status", "next_attempt_at"),
    )

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The subscriber it goes to.
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("event_subscribers.id"))
    #: The event.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    #: The event's subject and sequence, copied: the order deliveries of one stream go out in.
    subject: Mapped[str] = mapped_column(String(60))
    sequence: Mapped[int] = mapped_column(Integer)
    #: pending, delivered or failed (DELIVERY_LIFECYCLE).
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_type(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    #: POSTs made (counted again from 0 when the admin retries a failed one).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: What the last failed attempt met (HTTP status and the start of the answer, or the error).
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Not sent before this moment (the back-off after a failure).
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    #: When the last attempt was made.
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: When the receiver accepted it.
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: A job sending it holds it until then (no second job sends it meanwhile).
    leased_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: How many jobs were handed this delivery (the job ids are event-delivery-<id>-<n>).
    dispatches: Mapped[int] = mapped_column(Integer, default=0)

    subscriber: Mapped[Subscriber] = relationship()
    event: Mapped[Event] = relationship()


DELIVERY_LIFECYCLE = Lifecycle(
    EventDelivery,
    "Aflevering",
    {
        (DeliveryStatus.PENDING, DeliveryStatus.DELIVERED): "afgeleverd",
        (DeliveryStatus.PENDING, DeliveryStatus.FAILED): "opgegeven",
        (DeliveryStatus.FAILED, DeliveryStatus.PENDING): "opnieuw proberen",
    },
)
