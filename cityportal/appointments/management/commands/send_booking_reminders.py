from django.core.management.base import BaseCommand
from django.utils import timezone

from cityportal.appointments.notifications import due_reminders, send_due_reminders


class Command(BaseCommand):
    help = (
        "Email (and text, when an SMS backend is set) a reminder to every applicant whose appointment "
        "is tomorrow (Beijing time) and who has had none yet. The hourly job send-booking-reminders "
        "does the same between 09:00 and 21:00."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report how many reminders are due without sending them."
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        if dry_run:
            self.stdout.write(f"{due_reminders(now).count()} reminders due; none sent (dry run).")
            return
        self.stdout.write(f"{send_due_reminders(now)} reminders sent.")
