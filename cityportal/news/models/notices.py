"""Site-wide notices: a banner for urgent information (weather, closures, outages) in each language."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import TranslatableMixin


class Notice(TranslatableMixin, models.Model):
    """A banner shown on every page of its language between `starts_at` and `ends_at`.

    Written in Chinese and translated with wagtail-localize like a page (one row per language sharing
    a translation key); the times are the same in every language.
    """

    class Kind(models.TextChoices):
        WEATHER = "weather", _("weather")
        CLOSURE = "closure", _("closure")
        OUTAGE = "outage", _("service outage")
        OTHER = "other", _("other")

    class Severity(models.TextChoices):
        INFO = "info", _("information")
        WARNING = "warning", _("warning")
        URGENT = "urgent", _("urgent")

    title = models.CharField(_("title"), max_length=120)
    message = models.TextField(_("message"), max_length=600)
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("more information"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity.choices, default=Severity.WARNING
    )
    starts_at = models.DateTimeField(_("shown from"))
    ends_at = models.DateTimeField(_("shown until"))

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="news_notice_ends_after_start",
                violation_error_message=_("A notice must end after it starts."),
            )
        ]

    def __str__(self):
        return self.title
