"""sitemap.xml lists every published page in all nine languages with hreflang alternates."""

from xml.etree import ElementTree

from cityportal.conftest import LANGUAGES

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def parse(response):
    return ElementTree.fromstring(response.content)  # noqa: S314 - our own output, not user input


def test_index_points_to_page_sitemaps(client, portal):
    root = parse(client.get("/sitemap.xml"))
    locations = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
    assert locations == ["http://testserver/sitemap-pages.xml"]


def test_home_and_sections_are_listed_in_every_language_with_alternates(client, portal):
    root = parse(client.get("/sitemap-pages.xml"))
    urls = {url.find("sm:loc", NS).text: url for url in root.findall("sm:url", NS)}
    for language in LANGUAGES:
        for path in ("", "invest/", "work/", "study/", "live/", "travel/", "consume/"):
            location = f"http://testserver/{language}/{path}"
            assert location in urls, location
    work_en = urls["http://testserver/en/work/"]
    alternates = {link.get("hreflang"): link.get("href") for link in work_en.findall("xhtml:link", NS)}
    assert alternates["zh-Hans"] == "http://testserver/zh-hans/work/"
    assert alternates["ar"] == "http://testserver/ar/work/"
    assert len(alternates) == 9
    assert work_en.find("sm:lastmod", NS).text


def test_untranslated_page_has_only_its_real_alternates(client, portal):
    root = parse(client.get("/sitemap-pages.xml"))
    urls = {url.find("sm:loc", NS).text: url for url in root.findall("sm:url", NS)}
    guide = urls["http://testserver/en/work/work-permit/"]
    assert {link.get("hreflang") for link in guide.findall("xhtml:link", NS)} == {"en", "zh-Hans"}


def test_unpublished_pages_are_left_out(client, portal):
    portal.sections["travel"]["fr"].unpublish()
    root = parse(client.get("/sitemap-pages.xml"))
    locations = {loc.text for loc in root.findall("sm:url/sm:loc", NS)}
    assert "http://testserver/fr/travel/" not in locations
    assert "http://testserver/de/travel/" in locations


def test_sitemap_pages_hold_at_most_ten_thousand_urls(client, portal, settings):
    from cityportal.core.sitemaps import PageSitemap

    assert PageSitemap.limit == 10_000
    PageSitemap.limit = 20
    try:
        root = parse(client.get("/sitemap.xml"))
        pages = root.findall("sm:sitemap/sm:loc", NS)
        assert len(pages) > 1
        assert pages[1].text == "http://testserver/sitemap-pages.xml?p=2"
    finally:
        PageSitemap.limit = 10_000


def test_robots_txt_names_the_sitemap(client, db):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body
