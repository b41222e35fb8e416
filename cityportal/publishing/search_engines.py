"""Telling search engines about new, changed and removed pages (Baidu link submission, IndexNow).

Each language version is a complete page at its own address (Baidu ignores hreflang), so each
publish notifies the address of the page that was published; its translations are notified when
they are published. The signal receivers below only queue a task (publishing/tasks.py): the
engines are called by the worker, never in the editor's request. SEARCH_ENGINE_NOTIFIERS names the
notifiers; none by default, so the portal reaches no external service unless configured.

- `baidu`: Baidu's link submission API (普通收录, API推送): POST, `text/plain`, one address a line,
  to BAIDU_PUSH_ENDPOINT?site=…&token=…; it answers {"success": n, "remain": n} or
  {"error": code, "message": …}. It takes new and changed pages only: a removed page drops out of
  Baidu when its crawler finds it gone.
- `indexnow`: IndexNow (Bing, Yandex, Naver, Seznam…): POST JSON {host, key, keyLocation, urlList}
  to INDEXNOW_ENDPOINT, for added, changed and removed pages; the key file is served at /<key>.txt
  (publishing/views.py).
- `recording`: keeps each notification in `outbox`, for tests only (search_engines.E001 refuses it
  elsewhere).

A refusal (HTTP 4xx, Baidu's error reply) is logged with the reply and not retried; an outage
(no answer, HTTP 429 or 5xx) is retried later, at most MAX_ATTEMPTS times in all. The publish never
fails because of a search engine.
"""

import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.checks import Error, register
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from cityportal.core.services.publishing import bulk_import_running

logger = logging.getLogger(__name__)

TIMEOUT = 10  # seconds to wait for a search engine's answer
MAX_ATTEMPTS = 3
RETRY_DELAYS = [timedelta(minutes=5), timedelta(hours=1)]  # after the first and the second attempt
REPLY_LOG_LIMIT = 500  # characters of a reply written to the log
INDEXNOW_KEY_PATTERN = re.compile(r"[A-Za-z0-9-]{8,128}")
USER_AGENT = "cityportal (search engine notification)"


@dataclass(frozen=True)
class Outcome:
    """What one notifier made of one notification."""

    delivered: bool
    retry: bool = False  # a passing failure (outage, rate limit): worth another attempt later
    detail: str = ""


@dataclass(frozen=True)
class Notification:
    notifier: str
    urls: tuple[str, ...]
    removed: bool


# Notifications the `recording` notifier received, oldest first (like django.core.mail.outbox).
outbox: list[Notification] = []


class Notifier:
    name = ""

    def notify(self, urls: list[str], *, removed: bool) -> Outcome:
        raise NotImplementedError


class RecordingNotifier(Notifier):
    name = "recording"

    def notify(self, urls: list[str], *, removed: bool) -> Outcome:
        outbox.append(Notification(notifier=self.name, urls=tuple(urls), removed=removed))
        return Outcome(delivered=True, detail="recorded")


class BaiduNotifier(Notifier):
    name = "baidu"

    def notify(self, urls: list[str], *, removed: bool) -> Outcome:
        if removed:
            return Outcome(delivered=False, detail="Baidu's push API takes no removed pages")
        query = urlencode({"site": settings.BAIDU_PUSH_SITE, "token": settings.BAIDU_PUSH_TOKEN})
        status, reply = _post(
            f"{settings.BAIDU_PUSH_ENDPOINT}?{query}", "\n".join(urls).encode(), "text/plain"
        )
        if status is None:
            return Outcome(delivered=False, retry=True, detail=reply)
        try:
            answer = json.loads(reply)
        except ValueError:
            answer = {}
        if status == 200 and isinstance(answer, dict) and "success" in answer:
            if answer.get("remain") == 0:
                logger.warning("Baidu's daily push quota is used up: %s", _excerpt(reply))
            if answer.get("not_valid") or answer.get("not_same_site"):
                logger.warning("Baidu refused some addresses: %s", _excerpt(reply))
            return Outcome(delivered=bool(answer["success"]), detail=_excerpt(reply))
        return _failure(self.name, status, reply)


class IndexNowNotifier(Notifier):
    name = "indexnow"

    def notify(self, urls: list[str], *, removed: bool) -> Outcome:
        # IndexNow takes the addresses of one host per request; a publish has one host.
        by_host = defaultdict(list)
        for url in urls:
            parts = urlsplit(url)
            by_host[(parts.scheme, parts.netloc)].append(url)
        outcomes = []
        for (scheme, host), host_urls in by_host.items():
            key = settings.INDEXNOW_KEY
            payload = {
                "host": host,
                "key": key,
                "keyLocation": f"{scheme}://{host}/{key}.txt",
                "urlList": host_urls,
            }
            status, reply = _post(
                settings.INDEXNOW_ENDPOINT, json.dumps(payload).encode(), "application/json; charset=utf-8"
            )
            if status is None:
                outcomes.append(Outcome(delivered=False, retry=True, detail=reply))
            elif status in (200, 202):  # 202: received, the key is still being checked
                outcomes.append(Outcome(delivered=True, detail=f"HTTP {status}"))
            else:
                outcomes.append(_failure(self.name, status, reply))
        return Outcome(
            delivered=all(outcome.delivered for outcome in outcomes),
            retry=any(outcome.retry for outcome in outcomes),
            detail="; ".join(outcome.detail for outcome in outcomes),
        )


NOTIFIERS = {notifier.name: notifier for notifier in (BaiduNotifier, IndexNowNotifier, RecordingNotifier)}


