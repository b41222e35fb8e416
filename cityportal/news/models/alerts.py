"""Email alerts: visitors subscribed to a section or a policy topic, and what each was sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityportal.core.sections import Section


class AlertSubscription(models.Model):
    """One address subscribed, in one language, to one section or one policy topic.

    Pending until the visitor follows the link in the confirmation email (double opt-in); deleted,
    not flagged, when they unsubscribe. Unconfirmed rows are purged by the retention job.
    """

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("as soon as it is published")
        WEEKLY = "weekly", _("weekly digest")

    email = models.EmailField(_("email address"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    section = models.CharField(_("section"), max_length=20, choices=Section.choices, blank=True)
    topic = models.ForeignKey(
        "news.Topic", verbose_name=_("policy topic"), null=True, blank=True, on_delete=models.CASCADE
    )
    frequency = models.CharField(
        _("how often"), max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    # Confirm and unsubscribe links carry this secret; only its SHA-256 is stored.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert subscription")
        verbose_name_plural = _("alert subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(section="") & Q(topic__isnull=False)) | (~Q(section="") & Q(topic__isnull=True)),
                name="news_alert_section_or_topic",
                violation_error_message=_("Choose either a section or a policy topic."),
            ),
            # Two partial constraints rather than nulls_distinct, which SQLite lacks.
            models.UniqueConstraint(
                fields=["email", "language", "section"],
                condition=Q(topic__isnull=True),
                name="news_alert_once_per_section",
            ),
            models.UniqueConstraint(
                fields=["email", "language", "topic"],
                condition=Q(topic__isnull=False),
                name="news_alert_once_per_topic",
            ),
        ]
        indexes = [models.Index(fields=["language", "section", "confirmed_at"], name="news_alert_audience")]

    def __str__(self):
        return self.email


class AlertDelivery(models.Model):
    """That a subscriber was sent a page: a retried task or a second publish never sends it twice."""

    subscription = models.ForeignKey(AlertSubscription, on_delete=models.CASCADE, related_name="deliveries")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "page"], name="news_alert_sent_once")]

    def __str__(self):
        return f"{self.subscription_id} → {self.page_id}"
