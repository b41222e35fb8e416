"""The visitor's emails: in the question's language whoever triggers them, a text and an HTML part,
the reference, absolute links to the status and “your data” pages, and every user text inert."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from cityportal.core.models import OutboundEmail
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.core.templatetags.core_tags import format_date

from ..services import answer_question, submit_question
from .factories import QuestionFactory, staff_user

pytestmark = pytest.mark.usefixtures("portal")

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'


def ask(**values):
    fields = {
        "language": "ko",
        "section": "work",
        "text": "취업 허가를 받으려면 어떤 서류가 필요합니까?",
        "email": "minji@example.org",
        "name": "Kim Minji",
    }
    fields.update(values)
    return submit_question(**fields)


def only(purpose: str) -> OutboundEmail:
    (email,) = OutboundEmail.objects.filter(purpose=purpose)
    return email


def test_the_acknowledgement_is_in_the_questions_language_with_reference_due_day_and_links():
    question = ask()

    email = only("question-received")

    assert email.language == "ko"
    assert email.to == ["minji@example.org"]
    with translation.override("ko"):
        subject = gettext("We have received your question %(reference)s") % {"reference": question.reference}
    assert email.subject == subject and "접수" in subject  # in Korean
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with translation.override("ko"):
        due = format_date(question.due_on, "full")
    assert re.search(r"\d{4}년 \d{1,2}월 \d{1,2}일", due)  # Babel's Korean date, e.g. 2026년 3월 5일 목요일
    for body in (email.body_text, email.body_html):
        assert question.reference in body
        assert due in body
        assert "취업 허가를 받으려면 어떤 서류가 필요합니까?" in body  # a copy of the question
        assert f"{base}/ko/ask/status/" in body
        assert f"{base}/ko/privacy/my-data/" in body
        assert "Kim Minji" in body
    assert '<html lang="ko" dir="ltr">' in email.body_html
    assert f'href="{base}/ko/ask/status/"' in email.body_html


def test_the_queued_acknowledgement_is_sent_with_both_parts(mailoutbox):
    question = ask()

    run_queued_tasks()

    (message,) = mail.outbox
    assert message.to == ["minji@example.org"]
    with translation.override("ko"):
        subject = gettext("We have received your question %(reference)s") % {"reference": question.reference}
    assert message.subject == subject
    assert question.reference in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html" and question.reference in html


def test_an_arabic_email_is_written_right_to_left():
    ask(language="ar", text="كيف أسجل عنواني بعد الانتقال إلى شقة جديدة؟")
    assert '<html lang="ar" dir="rtl">' in only("question-received").body_html


def test_the_reply_is_in_the_questions_language_even_from_a_chinese_admin():
    question = QuestionFactory(language="ko", name="Kim Minji", email="minji@example.org")
    clerk = staff_user("wang.clerk")

    with translation.override("zh-hans"):  # the admin of the staff member who answers
        answer_question(
            question, by=clerk, text="여권과 고용 계약서를 가져오세요.\n\n감사합니다.", draft_zh="请带护照。"
        )

    email = only("question-answer")
    assert email.language == "ko"
    with translation.override("ko"):
        subject = gettext("Answer to your question %(reference)s") % {"reference": question.reference}
    assert email.subject == subject and "답변" in subject  # Korean, though the admin spoke Chinese
    assert "\n" not in email.subject
    assert '<html lang="ko" dir="ltr">' in email.body_html
    assert "여권과 고용 계약서를 가져오세요.\n\n감사합니다." in email.body_text
    assert "<p>여권과 고용 계약서를 가져오세요.</p>\n\n<p>감사합니다.</p>" in email.body_html
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    for body in (email.body_text, email.body_html):
        assert question.reference in body
        assert f"{base}/ko/ask/status/" in body
        assert "请带护照" not in body  # the Chinese draft stays with staff
        assert "wang.clerk" not in body


def test_script_and_markup_from_the_visitor_and_staff_are_inert_in_both_parts():
    question = ask(name=ATTRIBUTE, text=f"{SCRIPT} Where do I register? {ATTRIBUTE}")
    answer_question(question, by=staff_user("li.clerk"), text=f"See {SCRIPT} and <b>this</b>.")

    for email in (only("question-received"), only("question-answer")):
        # The text part is plain text: it shows the characters as typed, and nothing runs in it.
        assert SCRIPT in email.body_text and ATTRIBUTE in email.body_text
        assert "&lt;" not in email.body_text and "&quot;" not in email.body_text
        # The HTML part escapes them.
        assert "<script" not in email.body_html and "<img" not in email.body_html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.body_html
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in email.body_html
    assert "<b>this</b>" not in only("question-answer").body_html
    assert "&lt;b&gt;this&lt;/b&gt;" in only("question-answer").body_html


def test_an_email_without_a_name_greets_without_one():
    ask(name="")
    email = only("question-received")
    with translation.override("ko"):
        greeting = gettext("Hello,")
    assert email.body_text.startswith(greeting + "\n") and "Kim" not in email.body_text.split("\n")[0]
