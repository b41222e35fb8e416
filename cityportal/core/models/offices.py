"""Departments and offices: language-neutral records shared by procedure guides and appointments.

One row per department or office whatever the language; their texts (name, address, directions)
are translated in columns beside it by django-modeltranslation (core/translation.py), so a guide
in any language and an appointment booked in any language point at the same record, and reading
an office in Arabic costs no extra query.
"""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from .pages import ASCII_SLUG


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Department(models.Model):
    """A government department responsible for procedures (e.g. the Exit-Entry Administration)."""

    code = models.CharField(
        _("code"),
        max_length=60,
        unique=True,
        validators=[ASCII_SLUG],
        help_text=_("A stable short code used by imports, e.g. “psb-exit-entry”."),
    )
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    reminder_email = models.EmailField(
        _("content owner's email"),
        blank=True,
        help_text=_("Internal: who is reminded when this department's guides are due for review."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name or self.code


class Office(ClusterableModel):
    """A place where visitors apply or attend an appointment: address, map position, opening hours."""

    code = models.CharField(
        _("code"),
        max_length=60,
        unique=True,
        validators=[ASCII_SLUG],
        help_text=_("A stable short code used by imports, e.g. “eea-andingmen”."),
    )
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offices",
    )
    address = models.CharField(
        _("address"),
        max_length=300,
        help_text=_("The Chinese address is always shown beside the translation, for taxi drivers."),
    )
    # GCJ-02 is the coordinate system of Chinese maps (Amap, Baidu with coord_type=gcj02, Tencent):
    # a WGS-84 position from GPS would land a few hundred metres off on them.
    latitude = models.DecimalField(
        _("latitude (GCJ-02)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (GCJ-02)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    directions = models.TextField(_("how to get there"), blank=True, help_text=_("Metro and bus."))
    hours_note = models.CharField(
        _("note on opening hours"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “Closed on public holidays.” or “Saturday by reservation only.”"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.CheckConstraint(
                name="office_position_complete_and_in_china",
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=3, latitude__lte=54) & Q(longitude__gte=73, longitude__lte=136)),
            ),
        ]

    def __str__(self):
        return self.name or self.code

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both the latitude and the longitude, or neither."))
        if not getattr(self, "address_zh_hans", ""):
            raise ValidationError(
                {"address_zh_hans": _("The Chinese address is required: visitors show it to taxi drivers.")}
            )

    @property
    def address_chinese(self) -> str:
        return getattr(self, "address_zh_hans", "") or ""

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def amap_url(self) -> str:
        """Amap's public marker page (opens the app on phones); Amap uses GCJ-02 natively."""
        if not self.has_position:
            return ""
        query = {
            "position": f"{self.longitude},{self.latitude}",
            "name": self.address_chinese or self.name,
            "src": "cityportal",
            "coordinate": "gaode",
            "callnative": "1",
        }
        return "https://uri.amap.com/marker?" + urlencode(query)

    def baidu_url(self) -> str:
        """Baidu Maps' marker page, told that the position is GCJ-02 (Baidu's own system is BD-09)."""
        if not self.has_position:
            return ""
        query = {
            "location": f"{self.latitude},{self.longitude}",
            "title": self.name,
            "content": self.address_chinese,
            "coord_type": "gcj02",
            "output": "html",
            "src": "cityportal",
        }
        return "https://api.map.baidu.com/marker?" + urlencode(query)

    def weekly_hours(self) -> list[tuple[int, list["OfficeHours"]]]:
        """(weekday, periods) for every day of the week, Monday first; a day without periods is closed.

        Reads the prefetched `opening_hours` when there is one (no query per office)."""
        by_day: dict[int, list[OfficeHours]] = {day: [] for day in Weekday.values}
        for period in self.opening_hours.all():
            by_day[period.weekday].append(period)
        return [(day, sorted(periods, key=lambda p: p.opens)) for day, periods in by_day.items()]


class OfficeHours(models.Model):
    """One opening period on one weekday; two periods on a day make a lunch break."""

    office = ParentalKey(Office, related_name="opening_hours", on_delete=models.CASCADE)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening period")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                name="office_hours_close_after_opening", condition=Q(closes__gt=models.F("opens"))
            ),
            models.UniqueConstraint(
                fields=["office", "weekday", "opens"], name="office_hours_one_period_per_start"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        super().clean()
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})
