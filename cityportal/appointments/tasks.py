"""Background tasks of the appointments app, run by the database worker (see core.taskqueue)."""

from django.tasks import task


@task()
def send_booking_sms(booking_id: int, kind: str) -> bool:
    """Send a booking's text message (confirmation, update, cancellation, reminder) through SMS_BACKEND.

    Not retried: a second copy of a text is worse than a missing one, and the email carries it all."""
    from .notifications import deliver_booking_sms

    return deliver_booking_sms(booking_id, kind)
