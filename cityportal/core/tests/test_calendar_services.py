"""Seeding, confirming and editing the holiday calendar; loading it; the sync_holidays command."""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from cityportal.core.models import CalendarDay, CalendarYear
from cityportal.core.services.calendar import (
    HOLIDAY,
    WORKDAY,
    confirm_calendar_year,
    package_schedule,
    plan_calendar_year,
    seed_calendar_year,
    set_calendar_day,
)
from cityportal.core.tests.holidays_2026 import BREAKS_2026, HOLIDAYS_2026, WORKDAYS_2026
from cityportal.core.working_days import add_working_days, is_working_day, load_working_calendar


def stored(year: int) -> dict[date, tuple[str, str]]:
    return {day.date: (day.kind, day.name) for day in CalendarDay.objects.filter(year__year=year)}


def test_package_schedule_2026_matches_the_facts_file():
    schedule = package_schedule(2026)
    assert {day for day, planned in schedule.items() if planned.kind == HOLIDAY} == HOLIDAYS_2026
    assert {day for day, planned in schedule.items() if planned.kind == WORKDAY} == WORKDAYS_2026


def test_package_schedule_2026_names_each_day_after_its_break():
    schedule = package_schedule(2026)
    for name, break_days in BREAKS_2026.items():
        expected = {name, "农历除夕"} if name == "春节" else {name}
        assert {schedule[day].name for day in break_days} <= expected, name
    assert schedule[date(2026, 2, 16)].name == "农历除夕"
    assert schedule[date(2026, 2, 21)].name == "春节"  # a weekend day the package does not list
    assert schedule[date(2026, 9, 20)].name in {"中秋节", "国庆节"}
    assert schedule[date(2026, 10, 10)].name == "国庆节"


def test_a_break_across_new_year_keeps_each_day_in_its_own_year():
    # 2018's New Year break was Saturday 30 Dec 2017 to Monday 1 Jan 2018.
    assert package_schedule(2017)[date(2017, 12, 30)].kind == HOLIDAY
    assert date(2017, 12, 30) not in package_schedule(2018)
    assert package_schedule(2018)[date(2018, 1, 1)].kind == HOLIDAY


@pytest.mark.django_db
def test_seeding_2026_stores_the_facts_file_schedule_unconfirmed():
    calendar_year = seed_calendar_year(2026)
    assert not calendar_year.confirmed
    assert calendar_year.source_note.startswith("holidays ")
    days = stored(2026)
    assert {day for day, (kind, _name) in days.items() if kind == HOLIDAY} == HOLIDAYS_2026
    assert {day for day, (kind, _name) in days.items() if kind == WORKDAY} == WORKDAYS_2026


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    seed_calendar_year(2026)
    before = list(CalendarDay.objects.order_by("date").values_list("pk", "date", "kind", "name"))
    seed_calendar_year(2026)
    after = list(CalendarDay.objects.order_by("date").values_list("pk", "date", "kind", "name"))
    assert after == before
    assert CalendarYear.objects.count() == 1
    assert plan_calendar_year(2026).changes == ()


@pytest.mark.django_db
def test_seeding_an_unconfirmed_year_restores_the_package_days():
    seed_calendar_year(2027)
    set_calendar_day(date(2027, 2, 8), None)  # a holiday removed
    set_calendar_day(date(2027, 3, 10), HOLIDAY, name="stale")  # a day the package does not have
    plan = plan_calendar_year(2027)
    assert {change.date for change in plan.changes} == {date(2027, 2, 8), date(2027, 3, 10)}
    seed_calendar_year(2027)
    assert stored(2027)[date(2027, 2, 8)][0] == HOLIDAY
    assert date(2027, 3, 10) not in stored(2027)


@pytest.mark.django_db
def test_seeding_leaves_a_confirmed_year_alone(django_user_model):
    seed_calendar_year(2027)
    set_calendar_day(date(2027, 2, 20), WORKDAY, name="春节")  # a staff correction
    confirm_calendar_year(2027, user=django_user_model.objects.create_user("checker"))
    seed_calendar_year(2027)
    assert stored(2027)[date(2027, 2, 20)] == (WORKDAY, "春节")
    assert CalendarYear.objects.get(year=2027).confirmed
    assert plan_calendar_year(2027).confirmed


