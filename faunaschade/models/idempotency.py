"""Stored answers to creating POSTs, replayed for the same Idempotency-Key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from faunaschade.extensions import db
from faunaschade.models.base import CreatedMixin


class IdempotencyKey(CreatedMixin, db.Model):
    """The first answer to a POST carrying an Idempotency-Key."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The caller (0 for anonymous registration).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The header's value.
    key: Mapped[str] = mapped_column(String(200))
    #: Method and path the key was used on.
    endpoint: Mapped[str] = mapped_column(String(200))
    #: SHA-256 of the request body; another body with the same key is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    #: Status code of the first answer.
    response_status: Mapped[int] = mapped_column(Integer)
    #: Body of the first answer.
    response_body: Mapped[dict[str, Any]] = mapped_column(JSON)
