"""Hot pages use a fixed number of queries, whatever the number of children or shortcuts."""

import pytest
from django.core.cache import cache

from cityportal.home.tests.factories import ContentPageFactory


def warm(client, url):
    client.get(url)  # fills Wagtail's site-root cache and the header/footer fragments
    client.get(url)


# Warm counts: the language's locale, the language's home page (its translation and its specific
# row; the Chinese home is the site root itself), and the page with its specific row (found by URL
# path in one query however deep: HomePage.route). The Site, the page family (breadcrumbs, switcher,
# hreflang), header, footer and listings come from the cache until the next publish (ADR 006).
@pytest.mark.parametrize(
    ("url", "expected"), [("/en/", 3), ("/zh-hans/", 2), ("/ar/work/", 5), ("/en/work/work-permit/", 5)]
)
def test_warm_page_query_counts(client, portal, django_assert_num_queries, url, expected):
    warm(client, url)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_section_page_queries_do_not_grow_with_children(client, portal, django_assert_num_queries):
    section = portal.sections["study"]["en"]
    ContentPageFactory(parent=section)
    warm(client, "/en/study/")
    with django_assert_num_queries(5):
        client.get("/en/study/")
    for _ in range(6):
        ContentPageFactory(parent=section)
    cache.clear()
    warm(client, "/en/study/")
    with django_assert_num_queries(5):
        html = client.get("/en/study/").content.decode()
    assert html.count('class="card"') == 7


def test_home_page_queries_do_not_grow_with_shortcuts(client, portal, django_assert_num_queries):
    home = portal.homes["zh-hans"]
    targets = [portal.sections[name]["zh-hans"] for name in ("work", "live", "travel")]

    def set_shortcuts(pages):
        home.shortcuts = [("shortcut", {"page": page, "label": "", "description": ""}) for page in pages]
        home.save_revision().publish()
        cache.clear()
        warm(client, "/zh-hans/")

    set_shortcuts(targets[:1])
    with django_assert_num_queries(2):
        client.get("/zh-hans/")
    set_shortcuts(targets)
    with django_assert_num_queries(2):
        html = client.get("/zh-hans/").content.decode()
    assert html.count('href="/zh-hans/travel/"') >= 2  # in the navigation and as a shortcut
