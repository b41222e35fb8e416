"""Editors' upkeep of the guides: review reminders sent, and the outbound links checked each week."""

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class ReviewReminder(models.Model):
    """One reminder email to one owner department for one tick of the weekly reminder job.

    The unique constraint makes the job idempotent: run twice for the same tick, it sends nothing new.
    """

    department = models.ForeignKey(
        "core.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    tick = models.DateTimeField(_("tick"))
    email = models.ForeignKey(
        "core.OutboundEmail", verbose_name=_("email"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    guide_count = models.PositiveIntegerField(_("guides listed"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        constraints = [
            models.UniqueConstraint(fields=["department", "tick"], name="one_review_reminder_per_tick"),
        ]

    def __str__(self):
        return f"{self.department} @ {self.tick:%Y-%m-%d}"


class LinkProblem(models.TextChoices):
    NONE = "", pgettext_lazy("link check", "None")
    HTTP = "http", _("Error page")
    TIMEOUT = "timeout", _("No answer in time")
    HOST_NOT_FOUND = "dns", _("Host name not found")
    CONNECTION = "connection", _("Connection failed")
    TLS = "tls", _("Certificate or encryption error")
    INVALID = "invalid", _("Invalid address")


class LinkCheckResult(models.Model):
    """The last check of one outbound address found in live guides (or their departments).

    A link is broken while `first_broken_at` is set; it is cleared by the first check that succeeds.
    Rows of addresses no guide uses any more are deleted when the links are collected.
    """

    url = models.URLField(_("address"), max_length=2000, unique=True)
    problem = models.CharField(
        _("problem"), max_length=12, choices=LinkProblem.choices, default=LinkProblem.NONE, blank=True
    )
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    detail = models.CharField(
        _("technical detail"), max_length=300, blank=True, help_text=_("The error as the server gave it.")
    )
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True, db_index=True)
    first_broken_at = models.DateTimeField(_("broken since"), null=True, blank=True, db_index=True)
    consecutive_failures = models.PositiveSmallIntegerField(_("failed checks in a row"), default=0)
    guides = models.ManyToManyField(
        "procedures.ProcedurePage", verbose_name=_("guides"), blank=True, related_name="+"
    )
    departments = models.ManyToManyField(
        "core.Department", verbose_name=_("departments"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        ordering = ["url"]

    def __str__(self):
        return self.url

    @property
    def is_broken(self) -> bool:
        return self.first_broken_at is not None

    def problem_display(self) -> str:
        if self.problem == LinkProblem.HTTP and self.status_code:
            return gettext("Error page (HTTP %(status)s)") % {"status": self.status_code}
        return self.get_problem_display()
