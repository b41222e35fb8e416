"""Retention: every registered data class is purged after its period, by the daily job and the command."""

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.utils import timezone

from cityportal.core import retention
from cityportal.core.models import OutboundEmail
from cityportal.core.retention import register_retention
from cityportal.core.scheduling import registered_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _security_log_dir(settings, tmp_path):
    settings.SECURITY_LOG_DIR = str(tmp_path / "log")


@pytest.fixture
def isolated_registry(monkeypatch):
    """Registrations made by a test are forgotten after it."""
    retention.registered_data_classes()  # import every app's privacy.py first
    monkeypatch.setattr(retention, "_registry", dict(retention._registry))


def email(*, age_days: int, status=OutboundEmail.Status.SENT, subject="Booking confirmed") -> OutboundEmail:
    moment = timezone.now() - timedelta(days=age_days)
    message = OutboundEmail.objects.create(
        to=["visitor@example.org"], subject=subject, body_text="Text", status=status
    )
    sent_at = moment if status == OutboundEmail.Status.SENT else None
    OutboundEmail.objects.filter(pk=message.pk).update(created_at=moment, sent_at=sent_at)
    return message


def run_purge(*args) -> str:
    out = StringIO()
    call_command("purge_personal_data", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_sent_and_failed_emails_older_than_their_period_are_deleted_and_others_kept():
    old_sent = email(age_days=91)
    old_failed = email(age_days=91, status=OutboundEmail.Status.FAILED)
    recent_sent = email(age_days=89)
    old_but_still_retrying = email(age_days=120, status=OutboundEmail.Status.RETRYING)

    output = run_purge()

    remaining = set(OutboundEmail.objects.values_list("pk", flat=True))
    assert remaining == {recent_sent.pk, old_but_still_retrying.pk}
    assert old_sent.pk not in remaining and old_failed.pk not in remaining
    assert "outbound_emails: purged 2" in output


def test_dry_run_reports_what_would_be_purged_and_deletes_nothing():
    email(age_days=200)
    email(age_days=10)

    output = run_purge("--dry-run")

    assert "outbound_emails: would purge 1" in output
    assert OutboundEmail.objects.count() == 2


def test_purging_twice_deletes_nothing_more_the_second_time():
    email(age_days=100)
    email(age_days=1)
    assert "outbound_emails: purged 1" in run_purge()
    assert "outbound_emails: purged 0" in run_purge()
    assert OutboundEmail.objects.count() == 1


def test_retention_period_comes_from_settings(settings):
    settings.RETENTION = {**settings.RETENTION, "outbound_emails": timedelta(days=5)}
    email(age_days=6)
    email(age_days=4)
    run_purge()
    assert OutboundEmail.objects.count() == 1


def test_a_registered_data_class_is_purged_with_now_minus_its_period(settings, isolated_registry):
    cutoffs = []

    def purge_test_data(cutoff):
        cutoffs.append(cutoff)
        return 3

    register_retention("test_data", purge=purge_test_data, describe="Test data")
    settings.RETENTION = {**settings.RETENTION, "test_data": timedelta(days=30)}

    before = timezone.now()
    output = run_purge()

    assert "test_data: purged 3" in output
    (cutoff,) = cutoffs
    assert before - timedelta(days=30, seconds=5) < cutoff <= timezone.now() - timedelta(days=30)


def test_a_data_class_without_a_retention_period_is_a_system_check_error(isolated_registry):
    register_retention("kept_forever", purge=lambda cutoff: 0)
    with pytest.raises(SystemCheckError, match="core.E100"):
        call_command("check", stdout=StringIO(), stderr=StringIO())


def test_security_logs_kept_less_than_six_months_is_a_system_check_error(settings):
    settings.RETENTION = {**settings.RETENTION, "security_logs": timedelta(days=90)}
    with pytest.raises(SystemCheckError, match="core.E101"):
        call_command("check", stdout=StringIO(), stderr=StringIO())


def test_the_default_periods_pass_the_checks():
    assert retention.check_retention_periods() == []
    assert django_settings.RETENTION["security_logs"] >= timedelta(days=184)
    assert django_settings.RETENTION["bookings"] == timedelta(days=180)


def test_one_failing_purge_does_not_stop_the_others_and_fails_the_command(settings, isolated_registry):
    def broken(cutoff):
        raise RuntimeError("disk on fire")

    register_retention("broken_data", purge=broken)
    settings.RETENTION = {**settings.RETENTION, "broken_data": timedelta(days=1)}
    email(age_days=100)

    with pytest.raises(CommandError):
        run_purge()
    assert OutboundEmail.objects.count() == 0


def test_the_daily_job_purges_every_registered_class():
    (job,) = [job for job in registered_jobs() if job.name == "purge-expired-personal-data"]
    assert job.every == timedelta(days=1)
    email(age_days=100)

    summary = job.function(timezone.now())

    assert "outbound_emails: 1" in summary
    assert "security_logs: 0" in summary
    assert OutboundEmail.objects.count() == 0


def test_retention_periods_can_be_overridden_from_the_environment():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(RETENTION_BOOKINGS_DAYS="30", DJANGO_SETTINGS_MODULE="cityportal.settings.test")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.RETENTION['bookings'].days)",
        ],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "30"
