"""The staff inbox (/admin/questions/): the questions a user may answer, soonest deadline first.

Seeing the inbox needs `consultations.view_question` (others get the admin's “permission denied”);
which questions it lists is permissions.questions_for(): a staff member's departments and the
questions given to them personally, every question for supervisors. Filters (filters.py) default to
the open questions; the counts above the list (open, due soon, overdue) cover the user's whole scope
and link to the matching filter, so they work without JavaScript too.

The list is Wagtail's generic listing. Its filters refresh the results in place by fetching the same
URL with `X-Requested-With: XMLHttpRequest` (the admin's fetch header), answered with the results
fragment only; every other request gets the whole page.
"""

from babel.dates import format_time as babel_format_time
from django.db.models import Count, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import HeaderButton

from cityportal.core.i18n import BABEL_LOCALES, bcp47, is_rtl, language_name
from cityportal.core.templatetags.core_tags import format_date, format_number

from ..models import Question
from ..service_level import Timeliness
from .export import QuestionExportView
from .filters import BEIJING, OPEN_STATUSES, InboxFilterSet, inbox_ordering, ordered, scoped_questions

EXPORT_PERMISSION = "consultations.export_questions"
TEXT_PREVIEW_LENGTH = 90
AJAX_HEADER = "x-requested-with"


class QuestionTextColumn(Column):
    """The start of the question, marked with its language and direction (escaped by the template)."""

    cell_template_name = "consultations/admin/includes/inbox_text_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context.update(
            preview=Truncator(" ".join(instance.text.split())).chars(TEXT_PREVIEW_LENGTH),
            lang=bcp47(instance.language),
            dir="rtl" if is_rtl(instance.language) else "ltr",
        )
        return context


class DueColumn(Column):
    """The due day (Beijing) with an “Overdue” or “Due soon” badge while the question is open."""

    cell_template_name = "consultations/admin/includes/inbox_due_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context.update(
            due=format_date(instance.due_on, "medium"),
            overdue=instance.timeliness == Timeliness.OVERDUE,
            due_soon=instance.timeliness == Timeliness.DUE_SOON,
        )
        return context


def received_display(moment) -> str:
    """“Nov 26, 2026 9:48 PM” in Beijing time, the way of the admin's language (a four-digit year)."""
    time_of_day = babel_format_time(
        moment, "short", tzinfo=BEIJING, locale=BABEL_LOCALES.get(get_language(), "en")
    )
    return f"{format_date(moment, 'medium')} {time_of_day}"


def department_name(question: Question) -> str:
    return str(question.department) if question.department_id else gettext("Not assigned")


def assignee_name(question: Question) -> str:
    return get_user_display_name(question.assignee) if question.assignee_id else ""


class InboxView(PermissionCheckedMixin, BaseListingView):
    model = Question
    permission_required = "view"
    template_name = "consultations/admin/inbox.html"
    results_template_name = "consultations/admin/includes/inbox_results.html"
    page_title = _("Questions")
    header_icon = "mail"
    index_url_name = "consultations_admin:inbox"
    filterset_class = InboxFilterSet
    paginate_by = 50
    verbose_name_plural = _("questions")
    columns = [
        TitleColumn("reference", label=_("Reference"), url_name="consultations_admin:detail"),
        QuestionTextColumn("text", label=_("Question")),
        Column("language", label=_("Language"), accessor=lambda question: language_name(question.language)),
        Column("section", label=_("Section"), accessor="get_section_display"),
        Column("department", label=_("Department"), accessor=department_name),
        Column("assignee", label=_("Assigned to"), accessor=assignee_name),
        Column(
            "received_at",
            label=_("Received"),
            accessor=lambda question: received_display(question.received_at),
            sort_key="received_at",
        ),
        DueColumn("due_on", label=_("Answer due"), sort_key="due_on"),
        Column("status", label=pgettext_lazy("question", "Status"), accessor="get_status_display"),
    ]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # The admin's listing script fetches the same URL for the results alone (see the docstring).
        self.results_only = request.headers.get(AJAX_HEADER) == "XMLHttpRequest"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ["X-Requested-With"])
        return response

    def get_index_results_url(self):
        return self.get_index_url()

    def get_base_queryset(self):
        return scoped_questions(self.request.user).select_related("department", "assignee")

    def filter_queryset(self, queryset):
        return self.filters.filter_queryset(queryset)

    def get_ordering(self):
        return inbox_ordering(self.filters, self.request.GET.get("ordering"))

    def order_queryset(self, queryset):
        return ordered(queryset, self.ordering)

    @cached_property
    def clock(self):
        return self.filters.clock

    def get_table(self, object_list):
        rows = list(object_list)
        for question in rows:  # read by DueColumn
            question.timeliness = self.clock.timeliness(question)
        return super().get_table(rows)

    def get_table_kwargs(self):
        return super().get_table_kwargs() | {"caption": gettext("Questions, with their deadlines")}

    def counts(self) -> dict[str, int]:
        """Open, due soon and overdue questions in the user's whole scope, whatever the filters."""
        return scoped_questions(self.request.user).aggregate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            due_soon=Count("pk", filter=self.clock.due_soon()),
            overdue=Count("pk", filter=self.clock.overdue()),
        )

    def export_url(self) -> str:
        """The CSV of what the inbox shows: the chosen filters and order, without the page number."""
        query = QueryDict(mutable=True)
        for name, values in self.request.GET.lists():
            if name not in ("p", "_w_filter_fragment"):
                query.setlist(name, [value for value in values if value])
        url = reverse("consultations_admin:export")
        encoded = query.urlencode()
        return f"{url}?{encoded}" if encoded else url

    def get_header_buttons(self):
        buttons = [
            HeaderButton(
                gettext("Response times"),
                url=reverse("consultations_admin:response_times"),
                icon_name="time",
                priority=20,
            )
        ]
        if self.request.user.has_perm(EXPORT_PERMISSION):
            buttons.append(
                HeaderButton(
                    gettext("Download CSV"), url=self.export_url(), icon_name="download", priority=10
                )
            )
        return sorted(buttons)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.results_only:
            inbox = reverse("consultations_admin:inbox")
            counts = self.counts()
            context["counts"] = [
                (
                    pgettext("questions", "Open: %(count)s") % {"count": format_number(counts["open"])},
                    inbox,
                ),
                (
                    gettext("Due soon: %(count)s") % {"count": format_number(counts["due_soon"])},
                    f"{inbox}?due={Timeliness.DUE_SOON}",
                ),
                (
                    gettext("Overdue: %(count)s") % {"count": format_number(counts["overdue"])},
                    f"{inbox}?due={Timeliness.OVERDUE}",
                ),
            ]
        return context


inbox = InboxView.as_view()
export_csv = QuestionExportView.as_view()
