"""Seeding, editing and confirming the holiday calendar (models in core.models.calendar).

A year is seeded from the `holidays` package, checked by staff against the State Council's notice
(published late in the previous year), corrected day by day if needed, and then confirmed.
Seeding brings an *unconfirmed* year in line with the package and never touches a confirmed one,
so staff corrections survive once the year is confirmed. See docs/adr/008-holiday-calendar.md.

A day belongs to the calendar year of its date, even when the following year's notice announced it
(31 December 2011 was worked for the 2012 New Year break).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.metadata import version

import holidays
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityportal.core.models import CalendarDay, CalendarYear

HOLIDAY = CalendarDay.Kind.HOLIDAY
WORKDAY = CalendarDay.Kind.WORKDAY
SATURDAY = 5
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PlannedDay:
    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class DayChange:
    """One stored day that seeding would create (`old` None), change, or delete (`new` None)."""

    date: date
    old: PlannedDay | None
    new: PlannedDay | None

    def describe(self) -> str:
        def show(planned: PlannedDay | None) -> str:
            return "-" if planned is None else f"{planned.kind} {planned.name}".strip()

        verb = "add" if self.old is None else "delete" if self.new is None else "change"
        return f"{verb} {self.date:%Y-%m-%d %a}: {show(self.old)} -> {show(self.new)}"


@dataclass(frozen=True, slots=True)
class SeedPlan:
    """What `seed_calendar_year` would do for a year, computed without writing."""

    year: int
    exists: bool
    confirmed: bool
    changes: tuple[DayChange, ...]

    @property
    def will_change_days(self) -> bool:
        return not self.confirmed and bool(self.changes)


def _festival(label: str) -> str | None:
    """The festival a package label names ("春节（补假）" -> "春节"), None for a swapped day off."""
    name = label.split("; ")[0].split("（")[0].strip()
    # "休息日（由 2026-01-04 调休）" is a day off swapped with a weekend day: no festival of its own.
    return None if name == "休息日" else name


def package_schedule(year: int) -> dict[date, PlannedDay]:
    """The holidays and make-up working days dated in `year`, from the installed `holidays` package.

    The package lists the statutory days, the days off swapped with a weekend day and that weekend
    day (`weekend_workdays`), but not the weekend days that fall inside a break. The official notice
    gives every break as one run of days ("2月15日至23日放假调休，共9天"), and offices with Saturday
    service close on those weekend days too, so each run of holidays is completed here with the
    weekend days next to it that are not worked. This reproduces
    /work/shared/reference/beijing-facts.md section 4 (State Council notice of 4 Nov 2025) for 2026
    exactly; the package alone misses 3 Jan, 15, 21 and 22 Feb, 4 Apr, 3 May, 20–21 Jun, 26–27 Sep
    and 4 Oct 2026.
    """
    # The neighbouring years let a break that crosses New Year complete its weekend days.
    source = holidays.China(years=[year - 1, year, year + 1], language="zh_CN")
    workdays = {day for day in source.weekend_workdays if year - 1 <= day.year <= year + 1}
    days_off = set(source)
    for holiday in list(days_off):
        for step in (ONE_DAY, -ONE_DAY):
            day = holiday + step
            while day.weekday() >= SATURDAY and day not in workdays and day not in days_off:
                days_off.add(day)
                day += step

    schedule: dict[date, PlannedDay] = {}
    break_names: dict[date, str] = {}  # every day off -> the name of its break
    for run in _runs(sorted(days_off)):
        names = [name for day in run if day in source and (name := _festival(source[day]))]
        # New Year's Eve (农历除夕) opens the Spring Festival break: name the break after the festival.
        counts = Counter("春节" if name == "农历除夕" else name for name in names)
        run_name = counts.most_common(1)[0][0] if counts else ""
        for day in run:
            break_names[day] = run_name
            if day.year == year:
                own = _festival(source[day]) if day in source else None
                schedule[day] = PlannedDay(HOLIDAY, own or run_name)
    for day in workdays:
        if day.year == year:
            # A make-up working day pays for the nearest break, in practice.
            nearest = min(break_names, key=lambda off: abs(off - day), default=None)
            schedule[day] = PlannedDay(WORKDAY, break_names[nearest] if nearest else "")
    return dict(sorted(schedule.items()))


def _runs(days: list[date]) -> list[list[date]]:
    runs: list[list[date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == ONE_DAY:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _stored_schedule(year: CalendarYear | None) -> dict[date, PlannedDay]:
    if year is None:
        return {}
    return {
        day.date: PlannedDay(day.kind, day.name)
        for day in CalendarDay.objects.filter(year=year).order_by("date")
    }


def _diff(stored: dict[date, PlannedDay], wanted: dict[date, PlannedDay]) -> tuple[DayChange, ...]:
    changes = []
    for day in sorted(stored.keys() | wanted.keys()):
        old, new = stored.get(day), wanted.get(day)
        if old != new:
            changes.append(DayChange(day, old, new))
    return tuple(changes)


def plan_calendar_year(year: int) -> SeedPlan:
    """What seeding `year` would change, without writing (used by `sync_holidays --dry-run`)."""
    calendar_year = CalendarYear.objects.filter(year=year).first()
    return SeedPlan(
        year=year,
        exists=calendar_year is not None,
        confirmed=bool(calendar_year and calendar_year.confirmed),
        changes=_diff(_stored_schedule(calendar_year), package_schedule(year)),
    )


def seed_calendar_year(year: int, *, confirmed: bool = False) -> CalendarYear:
    """Create or refresh `year` from the `holidays` package. Idempotent.

    An unconfirmed year is made equal to the package: days added, changed and deleted (staff edits
    to an unconfirmed year are overwritten, so edit after syncing and confirm when done). A
    confirmed year is left as it is. `confirmed=True` then confirms the year (without a user: the
    demo and `sync_holidays --confirm`); `confirmed=False` never withdraws a confirmation.
    """
    wanted = package_schedule(year)
    with transaction.atomic():
        calendar_year, _created = CalendarYear.objects.get_or_create(year=year)
        calendar_year = CalendarYear.objects.select_for_update().get(pk=calendar_year.pk)
        if not calendar_year.confirmed:
            changes = _diff(_stored_schedule(calendar_year), wanted)
            _apply(calendar_year, changes)
            note = f"holidays {version('holidays')}"
            if changes or not calendar_year.source_note:
                calendar_year.source_note = note
                calendar_year.save(update_fields=["source_note"])
        if confirmed:
            calendar_year = confirm_calendar_year(year, user=None)
    return calendar_year


def _apply(calendar_year: CalendarYear, changes: tuple[DayChange, ...]) -> None:
    removed = [change.date for change in changes if change.new is None]
    CalendarDay.objects.filter(year=calendar_year, date__in=removed).delete()
    for change in changes:
        if change.new is not None:
            CalendarDay.objects.update_or_create(
                date=change.date,
                defaults={"year": calendar_year, "kind": change.new.kind, "name": change.new.name},
            )


def confirm_calendar_year(year: int, *, user: AbstractBaseUser | None) -> CalendarYear:
    """Mark `year` as checked against the official schedule. Confirming twice keeps the first record.

    Raises CalendarYear.DoesNotExist when the year has not been seeded.
    """
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update().get(year=year)
        if not calendar_year.confirmed:
            calendar_year.confirmed = True
            calendar_year.confirmed_at = timezone.now()
            calendar_year.confirmed_by = user
            calendar_year.save(update_fields=["confirmed", "confirmed_at", "confirmed_by"])
    return calendar_year


def check_calendar_day(day: date, kind: str) -> None:
    """Raise ValidationError for a day that would change nothing: a make-up working day on a weekday."""
    if kind not in CalendarDay.Kind.values:
        raise ValidationError(_("Unknown kind of day: %(kind)s."), params={"kind": kind}, code="invalid")
    if kind == WORKDAY and day.weekday() < SATURDAY:
        raise ValidationError(
            _("%(date)s is a weekday: only a Saturday or Sunday can be a make-up working day."),
            params={"date": day.isoformat()},
            code="workday_on_weekday",
        )


def set_calendar_day(day: date, kind: str | None, *, name: str = "") -> CalendarDay | None:
    """Make `day` a holiday or a make-up working day, or (kind None) an ordinary day again.

    Creates the day's calendar year, unconfirmed, when it does not exist. Works on confirmed years
    too: a correction by staff is itself a check.
    """
    with transaction.atomic():
        if kind is None:
            CalendarDay.objects.filter(date=day).delete()
            return None
        check_calendar_day(day, kind)
        calendar_year, _created = CalendarYear.objects.get_or_create(year=day.year)
        calendar_day, _created = CalendarDay.objects.update_or_create(
            date=day, defaults={"year": calendar_year, "kind": kind, "name": name}
        )
    return calendar_day
