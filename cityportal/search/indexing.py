"""Writing the index: the documents of one object replace what was indexed for it before.

Called by the Wagtail search backend (backend.py) when an indexed object is saved or deleted (through
the queued `insert_or_update_object_task`) and when the whole index is rebuilt. One edited page costs
its own rows only: the full-text index follows row by row (SQLite triggers, PostgreSQL's generated
column), never a rebuild.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from wagtail.models import Page

from . import analysis
from .models import SearchDocument
from .query import language_scope
from .sources import DocumentText, documents_for


def scope_terms(language: str, kind: str, sections: Iterable[str]) -> str:
    """Filter terms the analyser can never produce from text (no digits or words of this shape reach
    the scope column through a query: queries only search the text columns)."""
    return " ".join([language_scope(language), f"kind{kind}", *(f"section{section}" for section in sections)])


def document_row(text: DocumentText) -> SearchDocument:
    language = text.language
    title_terms = analysis.terms(text.title, language) + analysis.terms(text.identifiers, language)
    return SearchDocument(
        model_label=text.model_label,
        object_id=text.object_id,
        is_page=text.is_page,
        language=language,
        kind=text.kind,
        sections=" ".join(text.sections),
        title=text.title[:500],
        summary=text.summary,
        body=text.body,
        url=text.url[:500],
        date=text.date,
        scope=scope_terms(language, text.kind, text.sections),
        terms_title=" ".join(title_terms),
        terms_summary=" ".join(analysis.terms(text.summary, language)),
        terms_body=" ".join(analysis.terms(text.body, language)),
    )


def indexed_rows(obj) -> "models.QuerySet[SearchDocument]":  # noqa: F821
    if isinstance(obj, Page):
        return SearchDocument.objects.filter(object_id=obj.pk, is_page=True)
    return SearchDocument.objects.filter(object_id=obj.pk, model_label=obj._meta.label_lower)


FIELDS = [
    "is_page", "kind", "sections", "title", "summary", "body", "url", "date", "scope",
    "terms_title", "terms_summary", "terms_body",
]  # fmt: skip


@transaction.atomic
def index_object(obj) -> int:
    """Index `obj` as it is now; returns how many documents it has."""
    rows = {row.language: row for row in map(document_row, documents_for(obj))}
    existing = {row.language: row for row in indexed_rows(obj)}
    stale = [
        row.pk
        for language, row in existing.items()
        if language not in rows or row.model_label != rows[language].model_label
    ]
    if stale:
        SearchDocument.objects.filter(pk__in=stale).delete()
    for language, row in rows.items():
        current = existing.get(language)
        if current is not None and current.pk not in stale:
            row.pk = current.pk
            row.save(update_fields=[*FIELDS, "indexed_at"])
        else:
            row.save()
    return len(rows)


def remove_object(obj) -> None:
    indexed_rows(obj).delete()


def optimise() -> None:
    """Merge the full-text index's segments after a rebuild (SQLite; PostgreSQL's GIN needs nothing)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_document_fts(search_document_fts) VALUES ('optimize')")
