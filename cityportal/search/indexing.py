"""Writing the index: the documents of one object replace what was indexed for it before.

Called by the Wagtail search backend (backend.py) when an indexed object is saved or deleted (through
the queued `insert_or_update_object_task`) and when the whole index is rebuilt. One edited page costs
its own rows only: the full-text index follows row by row (SQLite triggers, PostgreSQL's generated
column), never a rebuild.
"""

import importlib
from collections.abc import Iterable

from django.db import connection, transaction
from wagtail.models import Page

from . import analysis, spelling
from .models import SearchDocument
from .query import language_scope
from .sources import DocumentText, documents_for


def scope_terms(language: str, kind: str, sections: Iterable[str]) -> str:
    """Filter terms the analyser can never produce from text (no digits or words of this shape reach
    the scope column through a query: queries only search the text columns)."""
    return " ".join([language_scope(language), f"kind{kind}", *(f"section{section}" for section in sections)])


def document_row(text: DocumentText) -> SearchDocument:
    language = text.language
    title_terms = analysis.terms(text.title, language)
    # Codes (item codes, document numbers) are found like summary words: in the title's terms they
    # would make a guide's title look less like the query than it is (engine.title_match).
    summary_terms = analysis.terms(text.summary, language) + analysis.terms(text.identifiers, language)
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
        parent_key=text.parent_key,
        date=text.date,
        scope=scope_terms(language, text.kind, text.sections),
        terms_title=" ".join(title_terms),
        terms_summary=" ".join(summary_terms),
        terms_body=" ".join(analysis.terms(text.body, language)),
    )


def indexed_rows(obj) -> "models.QuerySet[SearchDocument]":  # noqa: F821
    if isinstance(obj, Page):
        return SearchDocument.objects.filter(object_id=obj.pk, is_page=True)
    return SearchDocument.objects.filter(object_id=obj.pk, model_label=obj._meta.label_lower)


FIELDS = [
    "is_page", "kind", "sections", "title", "summary", "body", "url", "parent_key", "date", "scope",
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
    for language in set(rows) | set(existing):
        spelling.forget(language)  # the vocabulary of "did you mean" is rebuilt on next use
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


def ensure_full_text_index(using: str = "default", **kwargs) -> None:
    """Recreate SQLite's triggers if a later migration rebuilt the documents table (Django's SQLite
    schema editor copies a table to alter it, which drops its triggers), and refill the FTS table.
    Runs after every `migrate` (apps.py); does nothing when the triggers are there."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_document_a_'"
        )
        if cursor.fetchone()[0] == 3:
            return
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'search_document_fts'")
        if not cursor.fetchone()[0]:
            return  # not migrated yet
        migration = importlib.import_module("cityportal.search.migrations.0002_full_text_index")
        for statement in migration.SQLITE_REVERSE[:3]:  # the triggers only
            cursor.execute(statement)
        for statement in migration.SQLITE[1:]:
            cursor.execute(statement)
        cursor.execute("INSERT INTO search_document_fts(search_document_fts) VALUES ('rebuild')")
