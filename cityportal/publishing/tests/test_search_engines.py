"""Telling search engines about published pages: contract tests against local servers that speak
Baidu's link submission API and IndexNow, the task queue, the key file and the system check."""

import json
import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import PageViewRestriction

from cityportal.core.taskqueue import run_queued_tasks
from cityportal.news.tests.factories import NewsArticleFactory, news_index, translate
from cityportal.publishing import search_engines
from cityportal.publishing.search_engines import MAX_ATTEMPTS, check_search_engine_notifiers, deliver
from cityportal.publishing.tests.http_stub import StubServer, closed_port_url

KEY = "5f2b9c0d4e6a4b7c8d9e0f1a2b3c4d5e"
TASK = "cityportal.publishing.tasks.notify_search_engines"
ARTICLE = "http://localhost/zh-hans/news/rain/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def baidu():
    with (
        StubServer() as stub,
        override_settings(
            BAIDU_PUSH_ENDPOINT=f"{stub.url}/urls",
            BAIDU_PUSH_SITE="https://www.example.org",
            BAIDU_PUSH_TOKEN="t0k3n",
        ),
    ):
        yield stub


@pytest.fixture
def indexnow():
    with StubServer() as stub, override_settings(INDEXNOW_ENDPOINT=f"{stub.url}/indexnow", INDEXNOW_KEY=KEY):
        yield stub


@pytest.fixture(autouse=True)
def _empty_outbox():
    search_engines.outbox.clear()
    yield
    search_engines.outbox.clear()


def queued_notifications():
    return DBTaskResult.objects.filter(task_path=TASK)


# --- Baidu ---------------------------------------------------------------------------------------


def test_baidu_gets_the_addresses_as_plain_text_one_a_line_with_site_and_token(baidu):
    baidu.reply(200, '{"remain": 99998, "success": 2}')

    outcomes = deliver([ARTICLE, "http://localhost/zh-hans/"], removed=False, notifiers=["baidu"])

    assert outcomes["baidu"].delivered
    [request] = baidu.requests
    assert request.method == "POST"
    url = urlsplit(request.path)
    assert url.path == "/urls"
    assert parse_qs(url.query) == {"site": ["https://www.example.org"], "token": ["t0k3n"]}
    assert request.headers["content-type"] == "text/plain"
    assert request.body.decode().splitlines() == [ARTICLE, "http://localhost/zh-hans/"]


def test_baidu_refusing_the_token_is_logged_with_its_reply_and_not_retried(baidu, caplog):
    baidu.reply(401, '{"error": 401, "message": "token is not valid"}')

    outcomes = deliver([ARTICLE], removed=False, notifiers=["baidu"])

    assert not outcomes["baidu"].delivered
    assert "token is not valid" in caplog.text
    assert not queued_notifications().exists()


def test_baidu_s_exhausted_daily_quota_is_logged(baidu, caplog):
    baidu.reply(400, '{"error": 400, "message": "over quota"}')
    baidu.reply(200, '{"remain": 0, "success": 1}')

    refused = deliver([ARTICLE], removed=False, notifiers=["baidu"])
    last = deliver([ARTICLE], removed=False, notifiers=["baidu"])

    assert not refused["baidu"].delivered and not refused["baidu"].retry
    assert "over quota" in caplog.text
    assert last["baidu"].delivered
    assert "quota is used up" in caplog.text


def test_baidu_is_not_told_about_removed_pages(baidu):
    outcomes = deliver([ARTICLE], removed=True, notifiers=["baidu"])

    assert not outcomes["baidu"].delivered
    assert baidu.requests == []


# --- IndexNow ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [200, 202])
def test_indexnow_gets_host_key_key_location_and_the_addresses_as_json(indexnow, status):
    indexnow.reply(status)

    outcomes = deliver([ARTICLE, "http://localhost/en/news/rain/"], removed=False, notifiers=["indexnow"])

    assert outcomes["indexnow"].delivered
    [request] = indexnow.requests
    assert (request.method, request.path) == ("POST", "/indexnow")
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    assert json.loads(request.body) == {
        "host": "localhost",
        "key": KEY,
        "keyLocation": f"http://localhost/{KEY}.txt",
        "urlList": [ARTICLE, "http://localhost/en/news/rain/"],
    }


def test_indexnow_is_told_about_removed_pages(indexnow):
    deliver([ARTICLE], removed=True, notifiers=["indexnow"])

    assert json.loads(indexnow.requests[0].body)["urlList"] == [ARTICLE]


def test_indexnow_refusing_the_key_is_logged_and_not_retried(indexnow, caplog):
    indexnow.reply(403, "Key not valid")

    outcomes = deliver([ARTICLE], removed=False, notifiers=["indexnow"])

    assert not outcomes["indexnow"].delivered and not outcomes["indexnow"].retry
    assert "HTTP 403: Key not valid" in caplog.text
    assert not queued_notifications().exists()


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_engine_is_tried_again_later_and_only_that_one(indexnow, baidu, status):
    indexnow.reply(status, "Too Many Requests")
    baidu.reply(200, '{"remain": 10, "success": 1}')

    deliver([ARTICLE], removed=False, notifiers=["indexnow", "baidu"])

    retry = queued_notifications().get()
    assert timezone.now() < retry.run_after <= timezone.now() + timedelta(minutes=5)
    assert retry.args_kwargs["kwargs"] == {"removed": False, "notifiers": ["indexnow"], "attempt": 2}


