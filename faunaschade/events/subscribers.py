"""The admin's use cases: register a subscriber, change it, give it a new secret, see its
deliveries and try a failed one again."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from faunaschade.audit import chain as audit
from faunaschade.errors import Conflict, NotFound, ValidationFailed
from faunaschade.events.outbox import dispatch
from faunaschade.events.types import EVENT_TYPES
from faunaschade.extensions import db
from faunaschade.models import DeliveryStatus, EventDelivery, Subscriber, User
from faunaschade.models.base import locked, utcnow
from faunaschade.models.events import DELIVERY_LIFECYCLE

#: What a delivery list shows at most.
DELIVERIES_SHOWN = 200


def new_secret() -> str:
    """A fresh HMAC key: 32 random bytes, URL-safe text (43 characters)."""
    return secrets.token_urlsafe(32)


def _checked_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    allowed = ("https", "http") if current_app.config["EVENTS_ALLOW_HTTP"] else ("https",)
    problem = None
    if parts.scheme not in allowed:
        problem = (
            _("Gebruik een adres dat met https:// begint.")
            if "http" not in allowed
            else _("Gebruik een adres dat met https:// of http:// begint.")
        )
    elif not parts.hostname:
        problem = _("Het adres mist de servernaam.")
    elif parts.username or parts.password:
        problem = _("Zet geen gebruikersnaam of wachtwoord in het adres.")
    elif parts.fragment:
        problem = _("Een adres met # kan niet worden gebruikt.")
    else:
        try:
            parts.port  # noqa: B018 (raises on a port that is not a number)
        except ValueError:
            problem = _("Het poortnummer in het adres klopt niet.")
    if problem:
        raise ValidationFailed(_("Controleer het adres."), fields={"url": [problem]})
    return url


def _checked_types(types: list[str]) -> list[str]:
    unknown = sorted(set(types) - set(EVENT_TYPES))
    if unknown:
        raise ValidationFailed(
            _("Controleer de soorten gebeurtenissen."),
            fields={"event_types": [_("Onbekend: %(types)s.", types=", ".join(unknown))]},
        )
    if not types:
        raise ValidationFailed(
            _("Kies ten minste één soort gebeurtenis."),
            fields={"event_types": [_("Kies ten minste één soort gebeurtenis.")]},
        )
    return sorted(set(types))


def _settings(subscriber: Subscriber) -> dict[str, Any]:
    return {
        "name": subscriber.name,
        "url": subscriber.url,
        "event_types": subscriber.event_types,
        "active": subscriber.active,
    }


def create_subscriber(data: dict[str, Any], admin: User) -> tuple[Subscriber, str]:
    """Register a subscriber; returns it and its secret (shown this once)."""
    secret = new_secret()
    subscriber = Subscriber(
        name=data["name"].strip(),
        url=_checked_url(data["url"]),
        event_types=_checked_types(data["event_types"]),
        secret=secret,
        active=data.get("active", True),
        created_by=admin.id,
    )
    db.session.add(subscriber)
    db.session.flush()
    audit.record("event_subscriber.created", subscriber, actor=admin, data=_settings(subscriber))
    return subscriber, secret


def update_subscriber(subscriber: Subscriber, data: dict[str, Any], admin: User) -> Subscriber:
    """Change name, URL, types or the active flag (only what is given)."""
    before = _settings(subscriber)
    if "name" in data:
        subscriber.name = data["name"].strip()
    if "url" in data:
        subscriber.url = _checked_url(data["url"])
    if "event_types" in data:
        subscriber.event_types = _checked_types(data["event_types"])
    if "active" in data:
        subscriber.active = bool(data["active"])
    after = _settings(subscriber)
    changed = sorted(k for k in after if after[k] != before[k])
    if changed:
        subscriber.updated_at = utcnow()
        db.session.flush()
        audit.record(
            "event_subscriber.updated",
            subscriber,
            actor=admin,
            data={"fields": changed, **{k: after[k] for k in changed}},
        )
    return subscriber


def replace_secret(subscriber: Subscriber, admin: User) -> str:
    """A new secret (the old one stops working for the next POST); returned this once."""
    subscriber.secret = new_secret()
    subscriber.updated_at = utcnow()
    db.session.flush()
    audit.record("event_subscriber.secret_replaced", subscriber, actor=admin)
    return subscriber.secret


def subscriber_or_404(subscriber_id: int) -> Subscriber:
    """The subscriber (404 when there is none)."""
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise NotFound(_("Deze koppeling bestaat niet."))
    return subscriber


def delivery_or_404(delivery_id: int) -> EventDelivery:
    """The delivery (404 when there is none)."""
    delivery = db.session.get(EventDelivery, delivery_id)
    if delivery is None:
        raise NotFound(_("Deze aflevering bestaat niet."))
    return delivery


def retry(delivery: EventDelivery, admin: User) -> EventDelivery:
    """Try a failed delivery again from its first attempt; the stream goes on after it."""
    row = locked(EventDelivery, delivery.id)
    if row is None or row.status != DeliveryStatus.FAILED:
        raise Conflict(_("Alleen een mislukte aflevering kan opnieuw worden geprobeerd."))
    DELIVERY_LIFECYCLE.transition(row, DeliveryStatus.PENDING)
    row.attempts, row.next_attempt_at, row.leased_until = 0, utcnow(), None
    db.session.flush()
    dispatch(row)
    audit.record(
        "event_delivery.retried",
        row,
        actor=admin,
        from_status=DeliveryStatus.FAILED.value,
        to_status=DeliveryStatus.PENDING.value,
        data={"subscriber_id": row.subscriber_id, "subject": row.subject},
    )
    return row


@dataclass(frozen=True)
class SubscriberView:
    """A subscriber with its delivery counts (never its secret)."""

    subscriber: Subscriber
    counts: dict[str, int]


def subscribers_with_counts() -> list[SubscriberView]:
    """Every subscriber, newest first, with how many deliveries are in each status."""
    rows = db.session.execute(
        select(EventDelivery.subscriber_id, EventDelivery.status, func.count()).group_by(
            EventDelivery.subscriber_id, EventDelivery.status
        )
    ).all()
    counts: dict[int, Counter] = {}
    for subscriber_id, status, n in rows:
        counts.setdefault(subscriber_id, Counter())[status.value] = n
    subscribers = db.session.scalars(select(Subscriber).order_by(Subscriber.id.desc())).all()
    return [
        SubscriberView(s, {k.value: counts.get(s.id, Counter())[k.value] for k in DeliveryStatus})
        for s in subscribers
    ]


def deliveries_of(subscriber: Subscriber, status: DeliveryStatus | None = None) -> list[dict]:
    """The subscriber's latest deliveries (newest first), with whether each waits for an earlier
    one of its subject."""
    query = select(EventDelivery).where(EventDelivery.subscriber_id == subscriber.id)
    if status is not None:
        query = query.where(EventDelivery.status == status)
    found = db.session.scalars(
        query.order_by(EventDelivery.id.desc()).limit(DELIVERIES_SHOWN)
    ).all()
    heads = dict(
        db.session.execute(
            select(EventDelivery.subject, func.min(EventDelivery.sequence))
            .where(
                EventDelivery.subscriber_id == subscriber.id,
                EventDelivery.status != DeliveryStatus.DELIVERED,
            )
            .group_by(EventDelivery.subject)
        ).all()
    )
    return [
        {
            "delivery": d,
            "waiting": d.status == DeliveryStatus.PENDING
            and heads.get(d.subject, d.sequence) < d.sequence,
        }
        for d in found
    ]
