from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cityportal.procedures.services import CatalogueError, import_catalogue


class Command(BaseCommand):
    help = (
        "Import procedure guides, departments and offices from catalogue files (YAML or JSON, "
        "docs/procedures-format.md), creating or updating by code in one transaction. Several files "
        "are read as one catalogue. Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="Catalogue files (.yaml, .yml or .json).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the files and report what would be created, updated or unchanged; write nothing.",
        )

    def handle(self, *args, files, dry_run=False, **options):
        if dry_run:
            self.stdout.write("Dry run: the import is done and rolled back, nothing is written.")
        try:
            report = import_catalogue(
                files,
                dry_run=dry_run,
                log=lambda message: self.stdout.write(f"  {message}"),
                index_once=True,
            )
        except CatalogueError as error:
            count = len(error.problems)
            raise CommandError(
                f"The catalogue was not imported ({count} problem{'s' if count != 1 else ''}); "
                f"nothing was written.\n{error}"
            ) from error
        self.stdout.write(self.style.SUCCESS(report.summary()))
