"""Wagtail's frontend cache app, installed for its backends and its redirect purges only.

On its own, the app purges a published or unpublished page's own address from a receiver per page
type, and has no setting to turn that off. cityportal.publishing.purge purges that address together
with everything else the change affects (translations, listings, feeds, the sitemap) in one batch, so
this configuration leaves those receivers out. Everything else stays: the backends, PurgeBatch, the
purge task, and wagtail.contrib.redirects' purge of old addresses when a slug changes (it checks
that "wagtail.contrib.frontend_cache" is installed, which it still is).

Listed in INSTALLED_APPS instead of "wagtail.contrib.frontend_cache" (settings/base.py). It imports
no models: Django imports it before the app registry is ready.
"""

from wagtail.contrib.frontend_cache.apps import WagtailFrontendCacheAppConfig


class FrontendCacheBackendsConfig(WagtailFrontendCacheAppConfig):
    def ready(self):
        pass  # no per-page receivers: see the module docstring
