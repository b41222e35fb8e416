"""run_scheduled_jobs: each job runs once per tick across servers; failures are recorded, not raised."""

import subprocess
import time
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import Page

from cityportal.core import scheduling
from cityportal.core.models import ScheduledJobRun
from cityportal.core.scheduling import registered_jobs, tick_for
from cityportal.core.tests.subprocesses import SubprocessDatabase
from cityportal.home.models import ContentPage
from cityportal.home.tests.factories import ContentPageFactory


@pytest.fixture
def temporary_jobs():
    """Register jobs for one test only."""
    names = []

    def register(name, function, every=timedelta(minutes=1)):
        scheduling.register_job(name, function, every=every)
        names.append(name)

    yield register
    for name in names:
        scheduling._jobs.pop(name, None)


def run(*args):
    stdout, stderr = StringIO(), StringIO()
    call_command("run_scheduled_jobs", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_wagtail_scheduled_publishing_is_the_first_registered_job():
    jobs = {job.name: job for job in registered_jobs()}
    assert next(iter(scheduling._jobs)) == "publish-scheduled-pages"
    assert jobs["publish-scheduled-pages"].every == timedelta(minutes=1)
    assert "retry-outbound-email" in jobs


def test_ticks_are_aligned_on_the_interval_in_utc():
    hourly = scheduling.ScheduledJob("x", timedelta(hours=1), lambda now: None)
    now = datetime(2026, 3, 5, 9, 47, 12, tzinfo=UTC)
    assert tick_for(hourly, now) == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    daily = scheduling.ScheduledJob("y", timedelta(days=1), lambda now: None)
    assert tick_for(daily, now) == datetime(2026, 3, 5, 0, 0, tzinfo=UTC)


def test_a_due_job_runs_once_per_tick_and_its_outcome_is_stored(db, temporary_jobs):
    calls = []
    temporary_jobs("test-counting", lambda now: calls.append(now) or "counted")

    first, _ = run("--job", "test-counting")
    second, _ = run("--job", "test-counting")

    assert len(calls) == 1
    assert "test-counting" in first and "ok: counted" in first
    assert "already run" in second
    job_run = ScheduledJobRun.objects.get(job="test-counting")
    assert job_run.succeeded is True
    assert job_run.summary == "counted"
    assert job_run.finished_at is not None
    assert calls[0] == job_run.tick


def test_a_failing_job_is_recorded_and_the_others_still_run(db, temporary_jobs):
    def broken(now):
        raise ValueError("the mail server is on fire")

    ran = []
    temporary_jobs("test-a-broken", broken)
    temporary_jobs("test-b-working", lambda now: ran.append(now) or "fine")

    stdout, stderr = run()

    assert ran
    failed = ScheduledJobRun.objects.get(job="test-a-broken")
    assert failed.succeeded is False
    assert failed.summary == "ValueError: the mail server is on fire"
    assert ScheduledJobRun.objects.get(job="test-b-working").succeeded is True
    assert "test-a-broken" in stderr and "FAILED" in stderr
    assert "test-b-working" in stdout


def test_dry_run_lists_due_jobs_and_runs_nothing(db, temporary_jobs):
    calls = []
    temporary_jobs("test-dry", calls.append)

    stdout, _ = run("--dry-run", "--job", "test-dry")

    assert "test-dry" in stdout and "due" in stdout
    assert calls == []
    assert not ScheduledJobRun.objects.filter(job="test-dry").exists()


def test_an_unknown_job_name_is_refused(db):
    with pytest.raises(CommandError, match="No scheduled job is named 'nope'"):
        run("--job", "nope")


def test_the_publish_job_publishes_pages_whose_go_live_time_has_passed(portal):
    parent = portal.sections["live"]["zh-hans"]
    page = ContentPageFactory(parent=parent, slug="scheduled-notice", title="定时通知")
    page.unpublish()
    page.go_live_at = timezone.now() - timedelta(minutes=5)
    page.save_revision(approved_go_live_at=page.go_live_at)
    expiring = ContentPageFactory(parent=parent, slug="expiring-notice", title="过期通知")
    Page.objects.filter(pk=expiring.pk).update(expire_at=timezone.now() - timedelta(minutes=1))

    stdout, _ = run("--job", "publish-scheduled-pages")

    assert ContentPage.objects.get(pk=page.pk).live is True
    assert ContentPage.objects.get(pk=expiring.pk).live is False
    job_run = ScheduledJobRun.objects.get(job="publish-scheduled-pages")
    assert job_run.succeeded is True
    assert job_run.summary == "1 published, 1 unpublished."


@pytest.mark.django_db(transaction=True)
def test_servers_calling_at_the_same_minute_run_each_tick_once(tmp_path):
    """Four real processes, each with its own database connection, race for the same tick."""
    database = SubprocessDatabase(tmp_path)
    # Start early in a minute, so that every process computes the same tick.
    if (second := timezone.now().second) > 30:
        time.sleep(61 - second)
    processes = [
        database.manage(
            "run_scheduled_jobs",
            "--job",
            "publish-scheduled-pages",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]

    assert all(process.returncode == 0 for process in processes), outputs
    ran = [stdout for stdout, _ in outputs if ": ok:" in stdout]
    skipped = [stdout for stdout, _ in outputs if "already run" in stdout]
    assert len(ran) == 1, outputs
    assert len(skipped) == 3, outputs
    rows = database.fetch(
        "SELECT job, succeeded FROM core_scheduledjobrun WHERE job = %s", ["publish-scheduled-pages"]
    )
    assert len(rows) == 1
    assert bool(rows[0][1]) is True
