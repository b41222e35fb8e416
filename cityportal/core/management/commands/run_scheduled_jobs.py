"""Run every scheduled job whose current tick nobody has run yet. Call it every minute, on every server."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cityportal.core.scheduling import claim_tick, is_due, registered_jobs, run_claimed, tick_for


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs (declared in each app's jobs.py) whose interval has elapsed. Run it every "
        "minute from a timer on every application server: each job's tick is claimed by inserting a "
        "ScheduledJobRun row, so it runs once however many servers call this at the same time."
    )
    # It runs every minute on every server: `manage.py check` at deployment covers the system checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--job", metavar="NAME", help="Run only this job (if it is due).")
        parser.add_argument(
            "--dry-run", action="store_true", help="List the jobs that are due without running them."
        )

    def handle(self, *args, job=None, dry_run=False, **options):
        jobs = registered_jobs()
        if job is not None:
            jobs = [candidate for candidate in jobs if candidate.name == job]
            if not jobs:
                names = ", ".join(candidate.name for candidate in registered_jobs())
                raise CommandError(f"No scheduled job is named {job!r}. Jobs: {names}.")

        now = timezone.now()
        for scheduled in jobs:
            tick = tick_for(scheduled, now)
            label = f"{scheduled.name} @ {tick:%Y-%m-%d %H:%M} UTC"
            if dry_run:
                state = "due" if is_due(scheduled, now) else "already run"
                self.stdout.write(f"{label}: {state} (dry run, nothing run)")
                continue
            run = claim_tick(scheduled, now)
            if run is None:
                self.stdout.write(f"{label}: already run")
                continue
            run_claimed(scheduled, run)
            if run.succeeded:
                self.stdout.write(f"{label}: ok: {run.summary}")
            else:
                self.stderr.write(f"{label}: FAILED: {run.summary}")
