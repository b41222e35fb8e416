"""The archive format `cityportal-news/1` (docs/news-format.md): reading each record and checking every field.

Built on the procedure catalogue's reader: the same field getters and problem messages
(`file.yaml: article "key", translations.en.body: …`), the same department records, the same
rich-text rules. Reading never touches the database: what exists already is passed in as KnownCodes.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from cityportal.core.sections import Section
from cityportal.procedures.importing.problems import (
    CODE,
    CODE_HINT,
    MISSING,
    Problems,
    Record,
    translated_texts,
)
from cityportal.procedures.importing.schema import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    DepartmentEntry,
    check_unique,
    model_limit,
    named,
    read_department,
)

from ..models import NewsArticle, PolicyDocument, Topic
from .files import checked_file
from .texts import BODY, TEXT, read_translations

FORMAT = "cityportal-news/1"
BEIJING = ZoneInfo(settings.TIME_ZONE)
ARTICLES, POLICIES = "articles", "policies"
# Keys the demo loader reads (cityportal/news/demo); the import accepts and ignores them.
DEMO_ONLY = ["stale", "update", "generate_pdf"]
LEGACY_URL_LIMIT = Redirect._meta.get_field("old_path").max_length

# The texts of each page type, per language: (name, kind, required in Chinese, max length).
ARTICLE_TEXTS = [
    ("title", TEXT, True, model_limit(Page, "title")),
    ("summary", TEXT, True, model_limit(NewsArticle, "summary")),
    ("body", BODY, True, None),
    ("source_name", TEXT, False, model_limit(NewsArticle, "source_name")),
    ("lead_image_alt", TEXT, False, model_limit(NewsArticle, "lead_image_alt")),
    ("lead_image_caption", TEXT, False, model_limit(NewsArticle, "lead_image_caption")),
]
POLICY_TEXTS = [
    ("title", TEXT, True, model_limit(Page, "title")),
    ("summary", TEXT, True, model_limit(PolicyDocument, "summary")),
    ("body", BODY, True, None),
    ("interpretation", BODY, False, None),
    ("withdrawal_note", TEXT, False, None),
]


@dataclass
class TopicEntry:
    where: str
    slug: str
    name: dict[str, str] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)


@dataclass
class PageEntry:
    """What articles and policies share: a key (the slug in every language), sections, topics, an
    address on the old site, and the texts per language."""

    where: str
    key: str
    sections: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    legacy_url: str = ""
    texts: dict[str, dict] = field(default_factory=dict)

    @property
    def languages(self) -> list[str]:
        return [language for language in LANGUAGES if language in self.texts]


@dataclass
class ArticleEntry(PageEntry):
    date: datetime.datetime | None = None
    department: str = ""
    lead_image: Path | None = None

    @property
    def published(self) -> datetime.datetime | None:
        return self.date


@dataclass
class Attachment:
    file: Path
    language: str


@dataclass
class PolicyEntry(PageEntry):
    issuing_authority: str = ""
    document_number: str = ""
    date_issued: datetime.date | None = None
    effective_date: datetime.date | None = None
    expiry_date: datetime.date | None = None
    withdrawn_on: datetime.date | None = None
    replaced_by: str = ""
    related_procedures: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def published(self) -> datetime.datetime | None:
        if self.date_issued is None:
            return None
        return datetime.datetime.combine(self.date_issued, datetime.time(), tzinfo=BEIJING)


@dataclass
class Archive:
    departments: list[DepartmentEntry] = field(default_factory=list)
    topics: list[TopicEntry] = field(default_factory=list)
    articles: list[ArticleEntry] = field(default_factory=list)
    policies: list[PolicyEntry] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # kind -> records left for the other command


@dataclass
class KnownCodes:
    """What the database already holds, for references to records outside the files."""

    departments: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)
    procedures: set[str] = field(default_factory=set)  # item codes of the Chinese guides
    policies: set[str] = field(default_factory=set)  # keys (slugs) of the Chinese policies


def read_document(
    name: str, data: object, base: Path, archive: Archive, problems: Problems, kinds: frozenset[str]
) -> None:
    """Add the records of one parsed file to the archive; files it names are relative to `base`."""
    top = Record(data, name, problems)
    if not isinstance(data, dict):
        return
    top.only(["format", "departments", "topics", ARTICLES, POLICIES, "notices"])
    if top.raw("format", None) != FORMAT:
        top.report("format", f"must be “{FORMAT}” (found “{top.raw('format', '')}”)")
        return
    for index, item in enumerate(top.records("departments")):
        archive.departments.append(read_department(name, index, item, problems))
    for index, item in enumerate(top.records("topics")):
        archive.topics.append(read_topic(name, index, item, problems))
    for kind, read, entries in (
        (ARTICLES, read_article, archive.articles),
        (POLICIES, read_policy, archive.policies),
    ):
        records = top.records(kind)
        if kind not in kinds:
            archive.skipped[kind] = archive.skipped.get(kind, 0) + len(records)
            continue
        for index, item in enumerate(records):
            entries.append(read(name, index, item, base))


def read_topic(file_name: str, index: int, item: Record, problems: Problems) -> TopicEntry:
    record = named(item, file_name, "topic", "slug", index, "topics")
    record.only(["slug", "name"])
    return TopicEntry(
        where=record.where,
        given=set(record.data),
        slug=record.code("slug", required=True),
        name=translated_texts(
            record,
            "name",
            languages=LANGUAGES,
            required=[SOURCE_LANGUAGE],
            max_length=model_limit(Topic, "name"),
        ),
    )


def page_key(record: Record) -> str:
    """The record's key: the page's slug in every language, so ASCII (docs/news-format.md)."""
    value = record.text("key", required=True, max_length=model_limit(Page, "slug"))
    if value and not CODE.match(value):
        record.report("key", f"“{value}” is not a key: {CODE_HINT}")
        return ""
    return value


def read_page_fields(record: Record, entry: PageEntry) -> None:
    entry.sections = record.codes("sections", choices=Section.values)
    if not record.has("sections"):
        record.report("sections", f"missing: give one or more of {', '.join(Section.values)}")
    entry.topics = record.codes("topics")
    entry.legacy_url = read_legacy_url(record)


def read_legacy_url(record: Record) -> str:
    value = record.text("legacy_url", max_length=LEGACY_URL_LIMIT)
    if value and not (value.startswith("/") or value.startswith(("http://", "https://"))):
        record.report("legacy_url", f"“{value}” must be a path on the old site (/…) or its full address")
        return ""
    return value


def read_article(file_name: str, index: int, item: Record, base: Path) -> ArticleEntry:
    record = named(item, file_name, "article", "key", index, ARTICLES)
    record.only(
        [
            "key",
            "date",
            "sections",
            "topics",
            "department",
            "lead_image",
            "legacy_url",
            "translations",
            *DEMO_ONLY,
        ]
    )
    entry = ArticleEntry(where=record.where, key=page_key(record))
    entry.date = read_moment(record, "date")
    read_page_fields(record, entry)
    entry.department = record.code("department")
    if record.has("lead_image"):
        entry.lead_image = checked_file(
            record, "lead_image", base, settings.WAGTAILIMAGES_EXTENSIONS, image=True
        )
    entry.texts = read_translations(record, LANGUAGES, ARTICLE_TEXTS)
    source = entry.texts.get(SOURCE_LANGUAGE)
    if source is not None and record.has("lead_image") and not source["lead_image_alt"]:
        record.report(
            f"translations.{SOURCE_LANGUAGE}.lead_image_alt",
            "missing: say what the lead image shows, for readers who cannot see it",
        )
    if source is not None and not record.has("lead_image") and source["lead_image_alt"]:
        record.report(f"translations.{SOURCE_LANGUAGE}.lead_image_alt", "there is no lead_image to describe")
    return entry


def read_moment(record: Record, name: str) -> datetime.datetime | None:
    """A date and time; without a time zone it is Beijing time, a date alone is midnight there."""
    value = record.raw(name)
    if value is MISSING:
        record.report(name, "missing (a date and time, e.g. 2024-12-17T10:00:00+08:00)")
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            record.report(name, f"“{value}” is not a date and time (e.g. 2024-12-17T10:00:00+08:00)")
            return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=BEIJING)
    return moment


def read_policy(file_name: str, index: int, item: Record, base: Path) -> PolicyEntry:
    record = named(item, file_name, "policy", "key", index, POLICIES)
    record.only(
        [
            "key",
            "issuing_authority",
            "document_number",
            "date_issued",
            "effective_date",
            "expiry_date",
            "withdrawn_on",
            "replaced_by",
            "sections",
            "topics",
            "related_procedures",
            "attachments",
            "legacy_url",
            "translations",
            *DEMO_ONLY,
        ]
    )
    entry = PolicyEntry(where=record.where, key=page_key(record))
    read_page_fields(record, entry)
    entry.issuing_authority = record.code("issuing_authority", required=True)
    entry.document_number = record.text(
        "document_number", max_length=model_limit(PolicyDocument, "document_number")
    )
    read_policy_dates(record, entry)
    entry.replaced_by = record.code("replaced_by")
    if entry.replaced_by and entry.replaced_by == entry.key:
        record.report("replaced_by", "a policy cannot replace itself")
    entry.related_procedures = record.codes("related_procedures")
    for attachment in record.records("attachments"):
        attachment.only(["file", "language"])
        path = checked_file(attachment, "file", base, settings.WAGTAILDOCS_EXTENSIONS, required=True)
        language = attachment.choice("language", LANGUAGES, default=SOURCE_LANGUAGE)
        if path is not None:
            entry.attachments.append(Attachment(path, language))
    entry.texts = read_translations(record, LANGUAGES, POLICY_TEXTS, extra=["attachment_title"])
    return entry


def read_policy_dates(record: Record, entry: PolicyEntry) -> None:
    entry.date_issued = record.date("date_issued", required=True)
    entry.effective_date = record.date("effective_date")
    entry.expiry_date = record.date("expiry_date")
    entry.withdrawn_on = record.date("withdrawn_on")
    issued, effective = entry.date_issued, entry.effective_date
    if issued and effective and effective < issued:
        record.report("effective_date", f"{effective} is before the date issued ({issued})")
    starts = effective or issued
    if starts and entry.expiry_date and entry.expiry_date < starts:
        what = "effective date" if effective else "date issued"
        record.report("expiry_date", f"{entry.expiry_date} is before the {what} ({starts})")
    if issued and entry.withdrawn_on and entry.withdrawn_on < issued:
        record.report("withdrawn_on", f"{entry.withdrawn_on} is before the date issued ({issued})")


def check_references(archive: Archive, known: KnownCodes, problems: Problems) -> None:
    """Keys are unique in the archive, and every code a record names exists (in it or the database)."""
    departments = check_unique(archive.departments, "code", "department", problems) | known.departments
    topics = check_unique(archive.topics, "slug", "topic", problems) | known.topics
    check_unique(archive.articles, "key", "article", problems)
    policies = check_unique(archive.policies, "key", "policy", problems) | known.policies
    entries = [*archive.articles, *archive.policies]
    for entry in entries:
        for index, code in enumerate(entry.topics):
            if code not in topics:
                problems.add(
                    entry.where, f"topics[{index}]", f"unknown topic “{code}”: define it under topics"
                )
    for entry in archive.articles:
        if entry.department and entry.department not in departments:
            problems.add(entry.where, "department", f"unknown department “{entry.department}”")
    for entry in archive.policies:
        if entry.issuing_authority and entry.issuing_authority not in departments:
            problems.add(entry.where, "issuing_authority", f"unknown department “{entry.issuing_authority}”")
        if entry.replaced_by and entry.replaced_by not in policies:
            problems.add(entry.where, "replaced_by", f"unknown policy “{entry.replaced_by}”")
        for index, code in enumerate(entry.related_procedures):
            if code not in known.procedures:
                problems.add(
                    entry.where,
                    f"related_procedures[{index}]",
                    f"unknown procedure “{code}”: import the guide first (import_procedures)",
                )
    check_legacy_urls(entries, problems)


def check_legacy_urls(entries: list[PageEntry], problems: Problems) -> None:
    seen: dict[str, str] = {}
    for entry in entries:
        if not entry.legacy_url:
            continue
        path = Redirect.normalise_path(entry.legacy_url)
        if path in seen:
            problems.add(
                entry.where, "legacy_url", f"“{entry.legacy_url}” is also the old address of {seen[path]}"
            )
        else:
            seen[path] = entry.where
