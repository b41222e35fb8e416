"""The shared-cache lifetime that bounds how long a page a publish did not purge can stay stale."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import override_settings

from cityportal.news.tests.factories import (
    NewsArticleFactory,
    PolicyDocumentFactory,
    news_index,
    policy_index,
)
from cityportal.publishing.checks_cache import check_public_page_max_age
from cityportal.publishing.purge import urls_affected_by

SHARED_LIFETIME = f"s-maxage={settings.PUBLIC_PAGE_MAX_AGE}"


def assert_shared_for_a_short_time(response):
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert SHARED_LIFETIME in response["Cache-Control"]
    assert not response.cookies


def test_a_content_page_is_shared_for_public_page_max_age(client, portal):
    assert_shared_for_a_short_time(client.get("/zh-hans/work/work-permit/"))


def test_a_news_article_is_shared_for_public_page_max_age(client, portal):
    NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), slug="rain", sections=["work"])

    assert_shared_for_a_short_time(client.get("/zh-hans/news/rain/"))


@pytest.mark.parametrize("feed", ["rss.xml", "atom.xml", "work/rss.xml"])
def test_a_news_feed_is_shared_for_public_page_max_age(client, portal, feed):
    NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), sections=["work"])

    assert_shared_for_a_short_time(client.get(f"/zh-hans/news/{feed}"))


def test_every_listing_address_a_publish_purges_is_one_the_portal_serves(client, portal):
    """The purge names the listings' and feeds' addresses by their shape: they must be the real ones."""
    article = NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), sections=["work"])
    policy = PolicyDocumentFactory(parent=policy_index(portal.homes["zh-hans"]), sections=["invest"])
    listings = {
        urlsplit(url).path
        for url in urls_affected_by(article) | urls_affected_by(policy)
        if "/news/" in url or "/policies/" in url
    } - {article.url, policy.url}

    # News: the listing and its two feeds, and the same per section; policies: the same, no section feeds.
    assert len(listings) == (3 + 6 * 3) + (3 + 6)
    for path in sorted(listings):
        assert_shared_for_a_short_time(client.get(path))


def test_a_long_shared_lifetime_is_warned_about():
    with override_settings(PUBLIC_PAGE_MAX_AGE=301):
        warnings = check_public_page_max_age()
    with override_settings(PUBLIC_PAGE_MAX_AGE=300):
        accepted = check_public_page_max_age()

    assert [warning.id for warning in warnings] == ["cache.W001"]
    assert accepted == []
