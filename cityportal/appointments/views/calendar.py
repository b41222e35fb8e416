"""Steps 3 and 4: a month calendar of the office's days, then the times of one day.

Both are plain GET pages: the ids in the address are the same in every language, so the language
switcher only changes the prefix. Every day says why it cannot be booked when it cannot.
"""

import datetime as dt
import re

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import availability
from ..availability import DayState
from ..models import AppointmentService, ServiceOffice
from ..templatetags.appointments_tags import first_weekday, long_date, month_title
from .common import Problem, active_service, crumbs, language_versions, now, problem_page, service_office

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# The legend explains the states in this order; past days need no explanation.
LEGEND_ORDER = [
    DayState.OPEN,
    DayState.FULL,
    DayState.TOO_LATE,
    DayState.HOLIDAY,
    DayState.CLOSURE,
    DayState.NO_HOURS,
    DayState.NO_SLOTS,
    DayState.UNCONFIRMED_YEAR,
    DayState.NOT_YET_OPEN,
]


def calendar_url(service_id: int, office_id: int, month: dt.date | None = None) -> str:
    url = reverse("appointments:calendar", args=[service_id, office_id])
    return f"{url}?month={month:%Y-%m}" if month else url


def day_url(service_id: int, office_id: int, day: dt.date) -> str:
    return reverse("appointments:day", args=[service_id, office_id, day.isoformat()])


def step_crumbs(service: AppointmentService, link: ServiceOffice):
    """Home, Appointments, the service, the office: the day page's trail."""
    return crumbs(
        (service.name, reverse("appointments:offices", args=[service.pk])),
        (link.office.name, calendar_url(service.pk, link.office_id)),
    )


def parse_month(text: str, first: dt.date, last: dt.date, back: tuple[str, str]) -> dt.date:
    match = MONTH.match(text)
    month = None
    if match and 1 <= int(match[2]) <= 12 and int(match[1]) >= 1:
        month = dt.date(int(match[1]), int(match[2]), 1)
    if month is None:
        raise Problem(
            _("No such month"),
            _("“%(text)s” is not a month. Please choose a month in the calendar.") % {"text": text[:20]},
            status=400,
            links=[back],
        )
    if not first <= month <= last:
        raise Problem(
            _("This month cannot be booked"),
            _("Appointments can be booked from %(first)s to %(last)s.")
            % {"first": month_title(first), "last": month_title(last)},
            links=[back],
        )
    return month


def parse_day(text: str, back: tuple[str, str]) -> dt.date:
    match = DAY.match(text)
    try:
        if match is None:
            raise ValueError(text)
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise Problem(
            _("No such date"),
            _("There is no date “%(text)s”. Please choose a day in the calendar.") % {"text": text[:20]},
            status=400,
            links=[back],
        ) from None


def month(request, service_id, office_id):
    try:
        service = active_service(service_id)
        link = service_office(service, office_id)
        moment = now()
        first, last = availability.bookable_months(service, moment)
        back = (_("Show this month"), calendar_url(service.pk, link.office_id))
        shown = parse_month(request.GET["month"], first, last, back) if "month" in request.GET else first
    except Problem as problem:
        return problem_page(request, problem)
    days = availability.month_availability(service, link.office_id, shown, now=moment)
    previous_month = (shown - dt.timedelta(days=1)).replace(day=1)
    next_month = (shown + dt.timedelta(days=32)).replace(day=1)
    states = {day.state for day in days}
    legend = [next(day for day in days if day.state is state) for state in LEGEND_ORDER if state in states]
    context = {
        "service": service,
        "link": link,
        "office": link.office,
        "month": shown,
        "today": availability.today(moment),
        "weeks": availability.weeks(days, first_weekday()),
        "legend": legend,
        "closures": [day for day in days if day.state is DayState.CLOSURE and day.closure_reasons],
        "unconfirmed_years": sorted(
            {day.date.year for day in days if day.state is DayState.UNCONFIRMED_YEAR}
        ),
        "previous_url": calendar_url(service.pk, link.office_id, previous_month) if shown > first else "",
        "next_url": calendar_url(service.pk, link.office_id, next_month) if shown < last else "",
        "previous_month": previous_month,
        "next_month": next_month,
        "versions": language_versions(
            request,
            "appointments:calendar",
            args=[service.pk, link.office_id],
            query={"month": f"{shown:%Y-%m}"},
        ),
        "crumbs": step_crumbs(service, link)[:-1],
    }
    return render(request, "appointments/calendar.html", context)


def day(request, service_id, office_id, day_text):
    try:
        service = active_service(service_id)
        link = service_office(service, office_id)
        back = (_("Back to the calendar"), calendar_url(service.pk, link.office_id))
        date = parse_day(day_text, back)
        first, last = availability.bookable_months(service, now())
        if not first <= date.replace(day=1) <= last:
            raise Problem(
                _("This day cannot be booked"),
                _("Appointments can be booked from %(first)s to %(last)s.")
                % {"first": month_title(first), "last": month_title(last)},
                links=[back],
            )
    except Problem as problem:
        return problem_page(request, problem)
    return render_day(request, service, link, date)


def render_day(request, service, link, date, *, notice: str = "", status: int = 200):
    """The times of one day; also the answer to a visitor who opens a time that was just filled."""
    moment = now()
    found = availability.day_availability(service, link.office_id, date, now=moment)
    first, last = availability.bookable_months(service, moment)
    month = date.replace(day=1)
    context = {
        "service": service,
        "link": link,
        "office": link.office,
        "day": found,
        "notice": notice,
        "calendar_url": calendar_url(service.pk, link.office_id, month if first <= month <= last else None),
        "versions": language_versions(
            request, "appointments:day", args=[service.pk, link.office_id, date.isoformat()]
        ),
        "crumbs": step_crumbs(service, link),
        "title": long_date(date),
    }
    return render(request, "appointments/day.html", context, status=status)
