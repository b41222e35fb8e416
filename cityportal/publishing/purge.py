"""Purging cached copies when content changes (see docs/caching-and-search-engines.md).

An HTTP cache in front of the portal (Varnish, nginx, a CDN: WAGTAILFRONTENDCACHE, set from
FRONTEND_CACHE_URL) keeps anonymous pages for PUBLIC_PAGE_MAX_AGE seconds. When a page is published,
unpublished (deleting a live page unpublishes it first) or moved, every address whose content changes
is purged in one batch, handed to Wagtail's purge task: the worker sends the requests, not the
editor's request. `urls_affected_by(page)` lists them:

- the page itself, with its other routes (a listing's section listings and feeds);
- its live translations (their language switcher and hreflang links name this page);
- its ancestors (the home and section pages list their children, the news listing its articles);
- for a news article or a policy: every section listing and feed of its listing (an article taken
  out of a section must leave that section's listing too, and its former sections are not at hand),
  and the section pages of its language (they show the latest news and policies);
- the sitemap index, and the sitemap files from the one that lists the page to the last (a page
  added or removed shifts the pages after it);
- after a move, the former parent with its ancestors, and the old addresses of the page and of its
  descendants.

Wagtail's own receivers, which would purge the page's address a second time, are left out
(publishing/frontend_cache.py).
"""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cityportal.core.sections import Section
from cityportal.core.site_version import bump_site_version
from cityportal.core.sitemaps import PageSitemap
from cityportal.home.models import SectionPage
from cityportal.news.models import NewsArticle, NewsIndexPage, PolicyDocument, PolicyIndexPage

from . import checks_cache  # noqa: F401 - registers the HTTP cache checks

logger = logging.getLogger(__name__)

FEEDS = ("rss.xml", "atom.xml")
SITEMAP_SECTION = "pages"  # PageSitemap's key in cityportal/urls.py


def frontend_cache_configured() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def listing_paths(page: Page, *, feeds: bool = True) -> list[str]:
    """The routes a news or policy listing serves below its own address, relative to it (the shapes
    of NewsIndexPage's and PolicyIndexPage's routes); none for other pages."""
    own_feeds = list(FEEDS) if feeds else []
    if isinstance(page, NewsIndexPage):
        section_feeds = own_feeds
    elif isinstance(page, PolicyIndexPage):
        section_feeds = []  # the policy library has one feed per language, none per section
    else:
        return []
    section_routes = ["", *section_feeds]
    return [*own_feeds, *(f"{section}/{route}" for section in Section.values for route in section_routes)]


def urls_affected_by(page: Page) -> set[str]:
    """Every absolute address whose content changes when `page` is published, unpublished or moved."""
    page = page.specific_deferred
    batch = PurgeBatch()
    affected = [
        page,
        *Page.objects.live().filter(translation_key=page.translation_key).exclude(pk=page.pk),
        *page.get_ancestors().filter(depth__gt=1),
    ]
    if isinstance(page, NewsArticle | PolicyDocument):
        affected += SectionPage.objects.live().filter(locale_id=page.locale_id)
    _add_pages(batch, affected)
    batch.add_urls(sitemap_urls(page, cache_object=batch))
    return batch.urls


