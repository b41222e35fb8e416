"""The site version: a value that changes whenever published content, settings or sites change.

Cached fragments and lookups (header, footer, listings, page families, the Site) carry it in their
keys, so one change makes them all rebuild (ADR 006).
"""

import time

from django.core.cache import cache

SITE_VERSION_KEY = "cityportal:site-version"


def site_version() -> int:
    return cache.get_or_set(SITE_VERSION_KEY, time.time_ns, timeout=None)


def bump_site_version(**_kwargs) -> None:
    # A clock value rather than incr(): it is unique even after the key was evicted.
    cache.set(SITE_VERSION_KEY, time.time_ns(), timeout=None)
