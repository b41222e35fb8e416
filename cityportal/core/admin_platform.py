"""Background work in the Wagtail admin: recent scheduled job runs and undelivered email.

Registered from core/wagtail_hooks.py, under the "Platform" menu. Both listings are read-only (no add,
edit or delete views are routed). Seeing them needs `core.view_scheduledjobrun` /
`core.view_outboundemail`; retrying an email needs `core.change_outboundemail`.
"""

import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from cityportal.core.admin_views import ConfirmObjectActionView
from cityportal.core.models import OutboundEmail, ScheduledJobRun
from cityportal.core.services.messaging import retry_email


class ReadOnlyModelViewSet(ModelViewSet):
    """A listing and an inspect page; no add, edit, copy or delete views."""

    inspect_view_enabled = True
    copy_view_enabled = False
    permission_actions = ("view",)

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs.update(add_url_name=None, edit_url_name=None, delete_url_name=None)
        return view_kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{self.pk_path_converter}:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_permissions_to_register(self):
        codenames = [f"{action}_{self.model_opts.model_name}" for action in self.permission_actions]
        return super().get_permissions_to_register().filter(codename__in=codenames)


class ScheduledJobRunViewSet(ReadOnlyModelViewSet):
    model = ScheduledJobRun
    icon = "time"
    menu_label = _("Scheduled job runs")
    name = "scheduled_job_run"
    url_prefix = "platform/job-runs"
    list_filter = ["job", "succeeded"]
    list_per_page = 50
    ordering = ["-tick", "job"]
    list_display = [
        "job",  # the title column, linking to the inspect view
        DateColumn("tick", label=_("Tick")),
        BooleanColumn("succeeded", label=_("Succeeded")),
        DateColumn("finished_at", label=_("Finished")),
        Column("summary", label=_("Summary")),
    ]


class UndeliveredEmailFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            (status.value, status.label)
            for status in (
                OutboundEmail.Status.QUEUED,
                OutboundEmail.Status.RETRYING,
                OutboundEmail.Status.FAILED,
            )
        ],
    )

    class Meta:
        model = OutboundEmail
        fields = ["status"]


class UndeliveredEmailIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().exclude(status=OutboundEmail.Status.SENT)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.user_has_permission("change"):
            buttons.append(
                MenuItem(
                    _("Retry now"),
                    url=reverse("outbound_email:retry", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=5,
                )
            )
        return buttons


class RetryEmailView(ConfirmObjectActionView):
    """Asks for confirmation, and on POST starts the message's attempts over."""

    model = OutboundEmail
    template_name = "core/admin/outbound_email_retry.html"
    page_title = _("Retry email")
    header_icon = "mail"
    index_url_name = "outbound_email:index"
    log_title = _("Retried")

    def perform(self, email):
        return retry_email(email)

    def success_message(self, email) -> str:
        return gettext("“%(subject)s” will be sent again shortly.") % {"subject": email.subject}


class UndeliveredEmailViewSet(ReadOnlyModelViewSet):
    model = OutboundEmail
    icon = "mail"
    menu_label = _("Undelivered email")
    name = "outbound_email"
    url_prefix = "platform/undelivered-email"
    index_view_class = UndeliveredEmailIndexView
    filterset_class = UndeliveredEmailFilterSet
    permission_actions = ("view", "change")
    list_per_page = 50
    ordering = ["-created_at"]
    list_display = [
        "subject",  # the title column, with the row's "Retry now" and "Inspect" buttons
        Column("to", label=_("Recipients")),
        Column("purpose", label=_("Purpose")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("attempts", label=_("Attempts")),
        DateColumn("next_attempt_at", label=_("Next attempt")),
        Column("last_error", label=_("Last error")),
    ]
    inspect_view_fields_exclude = ["body_html", "attachments"]

    @cached_property
    def retry_view(self):
        return RetryEmailView.as_view()

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("retry/<int:pk>/", self.retry_view, name="retry")]


class PlatformViewSetGroup(ModelViewSetGroup):
    menu_label = _("Platform")
    menu_icon = "cogs"
    menu_order = 860
    items = (ScheduledJobRunViewSet, UndeliveredEmailViewSet)


platform_viewsets = PlatformViewSetGroup()
