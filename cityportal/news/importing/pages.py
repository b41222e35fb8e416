"""Filling an article or policy page from an archive entry, and reading back what the import sets.

As for procedure guides (procedures/importing/pages.py, whose helpers this reuses): the same filling
makes the Chinese source page and the copies holding another language's text, whose segments
wagtail-localize records as that language's translations. Block ids are kept by position when a page
is filled again, so a re-import leaves the segments' contexts (and their translations) in place.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.models import Page

from cityportal.procedures.importing.pages import block_id, raw_blocks, set_stream, without_ids
from cityportal.procedures.importing.schema import SOURCE_LANGUAGE

from ..models import NewsArticle, NewsIndexPage, PolicyDocument, PolicyIndexPage
from .media import StoredFiles
from .schema import ARTICLE_TEXTS, POLICY_TEXTS, ArticleEntry, PageEntry, PolicyEntry
from .texts import BODY


@dataclass
class References:
    """The rows and pages entries name, by code: filled by the writer before any page."""

    departments: dict = field(default_factory=dict)
    topics: dict = field(default_factory=dict)
    sections: dict = field(default_factory=dict)
    procedures: dict = field(default_factory=dict)  # item code -> the Chinese ProcedurePage
    policies: dict = field(default_factory=dict)  # key -> the Chinese PolicyDocument
    files: StoredFiles = field(default_factory=StoredFiles)


@dataclass(frozen=True)
class PageKind:
    name: str  # as in reports: article, policy
    plural: str  # as in the file: articles, policies
    model: type[Page]
    index_model: type[Page]
    index_name: str  # for messages: "news listing page"
    texts: list[tuple]  # (name, kind, required, max length), schema.ARTICLE_TEXTS
    fill_structure: Callable[[Page, PageEntry, References], None]
    fields: tuple[str, ...]  # the plain fields fill_structure sets
    streams: tuple[str, ...]  # its StreamFields, without text
    many: tuple[str, ...] = ("sections", "topics")


def set_blocks(page: Page, name: str, blocks: list[tuple[str, object]], ids_from: Page | None) -> None:
    existing = raw_blocks(ids_from, name)
    set_stream(
        page,
        name,
        [
            {"type": kind, "value": value, "id": block_id(existing, position)}
            for position, (kind, value) in enumerate(blocks)
        ],
    )


def fill_texts(page: Page, kind: PageKind, entry: PageEntry, language: str, *, ids_from: Page | None) -> None:
    """Set every text of one language; the change notes take their dates from the Chinese source."""
    texts = entry.texts[language]
    for name, text_kind, _required, _limit in kind.texts:
        if text_kind == BODY:
            set_blocks(page, name, texts[name], ids_from)
        else:
            setattr(page, name, texts[name])
    dates = [day for day, _note in entry.texts[SOURCE_LANGUAGE]["change_notes"]]
    notes = [
        ("change", {"date": day, "note": note})
        for day, (_day, note) in zip(dates, texts["change_notes"], strict=True)
    ]
    set_blocks(page, "change_notes", notes, ids_from)


def fill_common(page: Page, entry: PageEntry, refs: References) -> None:
    page.slug = entry.key
    page.legacy_url = entry.legacy_url
    page.sections = [refs.sections[code] for code in entry.sections]
    page.topics = [refs.topics[slug] for slug in entry.topics]


def fill_article(page: NewsArticle, entry: ArticleEntry, refs: References) -> None:
    fill_common(page, entry, refs)
    page.date = entry.date.astimezone(datetime.UTC)  # as the database gives it back, for snapshot()
    page.department = refs.departments[entry.department] if entry.department else None
    source = entry.texts[SOURCE_LANGUAGE]
    page.lead_image = (
        refs.files.image(entry.lead_image, title=source["lead_image_alt"]) if entry.lead_image else None
    )


def fill_policy(page: PolicyDocument, entry: PolicyEntry, refs: References) -> None:
    fill_common(page, entry, refs)
    page.issuing_authority = refs.departments[entry.issuing_authority]
    page.document_number = entry.document_number
    for name in ("date_issued", "effective_date", "expiry_date", "withdrawn_on"):
        setattr(page, name, getattr(entry, name))
    # A replacement not yet on the site is set once it is (the writer creates every page first).
    page.replaced_by = refs.policies.get(entry.replaced_by) if entry.replaced_by else None
    procedures = [("procedure", refs.procedures[code].pk) for code in entry.related_procedures]
    # Chinese guides in every language, as editors choose them (procedures/guide_links.py).
    set_blocks(page, "related_procedures", procedures, page)
    documents = [
        (
            "document",
            {
                "document": refs.files.document(
                    attachment.file,
                    language=attachment.language,
                    title=entry.texts.get(attachment.language, {}).get("attachment_title", ""),
                ).pk,
                "title": "",  # the document's own title, in its language
            },
        )
        for attachment in entry.attachments
    ]
    set_blocks(page, "attachments", documents, page)


ARTICLE = PageKind(
    name="article",
    plural="articles",
    model=NewsArticle,
    index_model=NewsIndexPage,
    index_name="news listing page",
    texts=ARTICLE_TEXTS,
    fill_structure=fill_article,
    fields=("slug", "legacy_url", "date", "department_id", "lead_image_id"),
    streams=(),
)
POLICY = PageKind(
    name="policy",
    plural="policies",
    model=PolicyDocument,
    index_model=PolicyIndexPage,
    index_name="policy library page",
    texts=POLICY_TEXTS,
    fill_structure=fill_policy,
    fields=(
        "slug",
        "legacy_url",
        "issuing_authority_id",
        "document_number",
        "date_issued",
        "effective_date",
        "expiry_date",
        "withdrawn_on",
        "replaced_by_id",
    ),
    streams=("related_procedures", "attachments"),
)


def snapshot(page: Page, kind: PageKind) -> dict:
    """What the import sets, as plain data: block ids left out, values passed through JSON so that
    what the database holds and what was just built compare equal."""
    data = {name: getattr(page, name) for name in kind.fields}
    for name, text_kind, _required, _limit in kind.texts:
        if text_kind != BODY:
            data[name] = getattr(page, name)
    for name in (
        *kind.streams,
        *(name for name, text_kind, *_rest in kind.texts if text_kind == BODY),
        "change_notes",
    ):
        stream_block = page._meta.get_field(name).stream_block
        data[name] = without_ids(stream_block.get_prep_value(getattr(page, name)))
    for name in kind.many:
        data[name] = sorted(item.pk for item in getattr(page, name).all())
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))
