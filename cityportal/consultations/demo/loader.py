"""Build the consultations demo (file formats in README.md beside this file).

After the news demo, in one transaction:

1. the FAQ page (/<lang>/faq/) under each home page, the Chinese page as source and the other
   languages as wagtail-localize translations (through the procedures demo's page writer, as the
   news demo writes its listings);
2. the FAQ entries of faq/*.yaml, each published in nine languages through services.publish_faq
   with a translation_key derived from its key (uuid5), so an entry already loaded is recognised;
3. the two demo staff accounts (questions-staff in the exit-entry department, questions-supervisor);
4. the reply templates of reply_templates.yaml;
5. the questions of questions.yaml, through the same services the site uses (submit, assign,
   note, answer, close), then dated as the file says (received N days ago, answered M hours later).

Every file is read and checked before anything is written; a problem (a missing language, an
unknown section, a duplicate key…) stops the load with a message naming the file and the entry, and
nothing is written. Running it twice changes nothing: pages are written only when they differ,
entries are recognised by their key, questions by their (fictional) email address, templates by
title and language, accounts by user name.
"""

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone, translation
from wagtail.models import Locale, ModelLogEntry

from cityportal.core.models import Department
from cityportal.core.sections import Section
from cityportal.core.working_days import add_working_days, load_working_calendar
from cityportal.home.models import HomePage
from cityportal.procedures.demo.loader import DemoPage, DemoReport, ProceduresDemoLoader, read_texts
from cityportal.procedures.importing import CatalogueError
from cityportal.procedures.importing.files import parse_file
from cityportal.procedures.importing.problems import Problems, Record
from cityportal.procedures.models import ProcedurePage

from ..models import (
    FAQEntry,
    FAQIndexPage,
    FAQVoteCount,
    InternalNote,
    Question,
    QuestionStatus,
    Reply,
    ReplyTemplate,
)
from ..models.faq import FAQ_ANSWER_MAX_LENGTH, FAQ_QUESTION_MAX_LENGTH
from ..models.questions import NOTE_MAX_LENGTH, QUESTION_MAX_LENGTH, REPLY_MAX_LENGTH
from ..permissions import STAFF_GROUP, SUPERVISORS_GROUP
from ..personal_data import find_personal_data
from ..services import (
    FAQText,
    add_note,
    answer_question,
    assign_question,
    beijing_date,
    close_question,
    publish_faq,
    submit_question,
)

DEMO_DIR = Path(__file__).parent
FAQ_DIR = DEMO_DIR / "faq"
QUESTIONS_FILE = DEMO_DIR / "questions.yaml"
TEMPLATES_FILE = DEMO_DIR / "reply_templates.yaml"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
SOURCE_LANGUAGE = settings.LANGUAGE_CODE
BEIJING = dt.timezone(dt.timedelta(hours=8))

# The namespace of the demo entries' translation keys: uuid5(FAQ_KEY_NAMESPACE, key). Fixed for ever,
# so that the same key gives the same entry on every load and every site.
FAQ_KEY_NAMESPACE = uuid.UUID("5b0f3c4e-2a8d-4f7e-9c61-0d3a7e2b9f15")

STAFF_USERNAME = "questions-staff"
SUPERVISOR_USERNAME = "questions-supervisor"
STAFF_DEPARTMENT = "psb-exit-entry"  # the exit-entry administration: visas, residence permits
DEMO_ACCOUNTS = {
    STAFF_USERNAME: (STAFF_GROUP, "Li Na (demo)", [STAFF_DEPARTMENT]),
    SUPERVISOR_USERNAME: (SUPERVISORS_GROUP, "Wang Qiang (demo)", []),
}

