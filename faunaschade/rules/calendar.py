"""Dutch working days and the deadlines of SPEC §2 and §4.1, for any year."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from types import MappingProxyType

SUBMISSION_WORKING_DAYS = 7  #: DOMAIN §3.3, §13 [S1], [S11] art. 2(2)
ZIENSWIJZE_WORKING_DAYS = 8  #: DOMAIN §3.6, §13 [S1], [S11] art. 5(4)
LIVESTOCK_REPORT_HOURS = 24  #: DOMAIN §7, §13 [S44], [S48]
OBJECTION_PERIOD = timedelta(weeks=6)  #: DOMAIN §3.9 [S4], Awb 6:7
DECISION_TARGET = timedelta(weeks=10)  #: DOMAIN §3.8 [S20]
AWB_BACKSTOP = timedelta(weeks=8)  #: DOMAIN §3.8 [S53], Awb 4:13

_ONE_DAY = timedelta(days=1)


def easter(year: int) -> date:
    """Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_shift) // 451
    month, day = divmod(h + weekday_shift - 7 * m + 114, 31)
    return date(year, month, day + 1)


def koningsdag(year: int) -> date:
    """King's Day: 27 April, or the 26th when the 27th is a Sunday (rule since 2014)."""
    day = date(year, 4, 27)
    return day - _ONE_DAY if day.weekday() == 6 else day


@cache
def _holidays(year: int) -> Mapping[date, str]:
    """The cached, read-only holiday table of one year."""
    east = easter(year)
    ascension = east + timedelta(days=39)
    days = [
        (date(year, 1, 1), "Nieuwjaarsdag"),
        (east - timedelta(days=2), "Goede Vrijdag"),
        (east + _ONE_DAY, "Tweede Paasdag"),
        (koningsdag(year), "Koningsdag"),
        (date(year, 5, 5), "Bevrijdingsdag"),
        (ascension, "Hemelvaartsdag"),
        (ascension + _ONE_DAY, "Vrijdag na Hemelvaartsdag"),
        (east + timedelta(days=50), "Tweede Pinksterdag"),
        (date(year, 12, 25), "Eerste Kerstdag"),
        (date(year, 12, 26), "Tweede Kerstdag"),
    ]
    table: dict[date, str] = {}
    for day, name in sorted(days):
        # Ascension Day can fall on 5 May (2016, 2067): one date, both names.
        table[day] = f"{table[day]} en {name}" if day in table else name
    return MappingProxyType(table)


def holidays(year: int) -> dict[date, str]:
    """The non-working holidays of SPEC §4.1 in ``year``, by date, with their Dutch names."""
    return dict(_holidays(year))


def is_working_day(day: date) -> bool:
    """True on Monday to Friday unless the day is a holiday of SPEC §4.1."""
    return day.weekday() < 5 and day not in _holidays(day.year)


@lru_cache(maxsize=8192)
def add_working_days(day: date, n: int) -> date:
    """The ``n``-th working day strictly after ``day`` (``day`` itself when ``n`` is 0)."""
    if n < 0:
        raise ValueError("n must not be negative")
    while n:
        day += _ONE_DAY
        if is_working_day(day):
            n -= 1
    return day


def next_working_day_from(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += _ONE_DAY
    return day


def submission_deadline(discovered_on: date, working_days: int = SUBMISSION_WORKING_DAYS) -> date:
    """Last day to submit a crop claim: 7 working days after discovery."""
    return add_working_days(discovered_on, working_days)


def livestock_deadline(discovered_at: datetime, hours: int = LIVESTOCK_REPORT_HOURS) -> datetime:
    """Last moment to report wolf or golden-jackal damage: 24 hours after discovery."""
    return discovered_at + timedelta(hours=hours)


def zienswijze_deadline(confirmation_date: date) -> date:
    """Last day for a zienswijze: 8 working days after the assessment confirmation."""
    return add_working_days(confirmation_date, ZIENSWIJZE_WORKING_DAYS)


def objection_deadline(decision_date: date) -> date:
    """Last day to object: 6 weeks after the dagtekening, moved past weekends and holidays."""
    # Algemene termijnenwet art. 1: a term ending on a Saturday, Sunday or holiday runs on.
    return next_working_day_from(decision_date + OBJECTION_PERIOD)


def decision_target(report_date: date) -> date:
    """BIJ12's target for the decision: 10 weeks after the assessment report arrived."""
    return report_date + DECISION_TARGET


def awb_backstop(submitted_on: date) -> date:
    """Awb 4:13 backstop: 8 weeks after submission; a delay notice is due before it."""
    return submitted_on + AWB_BACKSTOP
