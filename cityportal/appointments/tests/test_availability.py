"""Which days have free places and why the others do not, on the real 2026 calendar (State Council
notice; core/tests/holidays_2026.py), with the clock passed in so the dates stay meaningful."""

import datetime as dt

import pytest

from cityportal.appointments import availability
from cityportal.appointments.availability import DayState, SlotState
from cityportal.appointments.models import AppointmentSlot, OfficeClosure
from cityportal.appointments.schedule import BEIJING
from cityportal.appointments.services import book_slot, ensure_slots
from cityportal.appointments.tests.factories import AppointmentServiceFactory, applicant
from cityportal.core.models import CalendarYear
from cityportal.core.services.calendar import seed_calendar_year
from cityportal.core.tests.holidays_2026 import HOLIDAYS_2026, WORKDAYS_2026

pytestmark = pytest.mark.django_db

SEPTEMBER_21 = dt.datetime(2026, 9, 21, 10, 0, tzinfo=BEIJING)  # a Monday, three weeks before National Day


@pytest.fixture
def service():
    seed_calendar_year(2026, confirmed=True)
    service = AppointmentServiceFactory(booking_window_days=60, capacity_per_slot=2)
    ensure_slots(service, start=dt.date(2026, 9, 21), days=60)
    return service


@pytest.fixture
def office(service):
    return service.service_offices.get().office


def states(service, office, month, now=SEPTEMBER_21):
    days = availability.month_availability(service, office.pk, month, now=now)
    return {day.date: day for day in days}


def test_october_2026_follows_the_official_holiday_schedule(service, office):
    october = states(service, office, dt.date(2026, 10, 1))
    assert len(october) == 31
    for day in (dt.date(2026, 10, n) for n in range(1, 8)):
        assert day in HOLIDAYS_2026
        assert october[day].state is DayState.HOLIDAY, day
    saturday = dt.date(2026, 10, 10)
    assert saturday in WORKDAYS_2026 and saturday.weekday() == 5
    assert october[saturday].state is DayState.OPEN
    assert october[saturday].free_places == 2 * 26  # a Monday's hours: 12 + 14 quarter-hours, 2 places each
    assert october[dt.date(2026, 10, 11)].state is DayState.NO_HOURS  # an ordinary Sunday
    assert october[dt.date(2026, 10, 12)].state is DayState.OPEN


def test_a_holiday_offers_no_slot_rows_even_if_some_were_made_before_the_schedule_changed(service, office):
    starts_at = dt.datetime(2026, 10, 1, 9, 0, tzinfo=BEIJING)
    AppointmentSlot.objects.create(
        service=service,
        office=office,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=15),
        capacity=2,
    )
    day = availability.day_availability(service, office.pk, dt.date(2026, 10, 1), now=SEPTEMBER_21)
    assert day.state is DayState.HOLIDAY and day.slots == ()


def test_past_days_days_beyond_the_window_and_unconfirmed_years(service, office):
    CalendarYear.objects.create(year=2027, confirmed=False)
    september = states(service, office, dt.date(2026, 9, 1))
    assert september[dt.date(2026, 9, 18)].state is DayState.PAST
    december = states(service, office, dt.date(2026, 12, 1))
    assert december[dt.date(2026, 12, 1)].state is DayState.NOT_YET_OPEN  # 60 days from 21 September

    late_december = dt.datetime(2026, 12, 10, 10, 0, tzinfo=BEIJING)
    january = states(service, office, dt.date(2027, 1, 1), now=late_december)
    assert january[dt.date(2027, 1, 6)].state is DayState.UNCONFIRMED_YEAR
    assert all(day.state is DayState.UNCONFIRMED_YEAR for day in january.values())


