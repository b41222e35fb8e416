"""RSS 2.0 and Atom feeds: valid XML, escaped text, the right language, per section, cacheable."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from defusedxml import ElementTree
from django.utils import timezone
from django.utils.html import escape

from cityportal.news.tests.factories import (
    NewsArticleFactory,
    article_in,
    news_index,
    policy_in,
    policy_index,
)

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TRICKY_TITLE = '<script>alert("x")</script> & "240 ساعة" عبور'
TRICKY_SUMMARY = "Fees <b>waived</b> & forms simplified; ]]> stays text."


def rss(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    return ElementTree.fromstring(response.content).find("channel")


def atom(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ElementTree.fromstring(response.content)


@pytest.fixture
def news(portal):
    now = timezone.now()
    first = article_in(
        portal.homes,
        ("en", "ar"),
        titles={"en": TRICKY_TITLE, "ar": "تمديد العبور دون تأشيرة"},
        sections=["travel"],
        date=datetime(2024, 12, 17, 2, 0, tzinfo=UTC),
    )
    first["en"].summary = TRICKY_SUMMARY
    first["en"].save_revision().publish()
    second = article_in(
        portal.homes, ("en",), titles={"en": "Work permits in five days"}, sections=["work"], date=now
    )
    return {"transit": first, "work": second}


def test_the_rss_feed_lists_the_language_s_news_with_escaped_text(client, news):
    channel = rss(client, "/en/news/rss.xml")
    assert channel.findtext("language") == "en"
    assert channel.findtext("link") == "http://testserver/en/news/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Work permits in five days", TRICKY_TITLE]
    transit = items[1]
    assert transit.findtext("link") == "http://testserver" + news["transit"]["en"].url
    assert transit.findtext("guid") == transit.findtext("link")
    assert transit.find("guid").get("isPermaLink") == "true"
    # The description is HTML for feed readers: the plain-text summary arrives escaped, shown as typed.
    assert transit.findtext("description") == escape(TRICKY_SUMMARY)
    assert parsedate_to_datetime(transit.findtext("pubDate")) == datetime(2024, 12, 17, 2, 0, tzinfo=UTC)


def test_the_atom_feed_carries_the_same_items_and_its_language(client, news):
    feed = atom(client, "/en/news/atom.xml")
    assert feed.get(XML_LANG) == "en"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Work permits in five days",
        TRICKY_TITLE,
    ]
    transit = entries[1]
    assert transit.find(f"{ATOM}link").get("href") == "http://testserver" + news["transit"]["en"].url
    assert transit.find(f"{ATOM}summary").get("type") == "html"
    assert transit.findtext(f"{ATOM}summary") == escape(TRICKY_SUMMARY)
    published = datetime.fromisoformat(transit.findtext(f"{ATOM}published"))
    assert published == datetime(2024, 12, 17, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("language", "tag"), [("ar", "ar"), ("zh-hans", "zh-Hans")])
def test_each_language_has_its_own_feed(client, news, language, tag):
    channel = rss(client, f"/{language}/news/rss.xml")
    assert channel.findtext("language") == tag
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert news["transit"][language].title in titles
    if language == "ar":
        assert titles == ["تمديد العبور دون تأشيرة"]  # only what exists in Arabic


def test_a_section_feed_lists_only_that_section(client, news):
    channel = rss(client, "/en/news/work/rss.xml")
    assert [item.findtext("title") for item in channel.findall("item")] == ["Work permits in five days"]
    assert channel.findtext("link") == "http://testserver/en/news/work/"
    entries = atom(client, "/en/news/travel/atom.xml").findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [TRICKY_TITLE]
    assert client.get("/en/news/parking/rss.xml").status_code == 404


def test_a_feed_holds_the_twenty_newest(client, portal):
    index = news_index(portal.homes["en"])
    now = timezone.now()
    for n in range(22):
        NewsArticleFactory(parent=index, title=f"News {n:02d}", date=now - timedelta(hours=n))
    titles = [item.findtext("title") for item in rss(client, "/en/news/rss.xml").findall("item")]
    assert titles == [f"News {n:02d}" for n in range(20)]


def test_a_language_without_a_news_listing_has_no_feed(client, news):
    assert client.get("/ja/news/rss.xml").status_code == 404
    assert client.get("/ja/news/atom.xml").status_code == 404


def test_feeds_are_cookie_free_and_cacheable(client, news):
    for url in ("/en/news/rss.xml", "/en/news/atom.xml", "/en/news/work/rss.xml"):
        response = client.get(url)
        assert not response.cookies and "Set-Cookie" not in response
        assert response["Cache-Control"] == "public, max-age=60, s-maxage=60"


def test_a_control_character_pasted_into_a_title_does_not_break_the_feed(client, news):
    article = news["work"]["en"]
    article.title = "Work\x0bpermits"
    article.save_revision().publish()
    titles = [item.findtext("title") for item in rss(client, "/en/news/rss.xml").findall("item")]
    assert titles[0] == "Workpermits"


def test_the_policy_feeds_list_the_newest_issued_policies(client, portal):
    today = timezone.localdate()
    for title, age in (("Older policy", 50), ("Newer policy", 5)):
        issued = today - timedelta(days=age)
        policy_in(portal.homes, titles={"en": title}, date_issued=issued, effective_date=issued)
    channel = rss(client, "/en/policies/rss.xml")
    assert [item.findtext("title") for item in channel.findall("item")] == ["Newer policy", "Older policy"]
    assert channel.findtext("language") == "en"
    published = parsedate_to_datetime(channel.find("item").findtext("pubDate"))
    assert published.astimezone(timezone.get_default_timezone()).date() == today - timedelta(days=5)
    entries = atom(client, "/en/policies/atom.xml").findall(f"{ATOM}entry")
    assert len(entries) == 2


def test_every_address_of_a_listing_is_purged_from_http_caches_on_publish(portal):
    index = news_index(portal.homes["en"])
    paths = index.get_cached_paths()
    assert {"/", "/rss.xml", "/atom.xml", "/work/", "/work/rss.xml", "/consume/atom.xml"} <= set(paths)
    library = policy_index(portal.homes["en"])
    assert {"/", "/rss.xml", "/atom.xml", "/study/"} <= set(library.get_cached_paths())
