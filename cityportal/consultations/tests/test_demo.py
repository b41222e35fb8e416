"""The consultations demo: the FAQ in nine languages and six sections, questions in every state, reply
templates and staff accounts, loaded through the services; a second load changes nothing, and a broken
file is refused with a message naming the file and the entry, writing nothing.

Only the consultations demo is loaded, on the `portal` fixture's tree, with the departments the
questions name (the procedures demo, which creates them on a real site, is not loaded)."""

from collections import Counter
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone
from wagtail.models import ModelLogEntry, Page, Revision

from cityportal.conftest import LANGUAGES
from cityportal.core.models import Department, OutboundEmail
from cityportal.core.sections import Section
from cityportal.core.working_days import load_working_calendar
from cityportal.procedures.importing import CatalogueError

from ..demo.loader import (
    FAQ_INDEX,
    QUESTIONS_FILE,
    STAFF_DEPARTMENT,
    STAFF_USERNAME,
    SUPERVISOR_USERNAME,
    ConsultationsDemoLoader,
    faq_translation_key,
)
from ..models import (
    ConsultationSettings,
    FAQEntry,
    FAQIndexPage,
    FAQVoteCount,
    InternalNote,
    Question,
    QuestionStatus,
    Reply,
    ReplyTemplate,
)
from ..permissions import departments_for, questions_for
from ..personal_data import find_personal_data
from ..service_level import Timeliness, timeliness

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "demo_faq_sample.yaml"
PASSWORD = "demo-password-for-tests"  # noqa: S105 - a test account's password
GREETING = "问候与结束语 · Greeting and closing"
STANDARD_ANSWERS = [
    "住宿登记须在24小时内办理 · Register your stay within 24 hours",
    "费用以官方指南为准 · Fees: see the official guide",
]


@pytest.fixture
def departments():
    """The departments the demo questions are assigned to, as the procedures demo would create them."""
    data = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    codes = {question["department"] for question in data["questions"] if question.get("department")}
    return {
        code: Department.objects.get_or_create(code=code, defaults={"name": f"Department {code}"})[0]
        for code in codes | {STAFF_DEPARTMENT}
    }


@pytest.fixture
def load(portal, departments, django_capture_on_commit_callbacks):
    def run(**files):
        loader = ConsultationsDemoLoader(password=PASSWORD, **files)
        # wagtail-localize publishes translations on commit: run those callbacks as a commit would.
        with django_capture_on_commit_callbacks(execute=True):
            return loader.load()

    return run


def snapshot() -> dict[str, object]:
    models = [
        Page,
        Revision,
        FAQEntry,
        FAQVoteCount,
        Question,
        Reply,
        InternalNote,
        ReplyTemplate,
        OutboundEmail,
    ]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["log entries"] = ModelLogEntry.objects.count()
    counts["users"] = get_user_model().objects.count()
    counts["last entry change"] = FAQEntry.objects.aggregate(last=Max("updated_at"))["last"]
    counts["last template"] = ReplyTemplate.objects.aggregate(last=Max("pk"))["last"]
    return counts


def test_the_demo_fills_every_section_language_and_state_and_loading_it_again_changes_nothing(load, client):
    report = load()

    # The FAQ page of each language, a translation of the Chinese one.
    pages = {page.locale.language_code: page for page in FAQIndexPage.objects.select_related("locale")}
    assert {code: page.title for code, page in pages.items()} == {
        code: texts["title"] for code, texts in FAQ_INDEX.items()
    }
    assert all(page.slug == "faq" and page.live for page in pages.values())
    assert len({page.translation_key for page in pages.values()}) == 1
    assert client.get("/ko/faq/").status_code == 200

    # At least eight published entries per section in each of the nine languages, none with personal data.
    per_section = Counter(FAQEntry.objects.filter(live=True).values_list("section", "locale__language_code"))
    thin = {
        (section, language): per_section[(section, language)]
        for section in Section.values
        for language in LANGUAGES
        if per_section[(section, language)] < 8
    }
    assert thin == {}, "sections and languages with fewer than eight entries"
    for entry in FAQEntry.objects.all():
        assert find_personal_data(f"{entry.question}\n{entry.answer}") == [], entry.question
    assert Counter(FAQEntry.objects.values_list("translation_key", flat=True)).most_common()[-1][1] == 9

    # Questions in every state and several languages; open ones overdue and due soon.
    questions = list(Question.objects.all())
    assert {question.status for question in questions} == set(QuestionStatus.values)
    assert len({question.language for question in questions}) >= 6
    today = timezone.localdate()
    calendar = load_working_calendar({today.year - 1, today.year, today.year + 1})
    due_soon_days = ConsultationSettings.load().due_soon_working_days
    standing = {
        timeliness(question.due_on, today, due_soon_days, calendar)
        for question in questions
        if question.is_open
    }
    assert {Timeliness.OVERDUE, Timeliness.DUE_SOON} <= standing
    answered = [question for question in questions if question.first_answered_at]
    assert all(question.first_answered_at > question.received_at for question in answered)
    assert any(timezone.localtime(q.first_answered_at).date() > q.due_on for q in answered), (
        "one answered late"
    )
    assert all(question.replies.exists() for question in answered)
    assert InternalNote.objects.exists()

    # The staff accounts: the staff member answers for the exit-entry department, the supervisor for all.
    staff = get_user_model().objects.get(username=STAFF_USERNAME)
    supervisor = get_user_model().objects.get(username=SUPERVISOR_USERNAME)
    assert client.login(username=STAFF_USERNAME, password=PASSWORD)
    assert [department.code for department in departments_for(staff)] == [STAFF_DEPARTMENT]
    assert all(
        question.department.code == STAFF_DEPARTMENT or question.assignee == staff
        for question in questions_for(staff)
    )
    assert questions_for(staff).exists()
    assert questions_for(supervisor).count() == len(questions)

    # Reply templates: the greeting in every language, the standard answers at least in four.
    templates = Counter(ReplyTemplate.objects.values_list("title", "language"))
    assert {language for title, language in templates if title == GREETING} == set(LANGUAGES)
    for title in STANDARD_ANSWERS:
        assert {"en", "zh-hans", "ko", "ar"} <= {language for name, language in templates if name == title}

    # Sample votes, so that the public figures show a satisfaction rate this month.
    figures = client.get("/en/faq/figures/").content.decode()
    this_month = FAQVoteCount.objects.filter(month=timezone.localdate().replace(day=1))
    assert this_month.exists() and "%" in figures.split("<tbody")[1].split("</tr>")[0]

    assert report.questions_created.total() == len(questions)
    before = snapshot()

    again = load()

    assert snapshot() == before
    assert (again.pages.created, again.pages.updated, again.pages.translated) == (0, 0, 0)
    assert again.faq_created.total() == again.questions_created.total() == again.accounts_created == 0
    assert (again.templates_created, again.templates_updated) == (0, 0)
    assert again.faq_unchanged == report.faq_created.total()


