"""Machine-translation help for staff: the question shown in Chinese, a reply drafted in Chinese and
translated into the visitor's language, and saying plainly when no engine is there.

The engine is the publishing workflow's recording fake (it answers "[<target>] <text>" and records
each batch), or a variant of it defined here that lacks a language, fails, or leaves a line."""

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from cityportal.procedures.tests.factories import DepartmentFactory
from cityportal.publishing.machine_translation import MachineTranslationError, recording
from cityportal.publishing.machine_translation.recording import RecordingTranslator

from .. import translation_help
from ..models import Question, Reply
from .factories import QuestionFactory, staff_user

pytestmark = pytest.mark.django_db

RECORDING = "cityportal.publishing.machine_translation.recording.RecordingTranslator"
HERE = "cityportal.consultations.tests.test_translation_help"


class NoArabicTranslator(RecordingTranslator):
    def pair_problem(self, source_locale, target_locale):
        if "ar" in (source_locale.language_code, target_locale.language_code):
            return "The engine has no model for Arabic."
        return ""


class BrokenTranslator(RecordingTranslator):
    def translate_html(self, source, target, texts):
        raise MachineTranslationError(
            "The LibreTranslate server at http://10.0.0.5:5000 did not answer within 20 seconds."
        )


class SkippingTranslator(RecordingTranslator):
    """Leaves untranslated every line that mentions a form (as Argos does with markup it cannot keep)."""

    def translate_html(self, source, target, texts):
        return [None if "表" in text else f"[{target}] {text}" for text in texts]


@pytest.fixture
def engine(settings):
    def use(path=RECORDING):
        settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS": path} if path else None
        recording.calls.clear()

    use()
    yield use
    recording.calls.clear()


# --- translate_text -----------------------------------------------------------------------------


def test_plain_text_is_sent_escaped_line_by_line_and_comes_back_as_text(engine):
    text = "첫 줄 <b>굵게</b> & 기호\n\n셋째 줄"
    translation = translation_help.translate_text(text, source="ko", target="zh-hans")
    assert recording.calls == [
        {
            "source": "ko",
            "target": "zh-hans",
            "texts": ["첫 줄 &lt;b&gt;굵게&lt;/b&gt; &amp; 기호", "셋째 줄"],
        }
    ]
    assert translation.text == "[zh-hans] 첫 줄 <b>굵게</b> & 기호\n\n[zh-hans] 셋째 줄"
    assert translation.engine == "Recording translator (tests)" and not translation.incomplete


def test_lines_the_engine_leaves_are_kept_as_written_and_flagged(engine):
    engine(f"{HERE}.SkippingTranslator")
    translation = translation_help.translate_text("请填写申请表。\n请带护照。", source="zh-hans", target="ko")
    assert translation.text == "请填写申请表。\n[ko] 请带护照。"
    assert translation.incomplete


def test_without_an_engine_it_says_so_and_sends_nothing(engine):
    engine(None)
    state = translation_help.availability("ko", "zh-hans")
    assert not state.available
    assert (
        state.message == "No machine translation is configured; see docs/glossary-and-machine-translation.md."
    )
    with pytest.raises(translation_help.TranslationUnavailable, match="No machine translation is configured"):
        translation_help.translate_text("안녕하세요", source="ko", target="zh-hans")


def test_a_language_the_engine_lacks_is_named(engine):
    engine(f"{HERE}.NoArabicTranslator")
    assert translation_help.availability("ko", "zh-hans").available
    state = translation_help.availability("ar", "zh-hans")
    assert (state.available, state.message) == (False, "The engine has no model for Arabic.")


def test_the_same_language_needs_no_translation(engine):
    assert not translation_help.availability("zh-hans", "zh-hans").available
    assert recording.calls == []


# --- "Show in Chinese" --------------------------------------------------------------------------


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def li(client, department):
    user = staff_user("li", departments=[department])
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})
    client.force_login(user)
    return user


def url(name, question):
    return reverse(f"consultations_admin:{name}", args=[question.pk])


