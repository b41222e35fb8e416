"""Build the procedures demo in nine languages: /guides/ and /journeys/ under each home page, the
guides of catalogue/*.yaml (through the catalogue import), the finder (/guides/finder/) and the
journeys of pages.yaml (format in docs/demo-content.md).

The Chinese text becomes the source page, the other languages wagtail-localize translations
(core/localize_sync.py), as for the home demo. Running it twice changes nothing.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import translation
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation

from cityportal.core.localize_sync import (
    SegmentMismatch,
    check_alignment,
    publish_translation,
    source_for,
    source_segments,
    translate_page,
)
from cityportal.core.models import SectionTag
from cityportal.core.sections import Section
from cityportal.home.models import HomePage

from ..importing import CatalogueError, read_catalogue
from ..importing.files import parse_file
from ..importing.problems import Problems, Record
from ..importing.schema import compare_text
from ..importing.writing import validation_problems
from ..models import FinderPage, JourneyIndexPage, JourneyPage, ProcedureIndexPage, ProcedurePage
from ..services import ImportReport, import_catalogue, known_codes

DEMO_DIR = Path(__file__).parent
CATALOGUE_DIR = DEMO_DIR / "catalogue"
PAGES_FILE = DEMO_DIR / "pages.yaml"
PAGES_FORMAT = "cityportal-procedure-pages/1"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
SOURCE_LANGUAGE = settings.LANGUAGE_CODE
TEXT_FIELDS = ("title", "summary", "intro")
STREAM_FIELDS = {FinderPage: ("questions", "rules"), JourneyPage: ("steps",)}


@dataclass
class DemoPage:
    """One page of pages.yaml: what every language shares, and each language's texts."""

    where: str
    model: type[Page]
    slug: str
    parent: str  # "home", "guides" or "journeys"
    texts: dict[str, dict] = field(default_factory=dict)
    questions: list[dict] = field(default_factory=list)  # finder: [{key, answers: [key, …]}]
    rules: list[dict] = field(default_factory=list)  # finder: [{conditions: {question: answer}, procedures}]
    steps: list[list[str]] = field(default_factory=list)  # journey: the item codes of each step
    sections: list[str] = field(default_factory=list)  # journey

    def item_codes(self) -> list[tuple[str, str]]:
        """(field path, item code) of every guide the page names."""
        found = [
            (f"rules[{n}].procedures", code)
            for n, rule in enumerate(self.rules)
            for code in rule["procedures"]
        ]
        found += [(f"steps[{n}].procedures", code) for n, codes in enumerate(self.steps) for code in codes]
        return found


@dataclass
class DemoReport:
    created: int = 0
    updated: int = 0
    translated: int = 0
    unchanged: int = 0
    catalogue: ImportReport | None = None

    def summary(self) -> str:
        pages = (
            f"{self.created} pages created, {self.updated} updated, {self.translated} translations written, "
            f"{self.unchanged} unchanged"
        )
        guides = self.catalogue.summary() if self.catalogue else ""
        return f"Procedures demo: {pages}. {guides}".strip()


# --- reading pages.yaml ---------------------------------------------------------------------------


def read_pages(path: Path = PAGES_FILE) -> tuple[list[DemoPage], Problems]:
    """The index pages, the finder and the journeys, parents first, and the problems found."""
    problems = Problems()
    data = parse_file(path, problems)
    if data is None:
        return [], problems
    top = Record(data, path.name, problems)
    top.only(["format", "guides_index", "journeys_index", "finder", "journeys"])
    if top.raw("format", None) != PAGES_FORMAT:
        top.report("format", f"must be “{PAGES_FORMAT}”")
        return [], problems
    pages = []
    for name, model, slug in (
        ("guides_index", ProcedureIndexPage, "guides"),
        ("journeys_index", JourneyIndexPage, "journeys"),
    ):
        record = top.mapping(name, required=True)
        if record is not None:
            record = Record(record.data, f"{path.name}: {name}", problems)
            record.only(["translations"])
            page = DemoPage(record.where, model, slug, "home")
            page.texts = read_texts(record, page)
            pages.append(page)
    finder = top.mapping("finder", required=True)
    if finder is not None:
        pages.append(read_finder(Record(finder.data, f"{path.name}: finder", problems)))
    for index, item in enumerate(top.records("journeys", required=True)):
        slug = item.data.get("slug")
        label = f'journey "{slug}"' if isinstance(slug, str) else f"journeys[{index}]"
        pages.append(read_journey(Record(item.data, f"{path.name}: {label}", problems)))
    slugs = [page.slug for page in pages if page.model is JourneyPage]
    for page in pages:
        if page.model is JourneyPage and slugs.count(page.slug) > 1:
            problems.add(page.where, "slug", "another journey has this slug")
    return pages, problems


