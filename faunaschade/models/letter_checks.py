"""Public letter checks (brief controleren): an upload waiting for, or answered by, the worker."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from faunaschade.extensions import db
from faunaschade.models.base import CreatedMixin, UtcDateTime, enum_type
from faunaschade.models.lifecycle import Lifecycle


class LetterCheckStatus(enum.StrEnum):
    """Where a check stands."""

    #: Stored, waiting for the worker's signature check.
    PENDING = "pending"
    #: Checked: the verdict is in `result` (also "this file cannot be read").
    DONE = "done"
    #: The check itself broke (not the file): the person may try again.
    FAILED = "failed"


class LetterCheck(CreatedMixin, db.Model):
    """One upload to the public letter check, kept about an hour (LETTER_CHECK_KEEP_SECONDS)."""

    __tablename__ = "letter_checks"
    #: The sweep purges by age.
    __table_args__ = (Index("ix_letter_checks_created_at", "created_at"),)

    #: Surrogate key (the job's id names it; never shown to the public).
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The public, unguessable name of the check (there is no login): 256 random bits.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    #: pending, done or failed (LETTER_CHECK_LIFECYCLE).
    status: Mapped[LetterCheckStatus] = mapped_column(
        enum_type(LetterCheckStatus, "letter_check_status"), default=LetterCheckStatus.PENDING
    )
    #: SHA-256 of the upload, hex.
    sha256: Mapped[str] = mapped_column(String(64))
    #: The upload until it is checked, then emptied (the page promises the file is not kept).
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    #: The verdict (letters.verification.Verdict.to_json): codes and facts, no message text.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: When the worker answered.
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


LETTER_CHECK_LIFECYCLE = Lifecycle(
    LetterCheck,
    "Briefcontrole",
    {
        (LetterCheckStatus.PENDING, LetterCheckStatus.DONE): "gecontroleerd",
        (LetterCheckStatus.PENDING, LetterCheckStatus.FAILED): "mislukt",
    },
)
