"""Emails (and, when configured, text messages) to applicants about their bookings.

Each message is written in the language the applicant booked in, whatever language the person or
process that triggers it uses (an office clerk closing a day, the reminder job). It carries the
reference, its QR code (a PNG attachment: inline images are blocked by many mail clients), the date
and time in Beijing time, the office address with its Chinese version for taxi drivers, the counter,
what to bring, a link to the "manage your booking" page, and the booking's `.ics` file.

Email is unreliable for many visitors in China, so a booking never depends on it: messages go
through the platform's queue (core.services.messaging.queue_email), which retries, and a failure to
even queue one is logged, never raised into the booking, reschedule or cancellation that asked for it.
"""

import datetime as dt
import logging

from babel.dates import format_time
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from cityportal.core import i18n
from cityportal.core.models import OutboundEmail
from cityportal.core.services.messaging import queue_email, send_sms
from cityportal.core.templatetags.core_tags import format_date

from .calendar_files import (
    booking_ics,
    booking_language,
    counter_for,
    ics_filename,
    manage_url,
    portal_url,
)
from .models import Booking, BookingStatus, OfficeClosure
from .qr import reference_qr_png
from .schedule import BEIJING

logger = logging.getLogger(__name__)

CONFIRMATION = "confirmation"
UPDATE = "update"
CANCELLATION = "cancellation"
REMINDER = "reminder"


def send_booking_confirmation(booking: Booking) -> OutboundEmail | None:
    """Queue the confirmation of a new booking; None when it could not be queued (logged)."""
    return _notify(booking, CONFIRMATION)


def send_booking_update(booking: Booking) -> OutboundEmail | None:
    """Queue the news of a rescheduled booking, with its `.ics` at a higher SEQUENCE."""
    return _notify(booking, UPDATE)


def send_booking_cancellation(
    booking: Booking, *, by_office: bool = False, closure: OfficeClosure | None = None
) -> OutboundEmail | None:
    """Queue the news of a cancelled booking, with a METHOD:CANCEL `.ics` that removes the event.

    `by_office`: staff cancelled it (a closure, a lowered capacity), so the email apologises; a
    `closure` adds its reason, read in the applicant's language."""
    return _notify(booking, CANCELLATION, by_office=by_office or closure is not None, closure=closure)


def send_booking_reminder(booking: Booking) -> OutboundEmail | None:
    """Queue the reminder of an appointment (sent the day before by `send_due_reminders`)."""
    return _notify(booking, REMINDER)


# --- Reminders the day before ---------------------------------------------------------------------


def due_reminders(now: dt.datetime) -> QuerySet[Booking]:
    """Active bookings whose slot is tomorrow (Beijing date) and that have had no reminder yet."""
    tomorrow = now.astimezone(BEIJING).date() + dt.timedelta(days=1)
    starts = dt.datetime.combine(tomorrow, dt.time(0), tzinfo=BEIJING)
    return Booking.objects.filter(
        status=BookingStatus.ACTIVE,
        reminder_sent_at__isnull=True,
        anonymised_at__isnull=True,
        slot__starts_at__gte=starts,
        slot__starts_at__lt=starts + dt.timedelta(days=1),
    )


def send_due_reminders(now: dt.datetime) -> int:
    """Send each due reminder once; return how many were sent.

    Each booking is claimed by setting `reminder_sent_at` with a conditional UPDATE before its
    reminder is queued, so two workers running at the same time never both send it, and a second run
    sends nothing more. Rescheduling a booking clears `reminder_sent_at` (services.reschedule_booking).
    """
    sent = 0
    for booking in due_reminders(now).select_related("slot__office", "service").order_by("pk"):
        claimed = Booking.objects.filter(
            pk=booking.pk, status=BookingStatus.ACTIVE, reminder_sent_at__isnull=True
        ).update(reminder_sent_at=now)
        if claimed:
            send_booking_reminder(booking)
            sent += 1
    return sent


# --- Writing and queuing the messages -------------------------------------------------------------


def _notify(booking: Booking, kind: str, **extra) -> OutboundEmail | None:
    if booking.anonymised_at is not None or not booking.email:
        return None
    try:
        # A savepoint: on PostgreSQL a failed INSERT must not abort the caller's transaction.
        with transaction.atomic():
            email = _queue_email(booking, kind, **extra)
    except Exception:  # noqa: BLE001 - the booking stands without its email; the log tells staff
        logger.exception("Could not queue the %s email of booking %s", kind, booking.pk)
        email = None
    if booking.phone and settings.SMS_BACKEND:
        _queue_sms(booking, kind)
    return email


