"""Build the news demo in nine languages (docs/demo-content.md, "News, policies and notices").

In one transaction, after the procedures demo (policies link to its guides):

1. the news listing (/<lang>/news/) and the policy library (/<lang>/policies/) under each home page,
   from indexes.yaml, the Chinese page as source and the others as wagtail-localize translations;
2. each `generate_pdf` policy's text as a PDF in every language it has (pdfs.py);
3. the departments, topics, articles and policies of archive/*.yaml through the archive import that
   import_news and import_policies use (news/services.py), the Chinese PDF as each policy's attachment;
4. every other language's PDF attached to that language's page, as a translator would choose it in
   wagtail-localize (an override of the attachment's document);
5. the `update` of each `stale` item added to its Chinese text and to the translations kept up to
   date, so the `stale` translations show as out of date;
6. the site-wide notices (notices.py).

Running it twice changes nothing: the import and the index pages write only what differs, PDFs are
rendered again only when their text changed, and the updates are recognised as already made.
"""

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone, translation
from wagtail.documents import get_document_model
from wagtail.models import Locale
from wagtail_localize.models import OverridableSegment, SegmentOverride

from cityportal.core.localize_sync import publish_translation, source_for
from cityportal.core.models import Department
from cityportal.home.models import HomePage
from cityportal.procedures.demo.loader import (
    CATALOGUE_DIR,
    DemoPage,
    DemoReport,
    ProceduresDemoLoader,
    read_texts,
)
from cityportal.procedures.importing import read_catalogue
from cityportal.procedures.importing.files import parse_file
from cityportal.procedures.importing.problems import CatalogueError, Problems, Record
from cityportal.procedures.importing.schema import LANGUAGES, SOURCE_LANGUAGE

from ..importing.media import StoredFiles, sha1
from ..importing.schema import ARTICLES, POLICIES, KnownCodes, PolicyEntry
from ..importing.texts import body_blocks
from ..models import NewsArticle, NewsIndexPage, PolicyDocument, PolicyIndexPage
from ..services import ArchiveReport, import_archive_documents, known_codes
from . import pdfs
from .archive import ARCHIVE_DIR, DemoArchive, Staleness, read_demo_archive, updated, with_attachments
from .notices import NoticeEntry, NoticeWriter, read_notices

DEMO_DIR = Path(__file__).parent
INDEXES_FILE = DEMO_DIR / "indexes.yaml"
INDEXES_FORMAT = "cityportal-news-demo-indexes/1"
INDEXES = (("news_index", NewsIndexPage), ("policy_index", PolicyIndexPage))
MODELS = {ARTICLES: NewsArticle, POLICIES: PolicyDocument}


@dataclass
class NewsDemoReport:
    pages: DemoReport = field(default_factory=DemoReport)
    imports: list[ArchiveReport] = field(default_factory=list)
    pdfs_rendered: int = 0
    pdfs_reused: int = 0
    pdfs_attached: int = 0
    pdf_problem: str = ""  # why there are no PDFs, when there are none
    notices: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        pages = self.pages
        parts = [
            f"News demo: listing pages {pages.created} created, {pages.updated} updated, "
            f"{pages.translated} translations written, {pages.unchanged} unchanged",
            *(report.summary().rstrip(".") for report in self.imports),
            f"PDFs skipped: {self.pdf_problem}"
            if self.pdf_problem
            else f"policy PDFs {self.pdfs_rendered} rendered, {self.pdfs_reused} unchanged, "
            f"{self.pdfs_attached} translations given their own",
            "notices " + ", ".join(f"{count} {status}" for status, count in self.notices.items()),
        ]
        return "; ".join(parts) + "."


@dataclass
class NewsDemo:
    """Everything the loader writes, read and checked."""

    indexes: list[DemoPage]
    archive: DemoArchive
    notices: list[NoticeEntry]


def add_procedures_demo(known: KnownCodes) -> None:
    """Add the guides and departments of the procedures demo's catalogue, for checking the news demo
    before they are loaded (load_demo --dry-run)."""
    catalogue, _problems = read_catalogue(sorted(CATALOGUE_DIR.glob("*.yaml")))
    known.procedures |= {guide.item_code for guide in catalogue.guides}
    known.departments |= {department.code for department in catalogue.departments}


def read_indexes(path: Path, problems: Problems) -> list[DemoPage]:
    data = parse_file(path, problems)
    if data is None:
        return []
    top = Record(data, path.name, problems)
    top.only(["format", *(name for name, _model in INDEXES)])
    if top.raw("format", None) != INDEXES_FORMAT:
        top.report("format", f"must be “{INDEXES_FORMAT}”")
        return []
    pages = []
    for name, model in INDEXES:
        found = top.mapping(name, required=True)
        if found is None:
            continue
        record = Record(found.data, f"{path.name}: {name}", problems)
        record.only(["slug", "translations"])
        page = DemoPage(record.where, model, record.code("slug", required=True), "home")
        page.texts = read_texts(record, page)
        pages.append(page)
    return pages


