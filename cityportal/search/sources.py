"""What a searchable object becomes in the index: one document per language it is published in.

Pages (every PortalPage type) give their title, summary and the fields their model lists in
`search_fields` (Wagtail's declaration, so a new field is searchable where its app says so); FAQ
entries their question and answer; appointment services, one row for all languages (ADR 013), a
document per language whose name is translated. Unpublished and private pages, unpublished FAQ
entries and closed services give none, which removes what was indexed before.
"""

import datetime
import html
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import override
from modelsearch import index
from wagtail.models import Page

from cityportal.appointments.models import AppointmentService
from cityportal.consultations.models import FAQEntry, FAQIndexPage
from cityportal.home.models import SectionPage
from cityportal.news.models import NewsArticle, PolicyDocument
from cityportal.procedures.models import ProcedurePage

from .models import DocumentKind

BODY_LIMIT = 20_000  # characters of body kept per document: enough for any guide, bounded for policies
PAGE_KINDS = {
    ProcedurePage: DocumentKind.GUIDE,
    NewsArticle: DocumentKind.NEWS,
    PolicyDocument: DocumentKind.POLICY,
}
# Title and summary are indexed apart (they rank higher); these fields are neither body nor useful.
NOT_BODY = {"title", "summary", "search_description", "item_code", "document_number"}


@dataclass
class DocumentText:
    model_label: str
    object_id: int
    language: str
    kind: str
    title: str
    url: str
    summary: str = ""
    body: str = ""
    sections: list[str] = field(default_factory=list)
    date: datetime.date | None = None
    is_page: bool = False
    parent_key: str = ""
    # Codes people type (item codes, document numbers): indexed with the title, never shown.
    identifiers: str = ""


def object_key(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def plain_text(value) -> str:
    """Text from a field value: strings, lists of strings (StreamField), rich text HTML."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, Iterable) and not isinstance(value, bytes | dict):
        text = "\n".join(plain_text(item) for item in value)
    else:
        text = str(value)
    if "<" in text:
        text = strip_tags(text)
    return unicodedata.normalize("NFKC", html.unescape(text)).strip()


def searchable_fields_text(obj, skip: set[str]) -> str:
    parts = []
    for search_field in obj.get_search_fields():
        if isinstance(search_field, index.SearchField) and search_field.field_name not in skip:
            parts.append(plain_text(search_field.get_value(obj)))
    return "\n".join(part for part in parts if part)[:BODY_LIMIT]


def page_sections(page) -> list[str]:
    if isinstance(page, SectionPage):
        return [page.section]
    if hasattr(page, "sections") and hasattr(page.sections, "values_list"):
        return list(page.sections.values_list("code", flat=True))
    section_page = SectionPage.objects.ancestor_of(page).live().only("section").first()
    return [section_page.section] if section_page else []


def page_documents(page: Page) -> list[DocumentText]:
    if not page.live or page.get_view_restrictions().exists():
        return []
    url = page.get_url_parts()
    if url is None:  # not under a site: nowhere to send a visitor
        return []
    language = page.locale.language_code
    # Blocks give their choices' labels as searchable text (a material's "Original"): in the page's
    # language, not in the language of the worker that indexes it.
    with override(language):
        body = searchable_fields_text(page, NOT_BODY)
    when = getattr(page, "date", None) or getattr(page, "date_issued", None) or page.first_published_at
    identifiers = " ".join(str(getattr(page, name, "") or "") for name in ("item_code", "document_number"))
    return [
        DocumentText(
            model_label=page._meta.label_lower,
            object_id=page.pk,
            language=language,
            kind=next(
                (kind for model, kind in PAGE_KINDS.items() if isinstance(page, model)), DocumentKind.PAGE
            ),
            title=plain_text(page.title),
            url=url[2],
            summary=plain_text(getattr(page, "summary", "") or page.search_description),
            body=body,
            sections=page_sections(page),
            date=when.date() if hasattr(when, "date") else when,
            is_page=True,
            identifiers=identifiers.strip(),
        )
    ]


def faq_documents(entry: FAQEntry) -> list[DocumentText]:
    if not entry.live:
        return []
    faq_page = FAQIndexPage.objects.live().filter(locale_id=entry.locale_id).first()
    if faq_page is None:
        return []
    return [
        DocumentText(
            model_label=entry._meta.label_lower,
            object_id=entry.pk,
            language=entry.locale.language_code,
            kind=DocumentKind.FAQ,
            title=plain_text(entry.question),
            url=f"{faq_page.get_url_parts()[2]}{entry.section}/#faq-{entry.pk}",
            body=plain_text(entry.answer),
            sections=[entry.section],
            date=entry.published_at.date(),
        )
    ]


def service_documents(service: AppointmentService) -> list[DocumentText]:
    if not service.active:
        return []
    from django.urls import reverse

    documents = []
    sections = list(service.sections.values_list("code", flat=True))
    # The guides are the Chinese source pages; each language has its translation (same translation_key).
    guide_keys = list(service.procedures.order_by("pk").values_list("translation_key", flat=True)[:1])
    guides = {
        guide.locale.language_code: object_key(guide)
        for guide in ProcedurePage.objects.live()
        .filter(translation_key__in=guide_keys)
        .select_related("locale")
    }
    for language, _name in settings.LANGUAGES:
        column = language.replace("-", "_")
        name = getattr(service, f"name_{column}", "")
        if not name:
            continue  # not translated into this language: found in the languages it is written in
        with override(language):
            url = reverse("appointments:offices", kwargs={"service_id": service.pk})
        documents.append(
            DocumentText(
                model_label=service._meta.label_lower,
                object_id=service.pk,
                language=language,
                kind=DocumentKind.SERVICE,
                title=plain_text(name),
                url=url,
                summary=plain_text(getattr(service, f"description_{column}", "")),
                body=plain_text(getattr(service, f"documents_to_bring_{column}", "")),
                sections=sections,
                identifiers=service.code.replace("-", " "),
                parent_key=guides.get(language, ""),
            )
        )
    return documents


def documents_for(obj) -> list[DocumentText]:
    """The documents an object gives now (none: it must not be found)."""
    if isinstance(obj, Page):
        return page_documents(obj)
    if isinstance(obj, FAQEntry):
        return faq_documents(obj)
    if isinstance(obj, AppointmentService):
        return service_documents(obj)
    return []
