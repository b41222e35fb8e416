"""RSS 2.0 and Atom feeds of the news (per language and per section) and of the policy library.

The index pages route their feeds themselves (/en/news/rss.xml, /en/news/work/atom.xml,
/en/policies/rss.xml: NewsIndexPage and PolicyIndexPage), so a language without a news listing has
no feed (404), and a feed lists exactly what its listing's first page lists: the language's own live
items, newest first. Django's syndication framework writes the XML and escapes every text.

Wagtail's page URLs are folders ("/en/news/"); a name such as rss.xml never reaches the page tree,
so `urlpatterns` below (included by cityportal/urls.py inside the language prefix, before Wagtail's
pages) hands "<path>/rss.xml" to the tree as "<path>/rss.xml/", where the index page's route takes it.
"""

import re
from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import re_path
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.views import serve as serve_page

from cityportal.core import i18n

from .templatetags.news_tags import BEIJING, site_links

FEED_ITEMS = 20
# XML 1.0 cannot carry these; Django refuses them with an error, so a stray one pasted into a title
# would break the whole feed.
XML_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F]")


def xml_text(value: str) -> str:
    return XML_CONTROL_CHARACTERS.sub("", value or "")


class ListingFeed(Feed):
    """What the news and policy feeds share: titles from the index page, absolute links, the language."""

    feed_type = Rss201rev2Feed
    item_guid_is_permalink = True

    def get_object(self, request, index, section=""):
        self.request = request
        self.language = i18n.bcp47(get_language())  # the language of the URL prefix, i.e. of the index
        self.index, self.section = index, section
        return index

    def portal_name(self) -> str:
        links = site_links(self.request).get(get_language())
        return links.portal_name if links else ""

    def title(self, index) -> str:
        portal = self.portal_name()
        if self.section:
            label = self.section_label()
            return xml_text(
                _("%(listing)s: %(section)s – %(portal)s")
                % {"listing": index.title, "section": label, "portal": portal}
            )
        return xml_text(_("%(listing)s – %(portal)s") % {"listing": index.title, "portal": portal})

    def section_label(self) -> str:
        from cityportal.core.sections import Section

        return str(Section(self.section).label)

    def description(self, index) -> str:
        return xml_text(index.summary or index.title)

    def subtitle(self, index) -> str:  # Atom's name for the description
        return self.description(index)

    def link(self, index) -> str:
        return self.request.build_absolute_uri(index.listing_url(self.request, self.section))

    def feed_url(self, index) -> str:
        return self.request.build_absolute_uri(self.request.path)

    def item_title(self, item) -> str:
        return xml_text(item.title)

    def item_description(self, item) -> str:
        # Feed readers show the description as HTML: the summary is plain text, so it is escaped.
        return escape(xml_text(item.summary))

    def item_link(self, item) -> str:
        return self.request.build_absolute_uri(item.get_url(self.request))

    def item_updateddate(self, item):
        return item.last_published_at


class NewsFeed(ListingFeed):
    def items(self, index):
        return index.articles(self.section)[:FEED_ITEMS]

    def item_pubdate(self, item):
        return item.date


class PolicyFeed(ListingFeed):
    def items(self, index):
        return index.policies(section=self.section)[:FEED_ITEMS]

    def item_pubdate(self, item):
        # Policies carry a day, not a time: the start of that day in Beijing.
        return datetime.combine(item.date_issued, time.min, tzinfo=BEIJING)


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed


class PolicyAtomFeed(PolicyFeed):
    feed_type = Atom1Feed


def news_feed(flavour: str) -> Feed:
    return NewsAtomFeed() if flavour == "atom" else NewsFeed()


def policy_feed(flavour: str) -> Feed:
    return PolicyAtomFeed() if flavour == "atom" else PolicyFeed()


def serve_feed(request, path: str):
    """/<lang>/<path>/rss.xml → the page tree, as the folder-style path Wagtail routes."""
    return serve_page(request, path + "/")


urlpatterns = [
    re_path(r"^(?P<path>(?:[\w\-]+/)+(?:rss|atom)\.xml)$", serve_feed, name="listing-feed"),
]