@pytest.mark.django_db
def test_confirming_records_who_and_when_once(django_user_model):
    seed_calendar_year(2026)
    first = django_user_model.objects.create_user("first")
    second = django_user_model.objects.create_user("second")
    confirmed = confirm_calendar_year(2026, user=first)
    assert confirmed.confirmed and confirmed.confirmed_by == first and confirmed.confirmed_at is not None
    again = confirm_calendar_year(2026, user=second)
    assert again.confirmed_by == first
    assert again.confirmed_at == confirmed.confirmed_at


@pytest.mark.django_db
def test_confirming_an_unseeded_year_fails():
    with pytest.raises(CalendarYear.DoesNotExist):
        confirm_calendar_year(2031, user=None)


@pytest.mark.django_db
def test_seeding_with_confirmed_confirms_and_without_never_withdraws():
    assert seed_calendar_year(2026, confirmed=True).confirmed
    assert seed_calendar_year(2026).confirmed


@pytest.mark.django_db
def test_a_make_up_working_day_must_be_a_weekend_day():
    with pytest.raises(ValidationError):
        set_calendar_day(date(2026, 3, 10), WORKDAY)  # a Tuesday
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_setting_a_day_creates_its_year_unconfirmed_and_none_clears_it():
    day = set_calendar_day(date(2028, 10, 2), HOLIDAY, name="国庆节")
    assert day.year.year == 2028 and not day.year.confirmed
    assert set_calendar_day(date(2028, 10, 2), None) is None
    assert not CalendarDay.objects.filter(date=date(2028, 10, 2)).exists()


@pytest.mark.django_db
def test_load_working_calendar_reads_the_years_in_one_query(django_assert_num_queries):
    seed_calendar_year(2026, confirmed=True)
    seed_calendar_year(2027)
    CalendarYear.objects.create(year=2028)  # known, no days yet
    seed_calendar_year(2025)  # not asked for
    with django_assert_num_queries(1):
        calendar = load_working_calendar([2026, 2027, 2028])
    assert calendar.holidays >= HOLIDAYS_2026
    assert calendar.workdays >= WORKDAYS_2026
    assert not any(day.year == 2025 for day in calendar.holidays | calendar.workdays)
    assert calendar.years == {2026, 2027, 2028}
    assert calendar.confirmed_years == {2026}
    assert is_working_day(date(2026, 10, 10), calendar)
    assert add_working_days(date(2027, 2, 4), 1, calendar) == date(2027, 2, 11)


# sync_holidays


def sync(*args: str) -> str:
    out = StringIO()
    call_command("sync_holidays", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_sync_dry_run_shows_the_changes_and_writes_nothing():
    output = sync("--year", "2027", "--confirm", "--dry-run")
    assert "would create the year" in output
    assert "would add 2027-02-05 Fri: - -> holiday 农历除夕" in output
    assert "nothing written" in output
    assert not CalendarYear.objects.exists()
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_sync_seeds_unconfirmed_then_reports_no_change():
    output = sync("--year", "2027")
    assert "add 2027-10-05 Tue" in output
    calendar_year = CalendarYear.objects.get(year=2027)
    assert not calendar_year.confirmed
    assert stored(2027) == {day: (p.kind, p.name) for day, p in package_schedule(2027).items()}
    assert "already matches" in sync("--year", "2027")


@pytest.mark.django_db
def test_sync_confirm_marks_the_year_confirmed():
    sync("--year", "2026", "--confirm")
    assert CalendarYear.objects.get(year=2026).confirmed


@pytest.mark.django_db
def test_sync_reports_but_keeps_a_confirmed_year_that_differs():
    seed_calendar_year(2026, confirmed=True)
    set_calendar_day(date(2026, 2, 21), None)
    output = sync("--year", "2026")
    assert "confirmed; not changed" in output
    assert "differs from the package: add 2026-02-21" in output
    assert date(2026, 2, 21) not in stored(2026)


@pytest.mark.django_db
def test_sync_without_a_year_does_this_year_and_the_next():
    sync()
    assert CalendarYear.objects.count() == 2


def test_sync_refuses_a_year_outside_the_data():
    with pytest.raises(CommandError):
        sync("--year", "1900")
