"""Subscribers (event notifications) and their deliveries, for the admin's API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from faunaschade.events.types import EVENT_TYPES
from faunaschade.i18n import N_
from faunaschade.models import DeliveryStatus
from faunaschade.schemas.base import REQUIRED, LoadSchema, choice, text

_TYPES = fields.List(
    choice(EVENT_TYPES, N_("soort gebeurtenis")),
    validate=validate.Length(
        min=1, max=len(EVENT_TYPES), error=N_("Kies ten minste één soort gebeurtenis.")
    ),
    error_messages={"required": REQUIRED, "null": REQUIRED, "invalid": N_("Verwacht een lijst.")},
)
_ACTIVE = fields.Boolean(
    error_messages={"invalid": N_("Verwacht true of false."), "null": REQUIRED}
)


class SubscriberInSchema(LoadSchema):
    """A new subscriber: the secret is made by the service and answered once."""

    name = text(120)
    url = text(2000)
    event_types = _TYPES
    active = _ACTIVE


class SubscriberPatchSchema(LoadSchema):
    """A change of a subscriber: only the fields given."""

    name = text(120, required=False)
    url = text(2000, required=False)
    event_types = fields.List(
        choice(EVENT_TYPES, N_("soort gebeurtenis")),
        validate=_TYPES.validate,
        error_messages=_TYPES.error_messages,
    )
    active = _ACTIVE


class SubscriberOutSchema(Schema):
    """A subscriber without its secret, with its delivery counts."""

    id = fields.Integer()
    name = fields.String()
    url = fields.String()
    event_types = fields.List(fields.String())
    active = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    deliveries = fields.Dict(keys=fields.String(), values=fields.Integer())


class SubscriberWithSecretSchema(SubscriberOutSchema):
    """A subscriber as created (or given a new secret): the secret this once."""

    secret = fields.String()


class DeliveryOutSchema(Schema):
    """One event for one subscriber."""

    id = fields.Integer()
    event_id = fields.String(attribute="event.event_id")
    type = fields.String(attribute="event.type")
    subject = fields.String()
    sequence = fields.Integer()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime()
    last_attempt_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    waiting_for_earlier = fields.Boolean()


class DeliveryQuerySchema(LoadSchema):
    """Filter a subscriber's deliveries by status."""

    status = choice([s.value for s in DeliveryStatus], N_("status"), required=False)
