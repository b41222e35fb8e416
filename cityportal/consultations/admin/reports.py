"""Response times per department (/admin/questions/response-times/), for a month or a range of days.

Per department, and a row for questions not yet given to one:
- received: questions that arrived in the period (Beijing days);
- answered: questions whose first answer was sent in the period; the median time to that answer
  (in hours, and in working days on the holiday calendar) and the share answered by the due day
  are over these (service_level.response_times), as on the public service figures;
- open now and overdue now: today's state, whatever the period.

Supervisors see every department, staff the questions of their own (filters.scoped_questions).
Needs `consultations.view_question`. The default period is the current month and the two before it.
"""

import calendar as month_calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from babel.dates import format_skeleton
from babel.numbers import format_percent
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from cityportal.core.i18n import BABEL_LOCALES
from cityportal.core.models import Department
from cityportal.core.templatetags.core_tags import format_date, format_number
from cityportal.core.working_days import load_working_calendar, working_days_between

from .. import service_level
from ..models import Question
from ..permissions import departments_for, sees_all_departments
from ..service_level import AnsweredQuestion, ResponseTimes
from .filters import BEIJING, OPEN_STATUSES, ServiceClock, scoped_questions

MONTHS_TO_CHOOSE_FROM = 24
LONGEST_PERIOD_DAYS = 3 * 366


def first_of_month(day: date, months_back: int = 0) -> date:
    month_index = day.year * 12 + day.month - 1 - months_back
    return date(month_index // 12, month_index % 12 + 1, 1)


def last_of_month(first: date) -> date:
    return first.replace(day=month_calendar.monthrange(first.year, first.month)[1])


def babel_locale() -> str:
    return BABEL_LOCALES.get(get_language() or "en", "en")


def format_month(first: date) -> str:
    return format_skeleton("yMMMM", first, locale=babel_locale())


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def begins_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=BEIJING)

    @property
    def ends_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=BEIJING)


def default_period(today: date) -> Period:
    return Period(first_of_month(today, 2), today)


class PeriodForm(forms.Form):
    """A month, or a range of days; neither means the default period. Sent with GET."""

    month = forms.ChoiceField(label=_("Month"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        months = [first_of_month(today, back) for back in range(MONTHS_TO_CHOOSE_FROM)]
        self.fields["month"].choices = [("", _("Choose a month, or give the days below"))] + [
            (first.strftime("%Y-%m"), format_month(first)) for first in months
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error(
                "end", ValidationError(_("The end must not be before the start."), code="backwards")
            )
        elif start and (end or self.today) - start > timedelta(days=LONGEST_PERIOD_DAYS):
            self.add_error(
                "start", ValidationError(_("Choose a period of three years at most."), code="long")
            )
        return data

    def period(self) -> Period:
        """The chosen period (the default one when the form is empty or invalid)."""
        if not self.is_bound or not self.is_valid():
            return default_period(self.today)
        data = self.cleaned_data
        if data["month"]:
            first = date.fromisoformat(data["month"] + "-01")
            return Period(first, last_of_month(first))
        if data["start"]:
            return Period(data["start"], data["end"] or self.today)
        if data["end"]:
            return Period(first_of_month(data["end"], 2), data["end"])
        return default_period(self.today)


@dataclass(frozen=True)
class DepartmentFigures:
    name: str
    received: int
    times: ResponseTimes
    median_working_days: float | None
    open_now: int
    overdue_now: int

    @property
    def median_hours(self) -> str:
        return "—" if self.times.median_hours is None else format_number(round(self.times.median_hours, 1))

    @property
    def median_days(self) -> str:
        return "—" if self.median_working_days is None else format_number(round(self.median_working_days, 1))

    @property
    def within_deadline(self) -> str:
        share = self.times.share_within_deadline
        return "—" if share is None else format_percent(share, locale=babel_locale())


def figures_for(name: str, received: int, answered: list[AnsweredQuestion], calendar, open_now, overdue_now):
    days = [
        working_days_between(item.received_at.astimezone(BEIJING).date(), item.answered_on, calendar)
        for item in answered
    ]
    return DepartmentFigures(
        name=name,
        received=received,
        times=service_level.response_times(answered),
        median_working_days=median(days) if days else None,
        open_now=open_now,
        overdue_now=overdue_now,
    )


def department_figures(
    user, period: Period, clock: ServiceClock
) -> tuple[list[DepartmentFigures], DepartmentFigures]:
    """One row per department in the user's scope (and for questions with none), and the total."""
    scoped = scoped_questions(user).order_by()
    counts = {
        row["department"]: row
        for row in scoped.values("department").annotate(
            received=Count(
                "pk", filter=Q(received_at__gte=period.begins_at, received_at__lt=period.ends_before)
            ),
            open_now=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue_now=Count("pk", filter=clock.overdue()),
        )
    }
    answered: dict[int | None, list[AnsweredQuestion]] = defaultdict(list)
    rows = scoped.filter(
        first_answered_at__gte=period.begins_at, first_answered_at__lt=period.ends_before
    ).values_list("department", "received_at", "first_answered_at", "due_on")
    for department_id, received_at, answered_at, due_on in rows:
        answered[department_id].append(
            AnsweredQuestion(received_at, answered_at, answered_at.astimezone(BEIJING).date(), due_on)
        )
    first_year = min(
        (item.received_at.astimezone(BEIJING).year for items in answered.values() for item in items),
        default=period.start.year,
    )
    calendar = load_working_calendar(range(first_year, period.end.year + 1))

    active = {pk for pk, row in counts.items() if row["received"] or row["open_now"]} | set(answered)
    # The user's departments that have answering staff, and any other with figures in their scope
    # (a question given to a staff member personally may belong to a department not theirs).
    departments = Department.objects.filter(
        Q(consultation_staff__isnull=False, pk__in=departments_for(user).values("pk"))
        | Q(pk__in=[pk for pk in active if pk is not None])
    ).distinct()
    shown = sorted(departments, key=lambda department: str(department).casefold())
    keys: list[int | None] = [department.pk for department in shown]
    names = {department.pk: str(department) for department in shown}
    if None in active or sees_all_departments(user):
        keys.append(None)
        names[None] = gettext("Not given to a department yet")

    def figures(key, name):
        count = counts.get(key, {})
        return figures_for(
            name,
            count.get("received", 0),
            answered.get(key, []),
            calendar,
            count.get("open_now", 0),
            count.get("overdue_now", 0),
        )

    table = [figures(key, names[key]) for key in keys]
    total = figures_for(
        gettext("Total"),
        sum(row["received"] for row in counts.values()),
        [item for items in answered.values() for item in items],
        calendar,
        sum(row["open_now"] for row in counts.values()),
        sum(row["overdue_now"] for row in counts.values()),
    )
    return table, total


class ResponseTimesView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    model = Question
    permission_required = "view"
    template_name = "consultations/admin/response_times.html"
    page_title = _("Response times")
    header_icon = "time"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("consultations_admin:inbox"), "label": gettext("Questions")},
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def clock(self) -> ServiceClock:
        return ServiceClock.load()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PeriodForm(self.request.GET or None, today=self.clock.today)
        period = form.period()
        rows, total = department_figures(self.request.user, period, self.clock)
        context.update(
            form=form,
            period=period,
            period_label=gettext("%(start)s to %(end)s")
            % {"start": format_date(period.start, "long"), "end": format_date(period.end, "long")},
            rows=rows,
            total=total,
            sees_all=sees_all_departments(self.request.user),
        )
        return context


response_times = ResponseTimesView.as_view()
