"""The working-day rules, on calendars built in memory (no database).

2026 is written out from /work/shared/reference/beijing-facts.md section 4 (State Council notice of
4 Nov 2025), independently of the `holidays` package; 2027 comes from the package, as it is seeded.
"""

from datetime import date

import pytest

from cityportal.core.services.calendar import HOLIDAY, WORKDAY, package_schedule
from cityportal.core.tests.holidays_2026 import (
    BREAKS_2026,
    HOLIDAYS_2026,
    WEEKDAY_HOLIDAYS_2026,
    WORKDAYS_2026,
)
from cityportal.core.working_days import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    next_working_day,
    previous_working_day,
    working_days_between,
)


@pytest.fixture
def cal_2026() -> WorkingCalendar:
    return WorkingCalendar(
        holidays=HOLIDAYS_2026,
        workdays=WORKDAYS_2026,
        years=frozenset({2026}),
        confirmed_years=frozenset({2026}),
    )


@pytest.fixture
def cal_2026_2027() -> WorkingCalendar:
    """2026 confirmed (facts file), 2027 seeded from the package and not confirmed."""
    schedule = package_schedule(2027)
    return WorkingCalendar(
        holidays=HOLIDAYS_2026 | {day for day, planned in schedule.items() if planned.kind == HOLIDAY},
        workdays=WORKDAYS_2026 | {day for day, planned in schedule.items() if planned.kind == WORKDAY},
        years=frozenset({2026, 2027}),
        confirmed_years=frozenset({2026}),
    )


def test_the_facts_file_lists_are_consistent():
    """Guard the test data: the weekday holidays listed are exactly the weekdays of the breaks."""
    assert {day for day in HOLIDAYS_2026 if day.weekday() < 5} == WEEKDAY_HOLIDAYS_2026
    assert all(day.weekday() >= 5 for day in WORKDAYS_2026)
    assert [len(run) for run in BREAKS_2026.values()] == [3, 9, 3, 5, 3, 3, 7]


@pytest.mark.parametrize("day", sorted(WEEKDAY_HOLIDAYS_2026), ids=str)
def test_weekday_holidays_of_2026_are_days_off(day, cal_2026):
    assert not is_working_day(day, cal_2026)


@pytest.mark.parametrize("day", sorted(WORKDAYS_2026), ids=str)
def test_weekend_days_worked_in_2026_are_working_days(day, cal_2026):
    assert day.weekday() >= 5
    assert is_working_day(day, cal_2026)


def test_ordinary_days_follow_the_monday_to_friday_week(cal_2026):
    assert is_working_day(date(2026, 3, 10), cal_2026)  # Tuesday
    assert not is_working_day(date(2026, 3, 7), cal_2026)  # Saturday
    assert not is_working_day(date(2026, 3, 8), cal_2026)  # Sunday


def test_weekend_days_inside_a_break_are_days_off(cal_2026):
    assert not is_working_day(date(2026, 2, 21), cal_2026)
    assert not is_working_day(date(2026, 10, 4), cal_2026)


def test_2026_has_248_working_days(cal_2026):
    # 261 weekdays (the year starts on a Thursday), less 19 weekday holidays, plus 6 weekend days worked.
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31), cal_2026) == 261 - 19 + 6


def test_spring_festival_2026_from_the_saturday_worked_to_the_tuesday_after(cal_2026):
    friday = date(2026, 2, 13)
    assert add_working_days(friday, 1, cal_2026) == date(2026, 2, 14)  # Saturday, worked
    assert add_working_days(friday, 2, cal_2026) == date(2026, 2, 24)  # the break is 15–23 Feb
    assert next_working_day(date(2026, 2, 14), cal_2026) == date(2026, 2, 24)
    assert previous_working_day(date(2026, 2, 24), cal_2026) == date(2026, 2, 14)
    assert working_days_between(friday, date(2026, 2, 28), cal_2026) == 6  # 14, 24, 25, 26, 27, 28 Feb


def test_add_working_days_across_golden_week_2026(cal_2026):
    wednesday = date(2026, 9, 30)
    assert add_working_days(wednesday, 1, cal_2026) == date(2026, 10, 8)
    assert add_working_days(wednesday, 2, cal_2026) == date(2026, 10, 9)
    assert add_working_days(wednesday, 3, cal_2026) == date(2026, 10, 10)  # Saturday, worked
    assert add_working_days(wednesday, 4, cal_2026) == date(2026, 10, 12)  # Sunday 11 Oct is off
    # 15 working days from Friday 18 Sep: Sunday 20 Sep counts; 25–27 Sep and 1–7 Oct do not.
    assert add_working_days(date(2026, 9, 18), 15, cal_2026) == date(2026, 10, 15)


