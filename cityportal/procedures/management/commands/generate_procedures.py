import contextlib
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cityportal.procedures.demo.generated import PREFIX, build_catalogue
from cityportal.procedures.importing import FORMAT
from cityportal.procedures.models import ProcedureIndexPage
from cityportal.procedures.services import CatalogueError, ImportReport, import_catalogue

BATCH = 20  # guides per import transaction


class Command(BaseCommand):
    help = (
        "Generate synthetic procedure guides for testing at scale: COUNT guides (default 300) in nine "
        "languages, item codes generated-0001 …, with up to 20 departments and 60 offices, loaded through "
        "the catalogue import (real wagtail-localize translations). Needs the guides index page (run "
        "load_demo first). Idempotent: running it again changes nothing; a larger count adds guides. "
        "Takes about 1.5 s of CPU per guide."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=300, help="How many guides (default 300).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do the whole import and roll it back: report what would change, write nothing.",
        )
        parser.add_argument(
            "--keep-file",
            type=Path,
            help="Also write the generated catalogue to this JSON file (importable with import_procedures).",
        )

    def handle(self, *args, count=300, dry_run=False, keep_file=None, **options):
        if not 1 <= count <= 9999:
            raise CommandError("--count must be between 1 and 9999 (item codes have four digits).")
        if not ProcedureIndexPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).exists():
            raise CommandError(
                "There is no guides index page (/zh-hans/guides/) to put the generated guides under. "
                "Run `manage.py load_demo` first, or create the procedure guide index under the Chinese "
                "home page in the admin."
            )
        self.verbose = options.get("verbosity", 1) >= 2
        started = time.monotonic()
        catalogue = build_catalogue(count)
        if keep_file:
            keep_file.write_text(json.dumps(catalogue, ensure_ascii=False, indent=1), encoding="utf-8")
            self.stdout.write(f"Catalogue written to {keep_file}.")
        guides = catalogue.pop("procedures")
        self.stdout.write(
            f"Importing {count} generated guides × 9 languages with {len(catalogue['departments'])} "
            f"departments and {len(catalogue['offices'])} offices, {BATCH} guides per transaction"
            f"{' (dry run: everything is rolled back at the end)' if dry_run else ''}…"
        )
        reports = []
        try:
            # Each batch commits on its own (a long import does not hold the database's write lock for
            # minutes, and an interrupted one resumes where it stopped). A dry run holds every batch in
            # one transaction, so that later batches see the guides earlier ones would create (related
            # guides), and rolls it back.
            outer = transaction.atomic() if dry_run else contextlib.nullcontext()
            with tempfile.TemporaryDirectory(prefix=f"{PREFIX}-procedures-") as directory, outer:
                reports.append(self.import_part(Path(directory) / "offices.json", catalogue))
                for start in range(0, count, BATCH):
                    batch = guides[start : start + BATCH]
                    path = Path(directory) / f"guides-{start + 1:04d}.json"
                    report = self.import_part(path, {"format": FORMAT, "procedures": batch})
                    reports.append(report)
                    self.progress(report, start + len(batch), count, started)
                if dry_run:
                    transaction.set_rollback(True)
        except CatalogueError as error:
            kept = "" if dry_run else " The batches imported before it are kept; running again resumes."
            raise CommandError(
                f"A batch of generated guides was refused and not written.{kept}\n{error}"
            ) from error
        self.stdout.write(self.style.SUCCESS(summary(reports, dry_run, time.monotonic() - started)))

    def import_part(self, path: Path, document: dict) -> ImportReport:
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return import_catalogue([path], log=self.log)

    def log(self, message: str) -> None:
        if self.verbose:
            self.stdout.write(f"  {message}")

    def progress(self, report: ImportReport, done: int, count: int, started: float) -> None:
        counts = report.counts("procedure")
        elapsed = time.monotonic() - started
        remaining = elapsed / done * (count - done)
        self.stdout.write(
            f"  {done}/{count} guides ({counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged in this batch); {elapsed:.0f} s, about {remaining:.0f} s to go"
        )


def summary(reports: list[ImportReport], dry_run: bool, seconds: float) -> str:
    parts = []
    for kind, plural in (("department", "departments"), ("office", "offices"), ("procedure", "guides")):
        counts = sum((report.counts(kind) for report in reports), Counter())
        parts.append(
            f"{sum(counts.values())} {plural} ({counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged)"
        )
    text = "; ".join(parts)
    if dry_run:
        return f"Dry run: {text}. Nothing was written ({seconds:.0f} s)."
    return f"Generated {text} in {seconds:.0f} s."
