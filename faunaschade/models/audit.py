"""The append-only, hash-chained audit log."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from faunaschade.extensions import db
from faunaschade.models.base import UtcDateTime, utcnow


def canonical_json(value: Any) -> str:
    """One text for one value: sorted keys, no spaces, ASCII; Decimals and dates as text."""
    return _CANONICAL.encode(value)


# What json.dumps(value, sort_keys=True, separators=(",", ":"), default=str) makes, without a new
# encoder for every value (the seed encodes a million event data).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


class CanonicalData(dict):
    """The value of a canonical JSON object as read back, which keeps the text it came from:
    written as that text, not dumped again (audit.chain.record hashes the same text)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        super().__init__(json.loads(text))
        self.text = text


class CanonicalJSON(TypeDecorator):
    """JSON kept as the exact text the content hash was taken over (a text column).

    A `str` is taken as already canonical (the seed writes it so), and so is the text a
    `CanonicalData` came from; anything else is dumped."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        if type(value) is CanonicalData:
            return value.text
        return canonical_json(value)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        return None if value is None else json.loads(value)


class AuditEvent(db.Model):
    """One change: written with its content hash, then sealed into the chain (audit.chain)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        # The sealer's work list: events committed but not yet in the chain.
        Index(
            "ix_audit_events_unsealed",
            "id",
            postgresql_where=text("seq IS NULL"),
            sqlite_where=text("seq IS NULL"),
        ),
    )

    #: Surrogate key, in the order the events were written.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Position in the chain, 1, 2, 3… without gaps (a deletion leaves a gap); NULL until sealed.
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    #: When it happened (UTC).
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    #: Who did it (None: the system or a job).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Dotted action code, e.g. "claim.transition", "letter.stored".
    action: Mapped[str] = mapped_column(String(60), index=True)
    #: Kind of object changed, e.g. "claim".
    object_type: Mapped[str] = mapped_column(String(40))
    #: Its id.
    object_id: Mapped[int | None] = mapped_column(Integer)
    #: The claim concerned, to show a claim's timeline.
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)
    #: Status before a transition.
    from_status: Mapped[str | None] = mapped_column(String(32))
    #: Status after a transition.
    to_status: Mapped[str | None] = mapped_column(String(32))
    #: Why (free text given by the actor or the system).
    reason: Mapped[str | None] = mapped_column(Text)
    #: Extra facts (amounts, hashes, versions); never personal data.
    data: Mapped[dict[str, Any]] = mapped_column(CanonicalJSON(), default=dict)
    #: SHA-256 over the fields above, written with the event (audit.chain.content_text).
    content_hash: Mapped[str] = mapped_column(String(64))
    #: Hash of the previous event ("0"*64 for the first); unique, so the chain cannot fork.
    prev_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: SHA-256 over seq, prev_hash and content_hash; NULL until sealed.
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class AuditCheckpoint(db.Model):
    """The chain's head as it stood at a moment, signed with the service's certificate.

    Published (GET /api/v1/audit/checkpoints/latest, the application log) so that a chain whose
    newest events were deleted shows against it (`flask audit verify --against`)."""

    __tablename__ = "audit_checkpoints"

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The head's place in the chain (0 for an empty chain); one checkpoint per head.
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    #: The head's hash (the genesis hash for an empty chain).
    head_hash: Mapped[str] = mapped_column(String(64))
    #: When the head was signed (UTC, whole microseconds as in the statement).
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    #: "rsa-sha256" or "ecdsa-sha256".
    algorithm: Mapped[str] = mapped_column(String(20))
    #: Base64 signature over the statement (audit.checkpoints.statement).
    signature: Mapped[str] = mapped_column(Text)
    #: SHA-256 of the signing certificate (DER), hex.
    certificate_sha256: Mapped[str] = mapped_column(String(64))
