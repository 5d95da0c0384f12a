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


class VerifiedLetterSchema(Schema):
    """Which of our letters an uploaded PDF is: no names, addresses or amounts."""

    kind = fields.String(required=True, metadata={"description": "letter kind code"})
    title = fields.String(required=True, metadata={"description": "its Dutch name"})
    claim_reference = fields.String(required=True)
    kenmerk = fields.String(
        required=True, metadata={"description": "printed on the letter (a decision's own)"}
    )
    decision_kenmerk = fields.String(allow_none=True)
    version = fields.Integer(required=True)
    date = fields.Date(allow_none=True, metadata={"description": "day it was made (Dutch)"})


class LetterVerificationSchema(Schema):
    """The answer of the public letter check."""

    ours = fields.Boolean(
        required=True, metadata={"description": "signed by us and a letter we issued"}
    )
    unchanged = fields.Boolean(
        required=True, metadata={"description": "byte for byte the letter as we stored it"}
    )
    signed = fields.Boolean(required=True, metadata={"description": "carries our signature"})
    intact = fields.Boolean(
        required=True, metadata={"description": "that signature is sound and its bytes unchanged"}
    )
    outcome = fields.String(
        required=True,
        metadata={
            "description": "ours_unchanged | ours_appended | ours_unsigned | changed | unknown "
            "| not_ours | unreadable (pyHanko could not read it, or gave up on it)"
        },
    )
    message = fields.String(required=True)
    sha256 = fields.String(required=True, metadata={"description": "of the uploaded file"})
    signer = fields.String(allow_none=True)
    signed_at = fields.String(allow_none=True)
    letter = fields.Nested(VerifiedLetterSchema, allow_none=True)


class LetterCheckSchema(Schema):
    """A letter check: pending while the worker checks the signature, then done with the
    verdict (or failed: the check broke, not the file; upload it again)."""

    id = fields.String(
        attribute="token",
        required=True,
        metadata={"description": "the check's token: GET /api/v1/letters/verify/{id}"},
    )
    status = fields.String(required=True, metadata={"description": "pending | done | failed"})
    result = fields.Nested(
        LetterVerificationSchema,
        attribute="verdict",
        allow_none=True,
        metadata={"description": "the verdict, once done"},
    )
