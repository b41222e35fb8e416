"""State changes of appointments: every view, API endpoint, admin action, command and test calls these.

The invariants live in the database (models): a slot's `booked` never exceeds its `capacity`, a
daily quota never exceeds its cap, a person holds at most one active booking per service, a form
submission makes at most one booking. A booking takes its place with one conditional UPDATE
(`… SET booked = booked + 1 WHERE id = %s AND booked < capacity`), which the database serialises
on the row: on PostgreSQL the second writer waits for the first and re-checks the condition, on
SQLite the immediate transaction holds the write lock. No check-then-write in Python.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cityportal.core.crypto import blind_index, encrypt_personal
from cityportal.core.references import new_reference
from cityportal.core.working_days import load_working_calendar

from ..models import AppointmentService, AppointmentSlot, Booking, BookingStatus, DailyQuota, OfficeClosure
from ..schedule import BEIJING, Period, opening_periods, slot_is_bookable, slot_times


class BookingRefused(Exception):
    """A booking that cannot be made; `code` tells the caller which answer to give."""

    SLOT_FULL = "slot-full"
    DAY_FULL = "day-full"
    ALREADY_BOOKED = "already-booked"
    NOT_BOOKABLE = "not-bookable"

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Applicant:
    full_name: str
    nationality: str  # ISO 3166 alpha-2
    document_type: str
    document_number: str
    email: str
    phone: str
    language: str
    consent_text: str


def _take_place(slot: AppointmentSlot) -> None:
    if not AppointmentSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    ):
        raise BookingRefused(BookingRefused.SLOT_FULL)
    service = slot.service
    if service.daily_cap is not None:
        day = slot.starts_at.astimezone(BEIJING).date()
        DailyQuota.objects.get_or_create(
            service=service, office_id=slot.office_id, date=day, defaults={"cap": service.daily_cap}
        )
        taken = DailyQuota.objects.filter(
            service=service, office_id=slot.office_id, date=day, booked__lt=F("cap")
        ).update(booked=F("booked") + 1)
        if not taken:
            raise BookingRefused(BookingRefused.DAY_FULL)


def _release_place(slot: AppointmentSlot) -> None:
    AppointmentSlot.objects.filter(pk=slot.pk, booked__gt=0).update(booked=F("booked") - 1)
    if slot.service.daily_cap is not None:
        day = slot.starts_at.astimezone(BEIJING).date()
        DailyQuota.objects.filter(
            service=slot.service, office_id=slot.office_id, date=day, booked__gt=0
        ).update(booked=F("booked") - 1)


def check_bookable(slot: AppointmentSlot, now: dt.datetime) -> None:
    service = slot.service
    if not service.active or not slot_is_bookable(
        slot.starts_at,
        now,
        min_notice_minutes=service.min_notice_minutes,
        window_days=service.booking_window_days,
        same_day_cutoff=service.same_day_cutoff,
    ):
        raise BookingRefused(BookingRefused.NOT_BOOKABLE)


def book_slot(
    slot: AppointmentSlot,
    applicant: Applicant,
    *,
    submission_token: str | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book one place in `slot` for `applicant`, or raise BookingRefused.

    The same `submission_token` twice (a double click, “back” and resubmit) returns the first
    booking instead of making a second.
    """
    now = now or timezone.now()
    if submission_token:
        existing = Booking.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing
    check_bookable(slot, now)
    booking = Booking(
        slot=slot,
        service_id=slot.service_id,
        full_name=applicant.full_name,
        nationality=applicant.nationality.upper(),
        document_type=applicant.document_type,
        document_number_encrypted=encrypt_personal(applicant.document_number),
        document_index=blind_index(applicant.document_number, scope=applicant.document_type),
        email=applicant.email,
        phone=applicant.phone,
        language=applicant.language,
        consent_text=applicant.consent_text,
        consented_at=now,
        submission_token=submission_token or None,
    )
    for _attempt in range(3):  # a new reference if one ever collides (50 random bits: practically never)
        booking.reference = new_reference()
        try:
            with transaction.atomic():
                _take_place(slot)
                _close_past_bookings(booking, now)
                booking.save(force_insert=True)
            return booking
        except IntegrityError as error:
            refusal = _explain(error, booking)
            if refusal == "reference":
                continue
            if refusal == "token":
                return Booking.objects.get(submission_token=submission_token)
            raise BookingRefused(BookingRefused.ALREADY_BOOKED) from error
    raise RuntimeError("Could not find a free booking reference three times in a row.")


