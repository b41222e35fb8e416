from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cityportal.publishing.roles import NoLanguageTrees, sync_editorial_roles


class Command(BaseCommand):
    help = (
        "Create or update the editorial groups (Editors, Translators and Reviewers of each language) "
        "with their permissions, and each language's review workflow on its home page. Run it after the "
        "language trees exist (load_demo does). Idempotent: running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")

    def handle(self, *args, dry_run=False, **options):
        try:
            with transaction.atomic():
                report = sync_editorial_roles()
                if dry_run:
                    transaction.set_rollback(True)
        except NoLanguageTrees as error:
            raise CommandError(str(error)) from error
        for line in report.changes:
            self.stdout.write(f"  {line}")
        if report.skipped:
            self.stdout.write(
                f"  No home page yet in {', '.join(report.skipped)}: run this again once those trees exist."
            )
        if dry_run:
            self.stdout.write(f"{len(report.changes)} changes found; nothing written (--dry-run).")
        elif report.changes:
            self.stdout.write(self.style.SUCCESS(f"Editorial roles set up: {len(report.changes)} changes."))
        else:
            self.stdout.write("Editorial roles and workflows are already up to date.")
