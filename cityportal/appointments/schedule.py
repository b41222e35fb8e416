"""When an office is open for a service, and which slots that makes: pure rules, tested without a database.

An office opens on a day when
- the working-day calendar for the year is confirmed by staff (an unconfirmed year is not bookable),
- the day is not a public holiday,
- and it has opening hours for the day: its own hours for that weekday, or, on a make-up working
  day that falls on a weekend (调休上班), the hours of an ordinary Monday (such a Saturday is worked
  as a normal working day),
- minus ad-hoc closures (a whole day, or a range of hours).
All times are Beijing time.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from zoneinfo import ZoneInfo

from cityportal.core.working_days import WorkingCalendar

BEIJING = ZoneInfo("Asia/Shanghai")
MONDAY = 0


class ClosedBecause(Enum):
    UNCONFIRMED_YEAR = "unconfirmed-year"
    HOLIDAY = "holiday"
    NO_HOURS = "no-hours"
    CLOSURE = "closure"


@dataclass(frozen=True)
class Period:
    opens: dt.time
    closes: dt.time


def opening_periods(
    day: dt.date,
    hours_by_weekday: dict[int, Sequence[Period]],
    calendar: WorkingCalendar,
    closures: Iterable[Period | None] = (),
) -> tuple[list[Period], ClosedBecause | None]:
    """The day's open periods after closures, or an empty list and why the office is closed.

    `closures` holds the day's closures: None for a whole-day closure, a Period for a range of hours.
    """
    if not calendar.is_confirmed(day.year):
        return [], ClosedBecause.UNCONFIRMED_YEAR
    if day in calendar.holidays:
        return [], ClosedBecause.HOLIDAY
    weekday = MONDAY if day in calendar.workdays and day.weekday() >= 5 else day.weekday()
    periods = list(hours_by_weekday.get(weekday, ()))
    if not periods:
        return [], ClosedBecause.NO_HOURS
    for closure in closures:
        if closure is None:
            return [], ClosedBecause.CLOSURE
        periods = [piece for period in periods for piece in _subtract(period, closure)]
    if not periods:
        return [], ClosedBecause.CLOSURE
    return periods, None


def _subtract(period: Period, closure: Period) -> list[Period]:
    if closure.closes <= period.opens or closure.opens >= period.closes:
        return [period]
    pieces = []
    if closure.opens > period.opens:
        pieces.append(Period(period.opens, closure.opens))
    if closure.closes < period.closes:
        pieces.append(Period(closure.closes, period.closes))
    return pieces


def slot_times(
    day: dt.date, periods: Sequence[Period], *, minutes: int, buffer: int = 0
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Back-to-back slots of `minutes` (plus `buffer` between them) that fit whole in each period."""
    slots = []
    length, step = dt.timedelta(minutes=minutes), dt.timedelta(minutes=minutes + buffer)
    for period in periods:
        start = dt.datetime.combine(day, period.opens, tzinfo=BEIJING)
        end = dt.datetime.combine(day, period.closes, tzinfo=BEIJING)
        while start + length <= end:
            slots.append((start, start + length))
            start += step
    return slots


def bookable_until(now: dt.datetime, *, window_days: int) -> dt.date:
    """The last day that can be booked: `window_days` days after today (Beijing time)."""
    return now.astimezone(BEIJING).date() + dt.timedelta(days=window_days)


def slot_is_bookable(
    starts_at: dt.datetime,
    now: dt.datetime,
    *,
    min_notice_minutes: int,
    window_days: int,
    same_day_cutoff: dt.time | None,
) -> bool:
    """Whether a slot may still be booked at `now`: enough notice, inside the window, before the cut-off."""
    if starts_at - now < dt.timedelta(minutes=min_notice_minutes):
        return False
    local_now = now.astimezone(BEIJING)
    slot_day = starts_at.astimezone(BEIJING).date()
    if slot_day > bookable_until(now, window_days=window_days):
        return False
    if same_day_cutoff is not None and slot_day == local_now.date() and local_now.time() >= same_day_cutoff:
        return False
    return True
