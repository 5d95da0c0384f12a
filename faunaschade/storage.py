"""File storage behind one small interface; the database is the only backend for now."""

from __future__ import annotations

import hashlib

from flask import current_app
from sqlalchemy import select

from faunaschade.extensions import db
from faunaschade.models.files import StoredFile

#: Backends this module knows (config STORAGE_BACKEND).
BACKENDS = ("database",)


def _check_backend() -> None:
    backend = current_app.config.get("STORAGE_BACKEND", "database")
    if backend not in BACKENDS:
        raise RuntimeError(f"STORAGE_BACKEND {backend!r} is not supported (only: database)")


def store_bytes(data: bytes, content_type: str) -> StoredFile:
    """Store the bytes with their SHA-256 and size in the caller's transaction (flushed)."""
    _check_backend()
    stored = StoredFile(
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type,
        size=len(data),
        data=data,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def read_bytes(file_id: int) -> bytes:
    """The stored bytes of one file; LookupError when there is no such file."""
    _check_backend()
    data = db.session.scalar(select(StoredFile.data).where(StoredFile.id == file_id))
    if data is None:
        raise LookupError(f"stored file {file_id} does not exist")
    return data
