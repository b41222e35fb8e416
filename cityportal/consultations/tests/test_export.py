"""The inbox as CSV: supervisors only, the inbox's filters, cells a spreadsheet cannot run as formulas,
personal data in the question masked, Chinese readable in Excel (a byte-order mark)."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.http import StreamingHttpResponse
from django.urls import reverse

from cityportal.core.models import Department

from ..admin.filters import BEIJING
from ..models import QuestionStatus
from .factories import QuestionFactory, staff_user

pytestmark = pytest.mark.django_db

EXPORT = "/admin/questions/export.csv"


def exported(client, **query) -> tuple[StreamingHttpResponse, list[list[str]]]:
    response = client.get(EXPORT, query)
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return response, list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def by_reference(table: list[list[str]]) -> dict[str, dict[str, str]]:
    header, *rows = table
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


@pytest.fixture
def supervisor(client):
    user = staff_user("supervisor", supervisor=True)
    client.force_login(user)
    return user


def test_the_export_is_a_streamed_utf8_csv_with_the_documented_columns(client, supervisor):
    received = datetime(2026, 3, 2, 9, 30, tzinfo=BEIJING)  # a Monday
    question = QuestionFactory(
        language="zh-hans",
        text="我想咨询工作许可。",
        received_at=received,
        due_on=received.date() + timedelta(days=7),
        status=QuestionStatus.ANSWERED,
        first_answered_at=received + timedelta(days=3, hours=2),  # Thursday: three working days
        department=Department.objects.create(code="export-hr", name="Human resources"),
    )
    response, table = exported(client, status="all")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="questions-')
    assert table[0] == [
        "Reference",
        "Received (Beijing time)",
        "Language",
        "Section",
        "Department",
        "Status of the question",
        "Answer due",
        "First answered (Beijing time)",
        "Working days to answer",
        "Question (personal data masked)",
    ]
    row = by_reference(table)[question.reference]
    assert row["Received (Beijing time)"] == "2026-03-02 09:30"
    assert row["Language"] == "简体中文"
    assert row["Section"] == "Live"
    assert row["Department"] == "Human resources"
    assert row["Status of the question"] == "Answered"
    assert row["Answer due"] == "2026-03-09"
    assert row["First answered (Beijing time)"] == "2026-03-05 11:30"
    assert row["Working days to answer"] == "3"
    assert row["Question (personal data masked)"] == "我想咨询工作许可。"


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\tleading tab",
    ],
)
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_prefixed(client, supervisor, text):
    question = QuestionFactory(text=text)
    row = by_reference(exported(client)[1])[question.reference]
    assert row["Question (personal data masked)"] == "'" + text


def test_formula_characters_in_any_cell_are_neutralised(client, supervisor):
    department = Department.objects.create(code="export-formula", name="=1+1 department")
    question = QuestionFactory(department=department, status=QuestionStatus.ASSIGNED)
    row = by_reference(exported(client)[1])[question.reference]
    assert row["Department"] == "'=1+1 department"


def test_document_numbers_phone_numbers_and_emails_in_the_text_are_masked(client, supervisor):
    question = QuestionFactory(
        text="My passport E12345678 expired; call +86 138 0013 8000 or write to li.wei@example.cn. "
        "Resident ID 11010519491231002X. I arrived on 2026-10-01."
    )
    text = by_reference(exported(client)[1])[question.reference]["Question (personal data masked)"]
    for secret in ("E12345678", "12345678", "138 0013 8000", "li.wei@", "11010519491231002X", "1949"):
        assert secret not in text
    assert "••••••678" in text  # the passport number's last three characters
    assert "••••••••••000" in text  # the phone number's
    assert "l•••@example.cn" in text
    assert "•••••••••••••••02X" in text
    assert text.startswith("My passport ") and text.endswith("I arrived on 2026-10-01.")


def test_the_inbox_filters_apply_to_the_export(client, supervisor):
    korean = QuestionFactory(language="ko")
    english = QuestionFactory(language="en")
    answered = QuestionFactory(language="ko", answered=True)
    assert set(by_reference(exported(client, language="ko")[1])) == {korean.reference}
    assert set(by_reference(exported(client)[1])) == {korean.reference, english.reference}
    assert set(by_reference(exported(client, status="answered")[1])) == {answered.reference}


def test_staff_without_the_export_permission_get_403(client):
    department = Department.objects.create(code="export-a", name="A")
    QuestionFactory(department=department, text="Secret question")
    client.force_login(staff_user("clerk", departments=[department]))
    response = client.get(EXPORT)
    assert response.status_code == 403
    assert b"Secret question" not in response.content


def test_another_departments_rows_never_appear(client):
    mine, other = (Department.objects.create(code=f"export-{code}", name=code) for code in ("mine", "other"))
    clerk = staff_user("clerk", departments=[mine])
    # The permission alone does not widen what a staff member sees.
    clerk.user_permissions.add(Permission.objects.get(codename="export_questions"))
    ours = QuestionFactory(department=mine, status=QuestionStatus.ASSIGNED)
    theirs = QuestionFactory(department=other, status=QuestionStatus.ASSIGNED)
    client.force_login(clerk)
    assert reverse("consultations_admin:export") == EXPORT
    references = set(by_reference(exported(client, status="all", department=other.pk)[1]))
    assert theirs.reference not in references
    assert set(by_reference(exported(client, status="all")[1])) == {ours.reference}
