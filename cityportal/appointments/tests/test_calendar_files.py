"""The booking's .ics file: one event that calendars follow through reschedules and cancellation."""

import datetime as dt

import pytest
from django.test import override_settings
from icalendar import Calendar

from cityportal.appointments.calendar_files import booking_ics
from cityportal.appointments.models import ServiceOffice
from cityportal.appointments.services import book_slot, cancel_booking, reschedule_booking
from cityportal.appointments.tests.factories import (
    AppointmentServiceFactory,
    AppointmentSlotFactory,
    applicant,
    slot_start,
)

pytestmark = pytest.mark.django_db


def event_of(ics: bytes):
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture
def service():
    service = AppointmentServiceFactory(
        name_ru="Биометрия для вида на жительство",
        documents_to_bring_ru="Паспорт\nДве фотографии",
        capacity_per_slot=3,
    )
    ServiceOffice.objects.filter(service=service).update(counter_ru="Зал B, окно 12")
    return service


def book(service, *, days_ahead=3, hour=9, **values):
    slot = AppointmentSlotFactory(service=service, starts_at=slot_start(days_ahead, hour), capacity=3)
    return book_slot(slot, applicant(1, **values))


@override_settings(WAGTAILADMIN_BASE_URL="https://english.beijing.example")
def test_an_active_booking_is_a_request_in_the_applicants_language(service):
    booking = book(service, language="ru", email="anna@example.org", full_name="Anna Petrova")

    calendar, event = event_of(booking_ics(booking))

    assert calendar["method"] == "REQUEST"
    assert event["uid"] == f"{booking.reference}@english.beijing.example"
    assert event["sequence"] == 0
    assert event["status"] == "CONFIRMED"
    assert event.decoded("dtstart") == booking.slot.starts_at
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(0)  # written in UTC
    assert event.decoded("dtend") == booking.slot.ends_at
    assert event["summary"] == "Биометрия для вида на жительство"
    office = booking.slot.office
    assert office.name_en in event["location"]
    assert "No. 1 Sample Road" in event["location"] and "北京市东城区示例路1号" in event["location"]
    description = str(event["description"])
    assert booking.reference in description
    assert "Зал B, окно 12" in description
    assert "- Паспорт\n- Две фотографии" in description
    assert "https://english.beijing.example/ru/appointments/manage/" in description
    assert str(event["attendee"]) == "mailto:anna@example.org"
    assert event["attendee"].params["CN"] == "Anna Petrova"


def test_the_uid_holds_no_personal_data(service):
    booking = book(service, full_name="Anna Petrova", email="anna@example.org", document_number="E1234567")
    _calendar, event = event_of(booking_ics(booking))
    uid = str(event["uid"])
    assert "Anna" not in uid and "anna" not in uid and "E1234567" not in uid
    assert uid.startswith(booking.reference + "@")


def test_text_with_semicolons_commas_and_newlines_is_escaped():
    service = AppointmentServiceFactory(name_en="Notarisation; copies, translations\nand seals")
    booking = book(service, full_name='Jean "JJ" Dupont; Jr., MD')

    ics = booking_ics(booking)

    assert b"SUMMARY:Notarisation\\; copies\\, translations\\nand seals" in ics
    _calendar, event = event_of(ics)
    assert event["summary"] == "Notarisation; copies, translations\nand seals"
    assert event["attendee"].params["CN"] == 'Jean "JJ" Dupont; Jr., MD'


def test_a_rescheduled_booking_keeps_its_uid_with_a_higher_sequence(service):
    booking = book(service)
    _calendar, before = event_of(booking_ics(booking))
    later = AppointmentSlotFactory(service=service, starts_at=slot_start(4, 14), capacity=3)

    booking = reschedule_booking(booking, later)

    _calendar, after = event_of(booking_ics(booking))
    assert after["uid"] == before["uid"]
    assert after["sequence"] > before["sequence"]
    assert after.decoded("dtstart") == later.starts_at


def test_a_cancelled_booking_is_a_cancel_that_removes_the_event(service):
    booking = book(service)
    _calendar, before = event_of(booking_ics(booking))

    booking = cancel_booking(booking)

    calendar, event = event_of(booking_ics(booking))
    assert calendar["method"] == "CANCEL"
    assert event["status"] == "CANCELLED"
    assert event["uid"] == before["uid"]
    assert event["sequence"] > before["sequence"]
