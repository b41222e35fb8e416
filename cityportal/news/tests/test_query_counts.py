"""News and policy pages cost a small, fixed number of queries: the first page and a deep page of a
listing alike, whatever the size of the archive, and hot pages make no lazy loads.

"First view" is a page's own cost: every cache cold except what the language's other pages share
(the header and footer of the same part of the site, the Site, the map of feed addresses). "Warm"
is a repeat view: routing only (the locale, the home page, the page itself), the body from the cache.
"""

import re
from datetime import timedelta
from io import BytesIO

import django.db.models.query
import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cityportal.core import images
from cityportal.news.tests.factories import (
    DepartmentFactory,
    NewsArticleFactory,
    PolicyDocumentFactory,
    TopicFactory,
    article_in,
    news_index,
    policy_in,
    policy_index,
)

BUDGET = 12  # a news or policy page's own queries on its first view
OLDER = re.compile(r'<a href="([^"]+)" rel="next">')
# Warm: the locale, the home page (2 queries), the page found under it (2)…
ROUTING = 5
# …and pages below a page that routes its own sub-paths (/news/work/, /news/rss.xml) first miss the
# one-query look-up by URL path (home.models.HomePage.route).
SUB_ROUTE = 1


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def lazy_loads_raise(monkeypatch):
    """A lazy load (a deferred field, a foreign key not selected) raises instead of querying once per row."""
    monkeypatch.setattr(django.db.models.query, "DEFAULT_FETCH_MODE", models.FETCH_RAISE)


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def first_view(client, url: str, neighbour: str) -> int:
    """The page's own queries: the caches cleared, then filled by a `neighbour` page under the same
    top-level path (it shares the header fragment, which marks the current part of the site)."""
    cache.clear()
    client.get(neighbour)
    client.get(neighbour)
    return queries_of(client, url)


def every_cache_cold(client, url: str) -> int:
    cache.clear()
    return queries_of(client, url)


def shared_cold_cost(client) -> int:
    """What every page pays once when all caches are cold (the header and footer, the Site, the map
    of feed addresses, the site-wide notices…), measured on a content page: news pages must add
    nothing to it."""
    url = "/en/work/work-permit/"
    return every_cache_cold(client, url) - first_view(client, url, "/en/work/")


def warm(client, url: str) -> int:
    client.get(url)
    return queries_of(client, url)


def add_articles(index, count: int, start: int = 0) -> None:
    now = timezone.now()
    for n in range(start, start + count):
        when = now - timedelta(hours=n)
        NewsArticleFactory(parent=index, title=f"Article {n:03d}", date=when, sections=["work"])


def older_url(client, url: str, pages: int) -> str:
    for _ in range(pages):
        url = OLDER.search(client.get(url).content.decode()).group(1).replace("&amp;", "&")
    return url


@pytest.fixture
def archive(portal):
    index = news_index(portal.homes["en"])
    add_articles(index, 65)
    return index


def test_listing_queries_are_the_same_on_the_first_and_a_deep_page(client, archive):
    deep = older_url(client, "/en/news/", 3)  # the fourth page, 60 articles back
    neighbour = archive.articles().first().url  # under /en/news/ too, but a page of its own
    first, deep_first = first_view(client, "/en/news/", neighbour), first_view(client, deep, neighbour)
    assert first == deep_first == ROUTING + 2  # + the page family and the page of articles
    assert first_view(client, "/en/news/work/", neighbour) == ROUTING + SUB_ROUTE + 2
    assert every_cache_cold(client, "/en/news/") - first == shared_cold_cost(client)
    assert warm(client, "/en/news/") == warm(client, deep) == ROUTING + 1  # + the page of articles
    assert warm(client, "/en/news/work/") == ROUTING + SUB_ROUTE + 1


def test_listing_queries_do_not_grow_with_the_archive(client, archive):
    before = first_view(client, "/en/news/", "/en/news/study/")
    add_articles(archive, 40, start=65)
    assert first_view(client, "/en/news/", "/en/news/study/") == before
    assert first_view(client, older_url(client, "/en/news/", 4), "/en/news/study/") == before