def test_show_in_chinese_stores_the_translation_and_shows_it_labelled(client, li, department, engine):
    question = QuestionFactory(language="ko", department=department, text="비자 <연장>은?\n감사합니다")
    response = client.post(url("translate", question), {"what": "question"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text_zh == "[zh-hans] 비자 <연장>은?\n[zh-hans] 감사합니다"
    assert question.text_zh_engine == "Recording translator (tests)"
    assert question.text == "비자 <연장>은?\n감사합니다"  # the visitor's words are unchanged
    html = client.get(url("detail", question)).content.decode()
    assert "Machine translation into Chinese (Recording translator (tests))" in html
    assert (
        '<div class="w-p-4 w-border w-rounded-sm w-mb-4" lang="zh-Hans"><p>[zh-hans] 비자 &lt;연장&gt;은?<br>'
        in html
    )


def test_without_an_engine_the_buttons_are_disabled_and_the_reason_shown(client, li, department, engine):
    engine(None)
    question = QuestionFactory(language="ko", department=department)
    html = client.get(url("detail", question)).content.decode()
    assert html.count("No machine translation is configured") == 2  # the question's and the draft's
    assert html.count('disabled aria-describedby="question-') == 2
    response = client.post(url("translate", question), {"what": "question"}, follow=True)
    assert "No machine translation is configured" in response.content.decode()
    question.refresh_from_db()
    assert question.text_zh == ""
    # Everything else still works: the reply is sent.
    response = client.post(url("reply", question), {"action": "send", "text": "감사합니다."})
    assert response.status_code == 302 and Reply.objects.filter(question=question).exists()


def test_a_chinese_question_offers_no_translation(client, li, department, engine):
    question = QuestionFactory(language="zh-hans", department=department, text="如何办理居留许可？")
    html = client.get(url("detail", question)).content.decode()
    assert "Show in Chinese" not in html and "Draft in Chinese" not in html


def test_an_engine_failure_is_shown_and_nothing_is_stored(client, li, department, engine):
    engine(f"{HERE}.BrokenTranslator")
    question = QuestionFactory(language="ko", department=department)
    response = client.post(url("translate", question), {"what": "question"}, follow=True)
    assert "did not answer within 20 seconds" in response.content.decode()
    assert Question.objects.get(pk=question.pk).text_zh == ""


# --- A reply drafted in Chinese -----------------------------------------------------------------


def test_a_chinese_draft_fills_the_reply_and_is_kept_with_it(client, li, department, engine):
    question = QuestionFactory(language="ko", department=department)
    draft = "您好！\n请在24小时内到派出所登记。"
    response = client.post(
        url("translate", question), {"what": "draft", "draft_zh": draft, "text": "", "template": ""}
    )
    assert response.status_code == 200
    form = response.context["reply_form"]
    assert form.initial["text"] == "[ko] 您好！\n[ko] 请在24小时内到派出所登记。"
    assert form.initial["draft_zh"] == draft
    html = response.content.decode()
    assert "machine translation of your draft into Korean" in html
    assert recording.calls[-1]["source"] == "zh-hans" and recording.calls[-1]["target"] == "ko"
    # Sending keeps the Chinese draft with the reply, for the record.
    client.post(url("reply", question), {"action": "send", "text": form.initial["text"], "draft_zh": draft})
    reply = Reply.objects.get(question=question)
    assert (reply.text, reply.draft_zh) == (form.initial["text"], draft)


def test_an_engine_failure_on_the_draft_keeps_what_was_typed(client, li, department, engine):
    engine(f"{HERE}.BrokenTranslator")
    question = QuestionFactory(language="ko", department=department)
    response = client.post(
        url("translate", question),
        {"what": "draft", "draft_zh": "您好！", "text": "제가 쓴 답변", "template": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The draft could not be translated: The LibreTranslate server" in html
    assert "您好！" in html and "제가 쓴 답변" in html
    assert not Reply.objects.exists()


def test_an_empty_draft_is_not_sent_to_the_engine(client, li, department, engine):
    question = QuestionFactory(language="ko", department=department)
    response = client.post(url("translate", question), {"what": "draft", "draft_zh": " ", "text": ""})
    assert "Write the draft in Chinese first." in response.content.decode()
    assert recording.calls == []


def test_a_language_the_engine_lacks_disables_only_that_help(client, li, department, engine):
    engine(f"{HERE}.NoArabicTranslator")
    arabic = QuestionFactory(language="ar", department=department)
    html = client.get(url("detail", arabic)).content.decode()
    assert html.count("The engine has no model for Arabic.") == 2
    response = client.post(url("translate", arabic), {"what": "draft", "draft_zh": "您好", "text": ""})
    assert "The engine has no model for Arabic." in response.content.decode()
    assert recording.calls == []
