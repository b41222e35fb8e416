"""Publishing a question and its answer to the FAQ from the admin: the form's languages and prefilled
texts, the check for personal data, the refusal that writes nothing, and the entries it makes."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from cityportal.procedures.tests.factories import DepartmentFactory
from cityportal.publishing.machine_translation import recording

from .. import services
from ..models import FAQEntry
from .factories import QuestionFactory, staff_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("locales")]

RECORDING = "cityportal.publishing.machine_translation.recording.RecordingTranslator"


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def li(client, department):
    user = staff_user("li", departments=[department])
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})
    client.force_login(user)
    return user


@pytest.fixture
def no_engine(settings):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None


@pytest.fixture
def engine(settings):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS": RECORDING}
    recording.calls.clear()
    yield
    recording.calls.clear()


@pytest.fixture
def answered(li, department):
    question = QuestionFactory(
        language="ko", section="work", department=department, text="취업 허가는 어디서 받나요?\n김민지 드림"
    )
    services.answer_question(question, by=li, text="첫 답변")
    services.answer_question(question, by=li, text="외국인 취업 허가는 인력자원사회보장국에서 받습니다.")
    return question


def publish_url(question):
    return reverse("consultations_admin:publish", args=[question.pk])


def texts(**values):
    """A publish form's fields: Korean and English by default."""
    return {
        "section": "work",
        "languages": ["ko", "en"],
        "question_ko": "취업 허가는 어디서 받나요?",
        "answer_ko": "인력자원사회보장국에서 받습니다.",
        "question_en": "Where do I get a work permit?",
        "answer_en": "From the Human Resources and Social Security Bureau.",
        **values,
    }


def test_the_form_starts_from_the_question_and_its_last_reply_in_its_language(
    client, li, answered, no_engine
):
    response = client.get(publish_url(answered))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["section"] == "work" and form.initial["languages"] == ["ko", "en"]
    assert form.initial["question_ko"] == "취업 허가는 어디서 받나요?\n김민지 드림"  # staff remove the name
    assert form.initial["answer_ko"] == "외국인 취업 허가는 인력자원사회보장국에서 받습니다."
    assert "question_en" not in form.initial
    html = response.content.decode()
    assert "Not prefilled: No machine translation is configured" in html
    assert 'lang="ko" dir="ltr"' in html and 'name="answer_en"' in html


def test_other_languages_are_prefilled_by_machine_translation_when_there_is_one(client, li, answered, engine):
    form = client.get(publish_url(answered)).context["form"]
    assert form.initial["question_en"] == "[en] 취업 허가는 어디서 받나요?\n[en] 김민지 드림"
    assert form.initial["answer_en"] == "[en] 외국인 취업 허가는 인력자원사회보장국에서 받습니다."
    assert {(call["source"], call["target"]) for call in recording.calls} == {("ko", "en")}


def test_update_languages_adds_fields_translated_from_the_edited_text_and_keeps_what_was_typed(
    client, li, answered, engine
):
    response = client.post(
        publish_url(answered),
        {
            "action": "languages",
            "section": "work",
            "languages": ["ko", "en", "ar"],
            "question_ko": "취업 허가는 어디서 받나요?",  # the name removed
            "answer_ko": "국에서 받습니다.",
            "question_en": "Edited English question",
            "answer_en": "Edited English answer",
        },
    )
    form = response.context["form"]
    assert form.shown == ["ko", "en", "ar"] and not form.is_bound
    assert form.initial["question_en"] == "Edited English question"
    assert form.initial["question_ar"] == "[ar] 취업 허가는 어디서 받나요?"
    assert form.initial["answer_ar"] == "[ar] 국에서 받습니다."
    assert (
        'name="question_ar" value="[ar] 취업 허가는 어디서 받나요?" lang="ar" dir="rtl"'
        in response.content.decode()
    )
    assert not FAQEntry.objects.exists()


