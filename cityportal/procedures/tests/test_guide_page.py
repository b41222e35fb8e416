"""The guide page: what a visitor reads, in their language, and what machines read from it."""

import datetime
import json
import re

import pytest
from babel.dates import format_date

from cityportal.core.models import OfficeHours
from cityportal.core.tests.test_static_assets import gzipped_size, linked_assets
from cityportal.procedures.models import FeeKind
from cityportal.procedures.structured_data import gcj02_to_wgs84, wgs84_to_gcj02
from cityportal.procedures.tests.factories import ProcedurePageFactory, route, translate
from cityportal.procedures.tests.sample_guides import build_guides

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def guides(portal):
    return build_guides(portal, ("en", "fr", "ar"))


def main_html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_english_guide_shows_every_part_with_a_working_table_of_contents(client, guides):
    html = main_html(client, "/en/guides/work-permit/")
    assert "<h1>Work permit for foreigners</h1>" in html
    for anchor in re.findall(r'<a href="#([a-z-]+)">', html):
        assert f'id="{anchor}"' in html, f"the table of contents points at a missing #{anchor}"
    assert html.count('class="material"') == 2
    assert "学历证书" in html and "已在系统中备案的无需提供" in html  # material name and its exemption
    assert html.count('class="steps__step"') == 2
    assert html.count('class="office-card"') == 1
    assert "Investors, Employees" in html
    assert "Beijing Human Resources and Social Security Bureau" in html
    assert '<a href="tel:01055550100">010-5555-0100</a>' in html  # the department's phone
    assert 'href="https://apply.example.invalid/work-permit"' in html  # apply online
    assert 'href="https://apply.example.invalid/status"' in html  # check the status
    assert "No fee" in html
    assert '<a href="tel:01055550124">010-5555-0124</a>' in html  # complaints
    assert "<details" in html and "需要体检吗？" in html  # FAQs open without JavaScript
    assert "Last reviewed:" in html


def test_routes_show_both_time_limits_in_working_days_and_the_on_the_spot_decision(client, guides):
    html = main_html(client, "/en/guides/work-permit/")
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S)
    standard, pledge = rows[-2:]
    assert "20 working days" in standard and "10 working days" in standard and "1 visit" in standard
    assert "Decided on the spot" in pledge and "No visit needed" in pledge

    unknown = ProcedurePageFactory(
        parent=guides.index["zh-hans"],
        item_code="unknown-limits",
        routes=[route(statutory_days=None, committed_days=None, visits=None)],
    )
    translate(unknown, "en", title="Unknown limits")
    assert main_html(client, "/en/guides/unknown-limits/").count("See the official guide") >= 3


def test_fee_is_never_blank(client, guides):
    assert "CN¥400.00" in main_html(client, "/en/guides/residence-permit-work/")
    unknown = ProcedurePageFactory(
        parent=guides.index["zh-hans"], item_code="unknown-fee", fee_kind=FeeKind.SEE_OFFICIAL_GUIDE
    )
    translate(unknown, "en", title="Unknown fee")
    assert "See the official guide for the fee." in main_html(client, "/en/guides/unknown-fee/")


def test_french_guide_shows_the_office_in_french_with_the_chinese_address_beside(client, guides):
    html = main_html(client, "/fr/guides/work-permit/")
    assert "Guichet des talents étrangers" in html
    assert "8 rue Exemple, district de Chaoyang" in html
    assert '<span lang="zh-Hans">北京市朝阳区示例路8号</span>' in html
    assert "lundi" in html and "dimanche" in html  # weekdays named by Babel in French
    assert re.search(r"09:00\W+12:00, 13:30\W+17:00", html)  # the lunch break between two periods
    assert html.count('class="material"') == 2 and html.count('class="steps__step"') == 2
    expected = format_date(guides.permit["fr"].last_reviewed, format="long", locale="fr_FR")
    assert expected in html


def test_chinese_guide_does_not_repeat_the_chinese_address(client, guides):
    html = JSON_LD.sub("", main_html(client, "/zh-hans/guides/work-permit/"))
    assert html.count("北京市朝阳区示例路8号") == 1
    assert 'lang="zh-Hans"' not in html


def test_office_card_links_out_to_chinese_maps_without_embedding_them(client, guides):
    html = main_html(client, "/en/guides/work-permit/")
    assert f'href="{guides.office.amap_url().replace("&", "&amp;")}"' in html
    assert f'href="{guides.office.baidu_url().replace("&", "&amp;")}"' in html
    assert "<iframe" not in html
    assert not re.search(r"<script[^>]*\bsrc=", html)


