"""Working days in mainland China: weekends, public holidays and make-up working days (调休上班).

The rules are plain functions over a `WorkingCalendar`, a small immutable value, so they are tested
without a database. A call site loads the calendar once, for the years it needs, with
`load_working_calendar(years)` (one query) and passes it to every call:

    calendar = load_working_calendar(range(today.year, today.year + 2))
    deadline = add_working_days(received_on, 15, calendar)

The rules:
- a weekday (Monday–Friday) is a working day unless it is listed as a holiday;
- a weekend day is a day off unless it is listed as a make-up working day.

Counting follows the Chinese rule for periods (期间开始的当日不计算在内): the day something
happens is not counted, so `add_working_days(day, 1, calendar)` is the next working day, and
`working_days_between(start, end, calendar)` counts the working days after `start`, up to and
including `end`.

Unconfirmed years: the rules compute with whatever is stored for a year, confirmed or not (the
seeded data from the `holidays` package is right for most years), and a year with no stored rows
at all counts as plain Monday–Friday weeks. Callers that must not rely on an unchecked schedule —
appointments refuse bookings on such days — ask `calendar.is_confirmed(day.year)` or
`calendar.is_confirmed_between(start, end)`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

SATURDAY = 5
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Holidays and make-up working days for some years, and which of those years are confirmed.

    `years` are the years that have a stored calendar (seeded, confirmed or not); `confirmed_years`
    is the subset staff have checked against the State Council's notice.
    """

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    years: frozenset[int] = field(default_factory=frozenset)
    confirmed_years: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self):
        overlap = self.holidays & self.workdays
        if overlap:
            raise ValueError(f"Days listed both as holiday and as make-up working day: {sorted(overlap)}")
        if not self.confirmed_years <= self.years:
            raise ValueError("A confirmed year must also be a known year.")

    def is_known(self, year: int) -> bool:
        """Whether the year has a stored calendar (seeded, confirmed or not)."""
        return year in self.years

    def is_confirmed(self, year: int) -> bool:
        """Whether staff have checked the year against the official schedule."""
        return year in self.confirmed_years

    def is_confirmed_between(self, start: date, end: date) -> bool:
        """Whether every year from `start` to `end` (inclusive, in either order) is confirmed."""
        first, last = sorted((start.year, end.year))
        return all(self.is_confirmed(year) for year in range(first, last + 1))


def is_working_day(day: date, calendar: WorkingCalendar) -> bool:
    if day.weekday() >= SATURDAY:
        return day in calendar.workdays
    return day not in calendar.holidays


def next_working_day(day: date, calendar: WorkingCalendar, *, inclusive: bool = False) -> date:
    """The first working day after `day` (or `day` itself when `inclusive` and it is a working day)."""
    candidate = day if inclusive else day + ONE_DAY
    while not is_working_day(candidate, calendar):
        candidate += ONE_DAY
    return candidate


def previous_working_day(day: date, calendar: WorkingCalendar, *, inclusive: bool = False) -> date:
    """The last working day before `day` (or `day` itself when `inclusive` and it is a working day)."""
    candidate = day if inclusive else day - ONE_DAY
    while not is_working_day(candidate, calendar):
        candidate -= ONE_DAY
    return candidate


def add_working_days(start: date, n: int, calendar: WorkingCalendar) -> date:
    """The `n`-th working day after `start`; `start` itself is never counted.

    `n` = 0 gives `start` when it is a working day, else the next working day; a negative `n`
    counts backwards (the `-n`-th working day before `start`).
    """
    if n == 0:
        return next_working_day(start, calendar, inclusive=True)
    step = ONE_DAY if n > 0 else -ONE_DAY
    remaining = abs(n)
    day = start
    while remaining:
        day += step
        if is_working_day(day, calendar):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, calendar: WorkingCalendar) -> int:
    """The number of working days after `start`, up to and including `end`.

    Start exclusive, end inclusive, so that `working_days_between(s, add_working_days(s, n, c), c)`
    is `n` for n ≥ 1. When `end` is before `start` the count is negative:
    `working_days_between(a, b, c) == -working_days_between(b, a, c)`.
    """
    if end < start:
        return -working_days_between(end, start, calendar)
    count = 0
    day = start + ONE_DAY
    while day <= end:
        if is_working_day(day, calendar):
            count += 1
        day += ONE_DAY
    return count


def load_working_calendar(years: Iterable[int]) -> WorkingCalendar:
    """Read the stored calendar of `years` in one query (years left outer joined to their days)."""
    from cityportal.core.models import CalendarDay, CalendarYear

    rows = CalendarYear.objects.filter(year__in=set(years)).values_list(
        "year", "confirmed", "days__date", "days__kind"
    )
    holidays: set[date] = set()
    workdays: set[date] = set()
    known: set[int] = set()
    confirmed: set[int] = set()
    for year, is_confirmed, day, kind in rows:
        known.add(year)
        if is_confirmed:
            confirmed.add(year)
        if kind == CalendarDay.Kind.HOLIDAY:
            holidays.add(day)
        elif kind == CalendarDay.Kind.WORKDAY:
            workdays.add(day)
    return WorkingCalendar(
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        years=frozenset(known),
        confirmed_years=frozenset(confirmed),
    )