def read_texts(record: Record, page: DemoPage, read_more: Callable | None = None) -> dict[str, dict]:
    translations = record.mapping("translations", required=True)
    if translations is None:
        return {}
    for language in translations.data:
        if language not in LANGUAGES:
            translations.report(str(language), f"unknown language (the portal's are: {', '.join(LANGUAGES)})")
    if SOURCE_LANGUAGE not in translations.data:
        translations.report(SOURCE_LANGUAGE, "missing: the Chinese text is the source of every translation")
        return {}
    texts = {}
    for language in LANGUAGES:
        language_record = translations.mapping(language)
        if language_record is None:
            continue
        values = {
            "title": language_record.text("title", required=True, max_length=255),
            "summary": language_record.text("summary", max_length=400),
            "intro": language_record.rich_text("intro"),
        }
        allowed = list(TEXT_FIELDS)
        if read_more:
            allowed += read_more(language_record, values)
        language_record.only(allowed)
        texts[language] = values
        if language != SOURCE_LANGUAGE:
            compare_with_source(language_record, values, texts[SOURCE_LANGUAGE])
    return texts


def compare_with_source(record: Record, translated, source, path: str = "") -> None:
    """A translation gives a text exactly where the Chinese does (rich text in as many paragraphs):
    wagtail-localize pairs them segment by segment. List lengths are checked by the readers."""
    if isinstance(source, dict) and isinstance(translated, dict):
        for key, value in source.items():
            compare_with_source(record, translated.get(key, ""), value, f"{path}.{key}" if path else key)
    elif isinstance(source, list) and isinstance(translated, list):
        for position, (want, got) in enumerate(zip(source, translated, strict=False)):
            compare_with_source(record, got, want, f"{path}[{position}]")
    elif isinstance(source, str) and isinstance(translated, str):
        compare_text(record, path, "rich" if path == "intro" else "text", source, translated)


