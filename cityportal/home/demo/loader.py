"""Build the demo site from the TOML files in demo/pages/, in nine languages.

Each file describes one page: its type, slug, parent and the text of each field in every language.
The Chinese text becomes the source page; the other languages become wagtail-localize translations
(a TranslationSource, its segments and one StringTranslation per segment), so the translation
workflow knows them: when an editor changes one source paragraph and syncs, the other translated
segments stay and only the changed one is flagged (core/localize_sync.py does the recording).

Running the loader twice changes nothing: pages, revisions and translations are only written when
their text differs from what the database holds.
"""

import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from cityportal.core.localize_sync import (
    SegmentMismatch,
    check_alignment,
    source_for,
    source_segments,
    translate_page,
)
from cityportal.home.models import ContentPage, HomePage, SectionPage

PAGES_DIR = Path(__file__).parent / "pages"
SOURCE_LANGUAGE = settings.LANGUAGE_CODE
PAGE_TYPES = {"home": HomePage, "section": SectionPage, "content": ContentPage}
# Fields that link to other demo pages: filled in a second pass, once every page exists.
LINK_FIELDS = ("shortcuts", "contact_links")
TEXT_FIELDS = (
    "title",
    "summary",
    "intro",
    "portal_name",
    "host_organisation",
    "seo_title",
    "search_description",
)


class DemoContentError(Exception):
    """A demo file is inconsistent; the message names the file and what to fix."""


@dataclass
class DemoPage:
    path: Path
    slug: str
    kind: str
    parent: str
    order: int
    section: str = ""
    in_menu: bool = False
    texts: dict[str, dict] = field(default_factory=dict)

    @property
    def model(self):
        return PAGE_TYPES[self.kind]

    @property
    def has_links(self) -> bool:
        return any(name in self.texts[SOURCE_LANGUAGE] for name in LINK_FIELDS)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    translated: int = 0
    unchanged: int = 0


def read_pages(directory: Path = PAGES_DIR) -> list[DemoPage]:
    pages = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        languages = {code for code, _name in settings.LANGUAGES}
        texts = {code: data[code] for code in languages if code in data}
        if SOURCE_LANGUAGE not in texts:
            raise DemoContentError(f"{path.name}: no [{SOURCE_LANGUAGE}] table: the source text is missing.")
        kind = data.get("type", "content")
        if kind not in PAGE_TYPES:
            raise DemoContentError(f"{path.name}: type must be one of {', '.join(PAGE_TYPES)}.")
        pages.append(
            DemoPage(
                path=path,
                slug=data["slug"],
                kind=kind,
                parent=data.get("parent", ""),
                order=data.get("order", 100),
                section=data.get("section", ""),
                in_menu=data.get("in_menu", kind == "section"),
                texts=texts,
            )
        )
    check_links(pages)
    return sort_parents_first(pages)


def check_links(pages: list[DemoPage]) -> None:
    slugs = {page.slug for page in pages}
    for page in pages:
        for language, texts in page.texts.items():
            for name in LINK_FIELDS:
                for _block_type, value in texts.get(name, []):
                    target = value[0] if isinstance(value, list) else value
                    if target not in slugs:
                        raise DemoContentError(
                            f"{page.path.name}: [{language}] {name} links to “{target}”, "
                            "which no demo page has."
                        )


def with_ancestors(pages: list[DemoPage], slugs: set[str]) -> list[DemoPage]:
    """The pages named and every page above them (a page cannot exist without its parent)."""
    by_slug = {page.slug: page for page in pages}
    unknown = slugs - by_slug.keys()
    if unknown:
        raise DemoContentError(f"No demo page has the slug {', '.join(sorted(unknown))}.")
    wanted = set()
    for slug in slugs:
        while slug:
            wanted.add(slug)
            slug = by_slug[slug].parent
    return [page for page in pages if page.slug in wanted]


