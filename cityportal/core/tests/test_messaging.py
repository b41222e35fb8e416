"""Outgoing email: queued, sent by the real database task queue, retried with back-off, shown to staff."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cityportal.core import sms
from cityportal.core.models import OutboundEmail, ScheduledJobRun
from cityportal.core.services.messaging import (
    deliver_email,
    enqueue_due_emails,
    queue_email,
    retry_delay,
    send_sms,
)
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.core.tasks import send_queued_email

# A real SMTP backend pointed at a port nothing listens on: every send fails with a refused connection.
UNREACHABLE_SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 1},
    }
}
# A queue configuration that refuses the send task (its queue "default" is not served).
QUEUE_REFUSING_EMAIL = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["other"]}}


def send_tasks():
    return DBTaskResult.objects.filter(task_path=send_queued_email.module_path)


def queue_confirmation(**overrides):
    arguments = {
        "to": "applicant@example.org",
        "subject": "预约确认 Booking confirmed",
        "text": "Your booking B-1234 is confirmed.",
        "html": "<p>Your booking <b>B-1234</b> is confirmed.</p>",
        "language": "en",
        "purpose": "booking-confirmation",
        **overrides,
    }
    return queue_email(**arguments)


def make_due(email):
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_queue_email_stores_the_message_and_enqueues_its_send_task(db):
    email = queue_confirmation(attachments=[("booking.ics", "BEGIN:VCALENDAR", "text/calendar")])

    assert email.status == OutboundEmail.Status.QUEUED
    assert email.to == ["applicant@example.org"]
    assert mail.outbox == []  # nothing is sent during the visitor's request
    task = send_tasks().get()
    assert task.status == TaskResultStatus.READY
    assert task.args_kwargs == {"args": [email.pk], "kwargs": {}}


def test_the_worker_sends_the_queued_email_with_its_html_and_attachments(db):
    email = queue_confirmation(attachments=[("booking.ics", b"BEGIN:VCALENDAR", "text/calendar")])

    assert run_queued_tasks() >= 1

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    [message] = mail.outbox
    assert message.subject == "预约确认 Booking confirmed"
    assert message.to == ["applicant@example.org"]
    assert message.alternatives[0].content == "<p>Your booking <b>B-1234</b> is confirmed.</p>"
    assert message.attachments[0].filename == "booking.ics"
    assert message.attachments[0].content == "BEGIN:VCALENDAR"  # text/* is decoded
    assert send_tasks().get().status == TaskResultStatus.SUCCESSFUL


@override_settings(MAILERS=UNREACHABLE_SMTP)
def test_a_failed_send_is_recorded_and_retried_after_a_back_off(db):
    email = queue_confirmation()

    run_queued_tasks()

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.RETRYING
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error or "refused" in email.last_error.lower()
    delay = email.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < delay <= timedelta(seconds=60)
    # The task itself succeeded: the failure is the message's, not the worker's.
    assert send_tasks().get().status == TaskResultStatus.SUCCESSFUL


def test_back_off_doubles_up_to_the_cap():
    assert [retry_delay(attempt).total_seconds() for attempt in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


@override_settings(MAILERS=UNREACHABLE_SMTP, EMAIL_MAX_ATTEMPTS=3)
def test_after_the_last_attempt_the_message_is_failed(db):
    email = queue_confirmation()
    for _attempt in range(3):
        make_due(email)
        deliver_email(email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 3
    assert email.next_attempt_at is None
    assert deliver_email(email.pk).attempts == 3  # a failed message is not tried again by itself


def test_a_message_that_is_not_due_is_not_sent_twice(db):
    email = queue_confirmation()
    deliver_email(email.pk)
    deliver_email(email.pk)  # e.g. a duplicate task
    assert len(mail.outbox) == 1


@override_settings(MAILERS=UNREACHABLE_SMTP)
def test_the_retry_job_enqueues_due_retries_once(db):
    email = queue_confirmation()
    run_queued_tasks()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.RETRYING

    assert enqueue_due_emails() == "0 emails enqueued for sending."  # back-off not over yet
    make_due(email)
    assert enqueue_due_emails() == "1 email enqueued for sending."
    assert enqueue_due_emails() == "0 emails enqueued for sending."  # its task is already waiting

    with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}):
        run_queued_tasks()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 2


def test_a_queue_failure_never_reaches_the_visitor_and_the_job_sends_it_later(db, caplog):
    with override_settings(TASKS=QUEUE_REFUSING_EMAIL):
        email = queue_confirmation()
    assert email.pk is not None
    assert email.status == OutboundEmail.Status.QUEUED
    assert not send_tasks().exists()
    assert "Could not enqueue email" in caplog.text

    call_command("run_scheduled_jobs", "--job", "retry-outbound-email", stdout=StringIO())
    assert ScheduledJobRun.objects.get(job="retry-outbound-email").summary == "1 email enqueued for sending."
    run_queued_tasks()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


# Staff


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("mailadmin", "mailadmin@example.org", "pw")
    client.force_login(user)
    return client


@override_settings(MAILERS=UNREACHABLE_SMTP, EMAIL_MAX_ATTEMPTS=1)
def test_staff_see_undelivered_email_and_not_the_sent(staff_client):
    failed = queue_confirmation(subject="Failed one")
    run_queued_tasks()
    OutboundEmail.objects.create(to=["x@example.org"], subject="Delivered one", body_text="…", status="sent")

    response = staff_client.get("/admin/platform/undelivered-email/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Failed one" in html
    assert "Delivered one" not in html
    assert f"/admin/platform/undelivered-email/retry/{failed.pk}/" in html
    assert "/admin/platform/undelivered-email/new/" not in html  # read-only
    inspect = staff_client.get(f"/admin/platform/undelivered-email/inspect/{failed.pk}/")
    assert inspect.status_code == 200
    assert "Connection refused" in inspect.content.decode() or "refused" in inspect.content.decode()


@override_settings(MAILERS=UNREACHABLE_SMTP, EMAIL_MAX_ATTEMPTS=1)
def test_staff_retry_a_failed_email_and_it_is_sent(staff_client):
    email = queue_confirmation()
    run_queued_tasks()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED

    confirm = staff_client.get(f"/admin/platform/undelivered-email/retry/{email.pk}/")
    assert confirm.status_code == 200
    response = staff_client.post(f"/admin/platform/undelivered-email/retry/{email.pk}/")
    assert response.status_code == 302

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.attempts == 0
    with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}):
        run_queued_tasks()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_staff_see_recent_job_runs_read_only(staff_client):
    call_command("run_scheduled_jobs", "--job", "publish-scheduled-pages", stdout=StringIO())

    response = staff_client.get("/admin/platform/job-runs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "publish-scheduled-pages" in html
    assert "/admin/platform/job-runs/new/" not in html
    with pytest.raises(NoReverseMatch):  # no add, edit or delete views are routed
        reverse("scheduled_job_run:add")
    with pytest.raises(NoReverseMatch):
        reverse("scheduled_job_run:edit", args=[1])


def test_editors_without_the_permission_cannot_see_the_email_listing(client, db):
    editor = get_user_model().objects.create_user("editor", "editor@example.org", "pw")
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    response = client.get("/admin/platform/undelivered-email/")
    assert response.status_code in (302, 403)


# SMS


def test_send_sms_records_the_message_in_tests():
    sms.outbox.clear()
    send_sms("+8613800000000", "Your booking B-1234 is tomorrow at 09:30.")
    assert sms.outbox == [sms.SmsMessage("+8613800000000", "Your booking B-1234 is tomorrow at 09:30.")]


def test_the_console_backend_writes_the_message():
    stream = StringIO()
    sms.ConsoleSmsBackend(stream).send("+8613800000000", "Hello")
    assert "SMS to +8613800000000" in stream.getvalue()
    assert "Hello" in stream.getvalue()


def test_deployment_checks_refuse_the_recording_sms_backend():
    assert [error.id for error in sms.check_sms_backend()] == ["sms.E001"]
    with override_settings(SMS_BACKEND="cityportal.core.sms.ConsoleSmsBackend"):
        assert sms.check_sms_backend() == []
