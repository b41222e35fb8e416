"""Template tags of the news and policy pages, and the news parts of every page's <head>.

{% load news_tags %}
{% feed_links as feeds %}        the feeds to announce in <head> (no query: a cached map per language)
{% social_card as card %}        Open Graph and Twitter card values of the current page
{% lead_picture page alt %}      an article's lead image as <picture>, with the alt text given
{% latest_news page %}           the home page's latest news (inside its cached fragment)
{% section_news page %}          a section page's latest news and policies in force (idem)
{{ policy.status|status_label }} "in force", "withdrawn"… in the visitor's language
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.models import Page

from cityportal.core import images
from cityportal.core.sections import Section
from cityportal.core.site_version import site_version

register = template.Library()

BEIJING = ZoneInfo(settings.TIME_ZONE)
HOME_LATEST = 6
SECTION_LATEST = 3
# Open Graph names a language with a country (ll_CC); these are the usual ones for each language.
OG_LOCALES = {
    "zh-hans": "zh_CN",
    "en": "en_US",
    "ko": "ko_KR",
    "ja": "ja_JP",
    "de": "de_DE",
    "fr": "fr_FR",
    "es": "es_ES",
    "ru": "ru_RU",
    "ar": "ar_AR",
}


# --- What every page needs to know about each language's site, without a query ------------------------


@dataclass(frozen=True)
class LanguageSite:
    portal_name: str = ""
    host_organisation: str = ""
    news_url: str = ""
    news_title: str = ""
    policies_url: str = ""
    policies_title: str = ""


def site_links(request) -> dict[str, LanguageSite]:
    """Each language's portal name and the addresses of its news and policy listings.

    Every page's <head> announces the news feed, so this is read on every page view: it is built with
    one query and kept until the site version changes (a publish, a move, a settings change).
    """
    key = f"cityportal:news:site-links:{site_version()}:{request.scheme}:{request.get_host()}"
    links = cache.get(key)
    if links is None:
        links = build_site_links(request)
        cache.set(key, links, timeout=600)
    return links


def build_site_links(request) -> dict[str, LanguageSite]:
    rows = (
        Page.objects.live()
        .filter(Q(homepage__isnull=False) | Q(newsindexpage__isnull=False) | Q(policyindexpage__isnull=False))
        .annotate(
            portal_name=F("homepage__portal_name"),
            host_organisation=F("homepage__host_organisation"),
            news_id=F("newsindexpage__page_ptr_id"),
            policies_id=F("policyindexpage__page_ptr_id"),
        )
        .select_related("locale")
        .only("id", "title", "path", "depth", "url_path", "locale__language_code")
        .order_by("path")
    )
    found: dict[str, dict] = {}
    for row in rows:
        values = found.setdefault(row.locale.language_code, {})
        url = row.get_url(request)
        if url is None:
            continue  # not under any site
        if row.portal_name is not None:
            values.setdefault("portal_name", row.portal_name)
            values.setdefault("host_organisation", row.host_organisation)
        elif row.news_id is not None:
            values.setdefault("news_url", url)
            values.setdefault("news_title", row.title)
        elif row.policies_id is not None:
            values.setdefault("policies_url", url)
            values.setdefault("policies_title", row.title)
    return {language: LanguageSite(**values) for language, values in found.items()}


def current_site(context) -> LanguageSite | None:
    request = context.get("request")
    if request is None:
        return None
    return site_links(request).get(get_language())


# --- <head>: feeds and social cards -------------------------------------------------------------------


@dataclass(frozen=True)
class FeedLink:
    type: str
    title: str
    url: str


def _feed_pair(title: str, url: str) -> list[FeedLink]:
    return [
        FeedLink("application/rss+xml", _("%(feed)s (RSS)") % {"feed": title}, f"{url}rss.xml"),
        FeedLink("application/atom+xml", _("%(feed)s (Atom)") % {"feed": title}, f"{url}atom.xml"),
    ]


def page_section(context) -> str:
    """The section of a section listing, or of a section page (/en/work/)."""
    section = context.get("feed_section") or getattr(context.get("page"), "section", "")
    return section if isinstance(section, str) and section in Section.values else ""


@register.simple_tag(takes_context=True)
def feed_links(context) -> list[FeedLink]:
    """The language's news feeds; a section's too on its section page and listings; the policy
    library's on policy pages."""
    from cityportal.news.models import PolicyDocument, PolicyIndexPage

    site = current_site(context)
    if site is None:
        return []
    links = []
    if site.news_url:
        links += _feed_pair(site.news_title, site.news_url)
        if section := page_section(context):
            label = _("%(listing)s: %(section)s") % {
                "listing": site.news_title,
                "section": Section(section).label,
            }
            links += _feed_pair(label, f"{site.news_url}{section}/")
    if site.policies_url and isinstance(context.get("page"), PolicyIndexPage | PolicyDocument):
        links += _feed_pair(site.policies_title, site.policies_url)
    return links


