"""Searches that found nothing (Search → Searches that found nothing): what visitors looked for and
the portal could not answer, per language, most searched first.

Editors read it to write the missing guide, add a synonym or promote a page, then delete the rows
they have handled: one at a time, or every row the current filters list ("Delete listed"). The
listing downloads as CSV (UTF-8 with a byte-order mark, so spreadsheets read Chinese and Arabic
right; every cell through `spreadsheet_safe`) or XLSX, with the listing's filters.

The queries were masked when stored (services.mask_query: digits, email addresses), and rows not
searched for RETENTION["zero_result_searches"] are deleted by the daily purge (search/privacy.py).
Seeing the report needs `search.view_zeroresultquery`; deleting needs `search.delete_zeroresultquery`.
"""

from datetime import datetime

import django_filters
from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from cityportal.core.spreadsheets import spreadsheet_safe

from ..models import ZeroResultQuery
from .synonyms import shown_language

LISTING_PARAMETERS = ("language", "searched_from", "searched_to", "q")  # what "Delete listed" keeps


class ZeroResultFilterSet(WagtailFilterSet):
    language = django_filters.ChoiceFilter(label=_("Language"), choices=settings.LANGUAGES)
    searched = django_filters.DateFromToRangeFilter(
        label=_("Searched between"),
        method="searched_between",
        widget=DateRangePickerWidget,
        help_text=_("Searches made at least once in these days (the count covers every day)."),
    )

    class Meta:
        model = ZeroResultQuery
        fields = ["language"]

    def searched_between(self, queryset: QuerySet, name: str, value: slice) -> QuerySet:
        # A row covers first_seen..last_seen: it belongs to the range when the two overlap.
        if value.start:
            queryset = queryset.filter(last_seen__gte=value.start)
        if value.stop:
            queryset = queryset.filter(first_seen__lte=value.stop)
        return queryset


def listed_searches(request) -> QuerySet[ZeroResultQuery]:
    """The rows the listing shows for the request's filters and search box, on every page."""
    filters = ZeroResultFilterSet(request.GET, queryset=ZeroResultQuery.objects.all(), request=request)
    queryset = filters.qs if filters.is_valid() else ZeroResultQuery.objects.none()
    query = request.GET.get("q", "").strip()
    if query:
        queryset = queryset.filter(query__icontains=query)
    return queryset


def beijing_text(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def beijing_naive(moment: datetime | None) -> datetime | None:
    """For XLSX, which has no time zones: the Beijing wall-clock time a reader expects."""
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0) if moment else None


class ZeroResultIndexView(generic.IndexView):
    list_export = ["query", "language", "count", "first_seen", "last_seen"]
    export_headings = {
        "query": _("Query (digits and email addresses masked)"),
        "language": _("Language"),
        "count": _("Times searched"),
        "first_seen": _("First searched (Beijing time)"),
        "last_seen": _("Last searched (Beijing time)"),
    }
    custom_field_preprocess = {
        "first_seen": {"csv": beijing_text, "xlsx": beijing_naive},
        "last_seen": {"csv": beijing_text, "xlsx": beijing_naive},
    }

    def get_filename(self) -> str:
        return f"searches-that-found-nothing-{timezone.localdate().isoformat()}"

    def to_row_dict(self, item: ZeroResultQuery) -> dict:
        return {
            "query": item.query,
            "language": shown_language(item),
            "count": item.count,
            "first_seen": item.first_seen,
            "last_seen": item.last_seen,
        }

    def write_csv_row(self, writer, row_dict):
        # A masked query is still what a visitor typed: "=HYPERLINK(…)" must stay text.
        return writer.writerow(
            {
                field: spreadsheet_safe(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )

    def stream_csv(self, queryset):
        # The response is read after the view has returned, when the admin's language is no
        # longer active: the headings are written in the language of the request that asked.
        return self.csv_lines(queryset, translation.get_language())

    def csv_lines(self, queryset, language: str):
        with translation.override(language):
            for number, line in enumerate(super().stream_csv(queryset)):
                yield "\ufeff".encode() + line if number == 0 else line  # Wagtail's writer gives bytes

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons.copy()
        if self.user_has_permission("delete"):
            kept = self.request.GET.copy()
            for parameter in list(kept):
                if parameter not in LISTING_PARAMETERS:
                    del kept[parameter]
            url = reverse("search_zero_results:delete_listed")
            buttons.append(
                Button(
                    _("Delete listed"),
                    url=f"{url}?{kept.urlencode()}" if kept else url,
                    icon_name="bin",
                    priority=110,
                )
            )
        return buttons


class DeleteListedView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Delete every search the listing shows with the same filters, after a confirmation."""

    model = ZeroResultQuery
    permission_required = "delete"
    template_name = "search/admin/zero_results_delete_listed.html"
    page_title = _("Delete listed searches")
    header_icon = "bin"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        searches = listed_searches(self.request)
        context["count"] = searches.count()
        context["examples"] = list(searches.order_by("-count", "-last_seen")[:10])
        context["cancel_url"] = self.index_url()
        return context

    def index_url(self) -> str:
        query = self.request.GET.urlencode()
        index = reverse("search_zero_results:index")
        return f"{index}?{query}" if query else index

    def post(self, request, *args, **kwargs):
        deleted, _by_model = listed_searches(request).delete()
        messages.success(
            request,
            ngettext(
                "Deleted %(count)d search that found nothing.",
                "Deleted %(count)d searches that found nothing.",
                deleted,
            )
            % {"count": deleted},
        )
        return redirect(self.index_url())


class ZeroResultQueryViewSet(ModelViewSet):
    model = ZeroResultQuery
    icon = "search"
    menu_label = _("Searches that found nothing")
    name = "search_zero_results"
    url_prefix = "search/found-nothing"
    index_view_class = ZeroResultIndexView
    filterset_class = ZeroResultFilterSet
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["query"]
    search_backend_name = None  # a plain database filter
    list_per_page = 50
    ordering = ["-count", "-last_seen"]
    list_display = [
        "query",  # the title column, carrying the row's Delete button
        Column("language", label=_("Language"), accessor=shown_language, sort_key="language"),
        Column("count", label=_("Times searched"), sort_key="count"),
        DateColumn("first_seen", label=_("First searched"), sort_key="first_seen"),
        DateColumn("last_seen", label=_("Last searched"), sort_key="last_seen"),
    ]
    # Rows are written by searches only: the listing, the delete views and the export.
    permission_actions = ("view", "delete")

    def get_common_view_kwargs(self, **kwargs):
        unrouted = dict.fromkeys(["add_url_name", "edit_url_name", "history_url_name", "usage_url_name"])
        return super().get_common_view_kwargs(**{**unrouted, **kwargs})

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"delete/<{self.pk_path_converter}:pk>/", self.delete_view, name="delete"),
            path("delete-listed/", self.delete_listed_view, name="delete_listed"),
        ]

    @cached_property
    def delete_listed_view(self):
        return DeleteListedView.as_view()

    def get_permissions_to_register(self):
        codenames = [f"{action}_{self.model_opts.model_name}" for action in self.permission_actions]
        return super().get_permissions_to_register().filter(codename__in=codenames)
