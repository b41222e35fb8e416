"""Admin of the news app: site-wide notices (a translatable snippet) and email alert subscriptions.

Notices are snippets so that wagtail-localize translates them like pages: an editor writes the
Chinese notice, then uses "Translate" on it (docs/alerts-and-notices.md). Subscriptions are a
read-only listing for operators, with counts per language and subject; addresses are masked.
"""

import django_filters
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cityportal.core.admin_platform import ReadOnlyModelViewSet
from cityportal.core.i18n import language_codes, language_name
from cityportal.core.sections import Section

from .alerts import masked_email, subject_name
from .models import AlertSubscription, Notice, Topic

# --- Notices --------------------------------------------------------------------------------------

SCHEDULED, SHOWING, ENDED = "scheduled", "showing", "ended"
NOTICE_STATUSES = [(SCHEDULED, _("scheduled")), (SHOWING, _("showing")), (ENDED, _("ended"))]


def notice_status(notice: Notice, now=None) -> str:
    now = now or timezone.now()
    if notice.starts_at > now:
        return SCHEDULED
    return SHOWING if notice.ends_at > now else ENDED


def notice_status_label(notice: Notice) -> str:
    return str(dict(NOTICE_STATUSES)[notice_status(notice)])


class NoticeFilterSet(WagtailFilterSet):
    """The locale filter is added by WagtailFilterSet; the status is computed against now."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=NOTICE_STATUSES, method="filter_status")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Notice.Kind.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Notice.Severity.choices)

    class Meta:
        model = Notice
        fields = ["status", "kind", "severity"]

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        conditions = {
            SCHEDULED: Q(starts_at__gt=now),
            SHOWING: Q(starts_at__lte=now, ends_at__gt=now),
            ENDED: Q(ends_at__lte=now),
        }
        return queryset.filter(conditions[value]) if value in conditions else queryset


class NoticeViewSet(SnippetViewSet):
    model = Notice
    icon = "warning"
    menu_label = _("Notices")
    url_prefix = "news/notices"
    filterset_class = NoticeFilterSet
    ordering = ["-starts_at"]
    list_per_page = 50
    list_display = [
        "title",
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        Column("severity", label=_("Severity"), accessor="get_severity_display"),
        DateColumn("starts_at", label=_("Shown from")),
        DateColumn("ends_at", label=_("Shown until")),
        Column("status", label=_("Status"), accessor=notice_status_label),
    ]
    panels = [
        FieldPanel("title"),
        FieldPanel("message"),
        FieldPanel("link_page"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("severity")]),
        MultiFieldPanel(
            [FieldPanel("starts_at"), FieldPanel("ends_at")],
            heading=_("When (Beijing time; the same in every language)"),
        ),
    ]


# --- Alert subscriptions --------------------------------------------------------------------------

PENDING, CONFIRMED = "pending", "confirmed"


class AlertSubscriptionFilterSet(WagtailFilterSet):
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=lambda: [(code, language_name(code)) for code in language_codes()]
    )
    section = django_filters.ChoiceFilter(label=_("Section"), choices=Section.choices)
    topic = django_filters.ModelChoiceFilter(label=_("Policy topic"), queryset=Topic.objects.all())
    frequency = django_filters.ChoiceFilter(label=_("How often"), choices=AlertSubscription.Frequency.choices)
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(CONFIRMED, _("confirmed")), (PENDING, _("waiting for confirmation"))],
        method="filter_status",
    )

    class Meta:
        model = AlertSubscription
        fields = ["language", "section", "topic", "frequency", "status"]

    def filter_status(self, queryset, name, value):
        if value in (CONFIRMED, PENDING):
            return queryset.filter(confirmed_at__isnull=value == PENDING)
        return queryset


def subscription_counts() -> list[dict]:
    """Confirmed and pending subscriptions per language and subject, for the listing's summary."""
    rows = (
        AlertSubscription.objects.values("language", "section", "topic")
        .annotate(
            confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
            pending=Count("pk", filter=Q(confirmed_at__isnull=True)),
        )
        .order_by("language", "section", "topic")
    )
    topics = {topic.pk: topic for topic in Topic.objects.all()}
    return [
        {
            "language": language_name(row["language"])
            if row["language"] in language_codes()
            else row["language"],
            "subject": str(Section(row["section"]).label)
            if row["section"]
            else str(topics.get(row["topic"], "")),
            "confirmed": row["confirmed"],
            "pending": row["pending"],
        }
        for row in rows
    ]


class AlertSubscriptionIndexView(IndexView):
    template_name = "news/alerts/admin_index.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("topic")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = subscription_counts()
        return context


class AlertSubscriptionViewSet(ReadOnlyModelViewSet):
    """A listing only: no inspect view either, since it would show the whole address."""

    model = AlertSubscription
    icon = "mail"
    menu_label = _("Email alert subscriptions")
    name = "alert_subscription"
    url_prefix = "news/alert-subscriptions"
    index_view_class = AlertSubscriptionIndexView
    filterset_class = AlertSubscriptionFilterSet
    inspect_view_enabled = False
    list_per_page = 50
    ordering = ["-created_at"]
    list_display = [
        Column("email", label=_("Email address"), accessor=lambda row: masked_email(row.email)),
        Column("language", label=_("Language"), accessor="get_language_display"),
        Column("subject", label=_("Subject"), accessor=subject_name),
        Column("frequency", label=_("How often"), accessor="get_frequency_display"),
        DateColumn("created_at", label=_("Requested")),
        DateColumn("confirmed_at", label=_("Confirmed")),
        DateColumn("last_digest_at", label=_("Last digest")),
    ]

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "inspect"]


class NoticesAndAlertsGroup(ViewSetGroup):
    menu_label = _("Notices and alerts")
    menu_icon = "warning"
    items = (NoticeViewSet, AlertSubscriptionViewSet)


# A snippet registration, so that Notice is a snippet wagtail-localize can translate.
register_snippet(NoticesAndAlertsGroup)
