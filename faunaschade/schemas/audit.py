"""Schemas for the audit log's published checkpoints."""

from marshmallow import Schema, fields


class CheckpointSchema(Schema):
    """The chain's head at a moment, signed: keep it; `flask audit verify --against` reads it."""

    id = fields.Integer(required=True)
    seq = fields.Integer(required=True, metadata={"description": "the head's place in the chain"})
    head_hash = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"description": "UTC, ISO 8601"})
    statement = fields.String(required=True, metadata={"description": '"seq|hash|time"'})
    algorithm = fields.String(required=True, metadata={"description": "rsa-sha256|ecdsa-sha256"})
    signature = fields.String(required=True, metadata={"description": "base64, over statement"})
    certificate_sha256 = fields.String(required=True)
    certificate = fields.String(metadata={"description": "the signing certificate (PEM)"})