def authority_names(code: str, demo: DemoArchive) -> dict[str, str]:
    """The issuing authority's name per language, from the archive or else the database."""
    for entry in demo.archive.departments:
        if entry.code == code:
            return entry.name
    department = Department.objects.get(code=code)
    return {language: getattr(department, f"name_{language.replace('-', '_')}") for language in LANGUAGES}


def policy_text(entry: PolicyEntry, language: str, names: dict[str, str], staleness: Staleness | None):
    """What the language's PDF shows: its text as the demo publishes it (with the update, unless stale)."""
    texts = entry.texts[language]
    body = list(texts["body"])
    if staleness is not None and language not in staleness.stale:
        body += body_blocks(staleness.update[language])[0]
    return pdfs.PolicyText(
        key=entry.key,
        language=language,
        document_title=texts["attachment_title"] or texts["title"],
        title=texts["title"],
        summary=texts["summary"],
        authority=names.get(language)
        or names.get("en")
        or names.get(SOURCE_LANGUAGE)
        or entry.issuing_authority,
        document_number=entry.document_number,
        date_issued=entry.date_issued,
        effective_date=entry.effective_date,
        expiry_date=entry.expiry_date,
        withdrawn_on=entry.withdrawn_on,
        withdrawal_note=texts["withdrawal_note"],
        body=body,
        interpretation=texts["interpretation"],
    )


class _Output:
    """The import writes progress to a stream; the loader's log takes lines."""

    def __init__(self, log: Callable[[str], None]):
        self.log = log

    def write(self, text: str) -> None:
        if text.strip():
            self.log(text.rstrip())


