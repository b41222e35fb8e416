"""The appointments app's periodic jobs, run by `manage.py run_scheduled_jobs` (see core/scheduling.py)."""

from datetime import datetime, timedelta

from django.utils.translation import ngettext

from cityportal.core.scheduling import scheduled_job

from .models import AppointmentService
from .notifications import send_due_reminders
from .schedule import BEIJING
from .services import ensure_slots

# Reminders go out between 09:00 and 21:00 Beijing time: a text message at midnight would wake the
# applicant. A booking made after 21:00 for the next day gets no reminder (its confirmation is fresh).
REMINDER_HOURS = range(9, 21)


@scheduled_job("send-booking-reminders", every=timedelta(hours=1))
def send_booking_reminders(now: datetime) -> str:
    """Remind every applicant whose appointment is tomorrow, once (Booking.reminder_sent_at)."""
    if now.astimezone(BEIJING).hour not in REMINDER_HOURS:
        return "Outside reminder hours (09:00–21:00 Beijing time)."
    sent = send_due_reminders(now)
    return ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", sent) % {"count": sent}


@scheduled_job("generate-appointment-slots", every=timedelta(days=1))
def generate_appointment_slots(now: datetime) -> str:
    """Store the slots of every open service over its booking window (and one day more), so the day
    that enters the window overnight is bookable in the morning. Existing slots are left alone."""
    today = now.astimezone(BEIJING).date()
    services = AppointmentService.objects.filter(active=True)
    made = sum(
        ensure_slots(service, start=today, days=service.booking_window_days + 1) for service in services
    )
    return ngettext("%(count)d slot created.", "%(count)d slots created.", made) % {"count": made}