# --- loading a small sample, and refusing broken files --------------------------------------------

ONE_QUESTION = {
    "questions": [
        {
            "email": "sample.visitor@example.org",
            "language": "en",
            "section": "live",
            "status": "answered",
            "days_ago": 3,
            "text": "Where do I register my stay?",
            "department": STAFF_DEPARTMENT,
            "assigned": {"after_hours": 1},
            "replies": [{"after_hours": 5, "text": "At the local police station, within 24 hours."}],
        }
    ]
}
ONE_TEMPLATE = {"templates": [{"title": "Greeting", "bodies": {"en": "Hello,\n\n[…]\n\nKind regards"}}]}


def sample_files(tmp_path, *, faq: dict[str, dict] | None = None, questions: dict = ONE_QUESTION) -> dict:
    """A demo folder: `faq` (file name -> data; by default the sample file), one question, one template."""
    faq_dir = tmp_path / "faq"
    faq_dir.mkdir()
    if faq is None:
        faq = {"live.yaml": yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))}
    for name, data in faq.items():
        (faq_dir / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    files = {"faq_dir": faq_dir, "questions_file": tmp_path / "q.yaml", "templates_file": tmp_path / "t.yaml"}
    files["questions_file"].write_text(yaml.safe_dump(questions, allow_unicode=True), encoding="utf-8")
    files["templates_file"].write_text(yaml.safe_dump(ONE_TEMPLATE, allow_unicode=True), encoding="utf-8")
    return files


def sample() -> dict:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def test_each_entry_is_published_in_nine_languages_under_the_key_from_its_file(load, tmp_path):
    files = sample_files(tmp_path)

    report = load(**files)

    entries = FAQEntry.objects.filter(translation_key=faq_translation_key("sample-register-stay"))
    assert sorted(entries.values_list("locale__language_code", flat=True)) == sorted(LANGUAGES)
    korean = entries.get(locale__language_code="ko")
    assert (korean.section, korean.question) == (Section.LIVE, "숙박 등록을 해야 합니까?")
    english = entries.get(locale__language_code="en")
    assert english.answer.split("\n\n") == [
        "Yes. Register at the local police station within 24 hours of arrival; hotels register their guests.",
        "Registration is free.",
    ]
    assert report.faq_created == {"live": 2}
    assert load(**files).faq_unchanged == 2
    assert FAQEntry.objects.count() == 2 * len(LANGUAGES)


def refused(load, files) -> str:
    with pytest.raises(CatalogueError) as error:
        load(**files)
    assert not FAQEntry.objects.exists() and not FAQIndexPage.objects.exists()
    assert not Question.objects.exists() and not ReplyTemplate.objects.exists()
    return str(error.value)


def test_an_entry_missing_a_language_is_refused_by_file_and_key_and_nothing_is_written(load, tmp_path):
    data = sample()
    del data["entries"][1]["ar"]

    message = refused(load, sample_files(tmp_path, faq={"live.yaml": data}))

    assert "live.yaml: entry “sample-dog-inspection”, ar: missing" in message


def test_an_unknown_section_is_refused_by_file(load, tmp_path):
    data = sample() | {"section": "shopping"}

    message = refused(load, sample_files(tmp_path, faq={"shopping.yaml": data}))

    assert "shopping.yaml, section: unknown section “shopping”" in message


def test_a_key_used_in_two_files_is_refused(load, tmp_path):
    first, second = sample(), sample() | {"section": "travel"}

    message = refused(load, sample_files(tmp_path, faq={"live.yaml": first, "travel.yaml": second}))

    assert "travel.yaml: entry “sample-register-stay”, key: “sample-register-stay” is also" in message


def test_personal_data_in_an_faq_text_is_refused_before_anything_is_published(load, tmp_path):
    data = sample()
    data["entries"][0]["fr"]["answer"] += " Écrivez à jean.dupont@example.org pour en savoir plus."

    message = refused(load, sample_files(tmp_path, faq={"live.yaml": data}))

    assert "entry “sample-register-stay”, fr" in message and "jean.dupont@example.org" in message


def test_a_question_whose_status_does_not_follow_from_its_events_is_refused(load, tmp_path):
    question = ONE_QUESTION["questions"][0] | {"status": "closed"}

    message = refused(load, sample_files(tmp_path, questions={"questions": [question]}))

    assert (
        "question “sample.visitor@example.org”, status: “closed”, but its events make it “answered”"
        in message
    )
