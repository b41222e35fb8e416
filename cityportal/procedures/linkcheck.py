"""The weekly check of the guides' outbound links.

`collect_links()` gathers every http(s) address that live guides show (application and status-check
links, their departments' websites, links inside conditions, steps, FAQs and legal basis), one
LinkCheckResult row per address with the guides and departments that use it. `check_due_links()`
then asks each address not checked in the past days, with a HEAD request (GET when HEAD is refused),
a few at a time, and records whether it is broken: no answer, a connection or certificate error, or
an HTTP status of 400 or above.

The checks run in the background task queue, in batches that re-enqueue themselves at a low
priority, so a slow foreign server never holds up the scheduler, and email is sent in between.
"""

import http.client
import socket
import ssl
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser

from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext, ngettext

from .models import LinkCheckResult, LinkProblem, ProcedurePage

TIMEOUT = 8  # seconds per request (connecting, then waiting for the status line)
WORKERS = 4  # addresses checked at the same time
BATCH_SIZE = 40  # addresses per background task: at worst a few minutes of the worker's time
RECHECK_AFTER = timedelta(days=6)  # an address checked since then is not asked again this week
MAX_URL_LENGTH = 2000
USER_AGENT = "BeijingInternationalPortal-LinkCheck/1.0 (checks links in public service guides)"

RICH_TEXT_FIELDS = ("conditions", "legal_basis")
# (StreamField, block field holding rich text) pairs.
RICH_TEXT_BLOCKS = (("steps", "description"), ("faqs", "answer"))


# Collecting


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_in_html(html: str) -> list[str]:
    """The http(s) addresses of the links in a rich text (page and document links are internal)."""
    if not html:
        return []
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return [href for href in parser.hrefs if is_web_address(href)]


def is_web_address(url: str) -> bool:
    return url.strip().lower().startswith(("http://", "https://"))


def normalise(url: str) -> str:
    """The address as it is requested and stored: trimmed, ASCII, without the #fragment."""
    return iri_to_uri(url.strip()).split("#", 1)[0]


def guide_links(guide: ProcedurePage) -> set[str]:
    """The outbound addresses written in the guide itself."""
    urls = [guide.online_application_url, guide.status_check_url]
    for name in RICH_TEXT_FIELDS:
        urls += links_in_html(getattr(guide, name))
    for stream_name, field in RICH_TEXT_BLOCKS:
        # raw_data reads the stored JSON without building the blocks.
        for block in getattr(guide, stream_name).raw_data:
            urls += links_in_html((block.get("value") or {}).get(field) or "")
    return {normalise(url) for url in urls if url and is_web_address(url)}


def _departments_shown(guide: ProcedurePage):
    """The departments whose details the guide page shows: its own and those of its offices."""
    departments = [guide.department] if guide.department_id else []
    return departments + [office.department for office in guide.offices.all() if office.department_id]


@dataclass(frozen=True)
class Collected:
    links: int
    guides: int


def collect_links() -> Collected:
    """Record every outbound address of the live guides and who uses it; forget unused ones."""
    by_guide: dict[str, set[int]] = defaultdict(set)
    by_department: dict[str, set[int]] = defaultdict(set)
    guides = (
        ProcedurePage.objects.live()
        .select_related("department")
        .prefetch_related("offices__department")
        .only(
            "pk",
            "department",
            "online_application_url",
            "status_check_url",
            *RICH_TEXT_FIELDS,
            *(name for name, _field in RICH_TEXT_BLOCKS),
        )
    )
    guide_count = 0
    for guide in guides.iterator(chunk_size=200):
        guide_count += 1
        for url in guide_links(guide):
            by_guide[url].add(guide.pk)
        for department in _departments_shown(guide):
            if department.website and is_web_address(department.website):
                by_department[normalise(department.website)].add(department.pk)

    urls = {url for url in by_guide.keys() | by_department.keys() if len(url) <= MAX_URL_LENGTH}
    with transaction.atomic():
        existing = dict(LinkCheckResult.objects.values_list("url", "pk"))
        LinkCheckResult.objects.filter(
            pk__in=[pk for url, pk in existing.items() if url not in urls]
        ).delete()
        LinkCheckResult.objects.bulk_create(
            [LinkCheckResult(url=url) for url in sorted(urls - existing.keys())], ignore_conflicts=True
        )
        ids = dict(LinkCheckResult.objects.values_list("url", "pk"))
        _replace_links(LinkCheckResult.guides.through, "procedurepage_id", by_guide, ids)
        _replace_links(LinkCheckResult.departments.through, "department_id", by_department, ids)
    return Collected(links=len(urls), guides=guide_count)


def _replace_links(through, target: str, targets_by_url: dict[str, set[int]], ids: dict[str, int]) -> None:
    through.objects.all().delete()
    through.objects.bulk_create(
        through(linkcheckresult_id=ids[url], **{target: pk})
        for url, pks in targets_by_url.items()
        if url in ids
        for pk in pks
    )


# Checking


