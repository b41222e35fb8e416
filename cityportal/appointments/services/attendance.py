"""Marking at the counter whether a booked person came: check-in and no-show.

Either can correct the other (a late arrival already marked absent is checked in; a check-in
clicked on the wrong row is turned into a no-show). A cancelled booking is neither. The place stays
taken either way: the slot has begun.
"""

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from ..models import Booking, BookingStatus
from ..schedule import BEIJING


class AttendanceRefused(Exception):
    """Check-in before the appointment's day, no-show before its time, or a cancelled booking."""


def can_check_in(booking: Booking, now: dt.datetime) -> bool:
    on_the_day = booking.slot.starts_at.astimezone(BEIJING).date() == now.astimezone(BEIJING).date()
    return on_the_day and booking.status in (BookingStatus.ACTIVE, BookingStatus.NO_SHOW)


def can_mark_no_show(booking: Booking, now: dt.datetime) -> bool:
    started = booking.slot.starts_at <= now
    return started and booking.status in (BookingStatus.ACTIVE, BookingStatus.ATTENDED)


def _change(booking: Booking, allowed: bool, acting_user, action: str, **values) -> Booking:
    if not allowed:
        raise AttendanceRefused(booking.status)
    with transaction.atomic():
        # Conditional, so a booking cancelled meanwhile is not turned back into an attendance.
        changed = Booking.objects.filter(
            pk=booking.pk, status__in=[BookingStatus.ACTIVE, BookingStatus.NO_SHOW, BookingStatus.ATTENDED]
        ).update(**values)
        if not changed:
            raise AttendanceRefused(BookingStatus.CANCELLED)
        booking.refresh_from_db()
        log(booking, action, user=acting_user)
    return booking


def check_in(
    booking: Booking, *, acting_user: AbstractBaseUser | None, now: dt.datetime | None = None
) -> Booking:
    """The person has come: only on the appointment's day (Beijing time)."""
    now = now or timezone.now()
    return _change(
        booking,
        can_check_in(booking, now),
        acting_user,
        "appointments.check_in",
        status=BookingStatus.ATTENDED,
        checked_in_at=now,
    )


def mark_no_show(
    booking: Booking, *, acting_user: AbstractBaseUser | None, now: dt.datetime | None = None
) -> Booking:
    """The person did not come: only once the slot has begun."""
    now = now or timezone.now()
    return _change(
        booking,
        can_mark_no_show(booking, now),
        acting_user,
        "appointments.no_show",
        status=BookingStatus.NO_SHOW,
        checked_in_at=None,
    )
