"""Which days of a month have free places for a service at an office, and why the others do not.

The calendar page and the day page ask this module; they never query slots themselves. A range of
days costs a fixed handful of queries whatever its length: the working-day calendar of its years,
the office's hours, its closures, the slots' start/places (one row each, no model instances) and,
for services with a daily cap, the day quotas.

The schedule rules (appointments/schedule.py) decide first, so a slot row that a later closure or
holiday correction left behind is never offered: a day is open only when the office opens, and a
slot only when it lies inside the day's open periods.
"""

import calendar as month_calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import F

from cityportal.core.models import OfficeHours
from cityportal.core.working_days import load_working_calendar

from .models import AppointmentService, AppointmentSlot, DailyQuota, OfficeClosure
from .schedule import BEIJING, ClosedBecause, Period, bookable_until, opening_periods, slot_is_bookable


class DayState(StrEnum):
    OPEN = "open"  # at least one place can be booked
    FULL = "full"  # every bookable place is taken
    HOLIDAY = "holiday"
    UNCONFIRMED_YEAR = "unconfirmed-year"  # staff have not confirmed the year's holiday schedule
    CLOSURE = "closure"  # an ad-hoc closure of the whole day
    NO_HOURS = "no-hours"  # the office does not open on this weekday
    NO_SLOTS = "no-slots"  # open, but no appointments are offered that day
    PAST = "past"
    TOO_LATE = "too-late"  # today, after the cut-off or with too little notice left
    NOT_YET_OPEN = "not-yet-open"  # beyond the booking window


CLOSED_STATES = {
    ClosedBecause.HOLIDAY: DayState.HOLIDAY,
    ClosedBecause.UNCONFIRMED_YEAR: DayState.UNCONFIRMED_YEAR,
    ClosedBecause.CLOSURE: DayState.CLOSURE,
    ClosedBecause.NO_HOURS: DayState.NO_HOURS,
}


class SlotState(StrEnum):
    FREE = "free"
    FULL = "full"
    TOO_LATE = "too-late"


@dataclass(frozen=True)
class SlotOption:
    slot: AppointmentSlot
    state: SlotState

    @property
    def free(self) -> bool:
        return self.state is SlotState.FREE


@dataclass(frozen=True)
class Day:
    date: dt.date
    state: DayState
    free_places: int = 0
    closure_reasons: tuple[str, ...] = ()  # shown to visitors, in their language
    slots: tuple[SlotOption, ...] = field(default=(), repr=False)

    @property
    def bookable(self) -> bool:
        return self.state is DayState.OPEN


def today(now: dt.datetime) -> dt.date:
    return now.astimezone(BEIJING).date()


def month_days(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month that `month` falls in."""
    first = month.replace(day=1)
    return first, first.replace(day=month_calendar.monthrange(first.year, first.month)[1])


def bookable_months(service: AppointmentService, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first days of the first and last month a visitor can book in."""
    last_day = bookable_until(now, window_days=service.booking_window_days)
    return today(now).replace(day=1), last_day.replace(day=1)


def days_between(
    service: AppointmentService, office_id: int, start: dt.date, end: dt.date, *, now: dt.datetime
) -> list[Day]:
    """Every day from `start` to `end` (inclusive) with its state and free places, in a few queries."""
    calendar = load_working_calendar(range(start.year, end.year + 1))
    hours: dict[int, list[Period]] = defaultdict(list)
    for weekday, opens, closes in OfficeHours.objects.filter(office_id=office_id).values_list(
        "weekday", "opens", "closes"
    ):
        hours[weekday].append(Period(opens, closes))
    closures: dict[dt.date, list[Period | None]] = defaultdict(list)
    reasons: dict[dt.date, list[str]] = defaultdict(list)
    for closure in OfficeClosure.objects.filter(office_id=office_id, date__range=(start, end)):
        closures[closure.date].append(None if closure.whole_day else Period(closure.starts, closure.ends))
        if closure.whole_day and closure.reason:
            reasons[closure.date].append(closure.reason)  # the visitor's language (modeltranslation)
    slots_by_day: dict[dt.date, list[AppointmentSlot]] = defaultdict(list)
    window_start = dt.datetime.combine(start, dt.time.min, tzinfo=BEIJING)
    window_end = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=BEIJING)
    slots = AppointmentSlot.objects.filter(
        service=service, office_id=office_id, starts_at__gte=window_start, starts_at__lt=window_end
    ).only("id", "starts_at", "ends_at", "capacity", "booked", "service_id", "office_id")
    for slot in slots:
        slots_by_day[slot.starts_at.astimezone(BEIJING).date()].append(slot)
    full_days = set()
    if service.daily_cap is not None:
        full_days = set(
            DailyQuota.objects.filter(
                service=service, office_id=office_id, date__range=(start, end), booked__gte=F("cap")
            ).values_list("date", flat=True)
        )

    first_day, last_day = today(now), bookable_until(now, window_days=service.booking_window_days)
    days = []
    day = start
    while day <= end:
        days.append(
            _day(
                service,
                day,
                now=now,
                first_day=first_day,
                last_day=last_day,
                opening=opening_periods(day, hours, calendar, closures.get(day, ())),
                slots=slots_by_day.get(day, []),
                quota_full=day in full_days,
                reasons=tuple(reasons.get(day, ())),
            )
        )
        day += dt.timedelta(days=1)
    return days


