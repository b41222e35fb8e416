"""The browse page of all guides (filters, sorting, pages, counts) and the guides on section pages."""

import datetime
import re

import pytest

from cityportal.procedures.tests.sample_guides import add_plain_guides, build_guides


@pytest.fixture
def guides(portal):
    return build_guides(portal, ("en",))


def listed(html: str) -> list[str]:
    return re.findall(r'<a class="guide-list__title" href="[^"]+">([^<]+)</a>', html)


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select id="filter-{name}" name="{name}">(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', select)


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_lists_the_live_guides_of_its_language_a_to_z(client, guides):
    guides.permit["en"].unpublish()
    assert listed(get(client, "/en/guides/")) == ["Residence permit for work"]
    # Chinese titles in pinyin order: gōngzuò lèi … before wàiguórén …
    assert listed(get(client, "/zh-hans/guides/")) == ["工作类居留许可", "外国人来华工作许可"]


def test_sorts_by_last_review_on_request(client, guides):
    residence = guides.residence["en"]
    residence.last_reviewed = datetime.date(2025, 1, 1)
    residence.save_revision().publish()
    html = get(client, "/en/guides/?sort=reviewed")
    assert listed(html) == ["Work permit for foreigners", "Residence permit for work"]
    assert '<option value="reviewed" selected>' in html


def test_filters_combine_and_each_facet_counts_within_the_other_filters(client, guides):
    html = get(client, "/en/guides/")
    assert "2 guides" in html
    assert options(html, "section") == ["Work (2 guides)", "Live (1 guide)"]
    assert options(html, "audience") == ["Investors (1 guide)", "Employees (2 guides)"]

    html = get(client, "/en/guides/?section=live")
    assert listed(html) == ["Residence permit for work"]
    assert options(html, "audience") == ["Employees (1 guide)"]  # investors have no live-section guide
    assert options(html, "section") == ["Work (2 guides)", "Live (1 guide)"]  # its own filter left out

    html = get(client, "/en/guides/?audience=investors&department=beijing-hr")
    assert listed(html) == ["Work permit for foreigners"]
    assert options(html, "section") == ["Work (1 guide)"]
    assert options(html, "department") == ["Beijing Human Resources and Social Security Bureau (1 guide)"]
    assert '<option value="investors" selected>' in html


def test_unknown_values_are_ignored_with_a_notice(client, guides):
    html = get(client, "/en/guides/?section=mars&audience=%3Cb%3Ealiens&department=nope&sort=sideways&page=x")
    assert listed(html) == ["Residence permit for work", "Work permit for foreigners"]
    assert "There is no section “mars”" in html
    assert "There is no audience “&lt;b&gt;aliens”" in html
    assert "There is no department “nope”" in html
    assert "“sideways” is not a way to sort guides" in html


def test_twenty_guides_a_page_and_a_page_past_the_end_shows_the_last(client, guides):
    add_plain_guides(guides.index["en"], 23)  # 25 guides in all, each in one section
    html = get(client, "/en/guides/")
    assert len(listed(html)) == 20
    assert "Page 1 of 2" in html
    assert 'href="?page=2" rel="next"' in html
    assert len(listed(get(client, "/en/guides/?page=2"))) == 5
    last = get(client, "/en/guides/?page=99")
    assert "Page 2 of 2" in last and len(listed(last)) == 5
    assert "Page 1 of 2" in get(client, "/en/guides/?page=0")
    assert "Page 2 of 2" in get(client, "/en/guides/?page=" + "9" * 5000)
    assert "Page 1 of 2" in get(client, "/en/guides/?page=%C2%B2")  # a superscript two is no page number


def test_page_links_keep_the_filters_but_never_unknown_values(client, guides):
    add_plain_guides(guides.index["en"], 90)  # 30 of them for students
    html = get(client, "/en/guides/?audience=students&section=mars&sort=reviewed")
    links = re.findall(r'href="(\?[^"]*page=[^"]*)"', html)
    assert links == ["?audience=students&amp;sort=reviewed&amp;page=2"]


def test_links_to_the_finder_and_the_journeys(client, guides):
    html = get(client, "/en/guides/")
    assert 'href="/en/guides/finder/"' in html
    assert 'href="/en/journeys/"' in html


def test_section_page_lists_its_guides_a_to_z_and_its_journeys(client, guides):
    html = get(client, "/en/work/")
    section = html[html.index('id="section-guides-heading"') :]
    titles = re.findall(r'<li><a href="/en/guides/[^"]+">([^<]+)</a>', section)
    assert titles == ["Residence permit for work", "Work permit for foreigners"]
    assert 'href="/en/guides/?section=work"' in section
    assert 'href="/en/journeys/start-working/"' in html

    live = get(client, "/en/live/")
    assert "Residence permit for work" in live and "Work permit for foreigners" not in live
    assert "start-working" not in live
    assert 'id="section-guides-heading"' not in get(client, "/fr/work/")  # no French guides yet
