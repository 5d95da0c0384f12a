"""The admin's use cases: register a subscriber, change it, give it a new secret, see its
deliveries and try a failed one again."""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import SplitResult, urlsplit, urlunsplit

import idna
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from faunaschade.audit import chain as audit
from faunaschade.errors import Conflict, NotFound, ValidationFailed
from faunaschade.events.outbox import dispatch
from faunaschade.events.secret_box import SecretUnreadable, reseal, seal
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


#: Longest name and URL (the columns' widths).
NAME_MAX, URL_MAX = 120, 2000
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")


def _refuse(field: str, summary: str, problem: str) -> NoReturn:
    raise ValidationFailed(summary, fields={field: [problem]})


def _checked_name(name: Any) -> str:
    if not isinstance(name, str):
        _refuse("name", _("Controleer de naam."), _("Verwacht tekst."))
    name = name.strip()
    if not 1 <= len(name) <= NAME_MAX:
        _refuse("name", _("Controleer de naam."), _("Gebruik 1 tot 120 tekens."))
    if _CONTROL.search(name.replace(" ", "")):
        problem = _("Gebruik geen tabs, regeleinden of stuurtekens.")
        _refuse("name", _("Controleer de naam."), problem)
    return name


_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


def _ascii_host(host: str) -> str:
    """The host name as it is looked up: an IDN label in its xn-- form (IDNA 2008, UTS 46);
    idna.IDNAError when it is no host name (an empty or too long label, a stray character)."""
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    name = host if host.isascii() else idna.encode(host, uts46=True).decode()
    labels = name.lower().removesuffix(".").split(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise idna.IDNAError(host)
    return name


def internal_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """An address inside a network, the machine itself or the cloud's metadata service: not a
    public internet address (loopback, private, link-local, shared, reserved, multicast)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """EVENTS_ALLOWED_NETWORKS: internal networks that subscribers may live in all the same."""
    given = current_app.config["EVENTS_ALLOWED_NETWORKS"]
    return [ipaddress.ip_network(n, strict=False) for n in given]


def address_refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True when events may not go to this address under this configuration (SSRF)."""
    if current_app.config["EVENTS_ALLOW_INTERNAL_ADDRESSES"] or not internal_address(ip):
        return False
    return not any(ip in network for network in allowed_networks() if ip.version == network.version)


def _host_problem(host: str) -> str | None:
    if current_app.config["EVENTS_ALLOW_INTERNAL_ADDRESSES"]:
        return None
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return _("Een adres op deze server zelf kan niet worden gebruikt.")
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return None  # a name: what it resolves to is checked at every delivery
    if address_refused(ip):
        return _("Een intern netwerkadres kan niet worden gebruikt.")
    return None


def _text_problem(url: str) -> str | None:
    if not url:
        return _("Dit veld is verplicht.")
    if len(url) > URL_MAX:
        return _("Gebruik 1 tot 2000 tekens.")
    if _CONTROL.search(url):
        return _("Een adres bevat geen spaties, tabs of regeleinden.")
    return None


def _parts_problem(url: str, parts: SplitResult) -> str | None:
    allowed = ("https", "http") if current_app.config["EVENTS_ALLOW_HTTP"] else ("https",)
    if parts.scheme.lower() not in allowed:
        return (
            _("Gebruik een adres dat met https:// begint.")
            if "http" not in allowed
            else _("Gebruik een adres dat met https:// of http:// begint.")
        )
    if not parts.hostname:
        return _("Het adres mist de servernaam.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return _("Zet geen gebruikersnaam of wachtwoord in het adres.")
    if parts.fragment or url.endswith("#"):
        return _("Een adres met # kan niet worden gebruikt.")
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return _("Het poortnummer in het adres klopt niet.")
    return None


def checked_url(url: Any) -> str:
    """The URL as stored (host in its ASCII form), or ValidationFailed naming `url`."""
    summary = _("Controleer het adres.")
    if not isinstance(url, str):
        _refuse("url", summary, _("Verwacht tekst."))
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        _refuse("url", summary, _("De servernaam in het adres klopt niet."))
    if problem := _text_problem(url) or _parts_problem(url, parts):
        _refuse("url", summary, problem)
    try:
        host = _ascii_host(parts.hostname)
    except UnicodeError:  # idna.IDNAError is one
        _refuse("url", summary, _("De servernaam in het adres klopt niet."))
    if problem := _host_problem(host):
        _refuse("url", summary, problem)
    if host != parts.hostname:
        netloc = parts.netloc.lower().replace(parts.hostname, host, 1)
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    if len(url) > URL_MAX:
        _refuse("url", summary, _("Gebruik 1 tot 2000 tekens."))
    return url


def _checked_types(types: Any) -> list[str]:
    summary = _("Controleer de soorten gebeurtenissen.")
    if not isinstance(types, list | tuple):
        _refuse("event_types", summary, _("Verwacht een lijst."))
    if not all(isinstance(t, str) for t in types):
        _refuse("event_types", summary, _("Verwacht een lijst van soorten (tekst)."))
    if not types:
        _refuse(
            "event_types",
            _("Kies ten minste één soort gebeurtenis."),
            _("Kies ten minste één soort gebeurtenis."),
        )
    unknown = sorted(set(types) - set(EVENT_TYPES))
    if unknown:
        shown = ", ".join(t[:80] for t in unknown[:5])
        _refuse("event_types", summary, _("Onbekend: %(types)s.", types=shown))
    twice = sorted(t for t, n in Counter(types).items() if n > 1)
    if twice:
        problem = _("Meer dan eens gekozen: %(types)s.", types=", ".join(twice))
        _refuse("event_types", summary, problem)
    return sorted(types)


def _checked_active(active: Any) -> bool:
    if not isinstance(active, bool):
        _refuse("active", _("Controleer of de koppeling actief is."), _("Verwacht true of false."))
    return active


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
        name=_checked_name(data["name"]),
        url=checked_url(data["url"]),
        event_types=_checked_types(data["event_types"]),
        secret_sealed=seal(secret),
        active=_checked_active(data.get("active", True)),
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
        subscriber.name = _checked_name(data["name"])
    if "url" in data:
        subscriber.url = checked_url(data["url"])
    if "event_types" in data:
        subscriber.event_types = _checked_types(data["event_types"])
    if "active" in data:
        subscriber.active = _checked_active(data["active"])
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
    secret = new_secret()
    subscriber.secret_sealed = seal(secret)
    subscriber.updated_at = utcnow()
    db.session.flush()
    audit.record("event_subscriber.secret_replaced", subscriber, actor=admin)
    return secret


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


def reseal_secrets() -> tuple[int, list[int]]:
    """Seal every subscriber's secret under the current SECRET_KEY (after a rotation: the old
    key is in SECRET_KEY_FALLBACKS). Returns how many were resealed and the ids of those no key
    opens (they need a new secret)."""
    resealed, unreadable = 0, []
    for subscriber in db.session.scalars(select(Subscriber).order_by(Subscriber.id)):
        try:
            subscriber.secret_sealed = reseal(subscriber.secret_sealed)
        except SecretUnreadable:
            unreadable.append(subscriber.id)
            continue
        resealed += 1
    db.session.flush()
    return resealed, unreadable
