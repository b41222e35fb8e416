"""Admin registrations of the procedures app: the guides listing and the editors' upkeep reports."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .admin_views import (
    BrokenLinksReportView,
    GuidesDueReportView,
    PageEditorsMenuItem,
    ProcedureGuidesViewSet,
)

report_urls = [
    path("guides-due-for-review/", GuidesDueReportView.as_view(), name="guides_due"),
    path(
        "guides-due-for-review/results/",
        GuidesDueReportView.as_view(results_only=True),
        name="guides_due_results",
    ),
    path("broken-links/", BrokenLinksReportView.as_view(), name="broken_links"),
    path(
        "broken-links/results/", BrokenLinksReportView.as_view(results_only=True), name="broken_links_results"
    ),
]


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("reports/guides/", include((report_urls, "procedures_reports")))]


@hooks.register("register_reports_menu_item")
def register_guides_due_menu_item():
    return PageEditorsMenuItem(
        _("Guides due for review"),
        reverse("procedures_reports:guides_due"),
        name="guides-due-for-review",
        icon_name="time",
        order=1300,
    )


@hooks.register("register_reports_menu_item")
def register_broken_links_menu_item():
    return PageEditorsMenuItem(
        _("Broken links"),
        reverse("procedures_reports:broken_links"),
        name="broken-links",
        icon_name="warning",
        order=1310,
    )


@hooks.register("register_admin_viewset")
def register_guides_listing():
    return ProcedureGuidesViewSet("procedure_guides")
