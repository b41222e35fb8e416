"""Background tasks of the core app, run by the database worker (see core.taskqueue)."""

from django.tasks import task


@task()
def send_queued_email(email_id: int) -> str:
    """Try to send one OutboundEmail; the outcome (sent, retry later, failed) is stored on it."""
    from .services.messaging import deliver_email

    return deliver_email(email_id).status
