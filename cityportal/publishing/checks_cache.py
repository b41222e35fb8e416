"""System checks on the HTTP cache in front of the portal (docs/caching-and-search-engines.md)."""

from django.conf import settings
from django.core.checks import Warning, register

# A publish purges the addresses it changes, but not every one (older listing pages, pages that only
# link to the changed one): those stay stale until they expire, so their lifetime must stay short.
MAX_SAFE_PUBLIC_PAGE_MAX_AGE = 300


@register()
def check_public_page_max_age(app_configs=None, **kwargs):
    if settings.PUBLIC_PAGE_MAX_AGE > MAX_SAFE_PUBLIC_PAGE_MAX_AGE:
        return [
            Warning(
                f"PUBLIC_PAGE_MAX_AGE is {settings.PUBLIC_PAGE_MAX_AGE} seconds: pages a publish does not "
                f"purge (older listing pages, pages linking to the changed one) stay stale that long.",
                hint=f"Keep PUBLIC_PAGE_MAX_AGE at {MAX_SAFE_PUBLIC_PAGE_MAX_AGE} seconds or less.",
                id="cache.W001",
            )
        ]
    return []
