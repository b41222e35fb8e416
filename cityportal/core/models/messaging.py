"""Outgoing email, queued and retried, so a failed send never fails the visitor's action."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Waiting to retry")
        FAILED = "failed", _("Failed")

    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(
        _("attachments"), default=list, blank=True, help_text=_("Name, MIME type and base64 content of each.")
    )
    # Extra message headers, e.g. List-Unsubscribe on alert emails (RFC 8058).
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    purpose = models.CharField(
        _("purpose"), max_length=60, blank=True, help_text=_("What sent it, e.g. booking-confirmation.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbound_email_due")]

    def __str__(self):
        return self.subject


class ScheduledJobRun(models.Model):
    """One run of a periodic job for one tick. The unique constraint makes each tick run once, on one
    server, however many servers call run_scheduled_jobs at the same minute."""

    job = models.CharField(_("job"), max_length=100)
    tick = models.DateTimeField(_("tick"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), null=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("scheduled job run")
        ordering = ["-tick"]
        constraints = [models.UniqueConstraint(fields=["job", "tick"], name="one_run_per_job_and_tick")]

    def __str__(self):
        return f"{self.job} @ {self.tick:%Y-%m-%d %H:%M}"
