"""State changes of the news app called by management commands, the demo loader and tests.

Importing an archive (docs/news-format.md): `import_archive` reads files, `import_archive_documents`
documents already in memory (the demo loader's); both check everything first and write in one
transaction, so an archive with any problem writes nothing.
"""

import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django.utils import translation

from cityportal.core.localize_sync import index_updates_once
from cityportal.core.models import Department
from cityportal.core.services.publishing import bulk_import, bulk_import_running
from cityportal.procedures.importing.problems import CatalogueError, Problems
from cityportal.procedures.models import ProcedurePage
from cityportal.procedures.services import ImportReport

from .importing.media import StoredFiles
from .importing.reading import read_archive, read_documents
from .importing.schema import ARTICLES, POLICIES, Archive, KnownCodes
from .importing.writing import ArchiveWriter
from .models import PolicyDocument, Topic

ALL_KINDS = frozenset({ARTICLES, POLICIES})
COMMAND_FOR = {ARTICLES: "import_news", POLICIES: "import_policies"}
REPORTED = (
    ("department", "departments"),
    ("topic", "topics"),
    ("article", "articles"),
    ("policy", "policies"),
    ("redirect", "redirects"),
)


def archive_import_running() -> bool:
    return bulk_import_running()


@dataclass
class ArchiveReport(ImportReport):
    skipped: dict[str, int] | None = None  # records of a kind left for the other command

    def summary(self) -> str:
        parts = []
        for kind, plural in REPORTED:
            counts = self.counts(kind)
            if counts:
                parts.append(
                    f"{sum(counts.values())} {plural} ({counts['created']} created, "
                    f"{counts['updated']} updated, {counts['unchanged']} unchanged)"
                )
        text = "; ".join(parts) or "nothing to import"
        note = "".join(
            f" {count} {kind} left for {COMMAND_FOR[kind]}."
            for kind, count in (self.skipped or {}).items()
            if count
        )
        if self.dry_run:
            return f"Dry run: {text}. Nothing was written.{note}"
        return f"Imported {text} in {self.seconds:.1f} s.{note}"


def known_codes() -> KnownCodes:
    chinese = {"locale__language_code": settings.LANGUAGE_CODE}
    return KnownCodes(
        departments=set(Department.objects.values_list("code", flat=True)),
        topics=set(Topic.objects.values_list("slug", flat=True)),
        procedures=set(ProcedurePage.objects.filter(**chinese).values_list("item_code", flat=True)),
        policies=set(PolicyDocument.objects.filter(**chinese).values_list("slug", flat=True)),
    )


def import_archive(
    paths: Iterable[Path],
    *,
    kinds: frozenset[str] = ALL_KINDS,
    dry_run: bool = False,
    stdout: TextIO | None = None,
    index_once: bool = False,
) -> ArchiveReport:
    """Create or update the departments, topics, articles and policies of the archive files.

    `kinds` chooses which of articles and policies to import (departments and topics always are).
    Raises CatalogueError, listing every problem with its file, record and field, before anything is
    written, or from the models' own checks while writing, which rolls everything back. A dry run
    does the whole import and rolls it back, so it reports exactly what would change. `index_once`
    queues one search and reference index update per page (core.localize_sync.index_updates_once:
    management commands only)."""
    started = time.monotonic()
    archive, problems = read_archive(list(paths), known_codes(), kinds)
    return apply_archive(archive, problems, started, dry_run=dry_run, stdout=stdout, index_once=index_once)


def import_archive_documents(
    documents: dict[Path, object],
    *,
    kinds: frozenset[str] = ALL_KINDS,
    dry_run: bool = False,
    stdout: TextIO | None = None,
    index_once: bool = False,
) -> ArchiveReport:
    """import_archive for documents already parsed, each keyed by the path of the file it stands for
    (problems name it; the images and attachments it names are relative to its folder)."""
    started = time.monotonic()
    archive, problems = read_documents(documents, known_codes(), kinds)
    return apply_archive(archive, problems, started, dry_run=dry_run, stdout=stdout, index_once=index_once)


def apply_archive(
    archive: Archive,
    problems: Problems,
    started: float,
    *,
    dry_run: bool,
    stdout: TextIO | None,
    index_once: bool,
) -> ArchiveReport:
    problems.raise_if_any()

    def log(message: str) -> None:
        if stdout is not None:
            stdout.write(f"  {message}\n")

    report = ArchiveReport(dry_run=dry_run, skipped=archive.skipped)
    files = StoredFiles()
    try:
        # Rows and pages are written in the source language, as an editor in the admin would write them.
        with bulk_import(), translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            with index_updates_once() if index_once else contextlib.nullcontext():
                report.outcomes = ArchiveWriter(archive, log, files).write()
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        files.forget()
        raise
    if dry_run:
        files.forget()
    report.seconds = time.monotonic() - started
    return report


__all__ = [
    "ALL_KINDS",
    "ArchiveReport",
    "CatalogueError",
    "archive_import_running",
    "import_archive",
    "import_archive_documents",
]
