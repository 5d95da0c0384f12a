"""File bytes kept in the database so every web and worker machine reaches them."""

from __future__ import annotations

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from faunaschade.extensions import db
from faunaschade.models.base import CreatedMixin


class StoredFile(CreatedMixin, db.Model):
    """One stored file (photo, attachment, letter PDF)."""

    __tablename__ = "stored_files"

    #: Surrogate key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: hex SHA-256 of the bytes.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: MIME type established from the content.
    content_type: Mapped[str] = mapped_column(String(100))
    #: Size in bytes.
    size: Mapped[int] = mapped_column(Integer)
    #: The bytes; loaded only when asked for.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
