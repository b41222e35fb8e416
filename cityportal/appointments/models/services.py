"""Appointment services: what a visitor books (e.g. residence-permit biometrics) and where.

Language-neutral records like offices (ADR 013): one row per service whatever the language, so a
booking made on the Arabic pages and one made on the English pages use up the same slots. Texts
are translated in columns (appointments/translation.py).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.search import index

from cityportal.core.models import ASCII_SLUG


class AppointmentService(index.Indexed, ClusterableModel):
    code = models.CharField(
        _("code"),
        max_length=60,
        unique=True,
        validators=[ASCII_SLUG],
        help_text=_("A stable short code, e.g. “residence-permit-biometrics”."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    documents_to_bring = models.TextField(
        _("what to bring"), blank=True, help_text=_("One document per line; shown on the confirmation.")
    )
    sections = ParentalManyToManyField("core.SectionTag", verbose_name=_("sections"), blank=True)
    # The Chinese (source) guides; a guide in another language finds its services through its
    # source page, so `procedures` never imports this app.
    procedures = ParentalManyToManyField(
        "procedures.ProcedurePage",
        verbose_name=_("procedure guides"),
        blank=True,
        related_name="appointment_services",
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=15, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    capacity_per_slot = models.PositiveSmallIntegerField(
        _("places per slot"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between slots (minutes)"), default=0, validators=[MaxValueValidator(120)]
    )
    booking_window_days = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=30, validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=120,
        help_text=_("A slot cannot be booked less than this long before it starts."),
    )
    same_day_cutoff = models.TimeField(
        _("same-day cut-off"),
        null=True,
        blank=True,
        help_text=_("After this time (Beijing time) no more bookings for the same day. Empty: no cut-off."),
    )
    daily_cap = models.PositiveSmallIntegerField(
        _("bookings per office per day"),
        null=True,
        blank=True,
        help_text=_("Empty: only the slots' places limit the day."),
    )
    active = models.BooleanField(_("open for booking"), default=True)

    # Found by the portal's search in each language its name is translated into (search/sources.py).
    search_fields = [index.SearchField("name"), index.SearchField("description"), index.FilterField("active")]

    class Meta:
        ordering = ["code"]
        verbose_name = _("appointment service")
        verbose_name_plural = _("appointment services")
        constraints = [
            models.CheckConstraint(name="service_slot_length_sane", condition=Q(slot_minutes__gte=5)),
            models.CheckConstraint(name="service_capacity_positive", condition=Q(capacity_per_slot__gte=1)),
        ]

    def __str__(self):
        return self.name or self.code

    def documents_list(self) -> list[str]:
        return [line.strip() for line in self.documents_to_bring.splitlines() if line.strip()]


class ServiceOffice(models.Model):
    """An office that provides a service, and the counter visitors go to there."""

    service = ParentalKey(AppointmentService, related_name="service_offices", on_delete=models.CASCADE)
    office = models.ForeignKey(
        "core.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="service_offices"
    )
    counter = models.CharField(
        _("where to go on arrival"), max_length=200, blank=True, help_text=_("E.g. “Hall B, counters 12–15”.")
    )

    class Meta:
        verbose_name = _("office providing the service")
        constraints = [models.UniqueConstraint(fields=["service", "office"], name="service_office_once")]

    def __str__(self):
        return f"{self.service} @ {self.office}"
