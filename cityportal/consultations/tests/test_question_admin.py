"""One question in the admin: what staff see, assigning, notes, the reply composer, closing, the reply
templates, and the whole path of a Korean question from a staff member's desk to the visitor's
inbox, the status page and the FAQ.

The tests reach the database through their fixtures (department, li, chief…), not a module mark:
the browser test at the end must not open a database transaction while Playwright runs."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from cityportal.core.models import OutboundEmail
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.procedures.tests.factories import DepartmentFactory

from .. import services
from ..models import FAQEntry, InternalNote, Question, QuestionStatus, Reply, ReplyTemplate
from .factories import QuestionFactory, staff_user

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
SCRIPT = "<script>alert(1)</script>"


def logged_in(client, user):
    """Log `user` in with an English admin (the admin speaks Chinese unless a user chooses otherwise)."""
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})
    client.force_login(user)
    return user


def url(name: str, question: Question) -> str:
    return reverse(f"consultations_admin:{name}", args=[question.pk])


def page(client, question) -> str:
    response = client.get(url("detail", question))
    assert response.status_code == 200
    return response.content.decode()


def flashed(response) -> str:
    """The messages the next page shows (Wagtail renders them as HTML)."""
    return " ".join(str(message.message) for message in get_messages(response.wsgi_request))


@pytest.fixture
def department(db):
    return DepartmentFactory(code="exit-entry", name_en="Exit-Entry Administration")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="tax", name_en="Tax Bureau")


@pytest.fixture
def li(client, department):
    """A staff member of the Exit-Entry Administration, logged in."""
    return logged_in(client, staff_user("li", departments=[department]))


@pytest.fixture
def chief(db, client):
    """A supervisor, logged in."""
    return logged_in(client, staff_user("chief", supervisor=True))


# --- Reading a question -------------------------------------------------------------------------


def test_the_page_shows_the_question_in_its_language_with_its_facts(client, li, department):
    question = QuestionFactory(
        language="ar",
        department=department,
        text="كيف أجدد تأشيرتي؟\nالسطر الثاني",
        name="Amira",
        email="amira@example.org",
    )
    html = page(client, question)
    assert question.reference in html
    assert "Arabic" in html and "Exit-Entry Administration" in html and "Live" in html
    assert 'lang="ar" dir="auto"><p>كيف أجدد تأشيرتي؟<br>السطر الثاني</p>' in html
    assert "Amira" in html and "amira@example.org" in html
    # The reply is typed in the visitor's language and direction.
    assert 'lang="ar" dir="rtl"' in html and 'name="text"' in html


def test_a_script_in_the_question_and_the_name_is_shown_as_text(client, li, department):
    question = QuestionFactory(
        department=department, text=f"Visa? {SCRIPT}", name='"><img src=x onerror=alert(1)>'
    )
    html = page(client, question)
    assert SCRIPT not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_an_open_question_past_its_due_day_is_marked_overdue_and_one_due_today_due_soon(
    client, li, department
):
    today = timezone.localdate()
    late = QuestionFactory(department=department, due_on=today - timedelta(days=1))
    soon = QuestionFactory(department=department, due_on=today)
    answered = QuestionFactory(department=department, due_on=today - timedelta(days=1), answered=True)
    assert "Overdue" in page(client, late) and "Due soon" not in page(client, late)
    assert "Due soon" in page(client, soon) and "Overdue" not in page(client, soon)
    assert "Overdue" not in page(client, answered)


def test_notes_and_replies_appear_in_order_with_their_authors_and_the_history(client, li, department):
    question = QuestionFactory(language="ko", department=department)
    services.add_note(question, by=li, text="Ask the Haidian office first.")
    services.answer_question(question, by=li, text="안녕하세요. 답변입니다.")
    html = page(client, question)
    assert html.index("Ask the Haidian office first.") < html.index("안녕하세요. 답변입니다.")
    assert "Internal note by li" in html and "Reply by li" in html
    assert "Email: Queued" in html
    assert "Internal note added" in html and "Question answered" in html  # the audit history


def test_a_question_without_personal_data_can_no_longer_be_answered(client, li, department):
    question = QuestionFactory(department=department)
    services.anonymise_question(question)
    html = page(client, question)
    assert "The personal data of this question was deleted" in html
    assert 'name="text"' not in html
    response = client.post(url("reply", question), {"text": "Hello", "action": "send"})
    assert response.status_code == 200 and "cannot be answered" in response.content.decode()
    assert not Reply.objects.exists()


# --- Who may open what --------------------------------------------------------------------------


POST_VIEWS = ["assign", "note", "reply", "close", "translate", "publish"]


def test_another_departments_staff_find_nothing_at_any_address(client, department, other_department):
    question = QuestionFactory(department=department, text="Where do I register?")
    logged_in(client, staff_user("wang", departments=[other_department]))
    assert client.get(url("detail", question)).status_code == 404
    assert client.get(url("publish", question)).status_code == 404
    for name in POST_VIEWS:
        response = client.post(
            url(name, question),
            {
                "text": "x",
                "note-text": "x",
                "action": "send",
                "assign-department": department.pk,
                "close-reason": "spam",
            },
        )
        assert response.status_code == 404, name
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW and question.assignee is None
    assert not InternalNote.objects.exists() and not Reply.objects.exists() and not FAQEntry.objects.exists()


def test_a_question_assigned_to_a_person_is_theirs_whatever_its_department(client, other_department):
    wang = logged_in(client, staff_user("wang", departments=[other_department]))
    question = QuestionFactory(department=DepartmentFactory(), assignee=wang, status=QuestionStatus.ASSIGNED)
    assert question.reference in page(client, question)


def test_admin_users_without_the_questions_permission_are_turned_away(client, department):
    question = QuestionFactory(department=department)
    editor = Group.objects.create(name="Page editors")
    editor.permissions.add(Permission.objects.get(codename="access_admin"))
    user = staff_user("editor")
    user.groups.set([editor])
    logged_in(client, user)
    response = client.get(url("detail", question))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_actions_take_a_post_only(client, li, department):
    question = QuestionFactory(department=department)
    for name in ["assign", "note", "reply", "close", "translate"]:
        assert client.get(url(name, question)).status_code == 405, name


# --- Assigning ----------------------------------------------------------------------------------


def test_a_supervisor_gives_a_new_question_to_a_department_and_a_person(client, chief, department):
    li = staff_user("li", departments=[department])
    question = QuestionFactory()
    response = client.post(
        url("assign", question), {"assign-department": department.pk, "assign-assignee": li.pk}
    )
    assert response.status_code == 302 and response["Location"] == url("detail", question)
    question.refresh_from_db()
    assert (question.status, question.department, question.assignee) == (
        QuestionStatus.ASSIGNED,
        department,
        li,
    )
    assert "is now with Exit-Entry Administration, li." in flashed(response)
    assert ModelLogEntry.objects.for_instance(question).filter(action="consultations.assign").exists()


def test_a_person_must_answer_for_the_chosen_department(client, chief, department, other_department):
    wang = staff_user("wang", departments=[other_department])
    question = QuestionFactory()
    response = client.post(
        url("assign", question), {"assign-department": department.pk, "assign-assignee": wang.pk}
    )
    assert response.status_code == 200
    assert "wang does not answer for Exit-Entry Administration" in response.content.decode()
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW and question.department is None


def test_assigning_needs_a_department_or_a_person(client, chief):
    question = QuestionFactory()
    response = client.post(url("assign", question), {"assign-department": "", "assign-assignee": ""})
    assert "Choose a department, a person, or both." in response.content.decode()
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW


def test_staff_choose_among_their_own_departments_and_may_hand_over_to_a_supervisor(
    client, li, department, other_department
):
    chief = staff_user("chief", supervisor=True)
    colleague = staff_user("zhang", departments=[department])
    staff_user("wang", departments=[other_department])
    question = QuestionFactory(department=department)
    form = client.get(url("detail", question)).context["assign_form"]
    assert list(form.fields["department"].queryset) == [department]
    assert {user.username for user in form.fields["assignee"].queryset} == {"chief", "li", colleague.username}
    response = client.post(
        url("assign", question), {"assign-department": other_department.pk, "assign-assignee": ""}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post(
        url("assign", question), {"assign-department": department.pk, "assign-assignee": chief.pk}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.assignee == chief


# --- Notes --------------------------------------------------------------------------------------


def test_an_internal_note_is_added_and_an_empty_one_refused(client, li, department):
    question = QuestionFactory(department=department)
    response = client.post(url("note", question), {"note-text": "   "})
    assert response.status_code == 200 and "Write the note first." in response.content.decode()
    assert not InternalNote.objects.exists()
    response = client.post(url("note", question), {"note-text": f"Called the office. {SCRIPT}"})
    assert response.status_code == 302
    note = InternalNote.objects.get()
    assert note.author == li and note.question == question
    assert "Called the office. &lt;script&gt;" in page(client, question)


# --- The reply composer -------------------------------------------------------------------------


@pytest.fixture
def korean_templates(db):
    return {
        "greeting": ReplyTemplate.objects.create(title="인사", language="ko", body="안녕하세요."),
        "work": ReplyTemplate.objects.create(
            title="취업 허가", language="ko", section="work", body="취업 허가는 …"
        ),
        "live": ReplyTemplate.objects.create(
            title="주소 등록", language="ko", section="live", body="주소 등록은 24시간 안에 …"
        ),
        "english": ReplyTemplate.objects.create(title="Greeting", language="en", body="Hello."),
    }


def test_the_composer_offers_the_questions_language_templates_its_section_first(
    client, li, department, korean_templates
):
    question = QuestionFactory(language="ko", section="live", department=department)
    field = client.get(url("detail", question)).context["reply_form"].fields["template"]
    groups = [(group, [title for _pk, title in options]) for group, options in field.choices[1:]]
    assert groups == [
        ("For Live", ["주소 등록"]),
        ("For any section", ["인사"]),
        ("For other sections", ["취업 허가"]),
    ]


def test_use_template_without_javascript_adds_it_and_keeps_what_was_typed(
    client, li, department, korean_templates
):
    question = QuestionFactory(language="ko", department=department)
    response = client.post(
        url("reply", question),
        {
            "action": "use_template",
            "template": korean_templates["live"].pk,
            "text": "김 선생님께,",
            "draft_zh": "",
        },
    )
    assert response.status_code == 200
    assert response.context["reply_form"].initial["text"] == "김 선생님께,\n\n주소 등록은 24시간 안에 …"
    assert not Reply.objects.exists()
    # A link can do the same: ?template=<id> (a template of another language is not offered).
    response = client.get(url("detail", question), {"template": korean_templates["greeting"].pk})
    assert response.context["reply_form"].initial["text"] == "안녕하세요."
    response = client.get(url("detail", question), {"template": korean_templates["english"].pk})
    assert "text" not in response.context["reply_form"].initial


def test_use_template_without_a_choice_says_so(client, li, department, korean_templates):
    question = QuestionFactory(language="ko", department=department)
    response = client.post(url("reply", question), {"action": "use_template", "template": "", "text": "초안"})
    assert "Choose a template first." in response.content.decode()
    assert "초안" in response.content.decode()


def test_the_composer_loads_its_script_deferred_and_the_templates_as_data(
    client, li, department, korean_templates
):
    question = QuestionFactory(language="ko", department=department)
    html = page(client, question)
    assert 'src="/static/js/question-admin.js" defer' in html
    assert '<script id="reply-templates" type="application/json">' in html
    assert "\\uc548\\ub155\\ud558\\uc138\\uc694." in html or "안녕하세요." in html


def test_an_empty_reply_is_not_sent(client, li, department):
    question = QuestionFactory(department=department)
    response = client.post(url("reply", question), {"action": "send", "text": "  \n "})
    assert response.status_code == 200 and "Write the reply first." in response.content.decode()
    assert not Reply.objects.exists() and not OutboundEmail.objects.exists()


def test_closing_records_the_reason_and_leaves_the_visitor_unmailed(client, li, department):
    question = QuestionFactory(department=department)
    response = client.post(url("close", question), {"close-reason": "spam", "close-comment": "Advertising."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.CLOSED and question.closed_at is not None
    assert InternalNote.objects.get().text == "Closed: Spam or abuse.\nAdvertising."
    assert not OutboundEmail.objects.exists()
    html = page(client, question)
    assert "Close the question" not in html and "Question closed" in html
    response = client.post(url("close", question), {"close-reason": "spam"})
    assert "This question is already closed." in flashed(response)


def test_closing_needs_a_reason(client, li, department):
    question = QuestionFactory(department=department)
    response = client.post(url("close", question), {"close-reason": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW


# --- Reply templates (the viewset) ---------------------------------------------------------------


def test_supervisors_write_reply_templates_and_staff_only_use_them(client, department):
    chief = logged_in(client, staff_user("chief", supervisor=True))
    response = client.post(
        reverse("consultation_reply_templates:add"),
        {"title": "인사", "language": "ko", "section": "", "body": "안녕하세요."},
    )
    assert response.status_code == 302
    template = ReplyTemplate.objects.get()
    response = client.post(
        reverse("consultation_reply_templates:edit", args=[template.pk]),
        {"title": "인사", "language": "ko", "section": "live", "body": "안녕하세요, 고객님."},
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.section, template.body) == ("live", "안녕하세요, 고객님.")
    assert chief.has_perm("consultations.delete_replytemplate")

    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    logged_in(staff, staff_user("li", departments=[department]))
    assert "인사" in staff.get(reverse("consultation_reply_templates:index")).content.decode()
    found = staff.get(reverse("consultation_reply_templates:index"), {"q": "고객님"})
    assert found.status_code == 200 and "인사" in found.content.decode()
    assert (
        "인사" not in staff.get(reverse("consultation_reply_templates:index"), {"q": "비자"}).content.decode()
    )
    inspect = staff.get(reverse("consultation_reply_templates:inspect", args=[template.pk]))
    assert inspect.status_code == 200 and "안녕하세요, 고객님." in inspect.content.decode()
    for address in (
        reverse("consultation_reply_templates:add"),
        reverse("consultation_reply_templates:edit", args=[template.pk]),
        reverse("consultation_reply_templates:delete", args=[template.pk]),
    ):
        response = staff.post(address, {"title": "x", "language": "ko", "body": "x"})
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"), address
    template.refresh_from_db()
    assert template.body == "안녕하세요, 고객님."
    # …and use it in a reply.
    question = QuestionFactory(language="ko", department=department)
    assert staff.get(url("detail", question), {"template": template.pk}).context["reply_form"].initial[
        "text"
    ] == ("안녕하세요, 고객님.")


# --- The whole path -----------------------------------------------------------------------------


def test_a_korean_question_is_assigned_noted_answered_and_published(client, portal, department, settings):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None  # the FAQ texts are typed by staff here
    question = services.submit_question(
        language="ko",
        section="live",
        text="이사한 후 주소 등록은 어떻게 하나요?",
        email="minji@example.org",
        name="김민지",
    )
    li = staff_user("li", departments=[department])

    # A supervisor gives it to the Exit-Entry Administration and to Li.
    logged_in(client, staff_user("chief", supervisor=True))
    client.post(url("assign", question), {"assign-department": department.pk, "assign-assignee": li.pk})

    # Li finds it, writes a note and answers in Korean.
    logged_in(client, li)
    html = page(client, question)
    assert "이사한 후 주소 등록은 어떻게 하나요?" in html and 'lang="ko"' in html
    client.post(url("note", question), {"note-text": "Standard answer; check the 24-hour rule."})
    answer = "안녕하세요. 새 주소의 파출소에서 24시간 안에 등록하세요."
    response = client.post(url("reply", question), {"action": "send", "text": answer, "draft_zh": ""})
    assert response.status_code == 302
    assert "The reply was emailed to the visitor in Korean and is shown on their status page." in flashed(
        response
    )
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED and question.first_answered_at is not None

    # The visitor gets the answer by email, in Korean…
    reply_email = OutboundEmail.objects.get(purpose="question-answer")
    assert reply_email.to == ["minji@example.org"] and reply_email.language == "ko"
    mail.outbox.clear()
    run_queued_tasks()
    sent = [message for message in mail.outbox if answer in message.body]
    assert len(sent) == 1 and question.reference in sent[0].subject

    # …and on the status page, which never shows the internal note.
    visitor = Client()
    response = visitor.post(
        "/ko/ask/status/",
        {"reference": question.reference, "email": "minji@example.org"},
        headers=SAME_ORIGIN,
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 200
    status_page = response.content.decode()
    assert answer in status_page and "24-hour rule" not in status_page

    # Li publishes it to the FAQ in Korean and English.
    response = client.get(url("publish", question))
    assert response.context["form"].initial["languages"] == ["ko", "en"]
    response = client.post(
        url("publish", question),
        {
            "action": "publish",
            "section": "live",
            "languages": ["ko", "en"],
            "question_ko": "이사한 후 주소 등록은 어떻게 하나요?",
            "answer_ko": "새 주소의 파출소에서 24시간 안에 등록하세요.",
            "question_en": "How do I register my address after moving house?",
            "answer_en": "Register at the police station of your new address within 24 hours.",
        },
    )
    assert response.status_code == 302
    entries = FAQEntry.objects.filter(source=question).select_related("locale")
    assert {entry.locale.language_code for entry in entries} == {"ko", "en"}
    assert len({entry.translation_key for entry in entries}) == 1
    assert all(entry.live and entry.section == "live" for entry in entries)
    html = page(client, question)
    assert "Register at the police station" not in html  # the detail lists the public questions only
    assert "How do I register my address after moving house?" in html


def test_the_reply_email_shows_a_script_in_the_question_as_text(client, li, department):
    question = QuestionFactory(language="en", department=department, name=SCRIPT, text=f"Help {SCRIPT}")
    client.post(url("reply", question), {"action": "send", "text": f"Answer {SCRIPT}"})
    email = OutboundEmail.objects.get(purpose="question-answer")
    assert email.body_html, "the reply email has an HTML part"
    assert SCRIPT not in email.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.body_html


# --- In the browser -----------------------------------------------------------------------------

SEED = (
    "import django; django.setup(); "
    "from cityportal.consultations.tests.test_question_admin import seed_question; seed_question()"
)
ANSWER_START = "김민지 님께,"


def seed_question():
    """Run in the browser server's database: a staff member, a Korean question and two templates."""
    from cityportal.consultations.models import ReplyTemplate

    department = DepartmentFactory(code="exit-entry", name_en="Exit-Entry Administration")
    li = staff_user("li", departments=[department])
    UserProfile.objects.update_or_create(user=li, defaults={"preferred_language": "en"})
    QuestionFactory(language="ko", section="live", department=department, text="이사한 후 주소 등록은?")
    ReplyTemplate.objects.create(
        title="주소 등록", language="ko", section="live", body="24시간 안에 등록하세요."
    )
    ReplyTemplate.objects.create(title="인사", language="ko", body="감사합니다.")


