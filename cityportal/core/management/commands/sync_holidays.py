from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cityportal.core.services.calendar import plan_calendar_year, seed_calendar_year


class Command(BaseCommand):
    help = (
        "Seed or refresh a year of the holiday calendar (public holidays and make-up working days) "
        "from the installed `holidays` package, and show what changes. A confirmed year is never "
        "changed. The year stays unconfirmed unless --confirm is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help="Year to sync; repeat for several. Default: the current year and the next.",
        )
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="Also mark the year as checked against the State Council's notice.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show the changes and write nothing.")

    def handle(self, *args, years=None, confirm=False, dry_run=False, **options):
        if not years:
            this_year = timezone.localdate().year
            years = [this_year, this_year + 1]
        for year in years:
            if not 2000 <= year <= 2099:
                raise CommandError(f"{year} is outside the years the holiday data covers (2000–2099).")
        for year in years:
            self.sync(year, confirm=confirm, dry_run=dry_run)

    def sync(self, year: int, *, confirm: bool, dry_run: bool) -> None:
        plan = plan_calendar_year(year)
        if plan.confirmed:
            self.stdout.write(f"{year}: confirmed; not changed.")
            for change in plan.changes:
                self.stdout.write(f"  differs from the package: {change.describe()}")
            return
        prefix = "would " if dry_run else ""
        if not plan.exists:
            self.stdout.write(f"{year}: {prefix}create the year, unconfirmed.")
        for change in plan.changes:
            self.stdout.write(f"  {prefix}{change.describe()}")
        if not plan.changes:
            self.stdout.write(f"{year}: already matches the package.")
        if confirm:
            self.stdout.write(f"{year}: {prefix}mark confirmed.")
        if dry_run:
            self.stdout.write(f"{year}: nothing written (--dry-run).")
            return
        seed_calendar_year(year, confirmed=confirm)
        self.stdout.write(self.style.SUCCESS(f"{year}: {len(plan.changes)} days changed."))
