"""What import_news and import_policies share: arguments, the import, its report and its errors."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cityportal.news.services import CatalogueError, import_archive


class ArchiveImportCommand(BaseCommand):
    kinds: frozenset[str] = frozenset()

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="Archive files (.yaml, .yml or .json).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the files and report what would be created, updated or unchanged; write nothing.",
        )

    def handle(self, *args, files, dry_run=False, **options):
        if dry_run:
            self.stdout.write("Dry run: the import is done and rolled back, nothing is written.")
        try:
            report = import_archive(
                files, kinds=self.kinds, dry_run=dry_run, stdout=self.stdout, index_once=True
            )
        except CatalogueError as error:
            count = len(error.problems)
            raise CommandError(
                f"The archive was not imported ({count} problem{'s' if count != 1 else ''}); "
                f"nothing was written.\n{error}"
            ) from error
        self.stdout.write(self.style.SUCCESS(report.summary()))