def sort_parents_first(pages: list[DemoPage]) -> list[DemoPage]:
    by_slug = {page.slug: page for page in pages}

    def depth(page: DemoPage, seen=()) -> int:
        if not page.parent:
            return 0
        if page.parent not in by_slug or page.slug in seen:
            raise DemoContentError(f"{page.path.name}: parent “{page.parent}” is not a demo page.")
        return 1 + depth(by_slug[page.parent], (*seen, page.slug))

    return sorted(pages, key=lambda page: (depth(page), page.order, page.slug))


def rich(html: str) -> RichText:
    return RichText(html)


def stream_data(blocks: list, pages_by_slug: dict[str, Page]) -> list[tuple]:
    """Turn the file's [type, value] pairs into StreamField data."""
    data = []
    for block_type, value in blocks:
        if block_type in ("shortcut", "link"):
            slug, label, description = (value + ["", ""])[:3] if isinstance(value, list) else (value, "", "")
            if slug not in pages_by_slug:  # not loaded in this run (load_demo --only)
                continue
            data.append(
                (block_type, {"page": pages_by_slug[slug], "label": label, "description": description})
            )
        elif block_type == "paragraph":
            data.append((block_type, rich(value)))
        elif block_type == "notice":
            data.append((block_type, {"text": rich(value)}))
        elif block_type == "table":
            data.append(
                (block_type, {"caption": value["caption"], "header": value["header"], "rows": value["rows"]})
            )
        else:
            data.append((block_type, value))
    return data


