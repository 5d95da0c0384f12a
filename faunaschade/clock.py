"""The service's calendar: the Dutch day, the Europe/Amsterdam time zone, the damage year.

Deadlines are Dutch calendar days and every date-time shown to people is Amsterdam time, while
the database stores UTC. The schadejaar runs from 1 November to 31 October and is labelled by
the year it ends in (DOMAIN.md): 2026 is 1 November 2025 – 31 October 2026.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    """Today in the Netherlands."""
    return datetime.now(AMSTERDAM).date()


def local_day(moment: datetime) -> date:
    """The Dutch calendar day of an aware moment (e.g. a UTC timestamp from the database)."""
    return moment.astimezone(AMSTERDAM).date()


def damage_year(day: date) -> int:
    """The schadejaar `day` falls in, by the year it ends in."""
    return day.year + 1 if day.month >= 11 else day.year


def damage_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of schadejaar `year`."""
    return date(year - 1, 11, 1), date(year, 10, 31)