def sitemap_urls(page: Page, *, cache_object=None) -> list[str]:
    """The sitemap index and the sitemap files from the one listing `page` (live or not) to the last."""
    parts = page.get_url_parts(cache_object)
    if parts is None:  # not under any site
        return []
    root_url = parts[1]
    sitemap = PageSitemap()
    counts = sitemap.items().aggregate(total=Count("pk"), before=Count("pk", filter=Q(path__lt=page.path)))
    first = counts["before"] // sitemap.limit + 1
    last = max(first, -(-counts["total"] // sitemap.limit))
    section = reverse("sitemap-section", kwargs={"section": SITEMAP_SECTION})
    # Django's sitemap index links the first file without ?p= and the others with it.
    files = [section if number == 1 else f"{section}?p={number}" for number in range(first, last + 1)]
    return [root_url + reverse("sitemap-index"), *(root_url + file for file in files)]


def site_wide_urls() -> set[str]:
    """The most visited addresses of every language: the home pages and the pages just below them
    (section pages, the news and policy listings with their section listings). Feeds are left out:
    they show no site-wide banner."""
    roots = Page.objects.filter(
        translation_key__in=Site.objects.values("root_page__translation_key")
    ).values_list("path", "depth")
    if not roots:
        return set()
    near_roots = Q()
    for path, depth in roots:
        near_roots |= Q(path__startswith=path, depth__lte=depth + 1)
    batch = PurgeBatch()
    pages = Page.objects.live().filter(near_roots).order_by("path")
    _add_pages(batch, pages, feeds=False)
    return batch.urls


def _add_pages(batch: PurgeBatch, pages: Iterable[Page], *, feeds: bool = True) -> None:
    for page in pages:
        page = page.specific_deferred
        base = page.get_full_url(batch)
        if feeds:
            batch.add_page(page)  # its address and the paths of its own get_cached_paths() (feeds too)
        elif base is not None:
            batch.add_url(base)
        if base is not None:
            batch.add_urls(base + path for path in listing_paths(page, feeds=feeds))


def purge_urls(urls: Iterable[str]) -> None:
    """Purge these absolute URLs from the HTTP cache in front of the portal, in one batch."""
    urls = set(urls)
    if urls and frontend_cache_configured():
        PurgeBatch(urls).purge()


def purge_site_wide() -> None:
    """A change every page shows (a notice starting or ending): fresh fragments here (the site
    version), and each language's home page, section pages and listings purged from the HTTP cache.
    An HTTP PURGE names one address at a time, so the other pages follow within PUBLIC_PAGE_MAX_AGE."""
    bump_site_version()
    _queue_purge(site_wide_urls, what="the site-wide pages")


def _queue_purge(collect: Callable[[], set[str]], *, what: str) -> None:
    """Collect the addresses and queue their purge; never fail the publish that asked for it."""
    if not frontend_cache_configured():
        return
    try:
        # A savepoint: on PostgreSQL a failed query must not abort the editor's transaction.
        with transaction.atomic():
            purge_urls(collect())
    except Exception:  # noqa: BLE001 - the cached copies expire within PUBLIC_PAGE_MAX_AGE anyway
        logger.exception("Could not queue the purge of %s from the HTTP cache", what)


def _purge_after_change(instance: Page, **kwargs) -> None:
    _queue_purge(lambda: urls_affected_by(instance), what=f"page {instance.pk}")


def _purge_after_move(
    instance: Page, parent_page_before: Page, url_path_before: str, url_path_after: str, **kwargs
) -> None:
    def collect() -> set[str]:
        batch = PurgeBatch()
        # The former parent and its ancestors listed the page.
        _add_pages(batch, parent_page_before.get_ancestors(inclusive=True).filter(depth__gt=1))
        # The old addresses of the page and its descendants: the redirects Wagtail makes purge them
        # without their trailing slash only, which is not the address visitors' copies are cached at.
        _add_pages(batch, _at_former_address(instance, url_path_before, url_path_after))
        return urls_affected_by(instance) | batch.urls

    _queue_purge(collect, what=f"page {instance.pk}")


def _at_former_address(page: Page, url_path_before: str, url_path_after: str) -> list[Page]:
    """Copies of the moved page and its descendants as they were before the move (url_path only)."""
    former = []
    fields = [field.attname for field in Page._meta.concrete_fields]
    for moved in [page, *page.get_descendants()]:
        snapshot = Page(**{name: getattr(moved, name) for name in fields})
        snapshot.url_path = url_path_before + moved.url_path.removeprefix(url_path_after)
        former.append(snapshot)
    return former


page_published.connect(_purge_after_change, dispatch_uid="publishing-purge-on-publish")
page_unpublished.connect(_purge_after_change, dispatch_uid="publishing-purge-on-unpublish")
post_page_move.connect(_purge_after_move, dispatch_uid="publishing-purge-on-move")
