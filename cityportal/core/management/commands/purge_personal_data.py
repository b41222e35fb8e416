from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cityportal.core.retention import registered_data_classes, retention_period
from cityportal.core.services.privacy import purge_expired_personal_data


class Command(BaseCommand):
    help = (
        "Delete or anonymise personal data older than its retention period (settings.RETENTION), "
        "for every registered data class. The daily job purge-expired-personal-data does the same."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be purged without changing anything."
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        descriptions = {data_class.name: data_class.describe for data_class in registered_data_classes()}
        results = purge_expired_personal_data(now, dry_run=dry_run)
        verb = "would purge" if dry_run else "purged"
        for result in results:
            if result.error:
                self.stderr.write(f"{result.data_class}: FAILED ({result.error})")
                continue
            count = "?" if result.count is None else result.count
            self.stdout.write(
                f"{result.data_class}: {verb} {count} older than {result.cutoff:%Y-%m-%d %H:%M %Z} "
                f"(kept {retention_period(result.data_class).days} days) – {descriptions[result.data_class]}"
            )
        if not results:
            self.stdout.write("No data classes are registered.")
        if any(result.error for result in results):
            raise CommandError("Some data classes could not be purged; see above.")
