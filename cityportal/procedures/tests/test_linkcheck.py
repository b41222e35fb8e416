"""The weekly link check, against a real HTTP server on 127.0.0.1 (never the internet)."""

import datetime
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from cityportal.core.scheduling import registered_jobs
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.procedures.linkcheck import check_due_links, check_link, collect_links, guide_links
from cityportal.procedures.models import LinkCheckResult, LinkProblem
from cityportal.procedures.tests.factories import (
    DepartmentFactory,
    OfficeFactory,
    ProcedureIndexPageFactory,
    ProcedurePageFactory,
    translate,
)

SLOW_SECONDS = 1.5
TIMEOUT = 0.5


class Handler(BaseHTTPRequestHandler):
    """/ok 200, /missing 404, /moved 301 → /ok, /slow answers after SLOW_SECONDS, /no-head refuses HEAD."""

    def do_HEAD(self):
        if self.path == "/no-head":
            self.answer(405)
        else:
            self.do_GET()

    def do_GET(self):
        if self.path == "/ok" or self.path == "/no-head":
            self.answer(200)
        elif self.path == "/moved":
            self.answer(301, location="/ok")
        elif self.path == "/slow":
            time.sleep(SLOW_SECONDS)
            self.answer(200)
        else:
            self.answer(404)

    def answer(self, status, location=None):
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def check_guide_links(now):
    """Run the weekly job as the scheduler does (found through registered_jobs, not imported: an
    import would register it ahead of the core jobs)."""
    job = {job.name: job for job in registered_jobs()}["check-guide-links"]
    assert job.every == datetime.timedelta(days=7)
    return job.function(now)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False  # do not wait for the slow answer when the tests end
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_port():
    """An address where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def index(portal):
    index = ProcedureIndexPageFactory(parent=portal.homes["zh-hans"])
    translate(index, "en", title="Guides")
    return index


# Checking one address


def test_a_working_page_and_a_redirect_to_one_are_fine(server):
    assert check_link(f"{server}/ok", timeout=TIMEOUT).status_code == 200
    redirected = check_link(f"{server}/moved", timeout=TIMEOUT)
    assert not redirected.is_broken
    assert redirected.status_code == 200


def test_a_missing_page_is_broken_with_its_status(server):
    status = check_link(f"{server}/missing", timeout=TIMEOUT)
    assert status.is_broken
    assert (status.problem, status.status_code) == (LinkProblem.HTTP, 404)


def test_a_server_refusing_head_is_asked_with_get(server):
    status = check_link(f"{server}/no-head", timeout=TIMEOUT)
    assert not status.is_broken
    assert status.status_code == 200


def test_a_server_answering_too_late_is_broken(server):
    started = time.monotonic()
    status = check_link(f"{server}/slow", timeout=TIMEOUT)
    assert status.problem == LinkProblem.TIMEOUT
    assert time.monotonic() - started < SLOW_SECONDS


def test_a_refused_connection_is_broken(closed_port):
    assert check_link(closed_port, timeout=TIMEOUT).problem == LinkProblem.CONNECTION


# Collecting the addresses of the guides


@pytest.mark.django_db
def test_links_are_collected_from_fields_rich_text_and_departments(index, server):
    department = DepartmentFactory(website=f"{server}/department")
    office = OfficeFactory(department=DepartmentFactory(website=f"{server}/office-department"))
    guide = ProcedurePageFactory(
        parent=index,
        department=department,
        offices=[office],
        online_application_url=f"{server}/apply",
        status_check_url=f"{server}/status",
        conditions=f'<p>See <a href="{server}/conditions#part-2">the rules</a>.</p>',
        legal_basis=f'<p><a href="{server}/law">Exit and Entry Law</a></p>',
        steps=[("step", {"title": "Apply", "description": f'<p><a href="{server}/step">Form</a></p>'})],
        faqs=[("faq", {"question": "Q?", "answer": f'<p><a href="{server}/faq">A</a></p>'})],
    )
    assert guide_links(guide) == {
        f"{server}/{path}" for path in ("apply", "status", "conditions", "law", "step", "faq")
    }

    collected = collect_links()

    assert collected.links == 8
    assert set(LinkCheckResult.objects.get(url=f"{server}/apply").guides.all()) == {guide}
    assert set(LinkCheckResult.objects.get(url=f"{server}/department").departments.all()) == {department}
    assert LinkCheckResult.objects.get(url=f"{server}/office-department").departments.exists()


@pytest.mark.django_db
def test_an_address_in_several_guides_is_checked_once_and_lists_them_all(index, server):
    source = ProcedurePageFactory(parent=index, online_application_url=f"{server}/apply")
    english = translate(source, "en", title="Work permit")
    other = ProcedurePageFactory(parent=index, status_check_url=f"{server}/apply")
    draft = ProcedurePageFactory(parent=index, online_application_url=f"{server}/draft-only")
    draft.unpublish()

    collect_links()

    result = LinkCheckResult.objects.get(url=f"{server}/apply")
    assert set(result.guides.all()) == {source, english, other}
    assert not LinkCheckResult.objects.filter(url=f"{server}/draft-only").exists()


@pytest.mark.django_db
def test_page_links_and_mail_links_are_not_collected(index):
    guide = ProcedurePageFactory(
        parent=index,
        department=DepartmentFactory(website=""),
        conditions=(
            f'<p><a linktype="page" id="{index.pk}">Guides</a> <a href="mailto:a@example.org">mail</a></p>'
        ),
    )
    assert guide_links(guide) == set()


@pytest.mark.django_db
def test_addresses_no_guide_uses_any_more_are_forgotten(index, server):
    guide = ProcedurePageFactory(
        parent=index, department=DepartmentFactory(website=""), online_application_url=f"{server}/old"
    )
    collect_links()
    guide.online_application_url = f"{server}/new"
    guide.save_revision().publish()

    collect_links()

    assert list(LinkCheckResult.objects.values_list("url", flat=True)) == [f"{server}/new"]


# Recording the outcome


@pytest.mark.django_db
def test_check_records_broken_and_working_links(index, server, closed_port):
    ProcedurePageFactory(
        parent=index,
        department=DepartmentFactory(website=f"{server}/moved"),
        online_application_url=f"{server}/ok",
        status_check_url=f"{server}/missing",
        conditions=f'<p><a href="{server}/slow">slow</a> <a href="{closed_port}">down</a></p>',
    )
    collect_links()

    outcome = check_due_links(timeout=TIMEOUT)

    assert (outcome.checked, outcome.broken, outcome.remaining) == (5, 3, 0)
    broken = set(LinkCheckResult.objects.filter(first_broken_at__isnull=False).values_list("url", flat=True))
    assert broken == {f"{server}/missing", f"{server}/slow", closed_port}
    missing = LinkCheckResult.objects.get(url=f"{server}/missing")
    assert (missing.problem, missing.status_code, missing.consecutive_failures) == ("http", 404, 1)


@pytest.mark.django_db
def test_a_link_stays_broken_since_its_first_failure_until_it_works(index, server):
    ProcedurePageFactory(
        parent=index, department=DepartmentFactory(website=""), online_application_url=f"{server}/missing"
    )
    collect_links()
    check_due_links(timeout=TIMEOUT)
    first_broken_at = LinkCheckResult.objects.get().first_broken_at

    # Checked again this week: nothing is due.
    assert check_due_links(timeout=TIMEOUT).checked == 0

    next_week = timezone.now() + datetime.timedelta(days=7)
    check_due_links(timeout=TIMEOUT, now=next_week)
    result = LinkCheckResult.objects.get()
    assert (result.first_broken_at, result.consecutive_failures) == (first_broken_at, 2)

    LinkCheckResult.objects.update(url=f"{server}/ok")  # the editor fixed the address
    check_due_links(timeout=TIMEOUT, now=next_week + datetime.timedelta(days=7))
    result = LinkCheckResult.objects.get()
    assert (result.is_broken, result.consecutive_failures, result.status_code) == (False, 0, 200)


@pytest.mark.django_db
def test_the_weekly_job_collects_the_links_and_the_task_queue_checks_them_in_batches(
    index, server, monkeypatch
):
    monkeypatch.setattr("cityportal.procedures.linkcheck.BATCH_SIZE", 1)
    ProcedurePageFactory(
        parent=index,
        department=DepartmentFactory(website=f"{server}/ok"),
        online_application_url=f"{server}/missing",
        status_check_url=f"{server}/moved",
    )
    run_queued_tasks()  # the page's own index updates

    summary = check_guide_links(timezone.now())

    assert summary.startswith("3 links found")
    assert not LinkCheckResult.objects.filter(checked_at__isnull=False).exists()
    assert run_queued_tasks() == 3  # one batch of one address each
    assert LinkCheckResult.objects.filter(checked_at__isnull=True).count() == 0
    broken = LinkCheckResult.objects.filter(first_broken_at__isnull=False)
    assert list(broken.values_list("url", flat=True)) == [f"{server}/missing"]
