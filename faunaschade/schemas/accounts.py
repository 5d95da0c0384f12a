"""Schemas for authentication and the current user."""

from marshmallow import Schema, fields, validate


class TokenRequestSchema(Schema):
    """POST /api/v1/auth/token."""

    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TokenSchema(Schema):
    """A bearer token."""

    token = fields.String(required=True)
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})


class MeSchema(Schema):
    """The logged-in user."""

    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    provinces = fields.List(fields.String())