def _day(service, day, *, now, first_day, last_day, opening, slots, quota_full, reasons) -> Day:
    if day < first_day:
        return Day(day, DayState.PAST)
    periods, closed = opening
    if closed is not None:
        return Day(day, CLOSED_STATES[closed], closure_reasons=reasons)
    if day > last_day:
        return Day(day, DayState.NOT_YET_OPEN)
    options = []
    for slot in sorted(slots, key=lambda slot: slot.starts_at):
        if not _inside(slot, day, periods):
            continue  # made before a closure of some hours: never offered
        if not slot_is_bookable(
            slot.starts_at,
            now,
            min_notice_minutes=service.min_notice_minutes,
            window_days=service.booking_window_days,
            same_day_cutoff=service.same_day_cutoff,
        ):
            state = SlotState.TOO_LATE
        elif slot.remaining == 0 or quota_full:
            state = SlotState.FULL
        else:
            state = SlotState.FREE
        options.append(SlotOption(slot, state))
    if not options:
        return Day(day, DayState.NO_SLOTS)
    free_places = sum(option.slot.remaining for option in options if option.free)
    if free_places:
        return Day(day, DayState.OPEN, free_places=free_places, slots=tuple(options))
    if any(option.state is SlotState.FULL for option in options):
        return Day(day, DayState.FULL, slots=tuple(options))
    return Day(day, DayState.TOO_LATE, slots=tuple(options))


def _inside(slot: AppointmentSlot, day: dt.date, periods: list[Period]) -> bool:
    starts, ends = slot.starts_at.astimezone(BEIJING), slot.ends_at.astimezone(BEIJING)
    if ends.date() != day:
        return False
    return any(period.opens <= starts.time() and ends.time() <= period.closes for period in periods)


def month_availability(
    service: AppointmentService, office_id: int, month: dt.date, *, now: dt.datetime
) -> list[Day]:
    first, last = month_days(month)
    return days_between(service, office_id, first, last, now=now)


def day_availability(service: AppointmentService, office_id: int, day: dt.date, *, now: dt.datetime) -> Day:
    """One day with its slots (free, full, too late) in start order."""
    return days_between(service, office_id, day, day, now=now)[0]


def bookable_days(service: AppointmentService, office_id: int, *, now: dt.datetime) -> list[Day]:
    """The days of the booking window that have a free place, for the "choose another time" lists."""
    start = today(now)
    end = bookable_until(now, window_days=service.booking_window_days)
    return [day for day in days_between(service, office_id, start, end, now=now) if day.bookable]


def slot_option(slot: AppointmentSlot, *, now: dt.datetime) -> tuple[Day, SlotOption | None]:
    """The day of `slot` and the slot's own state there; None when the day does not offer it
    (closed, holiday, outside the open hours)."""
    day = day_availability(slot.service, slot.office_id, slot.starts_at.astimezone(BEIJING).date(), now=now)
    for option in day.slots:
        if option.slot.pk == slot.pk:
            return day, option
    return day, None


def weeks(days: list[Day], first_weekday: int) -> list[list[Day | None]]:
    """The month's days in rows of seven starting on `first_weekday` (0 = Monday), padded with None."""
    if not days:
        return []
    padding = (days[0].date.weekday() - first_weekday) % 7
    cells: list[Day | None] = [None] * padding + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[index : index + 7] for index in range(0, len(cells), 7)]
