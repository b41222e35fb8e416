"""“Ask a question”: the form in every language, what it refuses, and what a sent question gives back.

Bad input writes nothing: no question, no file in the private storage, no email. The posts carry
Sec-Fetch-Site like a browser's (core.protection) and no proof-of-work, as without JavaScript.
"""

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from cityportal.core.models import OutboundEmail
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.home.tests.factories import ContentPageFactory, translate
from cityportal.procedures.tests.factories import ProcedureIndexPageFactory, ProcedurePageFactory

from ..models import Question, QuestionAttachment
from ..models.questions import QUESTION_MAX_LENGTH

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
REFERENCE = re.compile(r"Q[0-9A-Z]{5}-[0-9A-Z]{5}")

pytestmark = pytest.mark.usefixtures("portal", "private_storage")


def answers(**changes):
    values = {
        "topic": "live",
        "question": "How do I register my address after moving to a new flat?",
        "name": "Amira Haddad",
        "email": "amira@example.org",
        "privacy_consent": "on",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def post(client, data, language="en", ip="203.0.113.7"):
    return client.post(f"/{language}/ask/", data, headers=SAME_ORIGIN, REMOTE_ADDR=ip)


def nothing_written(private_storage):
    files = (
        [path for path in private_storage.rglob("*") if path.is_file()] if private_storage.exists() else []
    )
    return (
        not Question.objects.exists()
        and not QuestionAttachment.objects.exists()
        and not OutboundEmail.objects.exists()
        and files == []
    )


def error_summary(response) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)
    assert match, "no error summary on the page"
    return match.group(0)


@pytest.fixture
def guides(portal):
    """A guide filed under Work, in Chinese and Korean; and one only in Chinese, not live."""
    index = ProcedureIndexPageFactory(parent=portal.homes["zh-hans"], slug="guides")
    translate(index, "ko", title="안내")
    guide = ProcedurePageFactory(parent=index, item_code="work-permit-first", sections=["work"])
    korean = translate(guide, "ko", title="외국인 취업 허가")
    hidden = ProcedurePageFactory(parent=index, item_code="hidden-guide", sections=["live"])
    hidden.unpublish()
    return {"zh-hans": guide, "ko": korean, "hidden": hidden}


# --- The form -------------------------------------------------------------------------------------


def test_the_form_offers_the_six_sections_and_links_the_privacy_notice_of_its_language(client, portal):
    ContentPageFactory(parent=portal.homes["en"], slug="privacy", title="Privacy notice")

    response = client.get("/en/ask/")

    assert response.status_code == 200
    html = response.content.decode()
    for section in ("invest", "work", "study", "live", "travel", "consume"):
        assert f'<option value="{section}">' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'href="/en/privacy/">Read the privacy notice</a>' in html
    assert 'name="attachments_consent"' in html and "sensitive personal information" in html
    assert "90 days after you send them" in html  # RETENTION["question_attachments"]
    assert 'name="website"' in html  # the honeypot: the form is protected


def test_the_arabic_form_is_written_right_to_left(client):
    html = client.get("/ar/ask/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_every_language_has_the_form_and_a_footer_link_to_it(client):
    for language in ("zh-hans", "en", "ko", "ja", "de", "fr", "es", "ru", "ar"):
        assert client.get(f"/{language}/ask/").status_code == 200
        assert f'href="/{language}/ask/"' in client.get(f"/{language}/").content.decode()


def test_a_guide_of_the_language_is_preselected_by_its_title(client, guides):
    korean = guides["ko"]

    html = client.get(f"/ko/ask/?procedure={korean.pk}").content.decode()

    assert f'<option value="guide-{korean.pk}" selected>외국인 취업 허가</option>' in html
    # The language switcher opens the form about the same guide in the other language.
    assert f'href="/zh-hans/ask/?procedure={guides["zh-hans"].pk}"' in html


def test_a_guide_links_to_the_form_about_itself(client, guides):
    korean = guides["ko"]

    html = client.get(korean.get_url()).content.decode()

    with translation.override("ko"):
        label = gettext("Ask a question about this procedure")
    assert label != "Ask a question about this procedure"  # the page is in Korean
    assert f'<a href="/ko/ask/?procedure={korean.pk}">{label}</a>' in html


@pytest.mark.parametrize("which", ["zh-hans", "hidden"])
def test_a_guide_of_another_language_or_not_live_is_not_offered(client, guides, which):
    html = client.get(f"/ko/ask/?procedure={guides[which].pk}").content.decode()
    assert "guide-" not in html
    with translation.override("ko"):
        notice = gettext(
            "The guide you came from is not available in this language, "
            "so choose the topic of your question below."
        )
    assert escape(notice) in html


def test_a_question_about_a_guide_is_filed_under_the_guides_section(client, guides):
    korean = guides["ko"]

    response = post(client, answers(topic=f"guide-{korean.pk}"), language="ko")

    assert response.status_code == 200
    question = Question.objects.get()
    assert question.procedure_id == korean.pk
    assert question.section == "work"
    # Routed to the guide's department, whose staff see it as new in their inbox.
    assert question.department == korean.specific.department
    assert question.status == "new"


# --- What the form refuses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"topic": ""}, "topic", "This field is required."),
        ({"topic": "nightlife"}, "topic", "Select a valid choice."),
        ({"question": "   "}, "question", "This field is required."),
        ({"question": "Visa?"}, "question", "Your question is too short: write at least 10 characters."),
        ({"question": "?!?! … ---- !!!! ????"}, "question", "it cannot be only punctuation or spaces"),
        (
            {"question": "a" * (QUESTION_MAX_LENGTH + 1)},
            "question",
            "Your question is too long: 4,001 characters. Shorten it to 4,000 characters.",
        ),
        ({"question": "Where do I\x00 register my stay?"}, "question", "Null characters are not allowed."),
        ({"name": "N" * 101}, "name", "Ensure this value has at most 100 characters"),
        ({"email": ""}, "email", "This field is required."),
        ({"email": "amira@"}, "email", "Enter a valid email address."),
        ({"privacy_consent": None}, "privacy_consent", "agree to the use of your data to answer it"),
    ],
    ids=[
        "no-topic",
        "unknown-topic",
        "empty-question",
        "short",
        "punctuation",
        "long",
        "null-character",
        "long-name",
        "no-email",
        "bad-email",
        "no-consent",
    ],
)
def test_bad_input_is_refused_with_a_linked_message_and_writes_nothing(
    client, private_storage, changes, field, message
):
    response = post(client, answers(**changes))

    assert response.status_code == 200
    summary = error_summary(response)
    assert f'href="#id_{field}"' in summary
    assert message in summary
    assert nothing_written(private_storage)