def test_an_engine_that_cannot_be_reached_is_tried_at_most_max_attempts_times(caplog):
    with override_settings(INDEXNOW_ENDPOINT=f"{closed_port_url()}/indexnow", INDEXNOW_KEY=KEY):
        deliver([ARTICLE], removed=False, notifiers=["indexnow"], attempt=MAX_ATTEMPTS - 1)
        assert queued_notifications().count() == 1

        outcomes = deliver([ARTICLE], removed=False, notifiers=["indexnow"], attempt=MAX_ATTEMPTS)

    assert not outcomes["indexnow"].delivered
    assert queued_notifications().count() == 1  # no further attempt
    assert f"Gave up notifying indexnow of ['{ARTICLE}'] after {MAX_ATTEMPTS} attempts" in caplog.text


# --- From publishing, through the task queue -----------------------------------------------------


def test_publishing_notifies_each_engine_once_from_the_task_queue(portal, baidu, indexnow):
    baidu.reply(200, '{"remain": 10, "success": 1}')
    listing = news_index(portal.homes["zh-hans"])
    with override_settings(SEARCH_ENGINE_NOTIFIERS=["baidu", "indexnow"]):
        NewsArticleFactory(parent=listing, slug="rain")
        assert baidu.requests == indexnow.requests == []  # not in the editor's request

        run_queued_tasks()

    assert [request.body.decode() for request in baidu.requests] == [ARTICLE]
    assert [json.loads(request.body)["urlList"] for request in indexnow.requests] == [[ARTICLE]]
    assert "baidu: delivered" in queued_notifications().get().return_value


def test_unpublishing_tells_indexnow_only(portal, baidu, indexnow):
    article = NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), slug="rain")
    with override_settings(SEARCH_ENGINE_NOTIFIERS=["baidu", "indexnow"]):
        article.unpublish()
        run_queued_tasks()

    assert baidu.requests == []
    assert [json.loads(request.body)["urlList"] for request in indexnow.requests] == [[ARTICLE]]


def test_each_language_version_is_notified_when_it_is_published(portal):
    news_index(portal.homes["en"])
    article = NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), slug="rain")
    with override_settings(SEARCH_ENGINE_NOTIFIERS=["recording"]):
        translate(article, "en")
        run_queued_tasks()

    assert [notification.urls for notification in search_engines.outbox] == [
        ("http://localhost/en/news/rain/",)
    ]


def test_private_pages_are_not_notified(portal):
    article = NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), slug="rain")
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    with override_settings(SEARCH_ENGINE_NOTIFIERS=["recording"]):
        article.save_revision().publish()
        run_queued_tasks()

    assert search_engines.outbox == []


def test_nothing_is_queued_or_sent_when_no_engine_is_configured(portal, baidu, indexnow):
    with override_settings(SEARCH_ENGINE_NOTIFIERS=[]):
        NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]))
        run_queued_tasks()

    assert not queued_notifications().exists()
    assert baidu.requests == indexnow.requests == []


# --- The key file and the checks -----------------------------------------------------------------


def test_the_indexnow_key_file_is_served_as_cacheable_plain_text(client):
    with override_settings(INDEXNOW_KEY=KEY):
        response = client.get(f"/{KEY}.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == KEY
    assert "s-maxage=60" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.parametrize("configured", [KEY, ""])
def test_no_other_text_file_is_served(client, configured):
    with override_settings(INDEXNOW_KEY=configured):
        response = client.get("/0123456789abcdef.txt")

    assert response.status_code == 404
    assert KEY not in response.content.decode()


def test_the_recording_fake_is_refused_outside_tests():
    with override_settings(SEARCH_ENGINE_NOTIFIERS=["recording"], SEARCH_ENGINE_ALLOW_FAKE=False):
        errors = check_search_engine_notifiers()
    with override_settings(SEARCH_ENGINE_NOTIFIERS=["recording"], SEARCH_ENGINE_ALLOW_FAKE=True):
        allowed = check_search_engine_notifiers()

    assert [error.id for error in errors] == ["search_engines.E002"]
    assert allowed == []


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"SEARCH_ENGINE_NOTIFIERS": ["google"]}, "search_engines.E001"),
        ({"SEARCH_ENGINE_NOTIFIERS": ["baidu"], "BAIDU_PUSH_TOKEN": ""}, "search_engines.E003"),
        ({"SEARCH_ENGINE_NOTIFIERS": ["indexnow"], "INDEXNOW_KEY": "short"}, "search_engines.E004"),
        ({"INDEXNOW_ENDPOINT": "file:///etc/passwd"}, "search_engines.E005"),
    ],
)
def test_incomplete_settings_are_reported(overrides, error):
    settings = {"BAIDU_PUSH_SITE": "https://www.example.org", "BAIDU_PUSH_TOKEN": "t0k3n", **overrides}
    with override_settings(**settings):
        assert [found.id for found in check_search_engine_notifiers()] == [error]


def test_the_default_settings_notify_nobody(settings):
    assert settings.SEARCH_ENGINE_NOTIFIERS == []
    assert check_search_engine_notifiers() == []


def test_logging_keeps_the_baidu_token_out(baidu, caplog):
    baidu.reply(500, "Internal Server Error")

    with caplog.at_level(logging.INFO):
        deliver([ARTICLE], removed=False, notifiers=["baidu"])

    assert "Internal Server Error" in caplog.text
    assert "t0k3n" not in caplog.text
