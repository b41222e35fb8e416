"""Emails about bookings: in the applicant's language, through the queue, with the .ics and QR code."""

import pytest
from babel.dates import format_date
from django.core import mail
from django.test import override_settings
from icalendar import Calendar

from cityportal.appointments.models import OfficeClosure, ServiceOffice
from cityportal.appointments.notifications import (
    send_booking_cancellation,
    send_booking_confirmation,
    send_booking_reminder,
    send_booking_update,
)
from cityportal.appointments.schedule import BEIJING
from cityportal.appointments.services import book_slot, cancel_booking, reschedule_booking
from cityportal.appointments.tests.factories import (
    AppointmentServiceFactory,
    AppointmentSlotFactory,
    applicant,
    slot_start,
)
from cityportal.core import sms
from cityportal.core.models import OutboundEmail
from cityportal.core.taskqueue import run_queued_tasks

pytestmark = pytest.mark.django_db

# A real SMTP backend pointed at a port nothing listens on (as core/tests/test_messaging.py does).
UNREACHABLE_SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 1},
    }
}
# The task queue refuses every task: its only queue is not the one tasks are sent to.
QUEUE_DOWN = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["other"]}}
RUSSIAN_NAME = "Биометрия для вида на жительство"


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def service():
    service = AppointmentServiceFactory(
        name_ru=RUSSIAN_NAME, documents_to_bring_ru="Паспорт\nДве фотографии", capacity_per_slot=3
    )
    ServiceOffice.objects.filter(service=service).update(counter_ru="Зал B, окно 12")
    return service


def book(service, *, days_ahead=3, hour=9, n=1, **values):
    slot = AppointmentSlotFactory(service=service, starts_at=slot_start(days_ahead, hour), capacity=3)
    return book_slot(slot, applicant(n, **values))


def sent_message():
    run_queued_tasks()
    (message,) = mail.outbox
    return message


def attachment(message, suffix):
    (found,) = [item for item in message.attachments if item.filename.endswith(suffix)]
    return found