def without_ids(value):
    if isinstance(value, dict):
        return {key: without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    return value


class DemoLoader:
    def __init__(self, log: Callable[[str], None] = lambda message: None):
        self.log = log
        self.report = LoadReport()
        self.pages_by_slug: dict[str, Page] = {}

    def load(self, pages: list[DemoPage]) -> LoadReport:
        self.check(pages)  # every file lines up with its source before anything is written
        locales = self.ensure_locales()
        with transaction.atomic():
            self.remove_welcome_page()
            # The Chinese source pages. Pages that link to others (the home page's shortcuts) get
            # their links in a second pass, once the targets exist.
            for with_links in (False, True):
                todo = [demo for demo in pages if demo.has_links] if with_links else pages
                for number, demo in enumerate(todo, start=1):
                    self.log(f"[{number}/{len(todo)}] {demo.slug}" + (" (links)" if with_links else ""))
                    page = self.save_source(demo, locales[SOURCE_LANGUAGE], with_links)
                    self.pages_by_slug[demo.slug] = page
        # The translations, parents first, once every source page exists: a translation source
        # taken earlier would record a parent without its children and look changed on the next run.
        for number, demo in enumerate(pages, start=1):
            self.log(f"[{number}/{len(pages)}] {demo.slug}: translations")
            with transaction.atomic():
                page = type(self.pages_by_slug[demo.slug]).objects.get(pk=self.pages_by_slug[demo.slug].pk)
                source = source_for(page)
                originals = source_segments(source)
                for language, texts in demo.texts.items():
                    if language != SOURCE_LANGUAGE:
                        self.save_translation(demo, page, source, originals, texts, locales[language])
        return self.report

    def check(self, pages: list[DemoPage]) -> None:
        """Compare each language's segments with the source's, on unsaved pages."""
        for demo in pages:
            source = demo.model(slug=demo.slug)
            self.fill_texts(source, demo.texts[SOURCE_LANGUAGE], with_links=False)
            for language, texts in demo.texts.items():
                if language == SOURCE_LANGUAGE:
                    continue
                draft = demo.model(slug=demo.slug)
                self.fill_texts(draft, texts, with_links=False)
                try:
                    check_alignment(source, draft)
                except SegmentMismatch as error:
                    raise DemoContentError(
                        f"{demo.path.name}: [{language}] {error.describe()}: give every language "
                        "the same fields, blocks, paragraphs and list items."
                    ) from error
                for name in LINK_FIELDS:
                    if len(texts.get(name, [])) != len(demo.texts[SOURCE_LANGUAGE].get(name, [])):
                        raise DemoContentError(
                            f"{demo.path.name}: [{language}] {name} has a different number of links "
                            "than the source."
                        )

    def ensure_locales(self) -> dict[str, Locale]:
        return {
            code: Locale.objects.get_or_create(language_code=code)[0] for code, _name in settings.LANGUAGES
        }

    @staticmethod
    def remove_welcome_page() -> None:
        """Wagtail's first migration creates a plain "Welcome" page at /home/; the demo replaces it."""
        Page.objects.filter(
            depth=2, content_type__model="page", content_type__app_label="wagtailcore"
        ).filter(numchild=0).delete()

    # --- the Chinese source pages -------------------------------------------------------------

    def save_source(self, demo: DemoPage, locale: Locale, with_links: bool) -> Page:
        model = demo.model
        existing = model.objects.filter(locale=locale, slug=demo.slug).first()
        if demo.kind == "home":
            parent = Page.get_first_root_node()
        else:
            parent = self.pages_by_slug[demo.parent]
        if existing is None:
            page = model(slug=demo.slug, locale=locale, show_in_menus=demo.in_menu)
            self.fill(page, demo, demo.texts[SOURCE_LANGUAGE], with_links)
            parent.add_child(instance=page)
            page.save_revision().publish()
            self.report.created += 1
        else:
            page = existing
            before = self.snapshot(page)
            self.fill(page, demo, demo.texts[SOURCE_LANGUAGE], with_links)
            if self.snapshot(page) != before or not page.live:
                page.save_revision().publish()
                self.report.updated += 1
            else:
                self.report.unchanged += 1
        if demo.kind == "home":
            self.attach_site(page)
        return page

    def fill(self, page: Page, demo: DemoPage, texts: dict, with_links: bool = True) -> None:
        if demo.section:
            page.section = demo.section
        page.show_in_menus = demo.in_menu
        self.fill_texts(page, texts, with_links)

    def fill_texts(self, page: Page, texts: dict, with_links: bool = True) -> None:
        for name in TEXT_FIELDS:
            if name in texts:
                setattr(page, name, texts[name])
        for name in ("body", *LINK_FIELDS):
            if name in texts and (with_links or name not in LINK_FIELDS):
                # A round trip through the stored form gives every block and list item its id, which
                # wagtail-localize needs to address segments.
                stream_field = page._meta.get_field(name)
                value = stream_field.to_python(stream_data(texts[name], self.pages_by_slug))
                setattr(page, name, stream_field.to_python(json.dumps(stream_field.get_prep_value(value))))

    @staticmethod
    def snapshot(page: Page) -> dict:
        """The fields the demo sets, as plain data: block ids are left out (they are new each time the
        blocks are built) and dicts compare whatever their key order (PostgreSQL's jsonb reorders keys)."""
        data = {name: getattr(page, name, None) for name in (*TEXT_FIELDS, "section", "show_in_menus")}
        for name in ("body", *LINK_FIELDS):
            if hasattr(page, name):
                stream_block = page._meta.get_field(name).stream_block
                data[name] = without_ids(stream_block.get_prep_value(getattr(page, name)))
        return data

    def attach_site(self, home: Page) -> None:
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name="Beijing International",
            )
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.save()

    # --- the translations -------------------------------------------------------------------------

    def save_translation(self, demo, source_page: Page, source, originals, texts: dict, locale: Locale):
        draft = type(source_page).objects.get(pk=source_page.pk)  # a fresh copy to fill with the translation
        self.fill_texts(draft, texts)
        try:
            written = translate_page(source, source_page, draft, locale, originals)
        except SegmentMismatch as error:
            raise DemoContentError(
                f"{demo.path.name}: [{locale.language_code}] {error.describe()}: give every language the "
                "same fields, blocks, paragraphs and list items."
            ) from error
        if written:
            self.report.translated += 1
        else:
            self.report.unchanged += 1
