"""The calendar of Chinese public holidays and make-up working days.

Appointments (opening days) and consultations (answer deadlines) both use it. Each year is marked
confirmed once staff have checked it against the State Council's official schedule, which is
published late in the previous year; the rules in core.working_days read these rows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_("Checked against the official holiday schedule. Unconfirmed years are not bookable."),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    source_note = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the usual Monday–Friday week: a holiday, or a weekend day worked."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (no work)")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), related_name="days", on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("calendar day")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "workday"]), name="calendar_day_kind_is_known"
            )
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"
