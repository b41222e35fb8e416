"""Purging cached copies when content changes (see docs/caching-and-search-engines.md)."""

from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.models import Site

from cityportal.core.site_version import bump_site_version


def purge_urls(urls: list[str]) -> None:
    """Purge these absolute URLs from the HTTP cache in front of the portal (WAGTAILFRONTENDCACHE)."""
    if urls:
        purge_urls_from_cache(urls)


def purge_site_wide() -> None:
    """A change every page shows (a notice starting or ending): fresh fragments here, and the HTTP
    cache purged of each language's home page (other pages follow within PUBLIC_PAGE_MAX_AGE)."""
    bump_site_version()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    from django.conf import settings

    purge_urls([f"{site.root_url}/{code}/" for code, _name in settings.LANGUAGES])