def _close_past_bookings(booking: Booking, now: dt.datetime) -> None:
    """An unmarked booking whose time has passed no longer counts as the person's active booking."""
    Booking.objects.filter(
        service_id=booking.service_id,
        document_type=booking.document_type,
        document_index=booking.document_index,
        status=BookingStatus.ACTIVE,
        slot__ends_at__lt=now,
    ).update(status=BookingStatus.PAST)


def _explain(error: IntegrityError, booking: Booking) -> str:
    if Booking.objects.filter(reference=booking.reference).exists():
        return "reference"
    if (
        booking.submission_token
        and Booking.objects.filter(submission_token=booking.submission_token).exists()
    ):
        return "token"
    return "person"


def cancel_booking(booking: Booking, *, now: dt.datetime | None = None) -> Booking:
    """Cancel an active booking and give its place back. Cancelling twice changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        cancelled = Booking.objects.filter(pk=booking.pk, status=BookingStatus.ACTIVE).update(
            status=BookingStatus.CANCELLED, cancelled_at=now, ics_sequence=F("ics_sequence") + 1
        )
        if cancelled:
            _release_place(booking.slot)
    booking.refresh_from_db()
    return booking


def reschedule_booking(
    booking: Booking, new_slot: AppointmentSlot, *, now: dt.datetime | None = None
) -> Booking:
    """Move an active booking to another slot of the same service: the new place is taken before the
    old one is given back, in one transaction, so a full new slot leaves the booking as it was."""
    now = now or timezone.now()
    if booking.status != BookingStatus.ACTIVE or new_slot.service_id != booking.service_id:
        raise BookingRefused(BookingRefused.NOT_BOOKABLE)
    if new_slot.pk == booking.slot_id:
        return booking
    check_bookable(new_slot, now)
    old_slot = booking.slot
    with transaction.atomic():
        _take_place(new_slot)
        moved = Booking.objects.filter(pk=booking.pk, status=BookingStatus.ACTIVE, slot=old_slot).update(
            slot=new_slot, ics_sequence=F("ics_sequence") + 1, reminder_sent_at=None
        )
        if not moved:  # cancelled or moved meanwhile by another request
            raise BookingRefused(BookingRefused.NOT_BOOKABLE)
        _release_place(old_slot)
    booking.refresh_from_db()
    return booking


def ensure_slots(service: AppointmentService, *, start: dt.date, days: int) -> int:
    """Create the missing slots of `service` at each of its offices for `days` days from `start`.

    Idempotent: existing slots are left as they are (their bookings too); returns how many were made.
    """
    calendar = load_working_calendar({start.year, (start + dt.timedelta(days=days)).year})
    offices = [link.office for link in service.service_offices.select_related("office")]
    closures: dict[tuple[int, dt.date], list[Period | None]] = {}
    end = start + dt.timedelta(days=days)
    for closure in OfficeClosure.objects.filter(office__in=offices, date__gte=start, date__lt=end):
        closures.setdefault((closure.office_id, closure.date), []).append(
            None if closure.whole_day else Period(closure.starts, closure.ends)
        )
    # Slots already stored are not built again: the daily job and a second load_demo then write nothing.
    stored = set(
        AppointmentSlot.objects.filter(
            service=service,
            starts_at__gte=dt.datetime.combine(start, dt.time(), tzinfo=BEIJING),
            starts_at__lt=dt.datetime.combine(end, dt.time(), tzinfo=BEIJING),
        ).values_list("office_id", "starts_at")
    )
    new = []
    for office in offices:
        hours: dict[int, list[Period]] = {}
        for period in office.opening_hours.all():
            hours.setdefault(period.weekday, []).append(Period(period.opens, period.closes))
        for offset in range(days):
            day = start + dt.timedelta(days=offset)
            periods, _closed = opening_periods(day, hours, calendar, closures.get((office.pk, day), ()))
            for starts_at, ends_at in slot_times(
                day, periods, minutes=service.slot_minutes, buffer=service.buffer_minutes
            ):
                if (office.pk, starts_at) in stored:
                    continue
                new.append(
                    AppointmentSlot(
                        service=service,
                        office=office,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        capacity=service.capacity_per_slot,
                    )
                )
    before = AppointmentSlot.objects.filter(service=service).count()
    AppointmentSlot.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return AppointmentSlot.objects.filter(service=service).count() - before