def read_finder(record: Record) -> DemoPage:
    record.only(["questions", "rules", "translations"])
    page = DemoPage(record.where, FinderPage, "finder", "guides")
    answers_of: dict[str, list[str]] = {}
    for question in record.records("questions", required=True):
        question.only(["key", "answers"])
        key = question.code("key", required=True)
        answers = question.codes("answers")
        if len(answers) < 2:
            question.report("answers", "give at least two answers")
        page.questions.append({"key": key, "answers": answers})
        answers_of[key] = answers
    for rule in record.records("rules", required=True):
        rule.only(["conditions", "procedures"])
        conditions = rule.mapping("conditions")
        wanted = {}
        for question, answer in (conditions.data if conditions else {}).items():
            if question not in answers_of:
                conditions.report(str(question), "no question has this key")
            elif isinstance(answer, bool):
                conditions.report(
                    str(question),
                    'write the answer in quotes ("yes"): YAML reads yes and no as true and false',
                )
            elif answer not in answers_of[question]:
                conditions.report(
                    str(question), f"“{answer}” is not one of its answers ({', '.join(answers_of[question])})"
                )
            else:
                wanted[question] = answer
        procedures = rule.codes("procedures")
        if not procedures:
            rule.report("procedures", "missing: name at least one guide")
        page.rules.append({"conditions": wanted, "procedures": procedures})

    def questions_and_rules(texts: Record, values: dict) -> list[str]:
        values["questions"] = []
        items = texts.records("questions", required=True)
        if len(items) != len(page.questions):
            texts.report("questions", f"{len(items)} questions where the structure has {len(page.questions)}")
        for item, question in zip(items, page.questions, strict=False):
            item.only(["text", "help_text", "answers"])
            labels = item.raw("answers", [])
            if not isinstance(labels, list) or len(labels) != len(question["answers"]):
                item.report(
                    "answers", f"give {len(question['answers'])} answer labels, in the order of the keys"
                )
                labels = []
            answers = Record(
                {str(n): label for n, label in enumerate(labels)},
                item.where,
                item.problems,
                item.at("answers"),
            )
            values["questions"].append(
                {
                    "text": item.text("text", required=True, max_length=300),
                    "help_text": item.text("help_text", max_length=500),
                    "answers": [
                        answers.text(str(n), required=True, max_length=200) for n in range(len(labels))
                    ],
                }
            )
        values["rules"] = []
        rules = texts.records("rules")
        if len(rules) != len(page.rules):
            texts.report("rules", f"{len(rules)} rules where the structure has {len(page.rules)}")
        for item in rules:
            item.only(["reason"])
            values["rules"].append({"reason": item.text("reason", max_length=300)})
        return ["questions", "rules"]

    page.texts = read_texts(record, page, questions_and_rules)
    return page


def read_journey(record: Record) -> DemoPage:
    record.only(["slug", "sections", "steps", "translations"])
    page = DemoPage(record.where, JourneyPage, record.code("slug", required=True), "journeys")
    page.sections = record.codes("sections", choices=Section.values)
    for step in record.records("steps", required=True):
        step.only(["procedures"])
        codes = step.codes("procedures")
        if not codes:
            step.report("procedures", "missing: name at least one guide")
        page.steps.append(codes)

    def steps(texts: Record, values: dict) -> list[str]:
        items = texts.records("steps", required=True)
        if len(items) != len(page.steps):
            texts.report("steps", f"{len(items)} steps where the structure has {len(page.steps)}")
        values["steps"] = []
        for item in items:
            item.only(["title", "description"])
            values["steps"].append(
                {
                    "title": item.text("title", required=True, max_length=200),
                    "description": item.text("description", max_length=1000),
                }
            )
        return ["steps"]

    page.texts = read_texts(record, page, steps)
    return page


# --- filling pages --------------------------------------------------------------------------------


def with_ids(new, old):
    """Give StreamField raw data the block ids of `old` at the same positions (new ids elsewhere), so
    that segments keep their contexts, and so their translations, when a page is filled again."""
    if isinstance(new, list):
        old = old if isinstance(old, list) else []
        for position, item in enumerate(new):
            previous = old[position] if position < len(old) and isinstance(old[position], dict) else {}
            if isinstance(item, dict) and "type" in item and "value" in item:
                item["id"] = previous.get("id") or str(uuid.uuid4())
                item["value"] = with_ids(item["value"], previous.get("value"))
        return new
    if isinstance(new, dict):
        old = old if isinstance(old, dict) else {}
        return {key: with_ids(value, old.get(key)) for key, value in new.items()}
    return new


def items(values: list) -> list[dict]:
    return [{"type": "item", "value": value} for value in values]


