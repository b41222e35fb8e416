"""Review upkeep: which guides are due, and the weekly reminder email to their owner departments."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from cityportal.core.models import OutboundEmail
from cityportal.core.scheduling import registered_jobs
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.procedures.models import ReviewReminder
from cityportal.procedures.tests.factories import (
    DepartmentFactory,
    ProcedureIndexPageFactory,
    ProcedurePageFactory,
    translate,
)
from cityportal.procedures.upkeep import due_for_review, send_review_reminders

pytestmark = pytest.mark.django_db

TICK = datetime.datetime(2026, 11, 26, 0, 0, tzinfo=datetime.UTC)  # a Thursday: a weekly tick
TODAY = timezone.localdate(TICK)


def reviewed(days_ago: int, interval: int = 180) -> dict:
    """Field values of a guide whose review falls due `interval - days_ago` days from TODAY."""
    return {"last_reviewed": TODAY - datetime.timedelta(days=days_ago), "review_interval_days": interval}


def remind_guide_reviews(now):
    """Run the weekly job as the scheduler does (found through registered_jobs, not imported: an
    import would register it ahead of the core jobs)."""
    job = {job.name: job for job in registered_jobs()}["remind-guide-reviews"]
    assert job.every == datetime.timedelta(days=7)
    return job.function(now)


@pytest.fixture
def index(portal):
    index = ProcedureIndexPageFactory(parent=portal.homes["zh-hans"])
    translate(index, "en", title="Guides")
    return index


def test_due_for_review_lists_live_source_guides_due_today_or_earlier(index):
    overdue = ProcedurePageFactory(parent=index, **reviewed(200))
    due_today = ProcedurePageFactory(parent=index, **reviewed(180))
    ProcedurePageFactory(parent=index, **reviewed(179))  # due tomorrow
    translate(overdue, "en", title="Overdue guide")  # translations follow their source
    draft = ProcedurePageFactory(parent=index, **reviewed(400))
    draft.unpublish()

    assert set(due_for_review(TODAY)) == {overdue, due_today}


def test_due_within_days_adds_the_guides_due_soon(index):
    soon = ProcedurePageFactory(parent=index, **reviewed(160))  # due in 20 days
    ProcedurePageFactory(parent=index, **reviewed(140))  # due in 40 days
    assert list(due_for_review(TODAY, within_days=30)) == [soon]


@override_settings(WAGTAILADMIN_BASE_URL="http://portal.example.org")
def test_one_reminder_per_owner_department_lists_its_guides_and_skips_departments_without_email(index):
    exit_entry = DepartmentFactory(
        code="exit-entry", name_zh_hans="出入境管理局", reminder_email="eea@example.org"
    )
    labour = DepartmentFactory(code="labour", reminder_email="labour@example.org")
    no_email = DepartmentFactory(code="no-email", reminder_email="")
    visa = ProcedurePageFactory(parent=index, title="签证延期", department=exit_entry, **reviewed(200))
    stay = ProcedurePageFactory(parent=index, title="住宿登记", department=exit_entry, **reviewed(190))
    # Owned for review by exit-entry although labour is responsible for it.
    permit = ProcedurePageFactory(
        parent=index, title="工作许可", department=labour, review_owner=exit_entry, **reviewed(185)
    )
    ProcedurePageFactory(parent=index, title="不到期", department=labour, **reviewed(10))
    ProcedurePageFactory(parent=index, title="没有邮箱", department=no_email, **reviewed(200))

    summary = remind_guide_reviews(TICK)

    email = OutboundEmail.objects.get()
    assert email.to == ["eea@example.org"]
    assert email.language == "zh-hans"
    assert "出入境管理局" in email.subject
    for guide in (visa, stay, permit):
        assert guide.title in email.body_text
        assert f"http://portal.example.org/admin/pages/{guide.pk}/edit/" in email.body_html
    assert "不到期" not in email.body_text
    assert "没有邮箱" not in email.body_text
    assert "no-email" in summary
    assert ReviewReminder.objects.get().guide_count == 3

    run_queued_tasks()
    assert [message.to for message in mail.outbox] == [["eea@example.org"]]
    assert mail.outbox[0].alternatives[0].mimetype == "text/html"


def test_running_the_reminder_again_for_the_same_tick_sends_nothing_new(index):
    department = DepartmentFactory(reminder_email="owner@example.org")
    ProcedurePageFactory(parent=index, department=department, **reviewed(200))

    first = send_review_reminders(TICK)
    second = send_review_reminders(TICK)

    assert [d.code for d in first.sent] == [department.code]
    assert second.sent == []
    assert [d.code for d in second.already_sent] == [department.code]
    assert OutboundEmail.objects.count() == 1
    # The next week's tick reminds again while the guide is still due.
    send_review_reminders(TICK + datetime.timedelta(days=7))
    assert OutboundEmail.objects.count() == 2


def test_no_email_when_nothing_is_due(index):
    ProcedurePageFactory(parent=index, department=DepartmentFactory(), **reviewed(1))
    assert remind_guide_reviews(TICK).startswith("0 reminders queued; 0 guides due for review")
    assert not OutboundEmail.objects.exists()


def test_guide_titles_are_escaped_in_the_html_email(index):
    department = DepartmentFactory(name_zh_hans="<b>部门</b>", reminder_email="owner@example.org")
    ProcedurePageFactory(
        parent=index, title="<script>alert(1)</script> 签证", department=department, **reviewed(200)
    )
    send_review_reminders(TICK)

    email = OutboundEmail.objects.get()
    assert "<script>" not in email.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 签证" in email.body_html
    assert "<b>部门</b>" not in email.body_html
    # The text version is plain text: the title as written, not entity-encoded.
    assert "<script>alert(1)</script> 签证" in email.body_text
    assert "&lt;" not in email.body_text


@override_settings(WAGTAILADMIN_BASE_URL="https://admin.example.org/")
def test_edit_links_are_absolute_on_the_admin_address(index):
    department = DepartmentFactory(reminder_email="owner@example.org")
    guide = ProcedurePageFactory(parent=index, department=department, **reviewed(200))
    send_review_reminders(TICK)
    email = OutboundEmail.objects.get()
    assert f"https://admin.example.org/admin/pages/{guide.pk}/edit/" in email.body_text
    assert "https://admin.example.org/admin/reports/guides/guides-due-for-review/" in email.body_text
