"""Machtigingen: what a farmer (or an officer, for a written one) sends, and what is shown."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate, validates

from faunaschade import validators
from faunaschade.i18n import N_
from faunaschade.schemas.base import (
    FIRST_DAY,
    LAST_DAY,
    REQUIRED,
    SANE_PERIOD,
    LoadSchema,
    iso_date,
)

#: Largest id a field accepts (the database's integer).
_MAX_ID = 2**31 - 1


def _id(what: str, *, required: bool = False) -> fields.Integer:
    message = N_("Geef het nummer van %(what)s.", what=what)
    return fields.Integer(
        required=required,
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=_MAX_ID, error=message),
        error_messages={"required": REQUIRED, "invalid": message},
    )


class AuthorisationInSchema(LoadSchema):
    """POST /api/v1/authorisations: the farmer authorises a registered user."""

    #: The representative's login address.
    email = fields.String(
        required=True,
        validate=validate.Length(min=1, max=254, error=N_("Geef een geldig e-mailadres.")),
        error_messages={"required": REQUIRED, "null": REQUIRED, "invalid": N_("Verwacht tekst.")},
    )
    #: One claim only; left out or null: all claims, new ones too.
    claim_id = _id(N_("een aanvraag"))
    #: First day; left out: today.
    valid_from = iso_date(required=False)
    #: Last day (inclusive); left out or null: until revoked.
    valid_until = fields.Date(
        load_default=None,
        allow_none=True,
        validate=validate.Range(FIRST_DAY, LAST_DAY, error=SANE_PERIOD),
        error_messages={"invalid": N_("Geef een datum als JJJJ-MM-DD.")},
    )

    @validates("email")
    def _email(self, value: str, **_: Any) -> None:
        validators.email_address(value)


class WrittenAuthorisationInSchema(AuthorisationInSchema):
    """POST /api/v1/farmers/{id}/authorisations: an officer records a written one."""

    #: Date of the signed document.
    document_date = iso_date()


class AuthorisationOutSchema(Schema):
    """A machtiging as the farmer, the representative and the officer see it."""

    id = fields.Integer()
    farmer_id = fields.Integer()
    farmer_name = fields.String(attribute="farmer.name")
    representative_id = fields.Integer()
    representative_name = fields.String(attribute="representative.name")
    representative_email = fields.String(attribute="representative.email")
    scope = fields.String(metadata={"description": "all_claims or claim"})
    claim_id = fields.Integer(allow_none=True)
    valid_from = fields.Date()
    valid_until = fields.Date(allow_none=True)
    source = fields.String(metadata={"description": "online or written"})
    document_date = fields.Date(allow_none=True)
    active = fields.Boolean(metadata={"description": "counts today"})
    revoked_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class AuthorisationListQuerySchema(LoadSchema):
    """GET /api/v1/authorisations: granted by me (default) or held by me (`?as=representative`)."""

    role = fields.String(
        data_key="as",
        load_default="farmer",
        validate=validate.OneOf(
            ["farmer", "representative"], error=N_("Kies 'farmer' of 'representative'.")
        ),
    )
