"""Outgoing email and SMS.

An email is stored as an OutboundEmail and sent by a background task, so a slow or failing mail
server never fails the visitor's action. A failed send is retried with exponential back-off (the
`retry-outbound-email` job re-enqueues due retries every minute) until EMAIL_MAX_ATTEMPTS, then the
message is FAILED and staff see it in the admin (Settings › Outgoing email), where they can retry it.
"""

import base64
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from cityportal.core import sms
from cityportal.core.models import OutboundEmail
from cityportal.core.taskqueue import waiting_task_arguments
from cityportal.core.tasks import send_queued_email

logger = logging.getLogger(__name__)

# While one task sends a message, it holds it for this long: another task for the same message (a
# duplicate enqueued by the retry job) finds it not due and does nothing.
SEND_LEASE = timedelta(minutes=10)
PENDING = [OutboundEmail.Status.QUEUED, OutboundEmail.Status.RETRYING]

Attachment = tuple[str, bytes | str, str]  # file name, content, MIME type


def queue_email(
    to: str | Iterable[str],
    subject: str,
    text: str,
    html: str = "",
    *,
    language: str,
    purpose: str,
    attachments: Iterable[Attachment] = (),
    headers: dict[str, str] | None = None,
) -> OutboundEmail:
    """Store an email and enqueue the task that sends it. Never raises because of the mail server or
    the task queue: if even enqueuing fails, the message stays queued and the retry job picks it up."""
    recipients = [to] if isinstance(to, str) else list(to)
    email = OutboundEmail.objects.create(
        to=recipients,
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=[_encode_attachment(*attachment) for attachment in attachments],
        headers=headers or {},
        language=language,
        purpose=purpose,
        status=OutboundEmail.Status.QUEUED,
        next_attempt_at=timezone.now(),
    )
    enqueue_send(email)
    return email


def enqueue_send(email: OutboundEmail) -> bool:
    """Enqueue the send task of `email`; log and return False if the queue refuses it."""
    try:
        # A savepoint: on PostgreSQL a failed INSERT must not abort the caller's transaction.
        with transaction.atomic():
            send_queued_email.enqueue(email.pk)
    except Exception:  # noqa: BLE001 - the visitor's action must succeed; the retry job sends it later
        logger.exception(
            "Could not enqueue email %s (%s); the retry job will send it", email.pk, email.purpose
        )
        return False
    return True


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the `attempts`-th failed attempt: base, 2×base, 4×base…, at most the cap."""
    seconds = settings.EMAIL_RETRY_BASE_DELAY * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.EMAIL_RETRY_MAX_DELAY))


def _due(now: datetime) -> Q:
    return Q(status__in=PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def deliver_email(email_id: int) -> OutboundEmail | None:
    """Send one message if it is due, and record the outcome (run by the send task)."""
    now = timezone.now()
    # Claim the message with a conditional update, so two tasks never send it twice.
    claimed = OutboundEmail.objects.filter(_due(now), pk=email_id).update(next_attempt_at=now + SEND_LEASE)
    email = OutboundEmail.objects.filter(pk=email_id).first()
    if not claimed or email is None:
        return email

    email.attempts += 1
    try:
        _build_message(email).send()
    except Exception as error:  # noqa: BLE001 - any mailer failure is recorded on the message and retried
        logger.warning("Sending email %s failed (attempt %s): %s", email.pk, email.attempts, error)
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            email.status = OutboundEmail.Status.FAILED
            email.next_attempt_at = None
            logger.error("Email %s (%s) failed %s times; giving up", email.pk, email.purpose, email.attempts)
        else:
            email.status = OutboundEmail.Status.RETRYING
            email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
    else:
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.next_attempt_at = None
    email.save(update_fields=["attempts", "status", "last_error", "next_attempt_at", "sent_at"])
    return email


def enqueue_due_emails() -> str:
    """Enqueue a send task for each due message that has none waiting (run by the scheduler)."""
    waiting = {
        arguments["args"][0]
        for arguments in waiting_task_arguments(send_queued_email, running_for_at_most=SEND_LEASE)
        if arguments.get("args")
    }
    due = OutboundEmail.objects.filter(_due(timezone.now())).exclude(pk__in=waiting)
    enqueued = sum(enqueue_send(email) for email in due.only("pk", "purpose"))
    return ngettext(
        "%(count)d email enqueued for sending.", "%(count)d emails enqueued for sending.", enqueued
    ) % {"count": enqueued}


def retry_email(email: OutboundEmail) -> OutboundEmail:
    """Staff's "retry": start the message's attempts over and enqueue it now (not for sent ones)."""
    if email.status == OutboundEmail.Status.SENT:
        return email
    email.status = OutboundEmail.Status.QUEUED
    email.attempts = 0
    email.next_attempt_at = timezone.now()
    email.save(update_fields=["status", "attempts", "next_attempt_at"])
    enqueue_send(email)
    return email


def send_sms(number: str, text: str) -> None:
    """Send a text message through the backend named by SMS_BACKEND (core/sms.py)."""
    sms.get_backend().send(number, text)


def _encode_attachment(name: str, content: bytes | str, mimetype: str) -> dict:
    if isinstance(content, str):
        content = content.encode()
    return {"name": name, "mimetype": mimetype, "content": base64.b64encode(content).decode("ascii")}


def _build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        headers=email.headers or None,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["name"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    return message