# The FAQ page of each language: title, summary (≤ 400 characters) and intro (rich text, <p> only).
FAQ_INDEX = {
    "zh-hans": {
        "title": "常见问题",
        "summary": "在京外国人经常咨询的问题和工作人员的答复，按栏目分类，可以搜索。",
        "intro": "<p>这里汇集了外国朋友经常咨询的问题和工作人员的答复，"
        "按投资、工作、学习、生活、旅游和消费分类。没有找到答案？您可以用自己的语言向我们提问。"
        "本站内容为示例，办理事项以官方指南为准。</p>",
    },
    "en": {
        "title": "Questions and answers",
        "summary": "Answers to the questions foreigners in Beijing ask most often, by section and "
        "searchable.",
        "intro": "<p>Questions foreigners often ask us, with our staff's answers, by section: investing, "
        "working, studying, living, travelling and shopping. Did not find your answer? Ask us in your "
        "own language. The content of this site is sample content: the official guides always prevail.</p>",
    },
    "ko": {
        "title": "자주 묻는 질문",
        "summary": "베이징의 외국인이 자주 묻는 질문과 답변을 분야별로 모았습니다. 검색할 수 있습니다.",
        "intro": "<p>외국인이 자주 묻는 질문과 담당 직원의 답변을 투자, 취업, 유학, 생활, 관광, "
        "쇼핑 분야별로 모았습니다. 찾는 답이 없으면 원하는 언어로 질문해 주세요. "
        "이 사이트의 내용은 예시이며, 공식 안내가 우선합니다.</p>",
    },
    "ja": {
        "title": "よくある質問",
        "summary": "北京の外国人からよく寄せられる質問と回答を分野別にまとめました。検索もできます。",
        "intro": "<p>外国人の方からよく寄せられる質問と担当職員の回答を、投資、就労、留学、生活、観光、"
        "ショッピングの分野別にまとめています。答えが見つからない場合は、ご自身の言語で質問してください。"
        "本サイトの内容はサンプルであり、公式の案内が優先します。</p>",
    },
    "de": {
        "title": "Fragen und Antworten",
        "summary": "Antworten auf die Fragen, die Ausländer in Beijing am häufigsten stellen, nach Rubriken "
        "geordnet und durchsuchbar.",
        "intro": "<p>Fragen, die Ausländer uns oft stellen, mit den Antworten unserer Mitarbeitenden, nach "
        "Rubriken geordnet: Investieren, Arbeiten, Studieren, Leben, Reisen und Einkaufen. Keine Antwort "
        "gefunden? Fragen Sie uns in Ihrer Sprache. Die Inhalte dieser Website sind Beispielinhalte: Es "
        "gelten stets die offiziellen Leitfäden.</p>",
    },
    "fr": {
        "title": "Questions et réponses",
        "summary": "Les réponses aux questions que les étrangers à Pékin posent le plus souvent, par "
        "rubrique, avec une recherche.",
        "intro": "<p>Les questions que les étrangers nous posent souvent, avec les réponses de nos agents, "
        "classées par rubrique : investir, travailler, étudier, vivre, voyager et consommer. Vous n'avez "
        "pas trouvé votre réponse ? Posez-nous votre question dans votre langue. Le contenu de ce site est "
        "un exemple : les guides officiels font toujours foi.</p>",
    },
    "es": {
        "title": "Preguntas y respuestas",
        "summary": "Respuestas a las preguntas más frecuentes de los extranjeros en Beijing, por sección y "
        "con buscador.",
        "intro": "<p>Preguntas que los extranjeros nos hacen a menudo, con las respuestas de nuestro "
        "personal, ordenadas por sección: invertir, trabajar, estudiar, vivir, viajar y comprar. ¿No "
        "encuentra su respuesta? Pregúntenos en su idioma. El contenido de este sitio es de ejemplo: "
        "prevalecen siempre las guías oficiales.</p>",
    },
    "ru": {
        "title": "Вопросы и ответы",
        "summary": "Ответы на вопросы, которые иностранцы в Пекине задают чаще всего, по разделам, "
        "с поиском.",
        "intro": "<p>Вопросы, которые иностранцы часто нам задают, и ответы наших сотрудников по разделам: "
        "инвестиции, работа, учёба, жизнь, туризм и покупки. Не нашли ответа? Задайте вопрос на своём "
        "языке. Материалы сайта — примерные: всегда действуют официальные руководства.</p>",
    },
    "ar": {
        "title": "أسئلة وأجوبة",
        "summary": "إجابات عن الأسئلة التي يطرحها الأجانب في بكين أكثر من غيرها، "
        "مرتبة حسب القسم وقابلة للبحث.",
        "intro": "<p>أسئلة يطرحها علينا الأجانب كثيرًا، مع إجابات موظفينا، مرتبة حسب القسم: الاستثمار والعمل "
        "والدراسة والمعيشة والسياحة والتسوق. لم تجدوا إجابتكم؟ اسألونا بلغتكم. محتوى هذا الموقع نموذجي، "
        "والمرجع دائمًا هو الأدلة الرسمية.</p>",
    },
}


