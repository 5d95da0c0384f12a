"""Schemas for letters."""

from marshmallow import Schema, fields

from faunaschade.models import LetterKind, LetterStatus


class LetterSchema(Schema):
    """A letter of a claim; its PDF is at /api/v1/letters/{id}.pdf once ready."""

    id = fields.Integer(required=True)
    kind = fields.Enum(LetterKind, by_value=True, required=True)
    status = fields.Enum(
        LetterStatus, by_value=True, required=True, metadata={"description": "pending|ready|failed"}
    )
    sha256 = fields.String(
        allow_none=True, metadata={"description": "hex SHA-256 of the PDF, once ready"}
    )
    version = fields.Integer(metadata={"description": "1, or higher after a regeneration"})
    created_at = fields.DateTime(format="iso")