def stream_raw(demo: DemoPage, name: str, texts: dict, guides: dict[str, Page]) -> list[dict]:
    def pages(codes):
        return items([guides[code].pk for code in codes if code in guides])

    if name == "questions":
        return [
            {
                "type": "question",
                "value": {
                    "key": question["key"],
                    "text": text["text"],
                    "help_text": text["help_text"],
                    "answers": items(
                        [
                            {"key": key, "label": label}
                            for key, label in zip(question["answers"], text["answers"], strict=True)
                        ]
                    ),
                },
            }
            for question, text in zip(demo.questions, texts["questions"], strict=True)
        ]
    if name == "rules":
        return [
            {
                "type": "rule",
                "value": {
                    "conditions": items(
                        [{"question": q, "answer": a} for q, a in rule["conditions"].items()]
                    ),
                    "reason": text["reason"],
                    "procedures": pages(rule["procedures"]),
                },
            }
            for rule, text in zip(demo.rules, texts["rules"], strict=True)
        ]
    return [
        {
            "type": "step",
            "value": {"title": text["title"], "description": text["description"], "procedures": pages(codes)},
        }
        for codes, text in zip(demo.steps, texts["steps"], strict=True)
    ]


def fill(page: Page, demo: DemoPage, language: str, guides: dict[str, Page], *, ids_from: Page | None = None):
    texts = demo.texts[language]
    page.slug = demo.slug
    for name in TEXT_FIELDS:
        setattr(page, name, texts[name])
    for name in STREAM_FIELDS.get(demo.model, ()):
        stream_field = page._meta.get_field(name)
        old = list(getattr(ids_from, name).raw_data) if ids_from is not None else []
        raw = with_ids(stream_raw(demo, name, texts, guides), old)
        setattr(page, name, stream_field.to_python(json.dumps(raw, cls=DjangoJSONEncoder)))