def _queue_email(
    booking: Booking, kind: str, *, by_office: bool = False, closure: OfficeClosure | None = None
) -> OutboundEmail:
    language = booking_language(booking)
    with translation.override(language):
        context = _context(booking, kind, language)
        context["by_office"] = by_office
        context["closure_reason"] = closure.reason if closure else ""
        subject = _subject(kind) % {
            "service": context["service_name"],
            "date": context["date_short"],
            "reference": booking.reference,
        }
        subject = " ".join(subject.splitlines())  # SMTP refuses a line break (from a staff-typed name)
        context["subject"] = subject
        text = render_to_string(f"appointments/emails/{kind}.txt", context)
        html = render_to_string(f"appointments/emails/{kind}.html", context)
    attachments = [(ics_filename(booking), booking_ics(booking), "text/calendar")]
    if kind != CANCELLATION:
        attachments.append((context["qr_filename"], reference_qr_png(booking.reference), "image/png"))
    return queue_email(
        booking.email,
        subject,
        text,
        html,
        language=language,
        purpose=f"booking-{kind}",
        attachments=attachments,
    )


def _subject(kind: str) -> str:
    return {
        CONFIRMATION: gettext("Appointment booked: %(service)s, %(date)s (%(reference)s)"),
        UPDATE: gettext("Appointment moved: %(service)s, %(date)s (%(reference)s)"),
        CANCELLATION: gettext("Appointment cancelled: %(service)s, %(date)s (%(reference)s)"),
        REMINDER: gettext("Reminder: %(service)s on %(date)s (%(reference)s)"),
    }[kind]


def _context(booking: Booking, kind: str, language: str) -> dict:
    slot, service = booking.slot, booking.service
    office = slot.office
    return {
        "kind": kind,
        "booking": booking,
        "reference": booking.reference,
        "full_name": booking.full_name,
        "service_name": service.name,
        "documents": service.documents_list(),
        "office": office,
        "address": office.address,
        # The Chinese address beside the translated one, for taxi drivers; once when they are the same.
        "address_chinese": office.address_chinese if office.address_chinese != office.address else "",
        "counter": counter_for(booking),
        "date": format_date(slot.starts_at, "full"),
        "date_short": format_date(slot.starts_at, "long"),
        "time": _time_range(slot.starts_at, slot.ends_at, language),
        "manage_url": manage_url(language),
        "portal_url": portal_url(f"/{language}/"),
        "ics_filename": ics_filename(booking),
        "qr_filename": f"appointment-{booking.reference}-qr.png",
    }


def _time_range(starts_at: dt.datetime, ends_at: dt.datetime, language: str) -> str:
    locale = i18n.BABEL_LOCALES.get(language, "en")
    starts = format_time(starts_at, format="short", tzinfo=BEIJING, locale=locale)
    ends = format_time(ends_at, format="short", tzinfo=BEIJING, locale=locale)
    return f"{starts}–{ends}"


# --- Text messages --------------------------------------------------------------------------------


def _queue_sms(booking: Booking, kind: str) -> None:
    """Enqueue the text message: a provider's slow answer must not hold up the visitor's page."""
    from .tasks import send_booking_sms

    try:
        with transaction.atomic():
            send_booking_sms.enqueue(booking.pk, kind)
    except Exception:  # noqa: BLE001 - the SMS is a courtesy; the booking stands without it
        logger.exception("Could not enqueue the %s SMS of booking %s", kind, booking.pk)


def sms_text(booking: Booking, kind: str) -> str:
    """A short text in the booking's language: reference, time (Beijing time) and office."""
    language = booking_language(booking)
    with translation.override(language):
        values = {
            "reference": booking.reference,
            "date": format_date(booking.slot.starts_at, "medium"),
            "time": _time_range(booking.slot.starts_at, booking.slot.ends_at, language),
            "office": booking.slot.office.name,
        }
        messages = {
            CONFIRMATION: gettext(
                "Appointment %(reference)s booked: %(date)s %(time)s (Beijing time), %(office)s."
            ),
            UPDATE: gettext(
                "Appointment %(reference)s moved to %(date)s %(time)s (Beijing time), %(office)s."
            ),
            CANCELLATION: gettext("Appointment %(reference)s on %(date)s %(time)s is cancelled."),
            REMINDER: gettext(
                "Reminder: appointment %(reference)s on %(date)s %(time)s (Beijing time), %(office)s."
            ),
        }
        return messages[kind] % values


def deliver_booking_sms(booking_id: int, kind: str) -> bool:
    """Send the text message of `kind` for a booking (run by the task); False when there is none to send."""
    booking = Booking.objects.select_related("slot__office").filter(pk=booking_id).first()
    if booking is None or booking.anonymised_at is not None or not booking.phone:
        return False
    send_sms(booking.phone, sms_text(booking, kind))
    return True
