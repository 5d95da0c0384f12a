"""Open data releases: the suppressed figures frozen at a moment (statistics/releases.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, String, Text, event
from sqlalchemy.orm import Mapped, deferred, mapped_column

from faunaschade.extensions import db
from faunaschade.models.base import UtcDateTime, utcnow


class OpenDataRelease(db.Model):
    """One published release of the open data: what everyone sees until the next one.

    Written once and never changed (an update is refused); the endpoints and the page serve the
    newest, or an older one by id."""

    __tablename__ = "open_data_releases"

    #: Surrogate key; the release's number in the URLs (`?release=<id>`).
    id: Mapped[int] = mapped_column(primary_key=True)
    #: When it was cut: the figures are the data as they stood then.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    #: First day of the first damage year in it (None when there were no claims or meldingen).
    period_start: Mapped[date | None] = mapped_column(Date)
    #: Last day of the last damage year in it.
    period_end: Mapped[date | None] = mapped_column(Date)
    #: The data version it was cut from: the audit log's newest event id and number of events.
    data_version: Mapped[str] = mapped_column(String(64))
    #: Figures resting on fewer claims or meldingen than this were suppressed.
    min_cell: Mapped[int] = mapped_column(Integer)
    #: Figures resting on fewer farmers than this were suppressed.
    min_farmers: Mapped[int] = mapped_column(Integer)
    #: The published, suppressed cube (canonical JSON): every aggregate, measures only where
    #: published. Nothing suppressed is in it.
    cube: Mapped[str] = mapped_column(Text)
    #: SHA-256 of `cube` (hex): the same figures give the same hash.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: Never published: per claim and melding its farmer, cell and contribution at the cut, so
    #: that the next release can tell which aggregates changed by too few of them (JSON).
    contributions: Mapped[str] = deferred(mapped_column(Text, nullable=False))


class ReleaseImmutable(RuntimeError):
    """A release was about to be changed."""


@event.listens_for(OpenDataRelease, "before_update")
def _refuse_update(mapper: Any, connection: Any, target: OpenDataRelease) -> None:
    raise ReleaseImmutable(f"open data release {target.id} is published and cannot change")
