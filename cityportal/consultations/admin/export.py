"""The inbox as CSV (/admin/questions/export.csv), with the inbox's current filters and order.

Needs `consultations.export_questions` (supervisors); anyone else gets 403. Rows are the user's
questions only (filters.scoped_questions). The file is streamed, so a large export neither waits
for nor holds every row; it starts with a byte-order mark so that spreadsheets read Chinese and
Arabic right. Every cell goes through `spreadsheet_safe` (a cell starting with = + - @ would run as
a formula), and the question text is exported with its email addresses, phone numbers and ID-like
numbers masked (the same patterns that keep them out of the FAQ: personal_data.py).
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.http import HttpResponseForbidden, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views import View

from cityportal.core.crypto import mask_document_number
from cityportal.core.i18n import language_codes, language_name
from cityportal.core.models import CalendarYear

# Not appointments-specific: see the report asking to move these helpers to a core module.
from cityportal.core.spreadsheets import spreadsheet_safe
from cityportal.core.working_days import WorkingCalendar, load_working_calendar, working_days_between

from ..models import Question
from ..personal_data import find_personal_data
from .filters import BEIJING, InboxFilterSet, inbox_ordering, ordered, scoped_questions

EXPORT_PERMISSION = "consultations.export_questions"
CHUNK_SIZE = 500


def masked_email(email: str) -> str:
    """“a•••@example.org”: the first character and the domain only."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def masked_text(text: str) -> str:
    """`text` with each email address, phone number and ID-like number masked in place."""
    parts: list[str] = []
    cursor = 0
    for finding in find_personal_data(text):  # in order of appearance, never overlapping
        start = text.find(finding.text, cursor)
        if start < 0:
            continue
        parts.append(text[cursor:start])
        parts.append(
            masked_email(finding.text) if finding.kind == "email" else mask_document_number(finding.text)
        )
        cursor = start + len(finding.text)
    parts.append(text[cursor:])
    return "".join(parts)


def beijing_time(moment: datetime | None) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if moment else ""


def working_days_to_answer(question: Question, calendar: WorkingCalendar) -> int | None:
    """Working days after the day it arrived up to the day of the first answer (same day: 0)."""
    if question.first_answered_at is None:
        return None
    received_on: date = question.received_at.astimezone(BEIJING).date()
    answered_on: date = question.first_answered_at.astimezone(BEIJING).date()
    return working_days_between(received_on, answered_on, calendar)


def header() -> list[str]:
    return [
        gettext("Reference"),
        gettext("Received (Beijing time)"),
        gettext("Language"),
        gettext("Section"),
        gettext("Department"),
        gettext("Status of the question"),
        gettext("Answer due"),
        gettext("First answered (Beijing time)"),
        gettext("Working days to answer"),
        gettext("Question (personal data masked)"),
    ]


def row(question: Question, calendar: WorkingCalendar) -> list[object]:
    served = set(language_codes())
    return [
        question.reference,
        beijing_time(question.received_at),
        language_name(question.language) if question.language in served else question.language,
        question.get_section_display(),
        str(question.department) if question.department_id else gettext("Not assigned"),
        question.get_status_display(),
        question.due_on.isoformat(),
        beijing_time(question.first_answered_at),
        working_days_to_answer(question, calendar),
        masked_text(question.text),
    ]


class Echo:
    """A file-like object that hands back what it is given, for csv.writer in a streamed response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(questions: Iterable[Question], calendar: WorkingCalendar, language: str) -> Iterator[str]:
    writer = csv.writer(Echo())
    with translation.override(language):  # the stream is read after the view has returned
        yield "\ufeff" + writer.writerow([spreadsheet_safe(cell) for cell in header()])
        for question in questions:
            yield writer.writerow([spreadsheet_safe(cell) for cell in row(question, calendar)])


class QuestionExportView(View):
    def get(self, request, *args, **kwargs):
        if not request.user.has_perm(EXPORT_PERMISSION):
            return HttpResponseForbidden(gettext("You do not have permission to export questions."))
        filters = InboxFilterSet(request.GET, request=request)
        questions = ordered(
            filters.filter_queryset(scoped_questions(request.user)).select_related("department"),
            inbox_ordering(filters, request.GET.get("ordering")),
        )
        # Every stored year (a handful of rows), since old questions reach back years.
        calendar = load_working_calendar(CalendarYear.objects.values_list("year", flat=True))
        filename = f"questions-{timezone.now().astimezone(BEIJING).date().isoformat()}.csv"
        return StreamingHttpResponse(
            csv_lines(questions.iterator(chunk_size=CHUNK_SIZE), calendar, translation.get_language()),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
