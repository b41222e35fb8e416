"""The day-before reminder (job, command) and the daily job that keeps slots made over the window."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cityportal.appointments.models import AppointmentSlot, Booking
from cityportal.appointments.notifications import send_due_reminders
from cityportal.appointments.schedule import BEIJING
from cityportal.appointments.services import book_slot, cancel_booking, reschedule_booking
from cityportal.appointments.tests.factories import (
    AppointmentServiceFactory,
    AppointmentSlotFactory,
    applicant,
    slot_start,
)
from cityportal.core.models import OutboundEmail
from cityportal.core.scheduling import registered_jobs
from cityportal.core.services.calendar import seed_calendar_year
from cityportal.core.taskqueue import run_queued_tasks

pytestmark = pytest.mark.django_db


def run_job(name: str, now):
    # Through the registry, as the scheduler runs it: importing appointments.jobs directly would
    # register its jobs before core's and change the registry's order.
    return next(job for job in registered_jobs() if job.name == name).function(now)


def book(service, days_ahead, n, hour=10):
    slot = AppointmentSlotFactory(service=service, starts_at=slot_start(days_ahead, hour), capacity=5)
    return book_slot(slot, applicant(n))


def at_beijing(hour: int, days_ahead: int = 0) -> dt.datetime:
    day = dt.datetime.now(BEIJING).date() + dt.timedelta(days=days_ahead)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BEIJING)


def reminders():
    return OutboundEmail.objects.filter(purpose="booking-reminder")


@pytest.fixture
def service():
    return AppointmentServiceFactory(capacity_per_slot=5)


def test_only_active_bookings_of_tomorrow_are_reminded(service):
    tomorrow = book(service, 1, n=1)
    book(service, 2, n=2)  # the day after: tomorrow's run reminds it
    cancel_booking(book(service, 1, n=3, hour=11))

    assert send_due_reminders(timezone.now()) == 1

    (email,) = reminders()
    assert email.to == [tomorrow.email]
    assert tomorrow.reference in email.subject
    assert Booking.objects.get(pk=tomorrow.pk).reminder_sent_at is not None


def test_a_reminder_is_sent_once_however_often_the_job_runs(service):
    book(service, 1, n=1)

    assert send_due_reminders(timezone.now()) == 1
    assert send_due_reminders(timezone.now()) == 0
    run_queued_tasks()

    assert reminders().count() == 1
    assert len(mail.outbox) == 1


def test_a_booking_moved_to_tomorrow_is_reminded_of_its_new_time(service):
    booking = book(service, 1, n=1)
    send_due_reminders(timezone.now())
    other_slot = AppointmentSlotFactory(service=service, starts_at=slot_start(1, 15), capacity=5)

    reschedule_booking(booking, other_slot)

    assert send_due_reminders(timezone.now()) == 1
    assert reminders().count() == 2
    assert "3:00" in reminders().latest("pk").body_text  # 15:00 Beijing time ("3:00 PM")


def test_the_hourly_job_reminds_in_the_day_and_waits_at_night(service):
    booking = book(service, 1, n=1)

    night = run_job("send-booking-reminders", at_beijing(3))
    assert night.startswith("Outside reminder hours")
    assert not reminders().exists()

    assert run_job("send-booking-reminders", at_beijing(10)) == "1 reminder sent."
    assert run_job("send-booking-reminders", at_beijing(11)) == "0 reminders sent."
    assert reminders().get().to == [booking.email]


def test_the_jobs_are_registered():
    jobs_by_name = {job.name: job for job in registered_jobs()}
    assert jobs_by_name["send-booking-reminders"].every == dt.timedelta(hours=1)
    assert jobs_by_name["generate-appointment-slots"].every == dt.timedelta(days=1)


def test_the_command_reports_a_dry_run_then_sends(service):
    book(service, 1, n=1)
    out = StringIO()

    call_command("send_booking_reminders", "--dry-run", stdout=out)
    assert "1 reminders due; none sent" in out.getvalue()
    assert not reminders().exists()

    call_command("send_booking_reminders", stdout=out)
    assert "1 reminders sent." in out.getvalue()
    assert reminders().count() == 1


def test_the_daily_job_makes_the_slots_of_the_booking_window_once():
    for year in (2026, 2027):
        seed_calendar_year(year, confirmed=True)
    service = AppointmentServiceFactory(booking_window_days=7, slot_minutes=30)
    closed = AppointmentServiceFactory(booking_window_days=7, active=False)
    monday = dt.datetime(2026, 3, 2, 8, 0, tzinfo=BEIJING)  # the daily tick: 00:00 UTC

    summary = run_job("generate-appointment-slots", monday)

    days = {
        starts_at.astimezone(BEIJING).date()
        for starts_at in AppointmentSlot.objects.filter(service=service).values_list("starts_at", flat=True)
    }
    # Today and the 7 days of the window: Monday to Friday, then Monday (the weekend is closed).
    assert days == {dt.date(2026, 3, day) for day in (2, 3, 4, 5, 6, 9)}
    per_day = 6 + 7  # 09:00–12:00 and 13:30–17:00 in 30-minute slots
    assert summary == f"{6 * per_day} slots created."
    assert not AppointmentSlot.objects.filter(service=closed).exists()
    assert run_job("generate-appointment-slots", monday) == "0 slots created."
