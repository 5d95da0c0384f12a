"""Event notifications for the admin: /api/v1/admin/subscribers and their deliveries."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from faunaschade.access import roles_required
from faunaschade.api.answers import commits
from faunaschade.api.blueprint import Blueprint
from faunaschade.events import subscribers as service
from faunaschade.extensions import db
from faunaschade.models import DeliveryStatus, Role, Subscriber
from faunaschade.schemas.events import (
    DeliveryOutSchema,
    DeliveryQuerySchema,
    SubscriberInSchema,
    SubscriberOutSchema,
    SubscriberPatchSchema,
    SubscriberWithSecretSchema,
)

bp = Blueprint(
    "events", __name__, url_prefix="/api/v1/admin", description="Event notifications (admins)"
)
admin_only = roles_required(Role.ADMIN)


def _answer(subscriber: Subscriber, secret: str | None = None) -> dict[str, Any]:
    counts = next(
        (v.counts for v in service.subscribers_with_counts() if v.subscriber.id == subscriber.id),
        {},
    )
    answer = {
        "id": subscriber.id,
        "name": subscriber.name,
        "url": subscriber.url,
        "event_types": subscriber.event_types,
        "active": subscriber.active,
        "created_at": subscriber.created_at,
        "updated_at": subscriber.updated_at,
        "deliveries": counts,
    }
    if secret is not None:
        answer["secret"] = secret
    return answer


@bp.route("/subscribers", methods=["GET"])
@admin_only
@bp.response(200, SubscriberOutSchema(many=True))
def list_subscribers():
    """Every subscriber with its delivery counts (pending, delivered, failed); no secrets."""
    return [
        {**_answer(view.subscriber), "deliveries": view.counts}
        for view in service.subscribers_with_counts()
    ]


@bp.route("/subscribers", methods=["POST"])
@admin_only
@bp.arguments(SubscriberInSchema)
@commits
@bp.response(201, SubscriberWithSecretSchema)
def create_subscriber(data: dict[str, Any]):
    """Register a subscriber; the answer holds its HMAC secret, this once."""
    subscriber, secret = service.create_subscriber(data, current_user)
    db.session.flush()
    return _answer(subscriber, secret)


@bp.route("/subscribers/<int:subscriber_id>", methods=["GET"])
@admin_only
@bp.response(200, SubscriberOutSchema)
def get_subscriber(subscriber_id: int):
    """One subscriber (no secret)."""
    return _answer(service.subscriber_or_404(subscriber_id))


@bp.route("/subscribers/<int:subscriber_id>", methods=["PATCH"])
@admin_only
@bp.arguments(SubscriberPatchSchema)
@commits
@bp.response(200, SubscriberOutSchema)
def patch_subscriber(data: dict[str, Any], subscriber_id: int):
    """Change name, URL, event types or active."""
    subscriber = service.subscriber_or_404(subscriber_id)
    return _answer(service.update_subscriber(subscriber, data, current_user))


@bp.route("/subscribers/<int:subscriber_id>/secret", methods=["POST"])
@admin_only
@commits
@bp.response(200, SubscriberWithSecretSchema)
def replace_secret(subscriber_id: int):
    """A new HMAC secret (answered this once); the old one signs nothing any more."""
    subscriber = service.subscriber_or_404(subscriber_id)
    secret = service.replace_secret(subscriber, current_user)
    return _answer(subscriber, secret)


@bp.route("/subscribers/<int:subscriber_id>/deliveries", methods=["GET"])
@admin_only
@bp.arguments(DeliveryQuerySchema, location="query")
@bp.response(200, DeliveryOutSchema(many=True))
def deliveries(args: dict[str, Any], subscriber_id: int):
    """The subscriber's latest 200 deliveries, newest first (filter: ?status=failed)."""
    subscriber = service.subscriber_or_404(subscriber_id)
    status = DeliveryStatus(args["status"]) if args.get("status") else None
    return [
        _delivery(row["delivery"], row["waiting"])
        for row in service.deliveries_of(subscriber, status)
    ]


def _delivery(delivery, waiting: bool) -> dict[str, Any]:
    return {
        **{
            name: getattr(delivery, name)
            for name in (
                "id",
                "subject",
                "sequence",
                "attempts",
                "last_error",
                "next_attempt_at",
                "last_attempt_at",
                "delivered_at",
                "created_at",
                "event",
            )
        },
        "status": delivery.status.value,
        "waiting_for_earlier": waiting,
    }


@bp.route("/deliveries/<int:delivery_id>/retry", methods=["POST"])
@admin_only
@commits
@bp.response(200, DeliveryOutSchema)
def retry(delivery_id: int):
    """Try a failed delivery again (409 unless it failed); later ones of its subject follow."""
    delivery = service.retry(service.delivery_or_404(delivery_id), current_user)
    return _delivery(delivery, False)
