"""The parts around every page (brand, section navigation, footer), built once per language and cached.

The template caches their HTML under the site version (core.signals bumps it on publish, move and
settings changes), so a page view normally costs no query for them.
"""

from dataclasses import dataclass

from django import template
from django.utils.translation import get_language
from wagtail.models import Page, Site

from cityportal.core.models import PortalSettings
from cityportal.core.navigation import localized_pages

register = template.Library()


@dataclass
class Chrome:
    home: Page | None
    sections: list[Page]
    settings: PortalSettings | None
    footer_links: list[tuple[str, Page]]


@register.simple_tag(takes_context=True)
def portal_chrome(context) -> Chrome:
    """Built at most once per request (the header and footer fragments may both need it)."""
    request = context["request"]
    if not hasattr(request, "_portal_chrome"):
        request._portal_chrome = build_chrome(request, get_language())
    return request._portal_chrome


def build_chrome(request, language: str) -> Chrome:
    site = Site.find_for_request(request)
    if site is None:
        return Chrome(None, [], None, [])
    home = site.root_page.localized.specific
    sections = list(
        home.get_children().live().in_menu().only("id", "title", "path", "depth", "url_path", "slug")
    )
    portal_settings = PortalSettings.for_site(site)
    wanted = [(label, page_id) for label, page_id in portal_settings.footer_link_pages() if page_id]
    pages = list(
        Page.objects.filter(pk__in=[page_id for _label, page_id in wanted]).only(
            "id", "translation_key", "path", "depth", "url_path", "title", "locale_id"
        )
    )
    translated = localized_pages(pages, language)
    footer_links = [(label, translated[page_id]) for label, page_id in wanted if page_id in translated]
    return Chrome(home, sections, portal_settings, footer_links)


@register.simple_tag(takes_context=True)
def current_section_slug(context) -> str:
    """The second URL segment (/en/<section>/…), so the cached navigation can mark where you are."""
    parts = context["request"].path.strip("/").split("/")
    return parts[1] if len(parts) > 1 else ""
