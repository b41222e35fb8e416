"""Purging the HTTP cache in front of the portal when pages change, against a real local HTTP server
that records the PURGE requests (Wagtail's HTTPBackend, as for Varnish or nginx)."""

import logging
from collections import Counter

import pytest
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from cityportal.core.site_version import site_version
from cityportal.core.sitemaps import PageSitemap
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.news.tests.factories import (
    NewsArticleFactory,
    PolicyDocumentFactory,
    news_index,
    policy_index,
    translate,
)
from cityportal.publishing.purge import purge_site_wide, sitemap_urls, urls_affected_by
from cityportal.publishing.tests.http_stub import StubServer, closed_port_url

ROOT = "http://localhost"  # the test site (cityportal.home.tests.factories.make_site)
NEWS_ROUTES = ["", "rss.xml", "atom.xml", "work/", "work/rss.xml", "work/atom.xml", "consume/atom.xml"]
WAGTAIL_PURGE_TASK = "wagtail.contrib.frontend_cache.tasks.purge_urls_from_cache_task"


def cache_at(location: str):
    return override_settings(
        WAGTAILFRONTENDCACHE={
            "default": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                "LOCATION": location,
            }
        }
    )


def purged(stub: StubServer) -> Counter:
    """The absolute addresses the cache was asked to purge, with how often each."""
    assert {request.method for request in stub.requests} <= {"PURGE"}
    return Counter(f"http://{request.headers['host']}{request.path}" for request in stub.requests)


@pytest.fixture
def cache():
    with StubServer() as stub, cache_at(stub.url):
        yield stub


@pytest.fixture
def article(portal):
    """A Chinese article in the Work section, translated into English."""
    news_index(portal.homes["en"])
    article = NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), sections=["work"], slug="rain")
    translate(article, "en")
    run_queued_tasks()
    return article


def test_a_chinese_article_affects_its_languages_listings_feeds_and_pages_and_its_translations(
    article, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        urls = urls_affected_by(article)

    assert f"{ROOT}/zh-hans/news/rain/" in urls
    assert f"{ROOT}/en/news/rain/" in urls  # the translation's language switcher names it
    assert {f"{ROOT}/zh-hans/news/{route}" for route in NEWS_ROUTES} <= urls
    assert {f"{ROOT}/zh-hans/", f"{ROOT}/zh-hans/work/"} <= urls  # latest news on home and section page
    assert {f"{ROOT}/sitemap.xml", f"{ROOT}/sitemap-pages.xml"} <= urls
    # Other languages' listings list their own articles only.
    assert f"{ROOT}/en/news/" not in urls
    assert f"{ROOT}/en/" not in urls


def test_a_policy_affects_its_library_and_section_listings(portal):
    policy = PolicyDocumentFactory(
        parent=policy_index(portal.homes["zh-hans"]), slug="law", sections=["invest"]
    )

    urls = urls_affected_by(policy)

    assert {
        f"{ROOT}/zh-hans/policies/law/",
        f"{ROOT}/zh-hans/policies/",
        f"{ROOT}/zh-hans/policies/rss.xml",
        f"{ROOT}/zh-hans/policies/atom.xml",
        f"{ROOT}/zh-hans/policies/invest/",
        f"{ROOT}/zh-hans/invest/",
        f"{ROOT}/zh-hans/",
    } <= urls


def test_publishing_an_article_purges_each_affected_address_once(article, cache):
    article.save_revision().publish()
    assert cache.requests == []  # the worker purges, not the editor's request

    run_queued_tasks()

    purges = purged(cache)
    assert set(purges) == urls_affected_by(article)
    assert set(purges.values()) == {1}  # Wagtail's own receivers do not purge the page again
    assert {
        f"{ROOT}/zh-hans/news/rain/",
        f"{ROOT}/en/news/rain/",
        f"{ROOT}/zh-hans/news/work/rss.xml",
    } <= set(purges)
    assert {request.headers["host"] for request in cache.requests} == {"localhost"}


def test_publishing_a_new_article_purges_its_listing_and_home_page(portal, cache):
    NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), slug="new")
    run_queued_tasks()

    purges = purged(cache)
    assert {
        f"{ROOT}/zh-hans/news/new/",
        f"{ROOT}/zh-hans/news/",
        f"{ROOT}/zh-hans/news/atom.xml",
        f"{ROOT}/zh-hans/",
        f"{ROOT}/sitemap.xml",
    } <= set(purges)