def faq_translation_key(key: str) -> uuid.UUID:
    return uuid.uuid5(FAQ_KEY_NAMESPACE, key)


# --- what the files hold --------------------------------------------------------------------------


@dataclass
class DemoFAQEntry:
    where: str
    key: str
    section: str
    texts: dict[str, FAQText]


@dataclass
class Event:
    """Something staff did, `after_hours` after the question arrived."""

    after_hours: float
    text: str = ""
    draft_zh: str = ""
    by: str = ""


@dataclass
class DemoQuestion:
    where: str
    email: str
    name: str
    language: str
    section: str
    status: str
    text: str
    procedure: str
    days_ago: int | None
    working_days_ago: int | None
    time: dt.time
    department: str
    assignee: str
    assigned: Event | None
    notes: list[Event]
    replies: list[Event]
    closed: Event | None


@dataclass
class DemoTemplate:
    where: str
    title: str
    section: str
    bodies: dict[str, str]


@dataclass
class ConsultationsDemo:
    index: DemoPage
    faq: list[DemoFAQEntry]
    questions: list[DemoQuestion]
    templates: list[DemoTemplate]


@dataclass
class ConsultationsDemoReport:
    pages: DemoReport = field(default_factory=DemoReport)
    faq_created: Counter = field(default_factory=Counter)  # section -> entries published
    faq_unchanged: int = 0
    accounts_created: int = 0
    templates_created: int = 0
    templates_updated: int = 0
    templates_unchanged: int = 0
    questions_created: Counter = field(default_factory=Counter)  # status -> questions
    questions_unchanged: int = 0
    missing_guides: list[str] = field(default_factory=list)

    def summary(self) -> str:
        pages = self.pages
        statuses = ", ".join(f"{count} {status}" for status, count in sorted(self.questions_created.items()))
        return (
            f"Consultations demo: FAQ pages {pages.created} created, {pages.updated} updated, "
            f"{pages.translated} translations written, {pages.unchanged} unchanged; "
            f"FAQ entries {sum(self.faq_created.values())} published in nine languages, "
            f"{self.faq_unchanged} already there; {self.accounts_created} staff accounts created; "
            f"reply templates {self.templates_created} created, {self.templates_updated} updated, "
            f"{self.templates_unchanged} unchanged; questions {sum(self.questions_created.values())} "
            f"created ({statuses or 'none'}), {self.questions_unchanged} already there."
        )


# --- reading and checking -------------------------------------------------------------------------


def read_faq_index(problems: Problems) -> DemoPage:
    page = DemoPage("consultations demo: FAQ page", FAQIndexPage, "faq", "home")
    page.texts = read_texts(Record({"translations": FAQ_INDEX}, page.where, problems), page)
    return page


def read_faq_file(path: Path, problems: Problems, keys: dict[str, str]) -> list[DemoFAQEntry]:
    """The entries of one faq/<section>.yaml; `keys` (key -> file name) finds keys used twice."""
    data = parse_file(path, problems)
    if data is None:
        return []
    top = Record(data, path.name, problems)
    top.only(["section", "entries"])
    section = top.text("section", required=True)
    if section and section not in Section.values:
        top.report("section", f"unknown section “{section}” (one of: {', '.join(Section.values)})")
    entries = []
    for position, item in enumerate(top.records("entries", required=True)):
        raw_key = item.data.get("key")
        label = f"entry “{raw_key}”" if isinstance(raw_key, str) else f"entries[{position}]"
        record = Record(item.data, f"{path.name}: {label}", problems)
        record.only(["key", *LANGUAGES])
        key = record.code("key", required=True)
        if key in keys:
            record.report("key", f"“{key}” is also the key of an entry in {keys[key]}: keys must be unique")
        elif key:
            keys[key] = path.name
        texts = {}
        for language in LANGUAGES:
            text = record.mapping(language)
            if text is None:
                record.report(language, "missing: every entry is published in all nine languages")
                continue
            text.only(["question", "answer"])
            question = text.text("question", required=True, max_length=FAQ_QUESTION_MAX_LENGTH)
            answer = text.text("answer", required=True, max_length=FAQ_ANSWER_MAX_LENGTH)
            for finding in find_personal_data(f"{question}\n{answer}"):
                text.report(
                    "",
                    f"holds {finding.label} (“{finding.text}”), which publishing refuses: rephrase it",
                )
            texts[language] = FAQText(question, answer)
        if key and section in Section.values:
            entries.append(DemoFAQEntry(record.where, key, section, texts))
    return entries


