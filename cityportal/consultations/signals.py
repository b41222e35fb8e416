"""Keeping the FAQ pages fresh when entries or vote counts change.

FAQ entries are not pages, so Wagtail's publish signals (and publishing/purge.py) never see them.
Here, saving or deleting an entry:
- changes the FAQ version (faq.py), so the cached entries and section lists are read again;
- once committed, purges that language's FAQ page, its section routes and figures, and the
  sitemap (a section's route appears or goes) from the HTTP cache in front of the portal.
A vote count row made or deleted (the first vote of a month on an entry, an entry deleted) changes
the figures of every language: their cached copy is dropped and their addresses purged. Votes after
the first of a month only update the counters (no signal): the figures catch up within the hour
they are cached for.

Connected in ConsultationsConfig.ready().
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from wagtail.contrib.frontend_cache.utils import PurgeBatch, purge_urls_from_cache

from cityportal.core.sitemaps import PageSitemap

from .faq import FIGURES_ROUTE, bump_faq_version
from .models import FAQEntry, FAQIndexPage, FAQVoteCount

logger = logging.getLogger(__name__)

SITEMAP_SECTION = "pages"  # PageSitemap's key in cityportal/urls.py


def frontend_cache_configured() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def faq_page_urls(locale_id: int) -> set[str]:
    """The FAQ page of one language with all its routes, and the sitemap file listing it."""
    batch = PurgeBatch()
    for page in FAQIndexPage.objects.live().filter(locale_id=locale_id):
        batch.add_page(page)  # its address and faq_cached_paths(): sections and figures
        batch.add_urls(sitemap_urls(page, cache_object=batch))
    return batch.urls


def figures_urls() -> set[str]:
    batch = PurgeBatch()
    for page in FAQIndexPage.objects.live():
        base = page.get_full_url(batch)
        if base is not None:
            batch.add_url(base + FIGURES_ROUTE)
    return batch.urls


def sitemap_urls(page, *, cache_object=None) -> list[str]:
    """The sitemap index and the sitemap file that lists `page` (its routes are listed with it)."""
    parts = page.get_url_parts(cache_object)
    if parts is None:
        return []
    sitemap = PageSitemap()
    before = sitemap.items().aggregate(before=Count("pk", filter=Q(path__lt=page.path)))["before"]
    number = before // sitemap.limit + 1
    section = reverse("sitemap-section", kwargs={"section": SITEMAP_SECTION})
    return [parts[1] + reverse("sitemap-index"), parts[1] + section + (f"?p={number}" if number > 1 else "")]


def queue_purge(collect, *, what: str) -> None:
    """Collect the addresses and queue their purge; never fail the change that asked for it."""
    if not frontend_cache_configured():
        return
    try:
        # A savepoint: on PostgreSQL a failed query must not abort the caller's transaction.
        with transaction.atomic():
            purge_urls_from_cache(collect())
    except Exception:  # noqa: BLE001 - the cached copies expire within PUBLIC_PAGE_MAX_AGE anyway
        logger.exception("Could not queue the purge of %s from the HTTP cache", what)


def _refresh_after_commit(collect, *, what: str) -> None:
    bump_faq_version()  # now, for this transaction's own later reads…

    def refresh():
        bump_faq_version()  # …and after the commit, in case another request cached the old state meanwhile
        queue_purge(collect, what=what)

    transaction.on_commit(refresh)


@receiver(post_save, sender=FAQEntry, dispatch_uid="consultations-faq-entry-saved")
@receiver(post_delete, sender=FAQEntry, dispatch_uid="consultations-faq-entry-deleted")
def faq_entry_changed(instance: FAQEntry, **kwargs) -> None:
    locale_id = instance.locale_id
    _refresh_after_commit(lambda: faq_page_urls(locale_id), what=f"the FAQ pages of locale {locale_id}")


@receiver(post_save, sender=FAQVoteCount, dispatch_uid="consultations-faq-votes-saved")
@receiver(post_delete, sender=FAQVoteCount, dispatch_uid="consultations-faq-votes-deleted")
def faq_votes_changed(**kwargs) -> None:
    _refresh_after_commit(figures_urls, what="the service figures")
