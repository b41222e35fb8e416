"""State changes of the procedures app, called by management commands, the demo loader and tests."""

import contextlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation

from cityportal.core.localize_sync import index_updates_once
from cityportal.core.models import Department, Office

from .importing import Catalogue, CatalogueError, KnownCodes, read_catalogue, read_documents
from .importing.problems import Problems
from .importing.writing import CatalogueWriter, Outcome
from .models import ProcedurePage

KINDS = (("department", "departments"), ("office", "offices"), ("procedure", "guides"))


@dataclass
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0

    def counts(self, kind: str) -> Counter:
        return Counter(outcome.status for outcome in self.outcomes if outcome.kind == kind)

    @property
    def changed(self) -> bool:
        return any(outcome.status != "unchanged" for outcome in self.outcomes)

    def summary(self) -> str:
        parts = []
        for kind, plural in KINDS:
            counts = self.counts(kind)
            if counts:
                parts.append(
                    f"{sum(counts.values())} {plural} ({counts['created']} created, "
                    f"{counts['updated']} updated, {counts['unchanged']} unchanged)"
                )
        text = "; ".join(parts) or "nothing to import"
        if self.dry_run:
            return f"Dry run: {text}. Nothing was written."
        return f"Imported {text} in {self.seconds:.1f} s."


def known_codes() -> KnownCodes:
    return KnownCodes(
        departments=set(Department.objects.values_list("code", flat=True)),
        offices=set(Office.objects.values_list("code", flat=True)),
        guides=set(
            ProcedurePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).values_list(
                "item_code", flat=True
            )
        ),
    )


def import_catalogue(
    paths: list[Path],
    *,
    dry_run: bool = False,
    log: Callable[[str], None] = lambda message: None,
    index_once: bool = False,
) -> ImportReport:
    """Create or update the departments, offices and guides of the catalogue files, in one transaction.

    Raises CatalogueError (listing every problem, each naming file, record and field) before anything
    is written, or from the models' own checks while writing, which then rolls everything back. A dry
    run does the whole import and rolls it back, so it reports exactly what would change.
    `index_once` queues one search and reference index update per page instead of one per save
    (core.localize_sync.index_updates_once: for management commands only)."""
    started = time.monotonic()
    catalogue, problems = read_catalogue(paths, known_codes())
    return apply_catalogue(catalogue, problems, started, dry_run=dry_run, log=log, index_once=index_once)


def import_documents(
    documents: dict[str, dict],
    *,
    dry_run: bool = False,
    log: Callable[[str], None] = lambda message: None,
    index_once: bool = False,
) -> ImportReport:
    """import_catalogue for documents already in memory (a generator's), keyed by the name that
    problems give for them: {"generated": {"format": FORMAT, "procedures": […]}}."""
    started = time.monotonic()
    catalogue, problems = read_documents(documents, known_codes())
    return apply_catalogue(catalogue, problems, started, dry_run=dry_run, log=log, index_once=index_once)


def apply_catalogue(
    catalogue: Catalogue,
    problems: Problems,
    started: float,
    *,
    dry_run: bool,
    log: Callable[[str], None],
    index_once: bool,
) -> ImportReport:
    problems.raise_if_any()
    report = ImportReport(dry_run=dry_run)
    # Rows and pages are written in the source language, as an editor in the admin would write them.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        with index_updates_once() if index_once else contextlib.nullcontext():
            report.outcomes = CatalogueWriter(catalogue, log).write()
        if dry_run:
            transaction.set_rollback(True)
    report.seconds = time.monotonic() - started
    return report


__all__ = ["CatalogueError", "ImportReport", "import_catalogue", "import_documents"]