def read_event(record: Record | None, *, with_text: bool) -> Event | None:
    if record is None:
        return None
    record.only(["after_hours", "text", "draft_zh", "by"] if with_text else ["after_hours", "by"])
    hours = record.raw("after_hours", None)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
        record.report("after_hours", "missing or not a positive number of hours after the question arrived")
        hours = 1
    event = Event(after_hours=float(hours), by=record.choice("by", [*DEMO_ACCOUNTS, ""], default=""))
    if with_text:
        event.text = record.text("text", required=True, max_length=REPLY_MAX_LENGTH)
        event.draft_zh = record.text("draft_zh", max_length=REPLY_MAX_LENGTH)
    return event


QUESTION_FIELDS = [
    "email",
    "name",
    "language",
    "section",
    "status",
    "text",
    "procedure",
    "days_ago",
    "working_days_ago",
    "time",
    "department",
    "assignee",
    "assigned",
    "notes",
    "replies",
    "closed",
]


def check_status(record: Record, question: DemoQuestion) -> None:
    """The status the file states must be the one its events lead to."""
    if question.closed is not None:
        follows = QuestionStatus.CLOSED
    elif question.replies:
        follows = QuestionStatus.ANSWERED
    elif question.assigned is not None:
        follows = QuestionStatus.ASSIGNED
    else:
        follows = QuestionStatus.NEW
    if question.status != follows:
        record.report(
            "status",
            f"“{question.status}”, but its events make it “{follows}” (assigned: → assigned; replies: → "
            "answered; closed: → closed)",
        )
    if question.assigned is not None and not (question.department or question.assignee):
        record.report("assigned", "give a department or an assignee to assign the question to")
    if (question.department or question.assignee) and question.assigned is None:
        record.report("assigned", "missing: when was it assigned (after_hours)?")
    middle = [event.after_hours for event in (*question.notes, *question.replies)]
    for name, events in (("notes", question.notes), ("replies", question.replies)):
        hours = [event.after_hours for event in events]
        if hours != sorted(hours):
            record.report(name, "list them in the order they were written (after_hours increasing)")
    if question.assigned is not None and any(hours < question.assigned.after_hours for hours in middle):
        record.report("assigned", "notes and replies come after the assignment")
    if question.closed is not None and any(hours > question.closed.after_hours for hours in middle):
        record.report("closed", "notes and replies come before the question is closed")


def read_questions(path: Path, problems: Problems) -> list[DemoQuestion]:
    data = parse_file(path, problems)
    if data is None:
        return []
    top = Record(data, path.name, problems)
    top.only(["questions"])
    questions, emails = [], set()
    for position, item in enumerate(top.records("questions", required=True)):
        raw_email = item.data.get("email")
        label = f"question “{raw_email}”" if isinstance(raw_email, str) else f"questions[{position}]"
        record = Record(item.data, f"{path.name}: {label}", problems)
        record.only(QUESTION_FIELDS)
        email = record.email("email")
        if not email:
            record.report("email", "missing: each question has its own fictional address (…@example.org)")
        elif not email.endswith("@example.org"):
            record.report("email", "use a fictional address at example.org")
        elif email in emails:
            record.report("email", "another question has this address: it identifies the question")
        emails.add(email)
        days_ago = record.integer("days_ago", minimum=1, maximum=300)
        working_days_ago = record.integer("working_days_ago", minimum=1, maximum=200)
        if (days_ago is None) == (working_days_ago is None):
            record.report("days_ago", "give either days_ago or working_days_ago (when the question arrived)")
        time = record.time("time") if record.has("time") else dt.time(10, 0)
        question = DemoQuestion(
            where=record.where,
            email=email,
            name=record.text("name", max_length=100),
            language=record.choice("language", LANGUAGES),
            section=record.choice("section", Section.values),
            status=record.choice("status", QuestionStatus.values),
            text=record.text("text", required=True, max_length=QUESTION_MAX_LENGTH),
            procedure=record.code("procedure"),
            days_ago=days_ago,
            working_days_ago=working_days_ago,
            time=time or dt.time(10, 0),
            department=record.code("department"),
            assignee=record.choice("assignee", [*DEMO_ACCOUNTS, ""], default=""),
            assigned=read_event(record.mapping("assigned"), with_text=False),
            notes=[read_event(note, with_text=True) for note in record.records("notes")],
            replies=[read_event(reply, with_text=True) for reply in record.records("replies")],
            closed=read_event(record.mapping("closed"), with_text=False),
        )
        for note in question.notes:
            if len(note.text) > NOTE_MAX_LENGTH:
                record.report("notes", f"a note longer than {NOTE_MAX_LENGTH} characters")
        check_status(record, question)
        questions.append(question)
    return questions