def ics_event(message):
    content = attachment(message, ".ics").content
    calendar = Calendar.from_ical(content.encode() if isinstance(content, str) else content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_confirmation_is_written_in_the_language_the_applicant_booked_in(service):
    booking = book(service, language="ru", email="anna@example.org")

    email = send_booking_confirmation(booking)  # the caller's language is English (conftest)

    assert email.language == "ru"
    message = sent_message()
    assert message.to == ["anna@example.org"]
    russian_date = format_date(booking.slot.starts_at.astimezone(BEIJING).date(), "long", locale="ru_RU")
    assert RUSSIAN_NAME in message.subject
    assert russian_date in message.subject
    assert booking.reference in message.subject
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert "Зал B, окно 12" in body
        assert "Паспорт" in body and "Две фотографии" in body
        assert "9:00" in body  # the slot starts at 09:00 Beijing time
        assert "北京市东城区示例路1号" in body  # the Chinese address, for the taxi
        assert "/ru/appointments/manage/" in body


def test_the_confirmation_carries_the_calendar_file_and_the_qr_code(service):
    booking = book(service)
    send_booking_confirmation(booking)

    message = sent_message()

    calendar, event = ics_event(message)
    assert calendar["method"] == "REQUEST"
    assert event["uid"].startswith(booking.reference + "@")
    qr = attachment(message, ".png")
    assert qr.mimetype == "image/png"
    assert qr.content.startswith(b"\x89PNG")
    assert booking.reference in qr.filename


def test_the_manage_link_holds_neither_the_reference_nor_the_email(service):
    booking = book(service, email="anna@example.org")
    send_booking_confirmation(booking)

    message = sent_message()

    links = [line for line in message.body.splitlines() if "://" in line]
    assert links and all("/en/appointments/manage/" in line for line in links)
    assert not any(booking.reference in line or "anna" in line for line in links)


def test_a_name_is_escaped_in_the_html_email_and_kept_as_typed_in_the_text(service):
    booking = book(service, full_name="<script>alert(1)</script> Anna")
    send_booking_confirmation(booking)

    message = sent_message()

    html = message.alternatives[0].content
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Anna" in html
    assert "<script>alert(1)</script> Anna" in message.body


@override_settings(MAILERS=UNREACHABLE_SMTP)
def test_a_failing_mail_server_does_not_fail_the_booking_and_the_email_is_retried(service):
    booking = book(service)

    email = send_booking_confirmation(booking)
    run_queued_tasks()

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.RETRYING
    assert booking.pk is not None and mail.outbox == []


@override_settings(TASKS=QUEUE_DOWN)
def test_a_task_queue_that_refuses_the_email_leaves_it_for_the_retry_job(service):
    booking = book(service)

    email = send_booking_confirmation(booking)

    assert email.status == OutboundEmail.Status.QUEUED
    assert email.next_attempt_at is not None  # the retry-outbound-email job enqueues it


def test_a_rescheduled_booking_sends_the_same_event_with_a_higher_sequence(service):
    booking = book(service)
    send_booking_confirmation(booking)
    _calendar, first = ics_event(sent_message())
    mail.outbox.clear()
    later = AppointmentSlotFactory(service=service, starts_at=slot_start(5, 14), capacity=3)

    send_booking_update(reschedule_booking(booking, later))

    message = sent_message()
    assert message.subject.startswith("Appointment moved")
    _calendar, update = ics_event(message)
    assert update["uid"] == first["uid"]
    assert update["sequence"] > first["sequence"]
    assert update.decoded("dtstart") == later.starts_at
    assert "2:00" in message.body  # the new time, 14:00 Beijing time ("2:00 PM" in English)


def test_a_cancellation_sends_a_cancel_of_the_same_event_without_a_qr_code(service):
    booking = book(service)

    send_booking_cancellation(cancel_booking(booking))

    message = sent_message()
    calendar, event = ics_event(message)
    assert calendar["method"] == "CANCEL" and event["status"] == "CANCELLED"
    assert not [item for item in message.attachments if item.filename.endswith(".png")]
    assert "has been cancelled" in message.body


def test_an_office_closure_apologises_with_its_reason_in_the_applicants_language(service):
    booking = book(service, language="ru")
    closure = OfficeClosure.objects.create(
        office=booking.slot.office,
        date=booking.slot.starts_at.astimezone(BEIJING).date(),
        reason_en="Power cut",
        reason_ru="Отключение электричества",
    )

    send_booking_cancellation(cancel_booking(booking), closure=closure)

    message = sent_message()
    assert "Отключение электричества" in message.body
    assert "Отключение электричества" in message.alternatives[0].content


def test_the_reminder_repeats_the_details(service):
    booking = book(service, days_ahead=1, hour=10)

    send_booking_reminder(booking)

    message = sent_message()
    assert message.subject.startswith("Reminder")
    assert booking.reference in message.body and "10:00" in message.body
    assert "Hall B, counter 12" in message.body
    assert attachment(message, ".ics") and attachment(message, ".png")


def test_a_text_message_with_the_reference_and_time_when_a_phone_was_given(service):
    booking = book(service, phone="+86 138 0000 0000", language="en")

    send_booking_confirmation(booking)
    run_queued_tasks()

    (text,) = sms.outbox
    assert text.number == "+86 138 0000 0000"
    assert booking.reference in text.text and "9:00" in text.text


@override_settings(SMS_BACKEND="")
def test_no_text_message_without_an_sms_backend(service):
    send_booking_confirmation(book(service, phone="+86 138 0000 0000"))
    run_queued_tasks()
    assert sms.outbox == []
    assert len(mail.outbox) == 1


def test_no_text_message_without_a_phone(service):
    send_booking_confirmation(book(service, phone=""))
    run_queued_tasks()
    assert sms.outbox == []
