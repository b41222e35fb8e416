"""The `.ics` calendar file of a booking, attached to its emails and downloadable from its pages.

Calendars recognise a booking's later files as changes to the same event: the UID is the same for
the booking's whole life (its reference and the portal's host, no personal data), and SEQUENCE
(`Booking.ics_sequence`, raised by every reschedule and cancellation) tells them which file is newer.
An active booking is sent as METHOD:REQUEST; a cancelled one as METHOD:CANCEL with STATUS:CANCELLED,
which removes the event from the applicant's calendar. Times are written in UTC, which every
calendar converts to the viewer's zone without a VTIMEZONE block.
"""

import datetime as dt
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Booking, BookingStatus, ServiceOffice

PRODUCT_ID = "-//cityportal//Appointments//EN"


# --- What every message about a booking needs -----------------------------------------------------


def booking_language(booking: Booking) -> str:
    """The language the applicant booked in, or the portal's fallback for an unknown code."""
    codes = {code for code, _name in settings.LANGUAGES}
    return booking.language if booking.language in codes else settings.FALLBACK_LANGUAGE_CODE


def portal_url(path: str) -> str:
    """An absolute address on the portal, for emails and calendar files (WAGTAILADMIN_BASE_URL)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def portal_host() -> str:
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "cityportal"


def manage_url(language: str) -> str:
    """The "manage your booking" page: the visitor types the reference and email there, so neither
    ever appears in a URL (where logs, browser history and caches would keep it)."""
    return portal_url(f"/{language}/appointments/manage/")


def counter_for(booking: Booking) -> str:
    """Where to go on arrival at the booking's office, in the active language ("" if not set)."""
    link = ServiceOffice.objects.filter(
        service_id=booking.service_id, office_id=booking.slot.office_id
    ).first()
    return link.counter if link else ""


def office_location(office) -> str:
    """The office's name and address in the active language, with the Chinese address for taxis."""
    parts = [office.name, office.address]
    if office.address_chinese and office.address_chinese != office.address:
        parts.append(office.address_chinese)
    return ", ".join(part for part in parts if part)


# --- The calendar file ----------------------------------------------------------------------------


def ics_uid(booking: Booking) -> str:
    return f"{booking.reference}@{portal_host()}"


def ics_filename(booking: Booking) -> str:
    return f"appointment-{booking.reference}.ics"


def booking_ics(booking: Booking) -> bytes:
    """The booking as an iCalendar file (RFC 5545/5546), its texts in the booking's language."""
    cancelled = booking.status == BookingStatus.CANCELLED
    with translation.override(booking_language(booking)):
        calendar = Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("method", "CANCEL" if cancelled else "REQUEST")
        calendar.add_component(_event(booking, cancelled=cancelled))
    return calendar.to_ical()


def _event(booking: Booking, *, cancelled: bool) -> Event:
    slot, service = booking.slot, booking.service
    event = Event()
    event.add("uid", ics_uid(booking))
    event.add("sequence", booking.ics_sequence)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", slot.starts_at.astimezone(dt.UTC))
    event.add("dtend", slot.ends_at.astimezone(dt.UTC))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("summary", service.name)
    event.add("location", office_location(slot.office))
    event.add("description", _description(booking))
    event.add("url", manage_url(booking_language(booking)))
    event.add("organizer", _organizer())
    if booking.email:
        attendee = vCalAddress(f"mailto:{booking.email}")
        attendee.params["cn"] = vText(booking.full_name)
        attendee.params["role"] = "REQ-PARTICIPANT"
        attendee.params["partstat"] = "DECLINED" if cancelled else "ACCEPTED"
        attendee.params["rsvp"] = "FALSE"  # nothing to answer: the booking is made on the portal
        event.add("attendee", attendee)
    return event


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    if name:
        organizer.params["cn"] = vText(name)
    return organizer


def _description(booking: Booking) -> str:
    lines = [gettext("Booking reference: %(reference)s") % {"reference": booking.reference}]
    counter = counter_for(booking)
    if counter:
        lines.append(gettext("On arrival, go to: %(counter)s") % {"counter": counter})
    documents = booking.service.documents_list()
    if documents:
        lines.append(gettext("What to bring:"))
        lines.extend(f"- {document}" for document in documents)
    lines.append(
        gettext("To change or cancel the appointment: %(url)s")
        % {"url": manage_url(booking_language(booking))}
    )
    return "\n".join(lines)
