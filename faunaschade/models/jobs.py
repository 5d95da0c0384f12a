"""Database mirror of background jobs, so nothing is lost when Redis is down."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from faunaschade.extensions import db
from faunaschade.models.base import CreatedMixin, UtcDateTime, enum_type


class JobStatus(enum.StrEnum):
    """State of a job as last seen."""

    #: Recorded in the database, not yet handed to Redis (or Redis was down).
    PENDING = "pending"
    #: In an rq queue.
    QUEUED = "queued"
    #: A worker is running it.
    STARTED = "started"
    #: Done.
    FINISHED = "finished"
    #: Failed after its last retry.
    FAILED = "failed"


class JobRecord(CreatedMixin, db.Model):
    """One background job; its id is deterministic so doubles are refused."""

    __tablename__ = "jobs"

    #: Deterministic id, also the rq job id, e.g. "letter-decision-12-v1".
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    #: Registered job name, e.g. "letters.render".
    name: Mapped[str] = mapped_column(String(60))
    #: Keyword arguments (ids only).
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: rq queue name.
    queue: Mapped[str] = mapped_column(String(30))
    #: pending, queued, started, finished or failed.
    status: Mapped[JobStatus] = mapped_column(
        enum_type(JobStatus, "job_status"), default=JobStatus.PENDING, index=True
    )
    #: How many times a worker started it.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: When it was handed to Redis.
    enqueued_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: When the last attempt started.
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: When it finished or finally failed.
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: Last error message.
    error: Mapped[str | None] = mapped_column(Text)