class NewsDemoLoader:
    def __init__(
        self,
        log: Callable[[str], None] = lambda message: None,
        *,
        archive_dir: Path = ARCHIVE_DIR,
        indexes_file: Path = INDEXES_FILE,
    ):
        self.log = log
        self.archive_dir, self.indexes_file = archive_dir, indexes_file
        self.report = NewsDemoReport()

    def read(self, *, with_procedures_demo: bool = False) -> NewsDemo:
        """Read and check every file, writing nothing; `with_procedures_demo` counts the procedures
        demo's guides and departments as loaded (load_demo --dry-run). Raises CatalogueError listing
        every problem."""
        problems = Problems()
        indexes = read_indexes(self.indexes_file, problems)
        known = known_codes()
        if with_procedures_demo:
            add_procedures_demo(known)
        archive, archive_problems = read_demo_archive(known, self.archive_dir)
        problems.items += archive_problems.items
        notices = read_notices(archive.notices, problems, timezone.now())
        problems.raise_if_any()
        return NewsDemo(indexes=indexes, archive=archive, notices=notices)

    def load(self) -> NewsDemoReport:
        demo = self.read()
        home = HomePage.objects.filter(locale__language_code=SOURCE_LANGUAGE).first()
        if home is None:
            raise CatalogueError(["The news demo goes under the home page: load the home demo first."])
        self.locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
        files = StoredFiles()
        try:
            with (
                translation.override(SOURCE_LANGUAGE),
                transaction.atomic(),
                tempfile.TemporaryDirectory() as tmp,
            ):
                self.write(demo, home, Path(tmp), files)
        except BaseException:
            files.forget()  # the PDFs stored for translations: the database forgot them with the rollback
            raise
        return self.report

    def write(self, demo: NewsDemo, home: HomePage, directory: Path, files: StoredFiles) -> None:
        writer = ProceduresDemoLoader(log=self.log)  # the procedures demo's page writer, for the listings
        writer.locales, writer.report = self.locales, self.report.pages
        listings = {}
        for index in demo.indexes:
            listings[index.slug] = writer.save_source(index, home, {})
            writer.translate(index, listings[index.slug], {})
        archive = demo.archive
        made = self.make_pdfs(archive, directory)
        documents = with_attachments(
            archive.documents, {key: found[SOURCE_LANGUAGE] for key, found in made.items()}
        )
        # An item to leave out of date is first published as it was, on the first load only.
        baseline = any(
            not MODELS[kind].objects.filter(locale=self.locales[SOURCE_LANGUAGE], slug=key).exists()
            for kind, key in archive.staleness
        )
        if baseline:
            self.import_documents(documents, "the archive")
            self.attach_pdfs(archive, made, files, keep_stale=False)
        final = updated(documents, archive.staleness, stale_only=baseline)
        self.import_documents(final, "the updates" if baseline else "the archive")
        if not baseline:
            self.attach_pdfs(archive, made, files, keep_stale=True)
        # The listings got children and the home page two listings, which their translation sources
        # record: taking them again now keeps the next load from seeing a change (as procedures' demo does).
        for index in demo.indexes:
            writer.translate(index, listings[index.slug], {})
        writer.refresh_translations(home)
        notices = NoticeWriter(self.log)
        for entry in demo.notices:
            notices.write(entry)
        self.report.notices = notices.counts

    def import_documents(self, documents: dict, what: str) -> None:
        self.log(f"Importing {what} ({len(documents)} files)…")
        report = import_archive_documents(documents, stdout=_Output(self.log))
        self.report.imports.append(report)
        self.log(report.summary())

    # --- PDFs ---------------------------------------------------------------------------------------

    def make_pdfs(self, archive: DemoArchive, directory: Path) -> dict[str, dict[str, Path]]:
        """{policy key: {language: PDF file}}, rendered into `directory` or copied from the document
        that already holds the same PDF."""
        if not archive.pdf_policies:
            return {}
        problem = pdfs.unavailable()
        if problem:
            self.report.pdf_problem = problem
            self.log(f"Policy PDFs skipped: {problem}")
            return {}
        labels = pdfs.read_labels()
        entries = {entry.key: entry for entry in archive.archive.policies}
        documents = get_document_model().objects
        started = time.monotonic()
        made: dict[str, dict[str, Path]] = {}
        for key in archive.pdf_policies:
            entry = entries[key]
            names = authority_names(entry.issuing_authority, archive)
            for language in entry.languages:
                text = policy_text(entry, language, names, archive.staleness.get((POLICIES, key)))
                html = pdfs.policy_html(text, labels[language])
                path = directory / pdfs.file_name(text, html)
                stored = documents.filter(file__contains=path.stem).first()
                if stored is not None:
                    with stored.file.open("rb") as handle:
                        path.write_bytes(handle.read())
                    self.report.pdfs_reused += 1
                else:
                    path.write_bytes(pdfs.render_pdf(html))
                    self.report.pdfs_rendered += 1
                made.setdefault(key, {})[language] = path
            self.log(f"policy {key}: PDFs in {len(made[key])} languages")
        self.log(
            f"{self.report.pdfs_rendered} PDFs rendered, {self.report.pdfs_reused} unchanged "
            f"({time.monotonic() - started:.0f} s)"
        )
        return made

    def attach_pdfs(self, archive: DemoArchive, made: dict, files: StoredFiles, *, keep_stale: bool) -> None:
        """Give each translated policy its own language's PDF: an override of the attachment's document
        in that language, as wagtail-localize's editor records it, and the translation published again.

        With `keep_stale`, the stale translations only get the override: publishing them again would
        bring in the Chinese update they are meant to lack. It applies when their translator publishes."""
        entries = {entry.key: entry for entry in archive.archive.policies}
        for key, found in made.items():
            page = PolicyDocument.objects.get(locale=self.locales[SOURCE_LANGUAGE], slug=key)
            source = source_for(page)
            segment = self.attachment_segment(source, found[SOURCE_LANGUAGE])
            staleness = archive.staleness.get((POLICIES, key))
            for language, path in found.items():
                if language == SOURCE_LANGUAGE:
                    continue
                texts = entries[key].texts[language]
                document = files.document(
                    path, language=language, title=texts["attachment_title"] or texts["title"]
                )
                if not self.override(segment, self.locales[language], document.pk):
                    continue
                if keep_stale and staleness is not None and language in staleness.stale:
                    continue
                publish_translation(source, page, self.locales[language], strings_changed=True)
                self.report.pdfs_attached += 1

    @staticmethod
    def attachment_segment(source, chinese_pdf: Path) -> OverridableSegment:
        """The source's segment for the attached Chinese PDF (attachments.<block>.document)."""
        document = get_document_model().objects.filter(file_hash=sha1(chinese_pdf.read_bytes())).first()
        for segment in OverridableSegment.objects.filter(source=source).select_related("context"):
            if segment.context.path.startswith("attachments.") and document and segment.data == document.pk:
                return segment
        raise CatalogueError(
            [f"{source.object_repr}: the attached Chinese PDF is not in its translation source"]
        )

    @staticmethod
    def override(segment: OverridableSegment, locale: Locale, document_id: int) -> bool:
        """Point the segment at `document_id` in `locale`; True if that changed anything."""
        data = json.dumps(document_id)
        current = SegmentOverride.objects.filter(locale=locale, context=segment.context).first()
        if current is not None and current.data_json == data and not current.has_error:
            return False
        if current is None:
            current = SegmentOverride(locale=locale, context=segment.context)
        current.data_json, current.has_error, current.field_error = data, False, ""
        current.save()
        return True