def test_a_guide_id_of_another_language_is_refused(client, guides, private_storage):
    response = post(client, answers(topic=f"guide-{guides['zh-hans'].pk}"), language="ko")
    assert 'href="#id_topic"' in error_summary(response)
    assert nothing_written(private_storage)


def test_messages_are_in_the_language_of_the_page(client, private_storage):
    response = post(client, answers(email="amira@", topic=""), language="de")

    summary = error_summary(response)
    assert "Es gibt ein Problem" in summary
    assert '<a href="#id_topic">Dieses Feld ist erforderlich.</a>' in summary
    assert '<a href="#id_email">Bitte gültige E-Mail-Adresse eingeben.</a>' in summary
    assert nothing_written(private_storage)


def test_other_control_characters_are_removed_and_line_breaks_kept(client):
    text = "Hello\x08 I moved\u202e house.\r\nWhere do I\x07 register?\tThanks"

    post(client, answers(question=text, name="Amira\x1b[31m\u202eHaddad"))

    question = Question.objects.get()
    assert question.text == "Hello I moved house.\nWhere do I register?\tThanks"
    assert question.name == "Amira[31mHaddad"


# --- A sent question -------------------------------------------------------------------------------


def test_a_korean_question_gives_the_reference_and_a_korean_acknowledgement(client, mailoutbox):
    response = post(
        client,
        answers(
            topic="work", question="취업 허가를 받으려면 어떤 서류가 필요합니까?", email="minji@example.org"
        ),
        language="ko",
    )

    assert response.status_code == 200  # the page itself, no redirect
    assert response["Cache-Control"] == "private, no-store"
    question = Question.objects.get()
    assert question.language == "ko"
    assert question.section == "work"
    assert question.text == "취업 허가를 받으려면 어떤 서류가 필요합니까?"
    assert question.email == "minji@example.org"
    html = response.content.decode()
    assert REFERENCE.fullmatch(question.reference)
    assert f'<p class="question-reference" dir="ltr">{question.reference}</p>' in html
    assert '<html lang="ko" dir="ltr">' in html
    assert "년" in html.split('class="ask-sent__due"')[1].split("</p>")[0]  # a Korean date
    assert 'href="/ko/ask/status/"' in html

    acknowledgement = OutboundEmail.objects.get(purpose="question-received")
    assert acknowledgement.language == "ko"
    assert acknowledgement.to == ["minji@example.org"]
    assert question.reference in acknowledgement.subject
    run_queued_tasks()
    (message,) = mail.outbox
    assert message.to == ["minji@example.org"]
    assert question.reference in message.body
    assert "취업 허가를 받으려면" in message.body
    assert "/ko/ask/status/" in message.body


def test_the_sent_page_says_when_we_aim_to_answer(client):
    response = post(client, answers())

    question = Question.objects.get()
    due = response.content.decode().split('class="ask-sent__due"')[1].split("</p>")[0]
    assert f"{question.due_on:%B} {question.due_on.day}, {question.due_on.year}" in due


def test_too_many_questions_from_one_address_get_a_localised_429(client, private_storage):
    for n in range(3):  # three per hour per email address, from different networks
        assert post(client, answers(), language="de", ip=f"198.51.100.{n + 1}").status_code == 200

    response = post(client, answers(), language="de", ip="198.51.100.9")

    assert response.status_code == 429
    assert "Dieses Formular wurde zu oft gesendet." in error_summary(response)
    assert Question.objects.count() == 3


def test_the_form_is_cacheable_and_sets_no_cookie(client):
    response = client.get("/en/ask/")
    assert not response.cookies
    assert response["Cache-Control"].startswith("public")  # it holds nothing personal
