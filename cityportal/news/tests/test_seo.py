"""What machines read: feed links in every page's <head>, Open Graph and Twitter cards, JSON-LD and
the sitemap."""

import json
import re
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from defusedxml import ElementTree
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cityportal.news.tests.factories import DepartmentFactory, article_in, news_index, policy_in

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def head(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return html[: html.index("</head>")]


def meta(html: str, name: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', html)


def feed_hrefs(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<link rel="alternate" type="(application/(?:rss|atom)\+xml)" title="[^"]+" href="([^"]+)">', html
    )


def json_ld(client, url: str) -> dict:
    return json.loads(JSON_LD.search(client.get(url).content.decode()).group(1))


def photo():
    out = BytesIO()
    PILImage.new("RGB", (1600, 900), (20, 80, 160)).save(out, "JPEG")
    return get_image_model().objects.create(
        title="城市", file=ImageFile(BytesIO(out.getvalue()), name="city.jpg")
    )


# --- Feed links -----------------------------------------------------------------------------------


def test_every_page_announces_its_language_s_news_feeds(client, portal):
    news_index(portal.homes["en"])
    assert feed_hrefs(head(client, "/en/work/work-permit/")) == [
        ("application/rss+xml", "/en/news/rss.xml"),
        ("application/atom+xml", "/en/news/atom.xml"),
    ]
    assert ("application/rss+xml", "/zh-hans/news/rss.xml") in feed_hrefs(head(client, "/zh-hans/"))
    assert feed_hrefs(head(client, "/ja/")) == []  # no news listing in Japanese: nothing to announce


def test_section_pages_and_section_listings_also_announce_the_section_s_feed(client, portal):
    news_index(portal.homes["en"])
    assert meta(head(client, "/en/news/work/"), "og:url") == ["http://testserver/en/news/work/"]
    for url in ("/en/work/", "/en/news/work/"):
        hrefs = [href for _type, href in feed_hrefs(head(client, url))]
        assert hrefs == [
            "/en/news/rss.xml",
            "/en/news/atom.xml",
            "/en/news/work/rss.xml",
            "/en/news/work/atom.xml",
        ]


def test_policy_pages_announce_the_policy_feed(client, portal):
    versions = policy_in(portal.homes)
    hrefs = [href for _type, href in feed_hrefs(head(client, versions["en"].url))]
    assert "/en/policies/rss.xml" in hrefs and "/en/policies/atom.xml" in hrefs


def test_the_feed_links_cost_no_query_on_a_warm_page(client, portal):
    def warm_count(url):
        client.get(url)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    without = warm_count("/en/work/work-permit/")
    news_index(portal.homes["en"])  # a publish: every cache rebuilds under the new site version
    assert warm_count("/en/work/work-permit/") == without
    assert feed_hrefs(head(client, "/en/work/work-permit/"))


# --- Open Graph and Twitter -----------------------------------------------------------------------


def test_an_article_has_an_article_card_with_its_absolute_image(client, portal):
    versions = article_in(
        portal.homes,
        ("en", "fr"),
        titles={"en": "Beijing Pass card launched"},
        lead_image=photo(),
        lead_image_alt="北京通卡",
    )
    english = versions["en"]
    english.summary = "One card for the subway, buses and museums."
    english.lead_image_alt = "The Beijing Pass card"
    english.save_revision().publish()
    html = head(client, english.url)
    assert meta(html, "og:type") == ["article"]
    assert meta(html, "og:title") == ["Beijing Pass card launched"]
    assert meta(html, "og:description") == ["One card for the subway, buses and museums."]
    assert meta(html, "og:url") == ["http://testserver" + english.url]
    assert meta(html, "og:site_name") == ["Portal en"]
    assert meta(html, "og:locale") == ["en_US"]
    assert sorted(meta(html, "og:locale:alternate")) == ["fr_FR", "zh_CN"]
    (image,) = meta(html, "og:image")
    assert re.fullmatch(r"http://testserver/media/images/city\.[^/]+\.jpg", image)
    assert meta(html, "og:image:width") == ["1200"] and meta(html, "og:image:alt") == [
        "The Beijing Pass card"
    ]
    assert meta(html, "twitter:card") == ["summary_large_image"]


def test_a_page_without_an_image_has_a_plain_website_card(client, portal):
    html = head(client, "/ar/work/")
    assert meta(html, "og:type") == ["website"]
    assert meta(html, "og:locale") == ["ar_AR"]
    assert meta(html, "og:url") == ["http://testserver/ar/work/"]
    assert meta(html, "og:image") == []
    assert meta(html, "twitter:card") == ["summary"]


# --- JSON-LD --------------------------------------------------------------------------------------


def test_an_article_carries_news_article_json_ld(client, portal):
    department = DepartmentFactory(
        code="commerce", name_zh_hans="北京市商务局", name_en="Beijing Commerce Bureau"
    )
    versions = article_in(
        portal.homes,
        titles={"en": "Tax refunds </script><script>alert(1)</script>"},
        date=datetime(2025, 4, 1, 1, 0, tzinfo=UTC),
        department=department,
        lead_image=photo(),
        sections=["consume"],
    )
    english = versions["en"]
    html = client.get(english.url).content.decode()
    assert "<script>alert(1)" not in html  # the title cannot close the JSON-LD element
    data = json_ld(client, english.url)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Tax refunds </script><script>alert(1)</script>"
    assert data["datePublished"] == "2025-04-01T09:00:00+08:00"
    assert datetime.fromisoformat(data["dateModified"]) >= datetime(2025, 4, 1, tzinfo=UTC)
    assert data["inLanguage"] == "en"
    assert data["url"] == "http://testserver" + english.url
    assert data["image"][0].startswith("http://testserver/media/images/")
    assert data["author"] == {"@type": "GovernmentOrganization", "name": "Beijing Commerce Bureau"}
    assert data["publisher"]["@type"] == "GovernmentOrganization" and data["publisher"]["name"]
    assert data["articleSection"] == ["Consume"]


def test_a_policy_carries_legislation_json_ld_with_its_legal_force(client, portal):
    today = timezone.localdate()
    authority = DepartmentFactory(
        code="npc", name_zh_hans="全国人民代表大会", name_en="National People's Congress"
    )
    in_force = policy_in(
        portal.homes,
        titles={"en": "Foreign Investment Law"},
        issuing_authority=authority,
        document_number="主席令第二十六号",
        date_issued=date(2019, 3, 15),
        effective_date=date(2020, 1, 1),
    )
    data = json_ld(client, in_force["en"].url)
    assert data["@type"] == "Legislation"
    assert data["legislationIdentifier"] == "主席令第二十六号"
    assert data["legislationDate"] == "2019-03-15"
    assert data["legislationLegalForce"] == "InForce"
    assert data["legislationPassedBy"]["name"] == "National People's Congress"
    assert data["inLanguage"] == "en"
    assert data["translationOfWork"] == {
        "@type": "Legislation",
        "url": "http://testserver" + in_force["zh-hans"].url,
        "inLanguage": "zh-Hans",
    }
    assert "translationOfWork" not in json_ld(client, in_force["zh-hans"].url)

    withdrawn = policy_in(portal.homes, date_issued=date(2019, 1, 1), withdrawn_on=today)
    data = json_ld(client, withdrawn["en"].url)
    assert data["legislationLegalForce"] == "NotInForce"
    assert data["expires"] == today.isoformat()


# --- Sitemap --------------------------------------------------------------------------------------


def test_the_sitemap_lists_articles_and_policies_with_their_translations(client, portal):
    article = article_in(portal.homes, ("en", "ar"))
    policy = policy_in(portal.homes, ("en",))
    root = ElementTree.fromstring(client.get("/sitemap-pages.xml").content)
    urls = {url.find("sm:loc", SITEMAP).text: url for url in root.findall("sm:url", SITEMAP)}
    for page in [*article.values(), *policy.values(), news_index(portal.homes["en"])]:
        assert "http://testserver" + page.url in urls, page.url
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in urls["http://testserver" + article["ar"].url].findall("xhtml:link", SITEMAP)
    }
    assert alternates == {
        "zh-Hans": "http://testserver" + article["zh-hans"].url,
        "en": "http://testserver" + article["en"].url,
        "ar": "http://testserver" + article["ar"].url,
    }
    policy_alternates = urls["http://testserver" + policy["en"].url].findall("xhtml:link", SITEMAP)
    assert {link.get("hreflang") for link in policy_alternates} == {"zh-Hans", "en"}
