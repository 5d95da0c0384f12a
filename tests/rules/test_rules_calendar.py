"""Working days, holidays and deadlines (SPEC §2, §4.1)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from faunaschade.rules.calendar import (
    add_working_days,
    awb_backstop,
    decision_target,
    easter,
    holidays,
    is_working_day,
    livestock_deadline,
    objection_deadline,
    submission_deadline,
    zienswijze_deadline,
)

# The rules engine reads no database: once, in the SQLite pass.
pytestmark = pytest.mark.sqlite_pass_only


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2016, "03-27"), (2024, "03-31"), (2025, "04-20"), (2026, "04-05"), (2027, "03-28"),
     (2038, "04-25"), (2285, "03-22")],
)  # fmt: skip
def test_easter_known_dates(year: int, expected: str) -> None:
    assert easter(year) == date.fromisoformat(f"{year}-{expected}")


def test_every_holiday_kind_in_2025() -> None:
    assert holidays(2025) == {
        date(2025, 1, 1): "Nieuwjaarsdag",
        date(2025, 4, 18): "Goede Vrijdag",
        date(2025, 4, 21): "Tweede Paasdag",
        date(2025, 4, 26): "Koningsdag",
        date(2025, 5, 5): "Bevrijdingsdag",
        date(2025, 5, 29): "Hemelvaartsdag",
        date(2025, 5, 30): "Vrijdag na Hemelvaartsdag",
        date(2025, 6, 9): "Tweede Pinksterdag",
        date(2025, 12, 25): "Eerste Kerstdag",
        date(2025, 12, 26): "Tweede Kerstdag",
    }


@pytest.mark.parametrize("year", [2024, 2026, 2027, 2038])
def test_holidays_follow_easter(year: int) -> None:
    by_name = {name: day for day, name in holidays(year).items()}
    east = easter(year)
    assert (by_name["Goede Vrijdag"] - east).days == -2
    assert (by_name["Tweede Paasdag"] - east).days == 1
    assert (by_name["Hemelvaartsdag"] - east).days == 39
    assert (by_name["Vrijdag na Hemelvaartsdag"] - east).days == 40
    assert (by_name["Tweede Pinksterdag"] - east).days == 50
    assert all(not is_working_day(day) for day in holidays(year))


def test_koningsdag_moves_to_26_april_when_27_is_a_sunday() -> None:
    sundays = [year for year in range(2020, 2040) if date(year, 4, 27).weekday() == 6]
    assert sundays == [2025, 2031, 2036]
    for year in range(2020, 2040):
        expected = date(year, 4, 26 if year in sundays else 27)
        assert holidays(year)[expected] == "Koningsdag"
    assert date(2024, 4, 27) in holidays(2024)  # a Saturday: stays on the 27th


@pytest.mark.parametrize("year", [2026, 2027])
def test_bevrijdingsdag_every_year(year: int) -> None:
    fifth = date(year, 5, 5)
    assert holidays(year)[fifth] == "Bevrijdingsdag"
    assert fifth.weekday() < 5 and not is_working_day(fifth)


def test_ascension_on_5_may_keeps_both_names() -> None:
    assert holidays(2016)[date(2016, 5, 5)] == "Bevrijdingsdag en Hemelvaartsdag"


def test_holidays_returns_a_copy() -> None:
    holidays(2030).clear()
    assert holidays(2030)


def test_weekends_are_not_working_days() -> None:
    assert not is_working_day(date(2025, 3, 8)) and not is_working_day(date(2025, 3, 9))
    assert is_working_day(date(2025, 3, 10))


def test_add_working_days_across_christmas_and_new_year() -> None:
    # Wed 24 Dec 2025 → skip 25, 26 (holidays), 27-28 (weekend), 1 Jan (holiday), 3-4 Jan.
    assert add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)
    assert add_working_days(date(2025, 12, 24), 4) == date(2026, 1, 2)
    assert add_working_days(date(2025, 12, 24), 7) == date(2026, 1, 7)


def test_add_working_days_across_ascension() -> None:
    # Hemelvaart 2025 is Thu 29 May, the Friday after is off too.
    assert add_working_days(date(2025, 5, 28), 1) == date(2025, 6, 2)
    # And across Whit Monday (9 June): 28 May, 2-6 June, 10 June.
    assert submission_deadline(date(2025, 5, 27)) == date(2025, 6, 10)


def test_add_working_days_counts_strictly_after() -> None:
    assert add_working_days(date(2025, 3, 3), 0) == date(2025, 3, 3)
    assert add_working_days(date(2025, 3, 8), 1) == date(2025, 3, 10)  # from a Saturday
    with pytest.raises(ValueError):
        add_working_days(date(2025, 3, 3), -1)


def test_deadlines() -> None:
    assert submission_deadline(date(2025, 3, 3)) == date(2025, 3, 12)
    assert zienswijze_deadline(date(2025, 4, 14)) == date(2025, 4, 28)  # Easter in between
    assert livestock_deadline(datetime(2025, 8, 10, 6, 30)) == datetime(2025, 8, 11, 6, 30)
    assert decision_target(date(2025, 3, 3)) == date(2025, 5, 12)
    assert awb_backstop(date(2025, 3, 3)) == date(2025, 4, 28)


def test_objection_deadline_on_a_working_day_stays() -> None:
    assert objection_deadline(date(2025, 3, 3)) == date(2025, 4, 14)


def test_objection_deadline_on_a_saturday_moves_to_monday() -> None:
    assert objection_deadline(date(2025, 3, 1)) == date(2025, 4, 14)


def test_objection_deadline_on_a_holiday_moves_on() -> None:
    # Six weeks after Mon 10 Nov 2025 is Mon 22 Dec; after Thu 13 Nov it is Christmas Day.
    assert objection_deadline(date(2025, 11, 13)) == date(2025, 12, 29)
    # Six weeks after Fri 7 Mar 2025 is Good Friday; the weekend and Easter Monday follow.
    assert objection_deadline(date(2025, 3, 7)) == date(2025, 4, 22)