def test_a_whole_day_closure_says_why_and_a_closure_of_some_hours_removes_only_those(service, office):
    OfficeClosure.objects.create(office=office, date=dt.date(2026, 10, 14), reason_en="Staff training")
    OfficeClosure.objects.create(
        office=office, date=dt.date(2026, 10, 15), starts=dt.time(9), ends=dt.time(12)
    )
    october = states(service, office, dt.date(2026, 10, 1))
    assert october[dt.date(2026, 10, 14)].state is DayState.CLOSURE
    assert october[dt.date(2026, 10, 14)].closure_reasons == ("Staff training",)
    afternoon = october[dt.date(2026, 10, 15)]
    assert afternoon.state is DayState.OPEN
    assert {option.slot.starts_at.astimezone(BEIJING).hour for option in afternoon.slots} == {13, 14, 15, 16}


def test_a_full_day_and_a_day_whose_cap_is_reached(service, office):
    day = dt.date(2026, 10, 13)
    slots = AppointmentSlot.objects.filter(service=service, starts_at__date=day)
    slots.update(booked=2)
    assert states(service, office, day.replace(day=1))[day].state is DayState.FULL

    capped = AppointmentServiceFactory(booking_window_days=60, capacity_per_slot=5, daily_cap=1)
    ensure_slots(capped, start=day, days=1)
    capped_office = capped.service_offices.get().office
    slot = AppointmentSlot.objects.filter(service=capped).order_by("starts_at").first()
    book_slot(slot, applicant(1), now=SEPTEMBER_21)
    found = availability.day_availability(capped, capped_office.pk, day, now=SEPTEMBER_21)
    assert found.state is DayState.FULL  # one booking reaches the cap, although every slot has places


def test_today_after_the_notice_period_is_too_late_and_earlier_slots_are_marked(service, office):
    afternoon = dt.datetime(2026, 10, 12, 16, 0, tzinfo=BEIJING)  # two hours' notice leaves nothing
    day = availability.day_availability(service, office.pk, dt.date(2026, 10, 12), now=afternoon)
    assert day.state is DayState.TOO_LATE
    morning = dt.datetime(2026, 10, 12, 9, 0, tzinfo=BEIJING)
    day = availability.day_availability(service, office.pk, dt.date(2026, 10, 12), now=morning)
    assert day.state is DayState.OPEN
    first_free = next(option for option in day.slots if option.state is SlotState.FREE)
    assert first_free.slot.starts_at.astimezone(BEIJING).time() == dt.time(11, 0)


def test_an_open_day_without_slots_says_so(office):
    seed_calendar_year(2026, confirmed=True)
    bare = AppointmentServiceFactory(offices=[office], booking_window_days=60)
    october = states(bare, office, dt.date(2026, 10, 1))
    assert october[dt.date(2026, 10, 12)].state is DayState.NO_SLOTS


def test_a_month_costs_the_same_few_queries_however_many_slots_it_has(
    service, office, django_assert_num_queries
):
    with django_assert_num_queries(4):  # calendar, hours, closures, slots
        availability.month_availability(service, office.pk, dt.date(2026, 10, 1), now=SEPTEMBER_21)
    capped = AppointmentServiceFactory(offices=[office], daily_cap=10, booking_window_days=60)
    with django_assert_num_queries(5):  # and the day quotas when the service has a daily cap
        availability.month_availability(capped, office.pk, dt.date(2026, 10, 1), now=SEPTEMBER_21)


def test_bookable_days_lists_only_days_with_a_free_place(service, office):
    days = availability.bookable_days(service, office.pk, now=SEPTEMBER_21)
    assert days and all(day.state is DayState.OPEN for day in days)
    assert dt.date(2026, 10, 1) not in {day.date for day in days}
    assert dt.date(2026, 10, 10) in {day.date for day in days}


def test_weeks_pad_the_month_to_whole_rows_from_the_first_weekday(service, office):
    days = availability.month_availability(service, office.pk, dt.date(2026, 10, 1), now=SEPTEMBER_21)
    monday_weeks = availability.weeks(days, 0)
    assert monday_weeks[0][:3] == [None, None, None]  # 1 October 2026 is a Thursday
    assert monday_weeks[0][3].date == dt.date(2026, 10, 1)
    assert all(len(week) == 7 for week in monday_weeks)
    sunday_weeks = availability.weeks(days, 6)
    assert sunday_weeks[0][4].date == dt.date(2026, 10, 1)
