"""sitemap.xml: every published page in every language, with hreflang alternates.

Django's sitemap framework paginates (at most 10,000 URLs a file, behind a sitemap index) and
renders the xhtml:link alternates; Wagtail's own sitemap lists one language tree only, so this one
lists all pages of all locales and adds each page's translations as alternates.
"""

from collections import defaultdict

from django.contrib.sitemaps import Sitemap
from wagtail.models import Page

from . import i18n

URLS_PER_SITEMAP = 10_000
PAGE_FIELDS = (
    "id",
    "path",
    "depth",
    "url_path",
    "translation_key",
    "last_published_at",
    "locale__language_code",
)


def _live_pages():
    return Page.objects.live().public().filter(depth__gt=1).select_related("locale").only(*PAGE_FIELDS)


def _path(page: Page) -> str | None:
    parts = page.get_url_parts()
    return parts[2] if parts else None


class PageSitemap(Sitemap):
    limit = URLS_PER_SITEMAP

    def items(self):
        return _live_pages().order_by("path", "id")

    def lastmod(self, page: Page):
        return page.last_published_at

    def get_urls(self, page=1, site=None, protocol=None):
        protocol = self.get_protocol(protocol)
        prefix = f"{protocol}://{self.get_domain(site)}"
        items = list(self.paginator.page(page).object_list)
        family = defaultdict(list)
        for translation in _live_pages().filter(translation_key__in={item.translation_key for item in items}):
            family[translation.translation_key].append(translation)
        urls = []
        for item in items:
            path = _path(item)
            if path is None:  # not under any site
                continue
            alternates = [
                {"lang_code": i18n.bcp47(other.locale.language_code), "location": prefix + _path(other)}
                for other in sorted(family[item.translation_key], key=lambda p: p.locale.language_code)
                if _path(other) is not None
            ]
            urls.append(
                {
                    "item": item,
                    "location": prefix + path,
                    "lastmod": item.last_published_at,
                    "changefreq": None,
                    "priority": "",
                    "alternates": alternates,
                }
            )
        stamps = [item.last_published_at for item in items if item.last_published_at]
        if stamps and len(stamps) == len(items):
            self.latest_lastmod = max(stamps)
        return urls
