"""Bookable slots and office closures.

Slots are rows, made ahead for each service and office over the booking window
(appointments/schedule.py computes them, a daily job stores them). Each slot counts its bookings in
`booked`, and the database refuses `booked > capacity`: a booking takes its place with one
conditional UPDATE (services.book_slot), so two visitors can never get the last place together.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class AppointmentSlot(models.Model):
    service = models.ForeignKey(
        "appointments.AppointmentService", on_delete=models.CASCADE, related_name="slots"
    )
    office = models.ForeignKey("core.Office", on_delete=models.PROTECT, related_name="appointment_slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        constraints = [
            models.UniqueConstraint(fields=["service", "office", "starts_at"], name="slot_once_per_start"),
            models.CheckConstraint(name="slot_never_overbooked", condition=Q(booked__lte=F("capacity"))),
            models.CheckConstraint(name="slot_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))),
        ]
        indexes = [models.Index(fields=["office", "starts_at"], name="slot_office_start")]

    def __str__(self):
        return f"{self.service} @ {self.office} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)


class OfficeClosure(models.Model):
    """An ad-hoc closure: a whole day (no times) or a range of hours on a day, in Beijing time."""

    office = models.ForeignKey(
        "core.Office", verbose_name=_("office"), on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField(_("date"))
    starts = models.TimeField(_("from"), null=True, blank=True, help_text=_("Empty: the whole day."))
    ends = models.TimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True, help_text=_("Shown to visitors."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "starts"]
        verbose_name = _("office closure")
        verbose_name_plural = _("office closures")
        constraints = [
            models.CheckConstraint(
                name="closure_whole_day_or_range",
                condition=(Q(starts__isnull=True) & Q(ends__isnull=True))
                | (Q(starts__isnull=False) & Q(ends__isnull=False) & Q(ends__gt=F("starts"))),
            ),
        ]

    def __str__(self):
        if self.starts is None:
            return f"{self.office} {self.date}"
        return f"{self.office} {self.date} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def whole_day(self) -> bool:
        return self.starts is None


class DailyQuota(models.Model):
    """Bookings of one service at one office on one day, for services with a daily cap.

    Like a slot's places, the cap is enforced by the database: a booking increments `booked` with a
    conditional UPDATE in the same transaction as the slot's.
    """

    service = models.ForeignKey(
        "appointments.AppointmentService", on_delete=models.CASCADE, related_name="daily_quotas"
    )
    office = models.ForeignKey("core.Office", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    cap = models.PositiveSmallIntegerField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "office", "date"], name="daily_quota_once"),
            models.CheckConstraint(name="daily_quota_never_exceeded", condition=Q(booked__lte=F("cap"))),
        ]

    def __str__(self):
        return f"{self.service} @ {self.office} {self.date}: {self.booked}/{self.cap}"
