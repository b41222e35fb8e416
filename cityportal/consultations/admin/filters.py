"""What the questions area lists: the user's questions, the inbox's filters, and the service-level
clock that judges deadlines (shared by the inbox, its counts, the CSV export and the response times).

The deadline badges, the "Overdue"/"Due soon" filters and the counts above the inbox all come from
one `ServiceClock`, so they always agree with `service_level.timeliness`: a question is due soon
from `due_soon_working_days` working days before its due day up to and including that day, and
overdue from the day after.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet

from cityportal.core.i18n import language_codes, language_name
from cityportal.core.sections import Section
from cityportal.core.working_days import WorkingCalendar, add_working_days, load_working_calendar

from ..models import ConsultationSettings, Question, QuestionStatus
from ..permissions import departments_for, questions_for, sees_all_departments
from ..service_level import Timeliness, timeliness

OPEN_STATUSES = (QuestionStatus.NEW, QuestionStatus.ASSIGNED)
ALL = "all"
# Deadlines are Beijing days whatever time zone an admin user has chosen in their account.
BEIJING = ZoneInfo(settings.TIME_ZONE)
TODAY = "today"
OLDER_THAN_DAYS = (3, 7, 30)


def scoped_questions(user) -> QuerySet[Question]:
    """The questions `user` may see (permissions.questions_for), as a queryset without DISTINCT.

    A staff member's scope joins the department's staff list, so questions_for() needs DISTINCT;
    counting or grouping over that join would count a question once per colleague. Filtering by
    primary key instead keeps counts right and lets the listing order by any column."""
    if sees_all_departments(user):
        return questions_for(user)
    return Question.objects.filter(pk__in=questions_for(user).values("pk"))


@dataclass(frozen=True)
class ServiceClock:
    """Today in Beijing, the holiday calendar and the “due soon” setting, loaded once per request."""

    now: datetime
    today: date
    calendar: WorkingCalendar
    due_soon_days: int

    @classmethod
    def load(cls, now: datetime | None = None) -> "ServiceClock":
        now = now or timezone.now()
        today = now.astimezone(BEIJING).date()
        return cls(
            now=now,
            today=today,
            # Due days lie at most a few weeks ahead, and overdue ones need no calendar at all.
            calendar=load_working_calendar({today.year, today.year + 1}),
            due_soon_days=ConsultationSettings.load().due_soon_working_days,
        )

    @cached_property
    def due_soon_before(self) -> date:
        """The first due day that is not yet “due soon” (timeliness() counts working days from today)."""
        return add_working_days(self.today, self.due_soon_days + 1, self.calendar)

    def timeliness(self, question: Question) -> Timeliness | None:
        """Overdue, due soon or on time for an open question; None once it is answered or closed."""
        if question.status not in OPEN_STATUSES:
            return None
        return timeliness(question.due_on, self.today, self.due_soon_days, self.calendar)

    def overdue(self) -> Q:
        return Q(status__in=OPEN_STATUSES, due_on__lt=self.today)

    def due_soon(self) -> Q:
        return Q(status__in=OPEN_STATUSES, due_on__gte=self.today, due_on__lt=self.due_soon_before)

    def start_of_today(self) -> datetime:
        return datetime.combine(self.today, time.min, tzinfo=BEIJING)


def language_choices():
    return [(code, language_name(code)) for code in language_codes()]


class InboxFilterSet(WagtailFilterSet):
    """The inbox's filters (also applied to the CSV export). No status chosen means open questions."""

    status = django_filters.ChoiceFilter(
        label=pgettext_lazy("question", "Status"),
        choices=[*QuestionStatus.choices, (ALL, _("Any status"))],
        empty_label=_("Open (new or assigned)"),
        widget=forms.RadioSelect,
        method="filter_status",
    )
    due = django_filters.ChoiceFilter(
        label=_("Deadline"),
        choices=[(Timeliness.OVERDUE.value, _("Overdue")), (Timeliness.DUE_SOON.value, _("Due soon"))],
        empty_label=_("Any deadline"),
        widget=forms.RadioSelect,
        method="filter_due",
    )
    received = django_filters.ChoiceFilter(
        label=_("Received"),
        choices=[
            (TODAY, _("Today")),
            *[
                (
                    str(days),
                    ngettext_lazy("More than %(days)s day ago", "More than %(days)s days ago", "days")
                    % {"days": days},
                )
                for days in OLDER_THAN_DAYS
            ],
        ],
        empty_label=_("Any time"),
        widget=forms.RadioSelect,
        method="filter_received",
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=language_choices,
        empty_label=_("All languages"),
        widget=forms.RadioSelect,
    )
    section = django_filters.ChoiceFilter(
        label=_("Section"), choices=Section.choices, empty_label=_("All sections"), widget=forms.RadioSelect
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=lambda request: departments_for(request.user),
        empty_label=_("All my departments"),
        null_label=_("No department yet"),
    )

    class Meta:
        model = Question
        fields = ["status", "due", "received", "language", "section", "department"]

    @cached_property
    def clock(self) -> ServiceClock:
        return ServiceClock.load()

    def chosen(self, name: str) -> str:
        """A filter's valid value ("" when not chosen or not valid)."""
        self.is_valid()
        return self.form.cleaned_data.get(name) or ""

    @property
    def chosen_status(self) -> str:
        return self.chosen("status")

    def shows_open_questions(self) -> bool:
        return self.chosen("status") in ("", *OPEN_STATUSES)

    def filter_queryset(self, queryset):
        # An invalid value is left out of cleaned_data: that filter is simply not applied.
        self.is_valid()
        queryset = super().filter_queryset(queryset)
        if not self.chosen("status"):
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset if value == ALL else queryset.filter(status=value)

    def filter_due(self, queryset, name, value):
        if value == Timeliness.OVERDUE:
            return queryset.filter(self.clock.overdue())
        if value == Timeliness.DUE_SOON:
            return queryset.filter(self.clock.due_soon())
        return queryset

    def filter_received(self, queryset, name, value):
        if value == TODAY:
            return queryset.filter(received_at__gte=self.clock.start_of_today())
        return queryset.filter(received_at__lt=self.clock.now - timedelta(days=int(value)))


SORTABLE = ("received_at", "due_on")


def inbox_ordering(filters: InboxFilterSet, requested: str | None) -> str:
    """The ordering asked for (a sortable column, "-" for descending), else the default: open
    questions soonest deadline first, answered and closed ones newest first."""
    if requested and requested.removeprefix("-") in SORTABLE:
        return requested
    return "due_on" if filters.shows_open_questions() else "-received_at"


def ordered(queryset: QuerySet[Question], ordering: str) -> QuerySet[Question]:
    """`ordering` with the primary key as tie-break, so pages and exports have a stable order."""
    return queryset.order_by(ordering, "-pk" if ordering.startswith("-") else "pk")