def read_templates(path: Path, problems: Problems) -> list[DemoTemplate]:
    data = parse_file(path, problems)
    if data is None:
        return []
    top = Record(data, path.name, problems)
    top.only(["templates"])
    templates, titles = [], set()
    for position, item in enumerate(top.records("templates", required=True)):
        raw_title = item.data.get("title")
        label = f"template “{raw_title}”" if isinstance(raw_title, str) else f"templates[{position}]"
        record = Record(item.data, f"{path.name}: {label}", problems)
        record.only(["title", "section", "bodies"])
        title = record.text("title", required=True, max_length=120)
        if title in titles:
            record.report("title", "another template has this title")
        titles.add(title)
        section = record.choice("section", [*Section.values, ""], default="")
        bodies_record = record.mapping("bodies", required=True)
        bodies = {}
        if bodies_record is not None:
            bodies_record.only(LANGUAGES)
            for language in LANGUAGES:
                body = bodies_record.text(language, max_length=REPLY_MAX_LENGTH)
                if body:
                    bodies[language] = body
            if not bodies:
                record.report("bodies", "missing: give the text in at least one language")
        templates.append(DemoTemplate(record.where, title, section, bodies))
    return templates


def read_demo(
    *, faq_dir: Path = FAQ_DIR, questions_file: Path = QUESTIONS_FILE, templates_file: Path = TEMPLATES_FILE
) -> ConsultationsDemo:
    """Read and check every file, writing nothing. Raises CatalogueError listing every problem."""
    problems = Problems()
    index = read_faq_index(problems)
    keys: dict[str, str] = {}
    faq = []
    faq_files = sorted(faq_dir.glob("*.yaml"))
    if not faq_files:
        problems.add(str(faq_dir), "", "no FAQ files (faq/<section>.yaml)")
    for path in faq_files:
        faq += read_faq_file(path, problems, keys)
    questions = read_questions(questions_file, problems)
    templates = read_templates(templates_file, problems)
    problems.raise_if_any()
    return ConsultationsDemo(index=index, faq=faq, questions=questions, templates=templates)


# --- writing --------------------------------------------------------------------------------------