def _post(url: str, body: bytes, content_type: str) -> tuple[int | None, str]:
    """POST and return (HTTP status, reply text); (None, reason) when no answer came."""
    request = Request(  # noqa: S310 - the endpoints are settings, http(s) only (checked)
        url, data=body, method="POST", headers={"Content-Type": content_type, "User-Agent": USER_AGENT}
    )
    try:
        with urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - as above
            return response.status, response.read(64_000).decode("utf-8", "replace")
    except HTTPError as error:
        return error.code, error.read(64_000).decode("utf-8", "replace")
    except OSError as error:  # URLError (refused, unknown host) or a timeout
        return None, f"no answer: {getattr(error, 'reason', error)}"


def _failure(name: str, status: int, reply: str) -> Outcome:
    passing = status == 429 or status >= 500
    logger.error("The %s search engine notifier got HTTP %s: %s", name, status, _excerpt(reply))
    return Outcome(delivered=False, retry=passing, detail=f"HTTP {status}: {_excerpt(reply)}")


def _excerpt(text: str) -> str:
    return text.strip()[:REPLY_LOG_LIMIT]


def deliver(urls: list[str], *, removed: bool, notifiers: list[str], attempt: int = 1) -> dict[str, Outcome]:
    """Send one publish's addresses to each notifier (one request each); queue another attempt for
    the notifiers that failed for a passing reason, until MAX_ATTEMPTS."""
    outcomes = {}
    for name in notifiers:
        try:
            outcomes[name] = NOTIFIERS[name]().notify(urls, removed=removed)
        except Exception as error:  # noqa: BLE001 - one notifier's bug must not stop the others
            logger.exception("The %s search engine notifier failed", name)
            outcomes[name] = Outcome(delivered=False, detail=repr(error))
        if outcomes[name].retry:
            logger.warning("The %s search engine notifier will try again: %s", name, outcomes[name].detail)
    again = [name for name, outcome in outcomes.items() if outcome.retry]
    if again and attempt < MAX_ATTEMPTS:
        from .tasks import notify_search_engines

        notify_search_engines.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 1]).enqueue(
            urls, removed=removed, notifiers=again, attempt=attempt + 1
        )
    elif again:
        logger.error("Gave up notifying %s of %s after %d attempts", ", ".join(again), urls, attempt)
    return outcomes


def queue_notification(page: Page, *, removed: bool) -> None:
    """Queue the task that tells the configured search engines about this page's address."""
    notifiers = list(settings.SEARCH_ENGINE_NOTIFIERS)
    # An imported archive is announced through the sitemap, not page by page (it may be thousands).
    if not notifiers or bulk_import_running():
        return
    try:
        # A savepoint: on PostgreSQL a failed query must not abort the editor's transaction.
        with transaction.atomic():
            url = page.get_full_url()
            # Pages behind a login or password are not for search engines.
            if url is None or page.get_view_restrictions().exists():
                return
            from .tasks import notify_search_engines

            notify_search_engines.enqueue([url], removed=removed, notifiers=notifiers)
    except Exception:  # noqa: BLE001 - search engines find the page through the sitemap anyway
        logger.exception("Could not queue the search engine notification of page %s", page.pk)


def _published(instance: Page, **kwargs) -> None:
    queue_notification(instance, removed=False)


def _unpublished(instance: Page, **kwargs) -> None:
    queue_notification(instance, removed=True)


page_published.connect(_published, dispatch_uid="publishing-search-engines-on-publish")
page_unpublished.connect(_unpublished, dispatch_uid="publishing-search-engines-on-unpublish")


@register()
def check_search_engine_notifiers(app_configs=None, **kwargs) -> list[Error]:
    """Refuse the recording fake outside tests, unknown names and incomplete settings."""
    names = settings.SEARCH_ENGINE_NOTIFIERS
    errors = []
    unknown = [name for name in names if name not in NOTIFIERS]
    if unknown:
        errors.append(
            Error(
                f"SEARCH_ENGINE_NOTIFIERS names unknown notifiers: {', '.join(unknown)}.",
                hint=f"Choose among: {', '.join(name for name in NOTIFIERS if name != 'recording')}.",
                id="search_engines.E001",
            )
        )
    if "recording" in names and not settings.SEARCH_ENGINE_ALLOW_FAKE:
        errors.append(
            Error(
                "The recording search engine notifier tells no search engine: it is for tests only.",
                hint="Remove `recording` from SEARCH_ENGINE_NOTIFIERS.",
                id="search_engines.E002",
            )
        )
    if "baidu" in names and not (settings.BAIDU_PUSH_SITE and settings.BAIDU_PUSH_TOKEN):
        errors.append(
            Error(
                "The baidu notifier needs BAIDU_PUSH_SITE and BAIDU_PUSH_TOKEN.",
                hint="Baidu's search resource platform (ziyuan.baidu.com) shows both with the push address.",
                id="search_engines.E003",
            )
        )
    if "indexnow" in names and not INDEXNOW_KEY_PATTERN.fullmatch(settings.INDEXNOW_KEY):
        errors.append(
            Error(
                "The indexnow notifier needs INDEXNOW_KEY: 8 to 128 letters, digits or dashes.",
                hint="Generate one, e.g. `python -c 'import secrets; print(secrets.token_hex(16))'`.",
                id="search_engines.E004",
            )
        )
    for setting in ("BAIDU_PUSH_ENDPOINT", "INDEXNOW_ENDPOINT"):
        if urlsplit(getattr(settings, setting)).scheme not in ("http", "https"):
            errors.append(Error(f"{setting} must be an http(s) address.", id="search_engines.E005"))
    return errors
