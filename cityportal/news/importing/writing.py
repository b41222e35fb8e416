"""Writing a checked archive: departments and topics, the Chinese pages, their translations, then redirects.

Every record is compared with what the database holds and written only when it differs, so importing
the same archive twice adds no revision and changes no row. Departments are written by the procedure
catalogue's writer, which this extends. Callers hold the transaction.
"""

from collections.abc import Callable

from django.utils.translation import get_language_info
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale, Page

from cityportal.core.localize_sync import SegmentMismatch, source_for, source_segments, translate_page
from cityportal.core.models import SectionTag
from cityportal.procedures.importing.pages import readable_path
from cityportal.procedures.importing.problems import CatalogueError
from cityportal.procedures.importing.schema import LANGUAGES, SOURCE_LANGUAGE, Catalogue
from cityportal.procedures.importing.writing import (
    CREATED,
    UNCHANGED,
    UPDATED,
    CatalogueWriter,
    given_only,
    translated_columns,
    update_row,
)
from cityportal.procedures.models import ProcedurePage

from ..models import Topic
from .media import StoredFiles
from .pages import ARTICLE, POLICY, PageKind, References, fill_texts, snapshot
from .schema import Archive, PageEntry, TopicEntry

PROGRESS_EVERY = 50


def language_name(code: str) -> str:
    return f"{get_language_info(code)['name']} ({code})"


class ArchiveWriter(CatalogueWriter):
    def __init__(self, archive: Archive, log: Callable[[str], None], files: StoredFiles):
        super().__init__(Catalogue(departments=archive.departments), log)
        self.archive = archive
        self.files = files
        self.locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}

    def write(self):
        kinds = [
            (kind, entries)
            for kind, entries in ((ARTICLE, self.archive.articles), (POLICY, self.archive.policies))
            if entries
        ]
        # Checked before anything is written, so a missing listing leaves the database as it was.
        listings = {kind.name: self.listing_pages(kind, entries) for kind, entries in kinds}
        for entry in self.archive.departments:
            self.record(entry.where, lambda entry=entry: self.write_department(entry))
        self.topics = {topic.slug: topic for topic in Topic.objects.all()}
        for entry in self.archive.topics:
            self.record(entry.where, lambda entry=entry: self.write_topic(entry))
        refs = References(
            departments=self.departments,
            topics=self.topics,
            sections={tag.code: tag for tag in SectionTag.objects.all()},
            procedures=self.chinese_procedures(),
            files=self.files,
        )
        for kind, entries in kinds:
            pages = PageWriter(self, kind, entries, listings[kind.name], refs).write()
            for entry in entries:
                if entry.legacy_url:
                    page = pages[entry.key]
                    self.record(entry.where, lambda entry=entry, page=page: self.write_redirect(entry, page))
        return self.outcomes

    def listing_pages(self, kind: PageKind, entries: list[PageEntry]) -> dict[str, Page]:
        """The listing page (NewsIndexPage, PolicyIndexPage) of every language the entries are in."""
        languages = [code for code in LANGUAGES if any(code in entry.texts for entry in entries)]
        source = kind.index_model.objects.filter(locale=self.locales[SOURCE_LANGUAGE]).first()
        listings, missing = {}, []
        for code in languages:
            page = (
                source
                if code == SOURCE_LANGUAGE
                else source and source.get_translation_or_none(self.locales[code])
            )
            if page is None:
                missing.append(
                    f"No {kind.index_name} in {language_name(code)}: create one under the home page "
                    "(load_demo does) and import again."
                )
            listings[code] = page
        if missing:
            raise CatalogueError(missing)
        return listings

    def chinese_procedures(self) -> dict[str, ProcedurePage]:
        codes = {code for entry in self.archive.policies for code in entry.related_procedures}
        if not codes:
            return {}
        pages = ProcedurePage.objects.filter(locale=self.locales[SOURCE_LANGUAGE], item_code__in=codes)
        return {page.item_code: page for page in pages.only("id", "item_code")}

    def write_topic(self, entry: TopicEntry) -> None:
        topic = self.topics.get(entry.slug)
        created = topic is None
        if created:
            topic = Topic(slug=entry.slug)
        changed = update_row(topic, given_only({"name": translated_columns("name", entry.name)}, entry.given))
        if created or changed:
            topic.full_clean()
            topic.save()
        self.topics[entry.slug] = topic
        status = CREATED if created else UPDATED if changed else UNCHANGED
        self.done("topic", entry.slug, status)
        self.log(f"topic {entry.slug}: {status}")

    def write_redirect(self, entry: PageEntry, page: Page) -> None:
        """A permanent redirect from the old site's address to the Chinese page (its language
        switcher leads on to the others)."""
        old_path = Redirect.normalise_path(entry.legacy_url)
        redirect = Redirect.objects.filter(old_path=old_path, site__isnull=True).first()
        created = redirect is None
        if created:
            redirect = Redirect(old_path=old_path)
        changed = update_row(
            redirect, {"redirect_page_id": page.pk, "redirect_link": "", "is_permanent": True}
        )
        if created or changed:
            redirect.save()
        status = CREATED if created else UPDATED if changed else UNCHANGED
        self.done("redirect", old_path, status)
        if status != UNCHANGED:
            self.log(f"redirect {old_path} → {entry.key}: {status}")