@dataclass(frozen=True)
class LinkStatus:
    problem: str = LinkProblem.NONE
    status_code: int | None = None
    detail: str = ""

    @property
    def is_broken(self) -> bool:
        return self.problem != LinkProblem.NONE


class _SameMethodRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow redirects with the original method: urllib turns a redirected HEAD into a GET."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.method = req.get_method()
        return new


_opener = urllib.request.build_opener(_SameMethodRedirectHandler)


def _request(url: str, method: str, timeout: float) -> int:
    if not is_web_address(url):
        raise ValueError(f"not an http(s) address: {url}")
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310 - http(s) only, checked above
    try:
        with _opener.open(request, timeout=timeout) as response:  # noqa: S310 - as above
            return response.status  # the body is never read
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def check_link(url: str, *, timeout: float = TIMEOUT) -> LinkStatus:
    """Ask the server for `url`: HEAD first, then GET if HEAD gets an error status (many servers
    refuse HEAD, with 405 or otherwise, but serve the page)."""
    try:
        status = _request(url, "HEAD", timeout)
        if status >= 400:
            status = _request(url, "GET", timeout)
    except TimeoutError:
        return LinkStatus(LinkProblem.TIMEOUT, detail=f"no answer within {timeout} s")
    except urllib.error.URLError as error:
        return _status_for_reason(error.reason)
    except (ssl.SSLError, ssl.CertificateError) as error:
        return LinkStatus(LinkProblem.TLS, detail=_detail(error))
    except (OSError, http.client.HTTPException) as error:
        return LinkStatus(LinkProblem.CONNECTION, detail=_detail(error))
    except ValueError as error:  # a malformed address
        return LinkStatus(LinkProblem.INVALID, detail=_detail(error))
    if status >= 400:
        return LinkStatus(LinkProblem.HTTP, status_code=status)
    return LinkStatus(status_code=status)


def _status_for_reason(reason) -> LinkStatus:
    if isinstance(reason, TimeoutError):
        return LinkStatus(LinkProblem.TIMEOUT, detail=_detail(reason))
    if isinstance(reason, socket.gaierror):
        return LinkStatus(LinkProblem.HOST_NOT_FOUND, detail=_detail(reason))
    if isinstance(reason, ssl.SSLError | ssl.CertificateError):
        return LinkStatus(LinkProblem.TLS, detail=_detail(reason))
    return LinkStatus(LinkProblem.CONNECTION, detail=_detail(reason))


def _detail(error) -> str:
    return str(error)[:300]


def check_links(
    urls: Iterable[str], *, timeout: float = TIMEOUT, workers: int = WORKERS
) -> Iterator[tuple[str, LinkStatus]]:
    """(url, status) for each address, checking `workers` of them at a time."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
        urls = list(urls)
        yield from zip(urls, pool.map(lambda url: check_link(url, timeout=timeout), urls), strict=True)


def due_for_check(now: datetime):
    return LinkCheckResult.objects.filter(Q(checked_at__isnull=True) | Q(checked_at__lt=now - RECHECK_AFTER))


@dataclass(frozen=True)
class Checked:
    checked: int
    broken: int
    remaining: int


def check_due_links(
    *, limit: int | None = None, timeout: float = TIMEOUT, now: datetime | None = None
) -> Checked:
    """Check up to `limit` (BATCH_SIZE) addresses that are due, least recently checked first, and
    record the outcome."""
    now = now or timezone.now()
    limit = BATCH_SIZE if limit is None else limit
    due = list(due_for_check(now).order_by(F("checked_at").asc(nulls_first=True), "pk")[:limit])
    statuses = dict(check_links([result.url for result in due], timeout=timeout))
    broken = 0
    checked_at = timezone.now()
    for result in due:
        status = statuses[result.url]
        record(result, status, checked_at)
        broken += status.is_broken
    return Checked(checked=len(due), broken=broken, remaining=due_for_check(now).count())


def record(result: LinkCheckResult, status: LinkStatus, checked_at: datetime) -> None:
    result.problem = status.problem
    result.status_code = status.status_code
    result.detail = status.detail
    result.checked_at = checked_at
    if status.is_broken:
        result.first_broken_at = result.first_broken_at or checked_at
        result.consecutive_failures += 1
    else:
        result.first_broken_at = None
        result.consecutive_failures = 0
    result.save()


@task(priority=-10)
def check_due_links_task() -> str:
    """Check one batch of due addresses; enqueue the next batch while some remain."""
    outcome = check_due_links()
    if outcome.remaining and outcome.checked:
        check_due_links_task.enqueue()
    return ngettext(
        "%(checked)d link checked, %(broken)d broken, %(remaining)d left this week.",
        "%(checked)d links checked, %(broken)d broken, %(remaining)d left this week.",
        outcome.checked,
    ) % {"checked": outcome.checked, "broken": outcome.broken, "remaining": outcome.remaining}


def start_link_check() -> str:
    """Collect the links and enqueue the first batch of checks (run weekly by the scheduler)."""
    collected = collect_links()
    check_due_links_task.enqueue()
    return gettext("%(links)d links found in %(guides)d live guides; the check runs in the background.") % {
        "links": collected.links,
        "guides": collected.guides,
    }