def test_a_language_ticked_without_updating_is_explained(client, li, answered, no_engine):
    response = client.post(
        publish_url(answered), {**texts(), "languages": ["ko", "en", "ja"], "action": "publish"}
    )
    assert "Press “Update languages” to get the text fields of Japanese." in response.content.decode()
    assert not FAQEntry.objects.exists()


def test_every_ticked_language_needs_both_texts(client, li, answered, no_engine):
    response = client.post(publish_url(answered), {**texts(answer_en=" "), "action": "publish"})
    assert "Write the answer in English." in response.content.decode()
    assert not FAQEntry.objects.exists()


PERSONAL_DATA = {
    "email": ("minji.kim@example.org", "an email address"),
    "phone": ("+86 138 0013 8000", "a phone number"),
    "passport": ("E12345678", "an ID-like number"),
    "chinese-id": ("11010519491231002X", "an ID-like number"),
}


@pytest.mark.parametrize("kind", PERSONAL_DATA)
def test_publishing_is_refused_while_a_text_holds_personal_data_and_what_was_typed_stays(
    client, li, answered, no_engine, kind
):
    found, label = PERSONAL_DATA[kind]
    answer = f"연락처: {found}"
    response = client.post(publish_url(answered), {**texts(answer_ko=answer), "action": "publish"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was published." in html
    assert f"한국어: the text contains {label} (“{found}”); remove it before publishing." in html
    assert response.context["form"]["answer_ko"].value() == answer
    assert not FAQEntry.objects.exists()
    assert not ModelLogEntry.objects.filter(action="consultations.publish_faq").exists()


def test_check_lists_each_problem_and_publishes_nothing(client, li, answered, no_engine):
    response = client.post(
        publish_url(answered),
        {
            **texts(
                answer_ko="메일 minji@example.org", answer_en="Call 010-6540 1234 or show passport E12345678."
            ),
            "action": "check",
        },
    )
    html = response.content.decode()
    assert "Remove the following before publishing:" in html
    for problem in (
        "English: the text contains a phone number (“010-6540 1234”)",
        "English: the text contains an ID-like number (“E12345678”)",
        "한국어: the text contains an email address (“minji@example.org”)",
    ):
        assert problem in html
    assert not FAQEntry.objects.exists()
    response = client.post(publish_url(answered), {**texts(), "action": "check"})
    assert "No email address, phone number or ID-like number was found." in response.content.decode()
    assert not FAQEntry.objects.exists()


def test_publishing_makes_one_entry_per_language_sharing_a_translation_key(client, li, answered, no_engine):
    response = client.post(publish_url(answered), {**texts(), "action": "publish"})
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations_admin:detail", args=[answered.pk])
    entries = (
        FAQEntry.objects.filter(source=answered).select_related("locale").order_by("locale__language_code")
    )
    assert [(entry.locale.language_code, entry.question) for entry in entries] == [
        ("en", "Where do I get a work permit?"),
        ("ko", "취업 허가는 어디서 받나요?"),
    ]
    assert len({entry.translation_key for entry in entries}) == 1
    assert all(entry.live and entry.section == "work" for entry in entries)
    assert ModelLogEntry.objects.for_instance(answered).filter(action="consultations.publish_faq").exists()
    html = client.get(reverse("consultations_admin:detail", args=[answered.pk])).content.decode()
    assert "Published in the FAQ from this question" in html and "Where do I get a work permit?" in html


def test_publishing_needs_the_faq_permission(client, department, answered):
    reader = Group.objects.create(name="Question readers")
    reader.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_question")
    )
    user = staff_user("reader", departments=[department])
    user.groups.set([reader])
    client.force_login(user)
    assert client.get(reverse("consultations_admin:detail", args=[answered.pk])).status_code == 200
    assert (
        "Publish to the FAQ"
        not in client.get(reverse("consultations_admin:detail", args=[answered.pk])).content.decode()
    )
    response = client.post(publish_url(answered), {**texts(), "action": "publish"})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not FAQEntry.objects.exists()