@pytest.fixture(scope="module")
def question_server(tmp_path_factory):

    from cityportal.core.tests.browser import portal_server

    directory = tmp_path_factory.mktemp("questions")
    with portal_server(directory, seed=SEED) as base_url:
        yield base_url


def browser_login(tab, base_url):
    tab.goto(f"{base_url}/admin/login/")
    tab.fill("#id_username", "li")
    tab.fill("#id_password", "password")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_staff_start_a_reply_from_a_template_and_send_it(browser, question_server, javascript):
    from cityportal.core.tests.browser import new_tab, serious_accessibility_violations

    context, tab = new_tab(browser, java_script_enabled=javascript, bypass_csp=True)
    try:
        browser_login(tab, question_server)
        detail = f"{question_server}/admin/questions/1/"
        tab.goto(detail)
        assert (
            tab.locator("#question-text-content [lang=ko]").inner_text().strip() == "이사한 후 주소 등록은?"
        )
        reply = tab.locator("textarea[name=text]")
        assert reply.get_attribute("lang") == "ko" and reply.get_attribute("dir") == "ltr"
        reply.fill(ANSWER_START)
        tab.select_option("select[name=template]", label="주소 등록")
        tab.evaluate("window.stillTheSamePage = true")
        tab.focus("button[value=use_template]")
        if javascript:
            tab.keyboard.press("Enter")  # inserted in place: no request, nothing reloaded
            assert tab.evaluate("window.stillTheSamePage") is True
            assert (
                tab.locator("[data-template-status]").inner_text() == "The template was added to the reply."
            )
        else:
            with tab.expect_navigation():
                tab.keyboard.press("Enter")
        assert reply.input_value() == f"{ANSWER_START}\n\n24시간 안에 등록하세요."
        if javascript:
            assert serious_accessibility_violations(tab) == []
        with tab.expect_navigation():
            tab.click("button[value=send]")
        assert tab.url == detail
        assert "The reply was emailed to the visitor in Korean" in tab.locator(".messages").inner_text()
        assert "24시간 안에 등록하세요." in tab.locator("#question-timeline-content").inner_text()
        # Wagtail's default avatars come from gravatar.com, which this machine cannot reach (reported).
        assert [problem for problem in tab.problems if "ERR_NAME_NOT_RESOLVED" not in problem] == []
    finally:
        context.close()
