"""`make run`'s run_portal: web server, task worker and scheduler in one command, all stopped together."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from cityportal.core.tests.subprocesses import SubprocessDatabase


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout=90.0, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(interval)
    return None


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.django_db(transaction=True)
def test_run_portal_serves_runs_tasks_and_jobs_and_stops_everything_on_sigterm(tmp_path):
    from cityportal.core.services.messaging import queue_email

    queue_email("visitor@example.org", "Welcome", "Hello.", language="en", purpose="test-run-portal")
    database = SubprocessDatabase(tmp_path)
    port = free_port()
    log = (tmp_path / "run_portal.log").open("w+")
    portal = database.manage(
        "run_portal",
        f"127.0.0.1:{port}",
        "--noreload",
        "--scheduler-interval",
        "2",
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:

        def live():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/live", timeout=2) as response:  # noqa: S310 - our own local server
                    return response.status == 200
            except OSError:
                return False

        assert wait_for(live), log_text(log)
        # The worker sent the email queued before start-up; the scheduler ran the publishing job.
        assert wait_for(
            lambda: (
                database.fetch(
                    "SELECT status FROM core_outboundemail WHERE purpose = %s", ["test-run-portal"]
                )
                == [("sent",)]
            )
        ), log_text(log)
        assert wait_for(
            lambda: database.fetch(
                "SELECT succeeded FROM core_scheduledjobrun WHERE job = %s", ["publish-scheduled-pages"]
            )
        ), log_text(log)
        text = log_text(log)
        assert f"Portal on http://127.0.0.1:{port}/" in text
        pids = [int(pid) for pid in re.findall(r"pid (\d+)", text)]
        assert len(pids) == 2
    finally:
        portal.send_signal(signal.SIGTERM)
        portal.wait(timeout=60)

    assert "Stopped the web server, the task worker and the scheduler." in log_text(log)
    assert portal.returncode == 0
    assert not any(is_running(pid) for pid in pids)
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0  # nothing serves any more


def log_text(log) -> str:
    log.flush()
    log.seek(0)
    return log.read()
