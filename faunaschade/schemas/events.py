"""Subscribers (event notifications) and their deliveries, for the admin's API."""

from __future__ import annotations

from collections import Counter
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from faunaschade.events.types import EVENT_TYPES
from faunaschade.i18n import N_
from faunaschade.models import DeliveryStatus
from faunaschade.schemas.base import REQUIRED, LoadSchema, choice, text


class _TypeList(fields.List):
    """A list of event types whose problems are all told at `event_types` (not per position)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[str]:
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as exc:
            if not isinstance(exc.messages, dict):
                raise
            told: list[str] = []
            for messages in exc.messages.values():
                told += [m for m in messages if m not in told]
            raise ValidationError(told) from exc


def _no_duplicates(types: list[str]) -> None:
    if any(n > 1 for n in Counter(types).values()):
        raise ValidationError(N_("Kies elke soort gebeurtenis één keer."))


class _StrictBoolean(fields.Boolean):
    """JSON true or false, nothing else ("yes", 1 or "on" are refused, not guessed)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def _types(required: bool) -> _TypeList:
    return _TypeList(
        choice(EVENT_TYPES, N_("soort gebeurtenis")),
        required=required,
        validate=[
            validate.Length(min=1, error=N_("Kies ten minste één soort gebeurtenis.")),
            _no_duplicates,
        ],
        error_messages={
            "required": REQUIRED,
            "null": REQUIRED,
            "invalid": N_("Verwacht een lijst."),
        },
    )


def _active() -> _StrictBoolean:
    return _StrictBoolean(
        error_messages={"invalid": N_("Verwacht true of false."), "null": REQUIRED}
    )


class SubscriberInSchema(LoadSchema):
    """A new subscriber: the secret is made by the service and answered once."""

    name = text(120)
    url = text(2000)
    event_types = _types(required=True)
    active = _active()


class SubscriberPatchSchema(LoadSchema):
    """A change of a subscriber: only the fields given."""

    name = text(120, required=False)
    url = text(2000, required=False)
    event_types = _types(required=False)
    active = _active()


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