def photo():
    out = BytesIO()
    PILImage.new("RGB", (1600, 900), (20, 80, 160)).save(out, "JPEG")
    return get_image_model().objects.create(
        title="城市", file=ImageFile(BytesIO(out.getvalue()), name="c.jpg")
    )


@pytest.mark.parametrize("with_image", [False, True])
def test_article_page_queries(client, portal, with_image):
    now = timezone.now()
    for n in range(5):
        article_in(portal.homes, sections=["work"], date=now - timedelta(hours=n + 1))
    article = article_in(
        portal.homes,
        sections=["work", "live"],
        department=DepartmentFactory(),
        topics=[TopicFactory(), TopicFactory()],
        date=now,
        lead_image=photo() if with_image else None,
    )
    if with_image:  # as the task run on upload makes them (core.images.make_image_renditions)
        image = article["en"].lead_image
        image.get_renditions(*images.rendition_specs(image))
    url = article["en"].url
    # Routing (5), the page family, the department, sections and topics (one query), related news;
    # with an image: the image, its renditions (one query for the social card and the <picture>)
    # and the Chinese alt text (to never show it untranslated).
    own = first_view(client, url, "/en/news/")
    assert own == (12 if with_image else 9)
    assert every_cache_cold(client, url) - own == shared_cold_cost(client)
    assert warm(client, url) == ROUTING


def test_policy_page_queries(client, portal):
    replacement = policy_in(portal.homes)
    policy = policy_in(
        portal.homes,
        sections=["invest"],
        topics=[TopicFactory()],
        withdrawn_on=timezone.localdate(),
        withdrawal_note="已废止。",
        replaced_by=replacement["zh-hans"],
    )
    url = policy["en"].url
    # Routing (5), the family, the authority, sections and topics, the replacement in this language.
    own = first_view(client, url, "/en/policies/")
    assert own == 9
    assert every_cache_cold(client, url) - own == shared_cold_cost(client)
    assert warm(client, url) == ROUTING


def test_policy_library_queries(client, portal):
    index = policy_index(portal.homes["en"])
    today = timezone.localdate()
    for n in range(25):
        issued = today - timedelta(days=n)
        PolicyDocumentFactory(parent=index, date_issued=issued, effective_date=issued)
    urls = [
        "/en/policies/",
        f"/en/policies/?status=in-force&year={today.year}",
        older_url(client, "/en/policies/", 1),
    ]
    for url in urls:
        assert first_view(client, url, "/en/policies/study/") <= BUDGET, url
        assert warm(client, url) == ROUTING + 1, url  # the filters' choices come from the cache


def test_feed_queries(client, archive, portal):
    policy_in(portal.homes)
    for url in ["/en/news/rss.xml", "/en/news/atom.xml", "/en/news/work/rss.xml", "/en/policies/atom.xml"]:
        assert every_cache_cold(client, url) <= BUDGET, url
        # Feeds are not cached on the server (HTTP caches keep them): routing and the items.
        assert warm(client, url) == ROUTING + SUB_ROUTE + 1, url


@pytest.fixture
def content(portal):
    """An article and policies in English and Arabic, made before lazy loads start to raise."""
    replacement = policy_in(portal.homes, ("en", "ar"))
    return {
        "article": article_in(
            portal.homes,
            ("en", "ar"),
            sections=["work"],
            department=DepartmentFactory(),
            topics=[TopicFactory()],
            lead_image=photo(),
        ),
        "policy": policy_in(
            portal.homes,
            ("en", "ar"),
            sections=["work"],
            withdrawn_on=timezone.localdate(),
            replaced_by=replacement["en"],
        ),
    }


@pytest.mark.parametrize(
    "path",
    [
        "/{lang}/news/",
        "/{lang}/news/work/",
        "/{lang}/news/rss.xml",
        "/{lang}/news/work/atom.xml",
        "/{lang}/policies/",
        "/{lang}/policies/?status=withdrawn",
        "/{lang}/policies/rss.xml",
        "/{lang}/work/",
        "article",
        "policy",
    ],
)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_hot_pages_render_without_lazy_loads(client, content, lazy_loads_raise, path, language):
    url = content[path][language].url if path in content else path.format(lang=language)
    cache.clear()
    for _ in range(2):  # cold, then warm
        assert client.get(url).status_code == 200, url