def test_related_guides_are_linked_in_the_page_language_and_untranslated_ones_left_out(client, guides):
    chinese_only = ProcedurePageFactory(
        parent=guides.index["zh-hans"], item_code="chinese-only", title="仅中文"
    )
    permit = guides.permit["zh-hans"]
    permit.related = [("procedure", guides.residence["zh-hans"]), ("procedure", chinese_only)]
    permit.save_revision().publish()
    french = guides.permit["fr"]
    french.related = permit.related  # as wagtail-localize copies a chooser: it keeps the Chinese pages
    french.save_revision().publish()

    html = main_html(client, "/fr/guides/work-permit/")
    related = html[html.index('id="related"') :]
    assert 'href="/fr/guides/residence-permit-work/"' in related
    assert "Titre de séjour pour le travail" in related
    assert "chinese-only" not in related
    assert 'href="/zh-hans/guides/chinese-only/"' in main_html(client, "/zh-hans/guides/work-permit/")


def test_json_ld_describes_the_government_service(client, guides):
    data = json.loads(JSON_LD.search(main_html(client, "/en/guides/work-permit/")).group(1))
    assert data["@type"] == "GovernmentService"
    assert data["name"] == "Work permit for foreigners"
    assert data["url"].endswith("/en/guides/work-permit/")
    assert data["provider"]["@type"] == "GovernmentOrganization"
    assert data["provider"]["telephone"] == "010-5555-0100"
    office = data["availableChannel"][0]
    assert office["serviceLocation"]["address"]["streetAddress"] == "No. 8 Sample Road, Chaoyang District"
    geo = office["serviceLocation"]["geo"]
    # schema.org positions are WGS-84: the stored GCJ-02 point is moved back by a few hundred metres.
    assert (geo["latitude"], geo["longitude"]) == gcj02_to_wgs84(39.9489, 116.4134)
    assert {audience["audienceType"] for audience in data["audience"]} == {"Investors", "Employees"}
    assert data["availableChannel"][-1]["serviceUrl"] == "https://apply.example.invalid/work-permit"


def test_json_ld_cannot_be_closed_by_a_title(client, guides):
    english = guides.permit["en"]
    english.title = "Permit </script><script>alert(1)</script> & more"
    english.save_revision().publish()
    html = main_html(client, "/en/guides/work-permit/")
    assert "<script>alert(1)" not in html
    data = json.loads(JSON_LD.search(html).group(1))
    assert data["name"] == "Permit </script><script>alert(1)</script> & more"


def test_gcj02_positions_convert_back_to_wgs84():
    wgs = (39.9087, 116.3975)  # Tiananmen
    gcj = wgs84_to_gcj02(*wgs)
    assert 0.001 < abs(gcj[1] - wgs[1]) < 0.01, "the published offset in Beijing is a few hundred metres"
    assert gcj02_to_wgs84(*gcj) == pytest.approx(wgs, abs=1e-6)


def test_arabic_guide_is_right_to_left_with_phone_numbers_isolated(client, guides):
    response = client.get("/ar/guides/work-permit/")
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<a href="tel:01055550123"><bdi>010-5555-0123</bdi></a>' in html
    assert "تصريح العمل للأجانب" in html


def test_print_stylesheet_hides_navigation_and_writes_out_external_links(client, guides):
    html = client.get("/en/guides/work-permit/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/procedures.css">' in html
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/procedures.css"), encoding="utf-8").read()
    printed = css[css.index("@media print") :]
    assert ".toc" in printed and ".guide__aside" in printed
    assert 'a[rel~="external"]::after { content: " (" attr(href) ")"' in printed


def test_preview_shows_the_draft_even_when_the_live_page_is_cached(client, guides):
    english = guides.permit["en"]
    client.get("/en/guides/work-permit/")  # the live body is now cached
    english.summary = "A draft summary nobody has published."
    response = english.make_preview_request()
    assert "A draft summary nobody has published." in response.content.decode()
    assert "A draft summary" not in client.get("/en/guides/work-permit/").content.decode()


def test_last_reviewed_date_is_the_guides_own(client, guides):
    english = guides.permit["en"]
    english.last_reviewed = datetime.date(2026, 3, 2)
    english.save_revision().publish()
    assert '<time datetime="2026-03-02">March 2, 2026</time>' in main_html(client, "/en/guides/work-permit/")


def test_an_office_edit_reaches_cached_guide_pages_at_once(client, guides):
    assert "Closed" in main_html(client, "/en/guides/work-permit/")  # cached, with Saturday closed
    OfficeHours.objects.create(office=guides.office, weekday=5, opens="09:00", closes="12:00")
    saturday = re.search(r"Saturday</th><td>([^<]*)</td>", main_html(client, "/en/guides/work-permit/"))
    assert re.match(r"09:00\W+12:00$", saturday.group(1))


def test_guide_page_stays_within_the_weight_budget(client, guides):
    html = client.get("/en/guides/work-permit/").content
    css = b"".join(path.read_bytes() for path in linked_assets(html.decode(), "css"))
    assert gzipped_size(html + css) <= 60 * 1024