class PageWriter:
    """One kind of page: every Chinese source page first (so a policy can name its replacement),
    then each page's translations through wagtail-localize."""

    def __init__(
        self, writer: ArchiveWriter, kind: PageKind, entries: list, listings: dict, refs: References
    ):
        self.writer, self.kind, self.entries, self.listings, self.refs = writer, kind, entries, listings, refs
        self.locales = writer.locales
        wanted = {entry.key for entry in entries} | {getattr(entry, "replaced_by", "") for entry in entries}
        self.pages = {
            page.slug: page
            for page in kind.model.objects.filter(
                locale=self.locales[SOURCE_LANGUAGE], slug__in=wanted - {""}
            )
        }
        if kind is POLICY:
            refs.policies = self.pages  # replaced_by: a policy of the archive, or one already on the site
        self.created: set[str] = set()
        self.source_changed: set[str] = set()

    def write(self) -> dict[str, Page]:
        plural, total = self.kind.plural, len(self.entries)
        for entry in self.entries:
            if entry.key not in self.pages:
                self.writer.record(entry.where, lambda entry=entry: self.create_page(entry))
        self.writer.log(f"{total} {plural}: the Chinese pages…")
        for number, entry in enumerate(self.entries, start=1):
            self.writer.record(entry.where, lambda entry=entry: self.save_source(entry))
            self.progress(number, "Chinese pages")
        self.writer.log(f"{total} {plural}: the translations…")
        for number, entry in enumerate(self.entries, start=1):
            self.writer.record(entry.where, lambda entry=entry: self.translate(entry))
            self.progress(number, "translated")
        return self.pages

    def progress(self, number: int, what: str) -> None:
        if number % PROGRESS_EVERY == 0 and number < len(self.entries):
            self.writer.log(f"[{number}/{len(self.entries)}] {self.kind.plural}: {what}")

    def create_page(self, entry: PageEntry) -> None:
        """A new page is placed in the tree without a revision; save_source publishes it once, dated
        as the archive dates it (Wagtail keeps a first_published_at set before the first publish)."""
        page = self.kind.model(locale=self.locales[SOURCE_LANGUAGE])
        self.kind.fill_structure(page, entry, self.refs)
        fill_texts(page, self.kind, entry, SOURCE_LANGUAGE, ids_from=None)
        page.first_published_at = entry.published
        self.listings[SOURCE_LANGUAGE].add_child(instance=page)
        self.pages[entry.key] = page
        self.created.add(entry.key)

    def save_source(self, entry: PageEntry) -> None:
        page = self.pages[entry.key]
        before = snapshot(page, self.kind)
        self.kind.fill_structure(page, entry, self.refs)
        fill_texts(page, self.kind, entry, SOURCE_LANGUAGE, ids_from=page)
        if entry.key in self.created or snapshot(page, self.kind) != before or not page.live:
            page.save_revision().publish()
            self.source_changed.add(entry.key)

    def translate(self, entry: PageEntry) -> None:
        model = self.kind.model
        created = entry.key in self.created
        if created:
            # Before the translation source is taken from the page, which it would otherwise find changed
            # on the next import.
            self.date_pages(Page.objects.filter(pk=self.pages[entry.key].pk), entry)
        page = model.objects.get(pk=self.pages[entry.key].pk)
        source = source_for(page)
        originals = source_segments(source)
        existing = set(
            Page.objects.filter(translation_key=page.translation_key).values_list("locale_id", flat=True)
        )
        written = [SOURCE_LANGUAGE] if entry.key in self.source_changed else []
        for language in entry.languages:
            if language == SOURCE_LANGUAGE:
                continue
            draft = model.objects.get(pk=page.pk)
            for name in self.kind.streams:
                setattr(draft, name, [])  # no text in them: leaving them out spares their queries
            fill_texts(draft, self.kind, entry, language, ids_from=page)
            try:
                if translate_page(source, page, draft, self.locales[language], originals):
                    written.append(language)
            except SegmentMismatch as error:
                path = readable_path(draft, error.path) if error.path else ""
                raise CatalogueError(
                    [
                        f"{entry.where}, translations.{language}{'.' + path if path else ''}: "
                        f"{error.describe()}: give every language the same texts, paragraphs and list items"
                    ]
                ) from error
        self.date_pages(
            Page.objects.filter(translation_key=page.translation_key).exclude(locale_id__in=existing), entry
        )
        status = CREATED if created else UPDATED if written else UNCHANGED
        self.writer.done(self.kind.name, entry.key, status, written)
        if status != UNCHANGED:
            detail = f" ({', '.join(written)})" if written else ""
            self.writer.log(f"{self.kind.name} {entry.key}: {status}{detail}")

    def date_pages(self, pages, entry: PageEntry) -> None:
        """Pages new in this import are dated as the archive dates them, not by when it ran: listings
        of "latest updates", feeds and sitemaps would otherwise show the whole archive as new."""
        pages.update(first_published_at=entry.published, last_published_at=entry.published)
