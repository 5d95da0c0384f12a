"""The append-only, hash-chained audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from faunaschade.extensions import db
from faunaschade.models.base import UtcDateTime, utcnow


class AuditEvent(db.Model):
    """One change, chained to the previous event by its hash."""

    __tablename__ = "audit_events"

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Position in the chain, 1, 2, 3… without gaps (a deletion leaves a gap).
    seq: Mapped[int] = mapped_column(Integer, unique=True)
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
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Hash of the previous event ("0"*64 for the first); unique, so the chain cannot fork.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: SHA-256 over this event's fields and prev_hash.
    hash: Mapped[str] = mapped_column(String(64), unique=True)