def test_new_year_2026_is_reached_from_the_old_year(cal_2026):
    assert next_working_day(date(2025, 12, 31), cal_2026) == date(2026, 1, 4)  # Sunday, worked
    assert add_working_days(date(2025, 12, 31), 2, cal_2026) == date(2026, 1, 5)


def test_zero_days_rolls_a_day_off_forward_and_keeps_a_working_day(cal_2026):
    assert add_working_days(date(2026, 2, 15), 0, cal_2026) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 14), 0, cal_2026) == date(2026, 2, 14)
    assert next_working_day(date(2026, 2, 14), cal_2026, inclusive=True) == date(2026, 2, 14)


def test_negative_days_count_backwards(cal_2026):
    assert add_working_days(date(2026, 10, 8), -1, cal_2026) == date(2026, 9, 30)
    assert add_working_days(date(2026, 10, 12), -1, cal_2026) == date(2026, 10, 10)


def test_between_excludes_the_start_and_includes_the_end(cal_2026):
    saturday_worked = date(2026, 2, 14)
    assert working_days_between(date(2026, 2, 13), saturday_worked, cal_2026) == 1
    assert working_days_between(saturday_worked, saturday_worked, cal_2026) == 0
    assert working_days_between(saturday_worked, date(2026, 2, 23), cal_2026) == 0  # all off
    assert working_days_between(date(2026, 2, 24), date(2026, 2, 13), cal_2026) == -2


@pytest.mark.parametrize(
    "start", [date(2026, 1, 1), date(2026, 2, 13), date(2026, 9, 19), date(2026, 12, 20)]
)
def test_between_undoes_add(start, cal_2026_2027):
    for n in range(1, 45):
        assert working_days_between(start, add_working_days(start, n, cal_2026_2027), cal_2026_2027) == n


def test_2027_from_the_package(cal_2026_2027):
    cal = cal_2026_2027
    assert not is_working_day(date(2027, 1, 1), cal)  # Friday, New Year's Day
    assert add_working_days(date(2026, 12, 31), 1, cal) == date(2027, 1, 4)
    # Spring Festival: Friday 5 (New Year's Eve) to Wednesday 10 Feb off.
    assert add_working_days(date(2027, 2, 4), 1, cal) == date(2027, 2, 11)
    assert working_days_between(date(2027, 1, 31), date(2027, 2, 12), cal) == 6  # 1–4, 11, 12 Feb
    # National Day: Friday 1 to Tuesday 5 Oct off.
    assert add_working_days(date(2027, 9, 30), 1, cal) == date(2027, 10, 6)
    assert not is_working_day(date(2027, 10, 2), cal)


def test_a_make_up_day_entered_for_2027_is_worked(cal_2026_2027):
    saturday = date(2027, 2, 20)
    assert not is_working_day(saturday, cal_2026_2027)
    corrected = WorkingCalendar(
        holidays=cal_2026_2027.holidays,
        workdays=cal_2026_2027.workdays | {saturday},
        years=cal_2026_2027.years,
        confirmed_years=cal_2026_2027.confirmed_years,
    )
    assert is_working_day(saturday, corrected)
    assert add_working_days(date(2027, 2, 19), 1, corrected) == saturday


def test_confirmation_is_reported_per_year(cal_2026_2027):
    assert cal_2026_2027.is_confirmed(2026)
    assert not cal_2026_2027.is_confirmed(2027)
    assert cal_2026_2027.is_known(2027)
    assert cal_2026_2027.is_confirmed_between(date(2026, 3, 1), date(2026, 12, 31))
    assert not cal_2026_2027.is_confirmed_between(date(2026, 12, 1), date(2027, 1, 15))


def test_a_year_without_a_calendar_counts_plain_weeks(cal_2026):
    assert not cal_2026.is_known(2028)
    assert not cal_2026.is_confirmed(2028)
    assert is_working_day(date(2028, 10, 2), cal_2026)  # a Monday; its holidays are unknown
    assert not is_working_day(date(2028, 10, 1), cal_2026)  # a Sunday


def test_a_day_cannot_be_both_holiday_and_workday():
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar(holidays=frozenset({date(2026, 2, 14)}), workdays=frozenset({date(2026, 2, 14)}))


def test_a_confirmed_year_must_be_known():
    with pytest.raises(ValueError, match="known"):
        WorkingCalendar(confirmed_years=frozenset({2026}))