class ConsultationsDemoLoader:
    def __init__(
        self,
        log: Callable[[str], None] = lambda message: None,
        *,
        password: str,
        faq_dir: Path = FAQ_DIR,
        questions_file: Path = QUESTIONS_FILE,
        templates_file: Path = TEMPLATES_FILE,
    ):
        self.log = log
        self.password = password
        self.files = {"faq_dir": faq_dir, "questions_file": questions_file, "templates_file": templates_file}
        self.report = ConsultationsDemoReport()

    def read(self) -> ConsultationsDemo:
        return read_demo(**self.files)

    def load(self) -> ConsultationsDemoReport:
        demo = self.read()
        home = HomePage.objects.filter(locale__language_code=SOURCE_LANGUAGE).first()
        if home is None:
            raise CatalogueError(["The FAQ pages go under the home page: load the home demo first."])
        departments = {department.code: department for department in Department.objects.all()}
        unknown = sorted(
            {question.department for question in demo.questions if question.department} - set(departments)
        )
        if STAFF_DEPARTMENT not in departments:
            unknown = sorted({*unknown, STAFF_DEPARTMENT})
        if unknown:
            raise CatalogueError(
                [
                    f"{QUESTIONS_FILE.name}: unknown department codes {', '.join(unknown)}; the procedures "
                    "demo creates the departments: load it first"
                ]
            )
        received = self.schedule(demo.questions)
        self.locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
        with translation.override(SOURCE_LANGUAGE), transaction.atomic():
            self.write_index(demo.index, home)
            self.write_faq(demo.faq)
            self.write_votes()
            accounts = self.write_accounts(departments)
            self.write_templates(demo.templates)
            self.write_questions(demo.questions, received, departments, accounts)
        return self.report

    def write_index(self, index: DemoPage, home: HomePage) -> None:
        writer = ProceduresDemoLoader(log=self.log)  # the procedures demo's page writer
        writer.locales, writer.report = self.locales, self.report.pages
        page = writer.save_source(index, home, {})
        writer.translate(index, page, {})
        # The home page got a child, which its translation source records: take it again now, so
        # that the next load sees no change (as the procedures and news demos do).
        writer.refresh_translations(home)
        self.log("FAQ pages (/<lang>/faq/) in nine languages")

    def write_votes(self) -> None:
        """Sample "was this helpful?" counts for this month and the last, so that the figures page
        shows a satisfaction rate; written once (not when any count exists), the same each time."""
        if FAQVoteCount.objects.exists():
            return
        this_month = beijing_date(timezone.now()).replace(day=1)
        last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
        rows = []
        for number, entry in enumerate(FAQEntry.objects.filter(live=True).order_by("pk")[:90]):
            helpful, not_helpful = 3 + number % 7, number % 3
            rows.append(FAQVoteCount(entry=entry, month=this_month, helpful=helpful, not_helpful=not_helpful))
            if number % 2:
                rows.append(FAQVoteCount(entry=entry, month=last_month, helpful=helpful + 2, not_helpful=1))
        FAQVoteCount.objects.bulk_create(rows)
        self.log(f"FAQ votes: sample counts for {len(rows)} entry-months")

    def write_faq(self, entries: list[DemoFAQEntry]) -> None:
        loaded: dict[uuid.UUID, set[str]] = {}
        keys = [faq_translation_key(entry.key) for entry in entries]
        for translation_key, language in FAQEntry.objects.filter(translation_key__in=keys).values_list(
            "translation_key", "locale__language_code"
        ):
            loaded.setdefault(translation_key, set()).add(language)
        # The FAQ lists the newest first: publish each file's entries last to first, so the page shows
        # them in the order the file gives (its most asked question at the top).
        for entry in reversed(entries):
            translation_key = faq_translation_key(entry.key)
            missing = {
                code: text
                for code, text in entry.texts.items()
                if code not in loaded.get(translation_key, ())
            }
            if not missing:
                self.report.faq_unchanged += 1
                continue
            publish_faq(by=None, section=entry.section, texts=missing, translation_key=translation_key)
            self.report.faq_created[entry.section] += 1
        for section, count in sorted(self.report.faq_created.items()):
            self.log(f"FAQ {section}: {count} entries published in nine languages")

    def write_accounts(self, departments: dict[str, Department]) -> dict[str, object]:
        """The demo's staff accounts, with the demo admin's password (set only when created)."""
        user_model = get_user_model()
        accounts = {}
        for username, (group_name, full_name, codes) in DEMO_ACCOUNTS.items():
            user = user_model.objects.filter(username=username).first()
            if user is None:
                first_name, _space, last_name = full_name.partition(" ")
                user = user_model.objects.create_user(
                    username,
                    f"{username}@example.org",
                    self.password,
                    first_name=first_name,
                    last_name=last_name,
                )
                self.report.accounts_created += 1
            group = Group.objects.get(name=group_name)
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
            for code in codes:
                user.consultation_departments.get_or_create(department=departments[code])
            accounts[username] = user
        return accounts

    def write_templates(self, templates: list[DemoTemplate]) -> None:
        for template in templates:
            for language, body in template.bodies.items():
                stored = ReplyTemplate.objects.filter(title=template.title, language=language).first()
                if stored is None:
                    ReplyTemplate.objects.create(
                        title=template.title, language=language, section=template.section, body=body
                    )
                    self.report.templates_created += 1
                elif (stored.section, stored.body) != (template.section, body):
                    stored.section, stored.body = template.section, body
                    stored.save(update_fields=["section", "body"])
                    self.report.templates_updated += 1
                else:
                    self.report.templates_unchanged += 1
        self.log(
            f"Reply templates: {len(templates)}, {self.report.templates_created} language versions created"
        )

    # --- questions ----------------------------------------------------------------------------------

    def received_at(self, question: DemoQuestion, today: dt.date, calendar) -> dt.datetime:
        if question.working_days_ago is not None:
            day = add_working_days(today, -question.working_days_ago, calendar)
        else:
            day = today - dt.timedelta(days=question.days_ago)
        return dt.datetime.combine(day, question.time, tzinfo=BEIJING)

    def schedule(self, questions: list[DemoQuestion]) -> dict[str, dt.datetime]:
        """When each question arrived (email -> time), counted back from today; refuses a question
        whose last event would lie in the future."""
        now = timezone.now()
        today = timezone.localdate(now)
        calendar = load_working_calendar({today.year - 1, today.year})
        received, problems = {}, []
        for demo in questions:
            received[demo.email] = self.received_at(demo, today, calendar)
            events = (demo.assigned, *demo.notes, *demo.replies, demo.closed)
            last = max((event.after_hours for event in events if event is not None), default=0)
            if received[demo.email] + dt.timedelta(hours=last) >= now:
                problems.append(
                    f"{demo.where}: its last event would lie in the future; make it arrive earlier"
                )
        if problems:
            raise CatalogueError(problems)
        return received

    def write_questions(self, questions: list[DemoQuestion], received, departments, accounts) -> None:
        emails = [question.email for question in questions]
        existing = set(Question.objects.filter(email__in=emails).values_list("email", flat=True))
        for demo in questions:
            if demo.email in existing:
                self.report.questions_unchanged += 1
                continue
            self.write_question(demo, received[demo.email], departments, accounts)
            self.report.questions_created[demo.status] += 1
        self.log(
            f"Questions: {sum(self.report.questions_created.values())} created, "
            f"{self.report.questions_unchanged} already there"
        )
        if self.report.missing_guides:
            self.log(f"Guides not found (load the procedures demo): {', '.join(self.report.missing_guides)}")

    def write_question(self, demo: DemoQuestion, received: dt.datetime, departments, accounts) -> None:
        procedure = None
        if demo.procedure:
            procedure = ProcedurePage.objects.filter(
                item_code=demo.procedure, locale=self.locales[demo.language]
            ).first()
            if procedure is None and demo.procedure not in self.report.missing_guides:
                self.report.missing_guides.append(demo.procedure)
        question = submit_question(
            language=demo.language,
            section=demo.section,
            text=demo.text,
            email=demo.email,
            name=demo.name,
            procedure=procedure,
            now=received,
        )
        staff = accounts[STAFF_USERNAME]
        supervisor = accounts[SUPERVISOR_USERNAME]
        assignee = accounts.get(demo.assignee)

        def at(event: Event) -> dt.datetime:
            return received + dt.timedelta(hours=event.after_hours)

        def by(event: Event, default):
            return accounts.get(event.by) or default

        if demo.assigned is not None:
            assign_question(
                question,
                by=by(demo.assigned, supervisor),
                department=departments.get(demo.department),
                assignee=assignee,
            )
            self.backdate(question, "consultations.assign", at(demo.assigned))
            Question.objects.filter(pk=question.pk).update(assigned_at=at(demo.assigned))
        for event in demo.notes:
            note = add_note(question, by=by(event, assignee or staff), text=event.text)
            InternalNote.objects.filter(pk=note.pk).update(created_at=at(event))
            self.backdate(question, "consultations.note", at(event))
        for position, event in enumerate(demo.replies):
            reply = answer_question(
                question, by=by(event, assignee or staff), text=event.text, draft_zh=event.draft_zh
            )
            Reply.objects.filter(pk=reply.pk).update(sent_at=at(event))
            if position == 0:
                Question.objects.filter(pk=question.pk).update(first_answered_at=at(event))
            self.backdate(question, "consultations.answer", at(event))
        if demo.closed is not None:
            close_question(question, by=by(demo.closed, assignee or staff))
            Question.objects.filter(pk=question.pk).update(closed_at=at(demo.closed))
            self.backdate(question, "consultations.close", at(demo.closed))

    @staticmethod
    def backdate(question: Question, action: str, moment: dt.datetime) -> None:
        """The services stamp what staff do with the current time; the demo tells a story over days,
        so the latest log entry of `action` takes the file's time."""
        entry = ModelLogEntry.objects.for_instance(question).filter(action=action).order_by("-pk").first()
        if entry is not None:
            ModelLogEntry.objects.filter(pk=entry.pk).update(timestamp=moment)