def without_ids(value):
    if isinstance(value, dict):
        return {key: without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    return value


def snapshot(page: Page, demo: DemoPage) -> dict:
    data = {name: getattr(page, name) for name in (*TEXT_FIELDS, "slug")}
    for name in STREAM_FIELDS.get(demo.model, ()):
        data[name] = without_ids(page._meta.get_field(name).stream_block.get_prep_value(getattr(page, name)))
    if demo.model is JourneyPage:
        data["sections"] = sorted(tag.pk for tag in page.sections.all())
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def check_pages(pages: list[DemoPage], guide_codes: set[str], problems: Problems) -> None:
    """Every guide named exists, and every language splits into the source's segments (on unsaved pages)."""
    for demo in pages:
        for path, code in demo.item_codes():
            if code not in guide_codes:
                problems.add(demo.where, path, f"unknown procedure “{code}” (in no catalogue file)")
        if SOURCE_LANGUAGE not in demo.texts:
            continue
        source = demo.model()
        fill(source, demo, SOURCE_LANGUAGE, {})
        for language in demo.texts:
            if language == SOURCE_LANGUAGE:
                continue
            translated = demo.model()
            fill(translated, demo, language, {})
            try:
                check_alignment(source, translated)
            except SegmentMismatch as error:
                problems.add(
                    demo.where,
                    f"translations.{language}",
                    f"{error.describe()}: give every language the same texts (an empty help text or "
                    "description where the Chinese has one, or the other way round, also counts)",
                )


# --- the loader -----------------------------------------------------------------------------------


class ProceduresDemoLoader:
    def __init__(
        self,
        log: Callable[[str], None] = lambda message: None,
        *,
        pages_file: Path = PAGES_FILE,
        catalogue_dir: Path = CATALOGUE_DIR,
    ):
        self.log = log
        self.pages_file = pages_file
        self.catalogue_files = sorted(catalogue_dir.glob("*.yaml")) + sorted(catalogue_dir.glob("*.json"))
        self.report = DemoReport()
        self.pages: list[DemoPage] = []

    def read(self) -> int:
        """Read and check pages.yaml and the catalogue, writing nothing; return the number of guides.

        Raises CatalogueError listing every problem."""
        self.pages, problems = read_pages(self.pages_file)
        catalogue, catalogue_problems = read_catalogue(self.catalogue_files, known_codes())
        problems.items += catalogue_problems.items
        if not problems.items:
            codes = {entry.item_code for entry in catalogue.guides} | known_codes().guides
            check_pages(self.pages, codes, problems)
        problems.raise_if_any()
        return len(catalogue.guides)

    def load(self) -> DemoReport:
        self.read()
        home = HomePage.objects.filter(locale__language_code=SOURCE_LANGUAGE).first()
        if home is None:
            raise CatalogueError(["The procedures demo goes under the home page: load the home demo first."])
        self.locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
        by_slug = {demo.slug: demo for demo in self.pages}
        indexes = [by_slug["guides"], by_slug["journeys"]]
        children = [demo for demo in self.pages if demo.parent != "home"]
        with translation.override(SOURCE_LANGUAGE), transaction.atomic():
            parents = {"home": home}
            for demo in indexes:
                parents[demo.slug] = self.save_source(demo, home, {})
                self.translate(demo, parents[demo.slug], {})
            self.log(f"Procedure guides from {len(self.catalogue_files)} catalogue files…")
            self.report.catalogue = import_catalogue(self.catalogue_files, log=self.log)
            guides = {
                page.item_code: page
                for page in ProcedurePage.objects.filter(locale=self.locales[SOURCE_LANGUAGE])
            }
            for number, demo in enumerate(children, start=1):
                self.log(f"[{number}/{len(children)}] {demo.parent}/{demo.slug}")
                page = self.save_source(demo, parents[demo.parent], guides)
                self.translate(demo, page, guides)
            # Adding children changed the index pages' tree fields, which their translation sources
            # record: taking them again now keeps the next run from seeing a change.
            for demo in indexes:
                self.translate(demo, parents[demo.slug], {})
            self.refresh_translations(home)
        return self.report

    def refresh_translations(self, page: Page) -> None:
        """The home page got the index pages as children, which its translation source records (tree
        fields): take it again and republish its translations now, as the next load would."""
        page = page.specific_class.objects.get(pk=page.pk)
        source = source_for(page)
        targets = Translation.objects.filter(source=source, enabled=True).select_related("target_locale")
        for target in targets:
            if publish_translation(source, page, target.target_locale, strings_changed=False):
                self.report.translated += 1

    def save_source(self, demo: DemoPage, parent: Page, guides: dict[str, Page]) -> Page:
        locale = self.locales[SOURCE_LANGUAGE]
        if demo.parent == "home":  # one index page per language, whatever its slug
            page = demo.model.objects.filter(locale=locale).first()
        else:
            page = demo.model.objects.child_of(parent).filter(locale=locale, slug=demo.slug).first()
        try:
            if page is None:
                page = demo.model(locale=locale)
                fill(page, demo, SOURCE_LANGUAGE, guides)
                self.set_sections(page, demo)
                parent.add_child(instance=page)
                page.save_revision().publish()
                self.report.created += 1
                return page
            before = snapshot(page, demo)
            fill(page, demo, SOURCE_LANGUAGE, guides, ids_from=page)
            self.set_sections(page, demo)
            if snapshot(page, demo) != before or not page.live:
                page.save_revision().publish()
                self.report.updated += 1
            else:
                self.report.unchanged += 1
        except ValidationError as error:
            raise CatalogueError(validation_problems(demo.where, error)) from error
        return page

    def set_sections(self, page: Page, demo: DemoPage) -> None:
        if demo.model is JourneyPage:
            page.sections = list(SectionTag.objects.filter(code__in=demo.sections))

    def translate(self, demo: DemoPage, page: Page, guides: dict[str, Page]) -> None:
        page = demo.model.objects.get(pk=page.pk)
        source = source_for(page)
        originals = source_segments(source)
        for language in demo.texts:
            if language == SOURCE_LANGUAGE:
                continue
            draft = demo.model.objects.get(pk=page.pk)
            fill(draft, demo, language, guides, ids_from=page)
            try:
                written = translate_page(source, page, draft, self.locales[language], originals)
            except SegmentMismatch as error:
                raise CatalogueError(
                    [f"{demo.where}, translations.{language}: {error.describe()}"]
                ) from error
            except ValidationError as error:
                raise CatalogueError(
                    validation_problems(f"{demo.where}, translations.{language}", error)
                ) from error
            if written:
                self.report.translated += 1
            else:
                self.report.unchanged += 1
