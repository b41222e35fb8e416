"""The security log: JSON lines in daily files, mode 0640, apart from other logs, purged after retention."""

import json
import logging
import stat
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cityportal.core.security_log import log_file_name, log_security_event, mask_reference

PASSWORD = "correct horse battery staple"


@pytest.fixture
def log_dir(settings, tmp_path) -> Path:
    settings.SECURITY_LOG_DIR = str(tmp_path / "security")
    return tmp_path / "security"


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)


def events(log_dir: Path) -> list[dict]:
    return [
        json.loads(line)
        for path in sorted(log_dir.glob("security-*.jsonl"))
        for line in path.read_text().splitlines()
    ]


def test_a_successful_admin_login_is_logged_with_user_and_address(client, log_dir, editor):
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    (event,) = events(log_dir)
    assert event["event"] == "admin.login.succeeded"
    assert event["username"] == "editor" and event["user_id"] == editor.pk
    assert event["ip"] == "127.0.0.1"
    assert event["level"] == "info"
    assert event["time"].startswith(str(datetime.now(UTC).year))


def test_a_failed_login_for_an_existing_account_names_it(client, log_dir, editor):
    client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    (event,) = events(log_dir)
    assert event["event"] == "admin.login.failed"
    assert event["username"] == "editor" and event["known_user"] is True
    assert "wrong" not in json.dumps(event)


def test_a_failed_login_with_an_unknown_name_does_not_record_what_was_typed(client, log_dir, editor):
    # People type their password into the user name field; it must not end up in the log.
    client.post("/admin/login/", {"username": "Secret-Password-1", "password": "x"})
    (event,) = events(log_dir)
    assert event["username"] is None and event["known_user"] is False
    assert "Secret-Password-1" not in json.dumps(event)


def test_log_files_are_one_per_utc_day_and_readable_only_by_owner_and_group(log_dir):
    log_security_event("test.event", detail="x")
    (path,) = log_dir.iterdir()
    assert path.name == log_file_name(datetime.now(UTC).date())
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_security_events_stay_out_of_the_other_logs(log_dir, caplog):
    root_records = []
    handler = logging.Handler()
    handler.emit = root_records.append
    logging.getLogger().addHandler(handler)
    try:
        log_security_event("test.event")
    finally:
        logging.getLogger().removeHandler(handler)
    assert root_records == []
    assert [event["event"] for event in events(log_dir)] == ["test.event"]


def test_references_are_masked():
    assert mask_reference("B7K2-9QXA") == "B7*****XA"
    assert mask_reference("ABCDE") == "A***E"
    assert mask_reference("ABC") == "***"


def test_files_older_than_the_retention_period_are_purged_and_newer_kept(log_dir, db):
    log_dir.mkdir(parents=True)
    today = timezone.now().astimezone(UTC).date()
    expired = log_dir / log_file_name(today - timedelta(days=200))
    last_kept = log_dir / log_file_name(today - timedelta(days=184))
    recent = log_dir / log_file_name(today - timedelta(days=3))
    unrelated = log_dir / "notes.txt"
    for path in (expired, last_kept, recent, unrelated):
        path.write_text("{}\n")

    out = StringIO()
    call_command("purge_personal_data", stdout=out)

    assert not expired.exists()
    assert last_kept.exists() and recent.exists() and unrelated.exists()
    assert "security_logs: purged 1" in out.getvalue()