@dataclass(frozen=True)
class SocialCard:
    title: str
    description: str
    url: str
    type: str  # Open Graph: "article" or "website"
    locale: str
    alternate_locales: list[str]
    site_name: str
    image: object  # structured_data.LeadImage or None

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image else "summary"


@register.simple_tag(takes_context=True)
def social_card(context) -> SocialCard | None:
    """Open Graph and Twitter card values. Adds no query, except once per publish for a lead image."""
    from cityportal.news import structured_data
    from cityportal.news.models import NewsArticle, PolicyDocument

    page, request = context.get("page"), context.get("request")
    if page is None or request is None:
        return None
    family = context.get("family")
    versions = family.versions if family is not None else []
    canonical = context.get("canonical_url") or next(
        (v.full_url for v in versions if v.current and v.exact), request.build_absolute_uri(request.path)
    )
    title = page.seo_title or page.title
    listing = context.get("listing")
    if listing is not None and listing.section:
        title = _("%(listing)s: %(section)s") % {"listing": title, "section": listing.section_label}
    site = current_site(context)
    language = get_language()
    return SocialCard(
        title=title,
        description=page.get_meta_description() if hasattr(page, "get_meta_description") else "",
        url=canonical,
        type="article" if isinstance(page, NewsArticle | PolicyDocument) else "website",
        locale=OG_LOCALES.get(language, ""),
        alternate_locales=[
            OG_LOCALES[v.language] for v in versions if v.exact and not v.current and v.language in OG_LOCALES
        ],
        site_name=site.portal_name if site else "",
        image=structured_data.lead_image(page, request) if getattr(page, "lead_image_id", None) else None,
    )


# --- Page bodies ---------------------------------------------------------------------------------------


@register.simple_tag
def lead_picture(image, alt: str):
    """An article's lead image as <picture> (the renditions made ahead of time, ADR 012)."""
    if not image:
        return ""
    renditions = get_renditions_or_not_found(image, images.rendition_specs(image))
    attrs = {"alt": alt, "sizes": images.FIGURE_SIZES, "decoding": "async", "class": "lead-image__img"}
    return Picture(renditions, attrs).__html__()


@register.filter
def status_label(status: str) -> str:
    from cityportal.news.models import PolicyStatus

    try:
        return str(PolicyStatus(status).label)
    except ValueError:
        return ""


@register.inclusion_tag("news/includes/latest_news.html", takes_context=True)
def latest_news(context, home):
    """The newest articles of the home page's language. Called inside the home page's cached fragment."""
    from cityportal.news.models import NewsArticle
    from cityportal.news.models.articles import ARTICLE_LISTING_FIELDS

    articles = (
        NewsArticle.objects.live()
        .filter(locale_id=home.locale_id)
        .order_by("-date", "-pk")
        .only(*ARTICLE_LISTING_FIELDS)[:HOME_LATEST]
    )
    site = current_site(context)
    return {
        "articles": list(articles),
        "news_url": site.news_url if site else "",
        "request": context.get("request"),
    }


@register.inclusion_tag("news/includes/section_news.html", takes_context=True)
def section_news(context, section_page):
    """A section's newest articles and its newest policies in force, in the page's language.
    Two queries, inside the section page's cached fragment (keyed by the day: statuses change at
    midnight)."""
    from cityportal.news.models import NewsArticle, PolicyDocument, PolicyStatus
    from cityportal.news.models.articles import ARTICLE_LISTING_FIELDS
    from cityportal.news.models.policies import beijing_today, policy_status_expression

    locale_id, section = section_page.locale_id, section_page.section
    articles = (
        NewsArticle.objects.live()
        .filter(locale_id=locale_id, sections__code=section)
        .order_by("-date", "-pk")
        .only(*ARTICLE_LISTING_FIELDS)[:SECTION_LATEST]
    )
    policies = (
        PolicyDocument.objects.live()
        .filter(locale_id=locale_id, sections__code=section)
        .alias(status=policy_status_expression(beijing_today()))
        .filter(status=PolicyStatus.IN_FORCE)
        .order_by("-date_issued", "-pk")
        .only("id", "title", "summary", "path", "depth", "url_path", "locale_id", "date_issued")[
            :SECTION_LATEST
        ]
    )
    site = current_site(context)
    return {
        "section": section,
        "section_title": section_page.title,
        "articles": list(articles),
        "policies": list(policies),
        "news_url": f"{site.news_url}{section}/" if site and site.news_url else "",
        "policies_url": f"{site.policies_url}{section}/" if site and site.policies_url else "",
        "request": context.get("request"),
    }
