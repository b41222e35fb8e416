"""sitemap.xml: every published page in every language, with hreflang alternates.

Django's sitemap framework paginates (at most 10,000 URLs a file, behind a sitemap index) and
renders the xhtml:link alternates; Wagtail's own sitemap lists one language tree only, so this one
lists all pages of all locales and adds each page's translations as alternates.

A page type that serves addresses of its own below its page (the FAQ's /faq/work/) lists them with a
class method `sitemap_routes(pages) -> {page id: ["work/", …]}`, called once for all its pages in a
sitemap file; each route follows its page, with the same route of the translations that have it as
alternates.
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
    "content_type",
    "last_published_at",
    "locale__language_code",
)


def _live_pages():
    return Page.objects.live().public().filter(depth__gt=1).select_related("locale").only(*PAGE_FIELDS)


def _routes(pages) -> dict[int, list[str]]:
    """{page id: its routes} for the pages whose type declares `sitemap_routes` (one call per type)."""
    by_type = defaultdict(list)
    for page in pages:
        page_class = page.specific_class
        if page_class is not None and hasattr(page_class, "sitemap_routes"):
            by_type[page_class].append(page)
    routes = {}
    for page_class, members in by_type.items():
        routes.update(page_class.sitemap_routes(members))
    return routes


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
        routes = _routes(translation for members in family.values() for translation in members)
        urls = []
        for item in items:
            path = _path(item)
            if path is None:  # not under any site
                continue
            others = [
                other
                for other in sorted(family[item.translation_key], key=lambda p: p.locale.language_code)
                if _path(other) is not None
            ]
            for route in ["", *routes.get(item.pk, ())]:
                alternates = [
                    {
                        "lang_code": i18n.bcp47(other.locale.language_code),
                        "location": prefix + _path(other) + route,
                    }
                    for other in others
                    if not route or route in routes.get(other.pk, ())
                ]
                urls.append(
                    {
                        "item": item,
                        "location": prefix + path + route,
                        # A route's content changes without a publish: no date is better than a wrong one.
                        "lastmod": None if route else item.last_published_at,
                        "changefreq": None,
                        "priority": "",
                        "alternates": alternates,
                    }
                )
        stamps = [item.last_published_at for item in items if item.last_published_at]
        if stamps and len(stamps) == len(items):
            self.latest_lastmod = max(stamps)
        return urls