def test_unpublishing_an_article_purges_it_and_its_listings(article, cache):
    article.unpublish()
    run_queued_tasks()

    purges = purged(cache)
    assert {
        f"{ROOT}/zh-hans/news/rain/",
        f"{ROOT}/en/news/rain/",
        f"{ROOT}/zh-hans/news/",
        f"{ROOT}/zh-hans/news/rss.xml",
        f"{ROOT}/zh-hans/",
        f"{ROOT}/sitemap-pages.xml",
    } <= set(purges)


def test_publishing_a_content_page_purges_its_section_page(portal, cache):
    guide = portal.guide["zh-hans"]
    guide.save_revision().publish()
    run_queued_tasks()

    purges = purged(cache)
    assert {
        f"{ROOT}/zh-hans/work/work-permit/",
        f"{ROOT}/en/work/work-permit/",
        f"{ROOT}/zh-hans/work/",
        f"{ROOT}/zh-hans/",
    } <= set(purges)
    assert f"{ROOT}/zh-hans/news/" not in purges  # a content page is in no news listing


def test_moving_a_page_purges_its_old_and_new_section_pages(portal, cache):
    guide = portal.guide["zh-hans"]
    guide.move(portal.sections["study"]["zh-hans"], pos="last-child")
    run_queued_tasks()

    purges = purged(cache)
    assert {f"{ROOT}/zh-hans/work/", f"{ROOT}/zh-hans/study/", f"{ROOT}/zh-hans/study/work-permit/"} <= set(
        purges
    )
    assert f"{ROOT}/zh-hans/work/work-permit/" in purges  # its old address


def test_the_sitemap_files_from_the_page_s_own_onwards_are_purged(portal, monkeypatch):
    monkeypatch.setattr(PageSitemap, "limit", 10)
    pages = list(PageSitemap().items())
    files = -(-len(pages) // 10)
    assert files >= 3

    first_page, last_page = pages[0], pages[-1]

    assert sitemap_urls(first_page) == [
        f"{ROOT}/sitemap.xml",
        f"{ROOT}/sitemap-pages.xml",
        *(f"{ROOT}/sitemap-pages.xml?p={number}" for number in range(2, files + 1)),
    ]
    assert sitemap_urls(last_page) == [f"{ROOT}/sitemap.xml", f"{ROOT}/sitemap-pages.xml?p={files}"]


def test_without_a_cache_configured_nothing_is_queued_or_sent(article):
    with StubServer() as stub, override_settings(WAGTAILFRONTENDCACHE={}):
        article.save_revision().publish()
        purge_site_wide()
        assert not DBTaskResult.objects.filter(task_path=WAGTAIL_PURGE_TASK).exists()
        run_queued_tasks()

    assert stub.requests == []


def test_a_cache_that_is_down_does_not_fail_the_publish(article, caplog):
    with cache_at(closed_port_url()), caplog.at_level(logging.ERROR, logger="wagtail.frontendcache"):
        article.save_revision().publish()
        run_queued_tasks()

    article.refresh_from_db()
    assert article.live and not article.has_unpublished_changes
    assert "Couldn't purge 'http://localhost/zh-hans/news/rain/'" in caplog.text
    assert DBTaskResult.objects.get(task_path=WAGTAIL_PURGE_TASK).status == TaskResultStatus.SUCCESSFUL


def test_a_site_wide_change_purges_every_language_s_home_page_and_listings(article, cache):
    version = site_version()

    purge_site_wide()
    run_queued_tasks()

    assert site_version() != version  # cached fragments rebuild too
    purges = purged(cache)
    assert {
        f"{ROOT}/{language}/" for language in ("zh-hans", "en", "ko", "ja", "de", "fr", "es", "ru", "ar")
    } <= set(purges)
    assert {f"{ROOT}/en/work/", f"{ROOT}/ar/live/", f"{ROOT}/zh-hans/news/", f"{ROOT}/en/news/work/"} <= set(
        purges
    )
    assert f"{ROOT}/zh-hans/news/rss.xml" not in purges  # feeds show no banner
    assert f"{ROOT}/zh-hans/news/rain/" not in purges  # deeper pages expire within PUBLIC_PAGE_MAX_AGE
