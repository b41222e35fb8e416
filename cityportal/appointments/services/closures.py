"""Closing an office for a day or some hours, and opening it again.

A closure that meets existing bookings never drops them silently: staff first see the bookings
(`affected_by_closure`), and `close_office` then cancels exactly those, emails each person in their
own language once the transaction has committed, and withdraws the closed slots so nobody books
them again. If the bookings changed between the two steps (someone booked or cancelled meanwhile),
`close_office` refuses with `AffectedBookingsChanged` and staff look again.

Slots are withdrawn, not always deleted: a slot that ever held a booking is kept (its bookings
point to it) with its capacity shrunk to the places still taken, so it offers nothing; a slot that
never held one is deleted. `ensure_slots` honours closures, so it does not make them again.
"""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import partial

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname
from wagtail.log_actions import log

from cityportal.core import i18n
from cityportal.core.models import Office
from cityportal.core.working_days import load_working_calendar

from ..models import AppointmentSlot, Booking, BookingStatus, OfficeClosure
from ..notifications import send_booking_cancellation
from ..schedule import BEIJING, Period, opening_periods
from .booking import cancel_booking, ensure_slots

CANCELLED_BY_CLOSURE = "closure"
CANCELLED_BY_CAPACITY = "capacity"


class AffectedBookingsChanged(Exception):
    """The bookings a change would cancel are no longer those staff confirmed; `affected` holds
    the current ones, to show again."""

    def __init__(self, affected: list[Booking]):
        super().__init__("The affected bookings changed since they were shown.")
        self.affected = affected


@dataclass(frozen=True)
class ClosureOutcome:
    closure: OfficeClosure
    cancelled: list[Booking]
    slots_deleted: int
    slots_withdrawn: int


def closed_window(
    day: dt.date, starts: dt.time | None, ends: dt.time | None
) -> tuple[dt.datetime, dt.datetime]:
    """The closed stretch in Beijing time: the whole day when `starts` is None."""
    if starts is None or ends is None:
        start = dt.datetime.combine(day, dt.time.min, tzinfo=BEIJING)
        return start, start + dt.timedelta(days=1)
    return dt.datetime.combine(day, starts, tzinfo=BEIJING), dt.datetime.combine(day, ends, tzinfo=BEIJING)


def _slots_in(office: Office, start: dt.datetime, end: dt.datetime) -> QuerySet[AppointmentSlot]:
    return AppointmentSlot.objects.filter(office=office, starts_at__lt=end, ends_at__gt=start)


def _active_bookings_in(slots: QuerySet[AppointmentSlot]) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(slot__in=slots, status=BookingStatus.ACTIVE)
        .select_related("slot", "service")
        .order_by("slot__starts_at", "reference")
    )


def affected_by_closure(
    office: Office, date: dt.date, starts: dt.time | None, ends: dt.time | None
) -> list[Booking]:
    """The active bookings a closure of `office` on `date` (whole day, or `starts`–`ends`) would cancel."""
    return list(_active_bookings_in(_slots_in(office, *closed_window(date, starts, ends))))


def cancel_for_staff(
    bookings: Iterable[Booking],
    *,
    acting_user: AbstractBaseUser | None,
    why: str,
    closure: OfficeClosure | None = None,
) -> list[Booking]:
    """Cancel bookings on the office's side: each gives its place back, is written to its history
    and, once the surrounding transaction commits, emailed to its holder in their language (with
    the closure's reason, when a closure is why)."""
    cancelled = []
    for booking in bookings:
        booking = cancel_booking(booking)
        log(booking, "appointments.cancel", user=acting_user, data={"why": why})
        transaction.on_commit(partial(send_booking_cancellation, booking, by_office=True, closure=closure))
        cancelled.append(booking)
    return cancelled


def _withdraw(slots: QuerySet[AppointmentSlot]) -> tuple[int, int]:
    """Delete slots that never held a booking; shrink the others to the places still taken."""
    held = slots.filter(bookings__isnull=False).distinct()
    withdrawn = AppointmentSlot.objects.filter(pk__in=list(held.values_list("pk", flat=True))).update(
        capacity=F("booked")
    )
    deleted, _by_model = slots.filter(bookings__isnull=True).delete()
    return deleted, withdrawn


def close_office(
    office: Office,
    date: dt.date,
    starts: dt.time | None,
    ends: dt.time | None,
    reason: Mapping[str, str],
    *,
    acting_user: AbstractBaseUser | None,
    expected: Collection[int] | None = None,
) -> ClosureOutcome:
    """Close `office` on `date` (the whole day when `starts` and `ends` are None) for `reason`
    (text per language code), cancelling the bookings it meets, in one transaction.

    `expected`: the ids of the bookings staff were shown; when given and no longer equal to the
    affected bookings, nothing changes and AffectedBookingsChanged is raised.
    """
    unknown = set(reason) - set(i18n.language_codes())
    if unknown:
        raise ValueError(f"Unknown languages for the reason: {sorted(unknown)}")
    start, end = closed_window(date, starts, ends)
    with transaction.atomic():
        slots = _slots_in(office, start, end)
        # Lock the slots first: a booking takes its place with an UPDATE of its slot, so none can
        # slip in between reading the affected bookings and cancelling them.
        list(slots.select_for_update().order_by("pk").values_list("pk", flat=True))
        affected = list(_active_bookings_in(slots).select_for_update(of=("self",)))
        if expected is not None and {booking.pk for booking in affected} != set(expected):
            raise AffectedBookingsChanged(affected)
        closure = OfficeClosure.objects.create(
            office=office,
            date=date,
            starts=starts,
            ends=ends,
            **{build_localized_fieldname("reason", language): text for language, text in reason.items()},
        )
        log(closure, "wagtail.create", user=acting_user)
        cancelled = cancel_for_staff(
            affected, acting_user=acting_user, why=CANCELLED_BY_CLOSURE, closure=closure
        )
        deleted, withdrawn = _withdraw(slots)
    return ClosureOutcome(closure, cancelled, deleted, withdrawn)


def reopen_office(closure: OfficeClosure, *, acting_user: AbstractBaseUser | None) -> int:
    """Delete a closure and give its hours back: slots it withdrew offer their places again and the
    ones it deleted are made again (where no other closure still covers them). Bookings it
    cancelled stay cancelled. Returns how many slots were restored or made."""
    office, day = closure.office, closure.date
    with transaction.atomic():
        log(closure, "wagtail.delete", user=acting_user, deleted=True)
        closure.delete()
        if day < timezone.localdate(timezone=BEIJING):
            return 0
        return _restore_slots(office, day)


def _restore_slots(office: Office, day: dt.date) -> int:
    calendar = load_working_calendar({day.year})
    hours: dict[int, list[Period]] = {}
    for period in office.opening_hours.all():
        hours.setdefault(period.weekday, []).append(Period(period.opens, period.closes))
    still_closed = [
        None if other.whole_day else Period(other.starts, other.ends)
        for other in OfficeClosure.objects.filter(office=office, date=day)
    ]
    periods, _closed = opening_periods(day, hours, calendar, still_closed)
    restored = 0
    for link in office.service_offices.select_related("service"):
        service = link.service
        for period in periods:
            start, end = closed_window(day, period.opens, period.closes)
            restored += AppointmentSlot.objects.filter(
                service=service,
                office=office,
                starts_at__gte=start,
                ends_at__lte=end,
                capacity__lt=service.capacity_per_slot,
                booked__lte=service.capacity_per_slot,
            ).update(capacity=service.capacity_per_slot)
        restored += ensure_slots(service, start=day, days=1)
    return restored
