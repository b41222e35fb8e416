"""The guides in the admin: a flat listing of all guides (menu › Procedure guides), and the editors'
reports (menu › Reports): guides due for review, and broken outbound links.

The reports need the right to edit pages; the first lists only the guides the user may edit. Both can
be downloaded as CSV or XLSX (Wagtail's ReportView).
"""

import django_filters
from django import forms
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Page
from wagtail.permissions import policy_registry

from cityportal.core.models import Department, SectionTag
from cityportal.core.templatetags.core_tags import format_date, format_datetime

from .models import LinkCheckResult, LinkProblem, ProcedurePage
from .upkeep import SOON_DAYS, due_for_review, owned_by

GUIDES_SHOWN_PER_LINK = 10


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


class PageEditorsReportView(ReportView):
    """A report for users who may edit pages ("add" lets them edit their own)."""

    permission_required = "change"

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(Page)


# All guides


class ProcedureGuidesFilterSet(PageFilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("Responsible department"), queryset=Department.objects.all()
    )
    sections = django_filters.ModelMultipleChoiceFilter(
        label=_("Sections"), queryset=SectionTag.objects.all(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ProcedurePage
        fields = []


class PageEditorsMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(Page).user_has_permission(request.user, "change")


class ProcedureGuidesViewSet(PageListingViewSet):
    """Every guide in one flat list, filterable by language, department and section."""

    model = ProcedurePage
    icon = "doc-full-inverse"
    menu_label = _("Procedure guides")
    menu_order = 150
    add_to_admin_menu = True
    filterset_class = ProcedureGuidesFilterSet
    columns = [
        *PageListingViewSet.columns,
        Column("item_code", label=_("Item code"), sort_key="item_code"),
        Column("department", label=_("Responsible department")),
    ]

    # Shown only to page editors: appointment staff, who have no page rights, never see it.
    menu_item_class = PageEditorsMenuItem


# Guides due for review


class DueWindowFilter(django_filters.ChoiceFilter):
    """Due today or earlier by default; optionally also within the next SOON_DAYS days."""

    SOON = "soon"

    def filter(self, qs, value):
        # Called for the empty (default) choice too, which narrows the report to today.
        if value == self.SOON:
            return qs
        return qs.filter(review_due__lte=timezone.localdate())


class OwnerDepartmentFilter(django_filters.ModelChoiceFilter):
    def filter(self, qs, value):
        return owned_by(qs, value) if value else qs


class GuidesDueFilterSet(WagtailFilterSet):
    due = DueWindowFilter(
        label=_("Due"),
        choices=[(DueWindowFilter.SOON, _("Also those due within 30 days"))],
        empty_label=_("Today or overdue"),
        widget=forms.RadioSelect,
    )
    owner = OwnerDepartmentFilter(label=_("Owner department"), queryset=Department.objects.all())

    class Meta:
        model = ProcedurePage
        fields = []

    def _add_locale_filter(self):
        pass  # the report lists source (Chinese) guides only: no language to choose


class GuidesDueReportView(PageEditorsReportView):
    page_title = _("Guides due for review")
    verbose_name = _("guide")
    verbose_name_plural = _("guides")
    header_icon = "time"
    index_url_name = "procedures_reports:guides_due"
    index_results_url_name = "procedures_reports:guides_due_results"
    filterset_class = GuidesDueFilterSet
    default_ordering = "review_due"
    export_filename = "guides-due-for-review"
    columns = [
        TitleColumn("title", label=_("Guide"), sort_key="sort_title", get_url=edit_url),
        Column("item_code", label=_("Item code"), sort_key="item_code"),
        Column(
            "owner",
            label=_("Owner department"),
            accessor=lambda guide: guide.owner_department or gettext("None: set one in the Settings tab"),
            sort_key="owner_department_code",
        ),
        Column(
            "last_reviewed",
            label=_("Last reviewed"),
            accessor=lambda guide: format_date(guide.last_reviewed, "medium"),
            sort_key="last_reviewed",
        ),
        Column(
            "review_due",
            label=_("Review due"),
            accessor=lambda guide: format_date(guide.review_due, "medium"),
            sort_key="review_due",
        ),
    ]
    list_export = ["title", "item_code", "owner_department", "last_reviewed", "review_due", "edit_url"]
    export_headings = {
        "title": _("Guide"),
        "item_code": _("Item code"),
        "owner_department": _("Owner department"),
        "last_reviewed": _("Last reviewed"),
        "review_due": _("Review due"),
        "edit_url": _("Edit"),
    }

    @cached_property
    def no_results_message(self):
        return gettext("No guide is due for review.")

    def get_base_queryset(self):
        editable = self.permission_policy.instances_user_has_permission_for(self.request.user, "change")
        return (
            due_for_review(timezone.localdate(), within_days=SOON_DAYS)
            .filter(pk__in=editable.values("pk"))
            .defer_streamfields()
        )

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        # The title breaks ties, so guides due on the same day come in a stable order.
        return queryset.order_by(*queryset.query.order_by, "sort_title", "pk")

    def to_row_dict(self, item):
        return {
            "title": item.title,
            "item_code": item.item_code,
            "owner_department": item.owner_department or "",
            "last_reviewed": item.last_reviewed,
            "review_due": item.review_due,
            "edit_url": self.request.build_absolute_uri(edit_url(item)),
        }


# Broken links


class BrokenLinksFilterSet(WagtailFilterSet):
    problem = django_filters.ChoiceFilter(
        label=_("Problem"),
        choices=[choice for choice in LinkProblem.choices if choice[0]],
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = LinkCheckResult
        fields = ["problem"]


class UsedInColumn(Column):
    """The guides (any language) and departments that show the address, each linked to its editor."""

    cell_template_name = "procedures/admin/link_used_in_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        guides = list(instance.guides.all())
        context["guides"] = [(guide, edit_url(guide)) for guide in guides[:GUIDES_SHOWN_PER_LINK]]
        context["more_guides"] = max(0, len(guides) - GUIDES_SHOWN_PER_LINK)
        context["departments"] = [
            (department, reverse("wagtailsnippets_core_department:edit", args=[department.pk]))
            for department in instance.departments.all()
        ]
        return context


class BrokenLinksReportView(PageEditorsReportView):
    page_title = _("Broken links")
    verbose_name = _("broken link")
    verbose_name_plural = _("broken links")
    header_icon = "warning"
    index_url_name = "procedures_reports:broken_links"
    index_results_url_name = "procedures_reports:broken_links_results"
    filterset_class = BrokenLinksFilterSet
    default_ordering = "-first_broken_at"
    export_filename = "broken-links"
    columns = [
        TitleColumn(
            "url",
            label=_("Address"),
            sort_key="url",
            get_url=lambda result: result.url,
            link_attrs={"rel": "noreferrer", "target": "_blank"},
        ),
        Column("problem", label=_("Problem"), accessor="problem_display", sort_key="problem"),
        Column(
            "first_broken_at",
            label=_("Broken since"),
            accessor=lambda result: format_datetime(result.first_broken_at, "medium"),
            sort_key="first_broken_at",
        ),
        NumberColumn(
            "consecutive_failures", label=_("Failed checks in a row"), sort_key="consecutive_failures"
        ),
        UsedInColumn("used_in", label=_("Used in")),
    ]
    list_export = [
        "url",
        "problem_display",
        "detail",
        "first_broken_at",
        "checked_at",
        "consecutive_failures",
        "used_in",
    ]
    export_headings = {
        "url": _("Address"),
        "problem_display": _("Problem"),
        "detail": _("Technical detail"),
        "first_broken_at": _("Broken since"),
        "checked_at": _("Last checked"),
        "consecutive_failures": _("Failed checks in a row"),
        "used_in": _("Used in"),
    }

    @cached_property
    def no_results_message(self):
        return gettext("No broken link was found by the last check.")

    def get_base_queryset(self):
        guides = ProcedurePage.objects.select_related("locale").only("pk", "title", "item_code", "locale")
        return LinkCheckResult.objects.filter(first_broken_at__isnull=False).prefetch_related(
            Prefetch("guides", queryset=guides.order_by("locale__language_code", "pk")), "departments"
        )

    def to_row_dict(self, item):
        guides = [f"{guide.item_code} ({guide.locale.language_code})" for guide in item.guides.all()]
        return {
            "url": item.url,
            "problem_display": item.problem_display(),
            "detail": item.detail,
            "first_broken_at": item.first_broken_at,
            "checked_at": item.checked_at,
            "consecutive_failures": item.consecutive_failures,
            "used_in": ", ".join(guides + [department.code for department in item.departments.all()]),
        }
