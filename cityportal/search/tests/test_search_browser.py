"""Search in Debian's Chromium: from the header's box in English, Arabic and Chinese to the residence
permit guide, the suggestions with the keyboard (under the real Content-Security-Policy), the whole
search without JavaScript, and axe-core on the results pages."""

import re

import pytest

from cityportal.core.tests.browser import new_tab, portal_server, serious_accessibility_violations

pytestmark = pytest.mark.browser

BUILD_TREE_WITH_GUIDES = (
    "import django; django.setup(); "
    "from cityportal.search.tests.test_search_browser import build_tree; build_tree()"
)
RESIDENCE = {
    "en": ("residence permit", "Residence permit for work"),
    "ar": ("تصريح الإقامة", "تصريح الإقامة للعمل"),
    "zh-hans": ("居留许可", "工作类居留许可"),
}
GUIDE_PATH = "/{language}/guides/residence-permit-work/"


def build_tree():
    """The core test tree and the sample guides in Chinese, English and Arabic, indexed."""
    from cityportal.conftest import build_portal
    from cityportal.core.taskqueue import run_queued_tasks
    from cityportal.procedures.tests.sample_guides import build_guides

    build_guides(build_portal(), ("en", "ar"))
    run_queued_tasks()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with portal_server(tmp_path_factory.mktemp("search"), build=BUILD_TREE_WITH_GUIDES) as base_url:
        yield base_url


def header_box(tab):
    return tab.locator("#site-search-query")


@pytest.mark.parametrize("language", RESIDENCE)
def test_a_visitor_searches_from_the_header_and_opens_the_residence_permit_guide(server, browser, language):
    query, title = RESIDENCE[language]
    context, tab = new_tab(browser)  # the real Content-Security-Policy: search.js must work under it
    tab.goto(f"{server}/{language}/work/")
    header_box(tab).fill(query)
    with tab.expect_navigation():
        header_box(tab).press("Enter")

    assert re.search(rf"/{language}/search/\?q=", tab.url)
    assert tab.locator("#search-query").input_value() == query  # the query stays in the results' box
    first = tab.locator(".search-hit__title a").first
    assert first.inner_text() == title
    assert first.locator("mark").count() >= 1
    first.click()
    tab.wait_for_url(f"{server}{GUIDE_PATH.format(language=language)}")
    assert tab.locator("h1").inner_text() == title
    assert tab.problems == []
    context.close()


def test_the_arabic_results_page_is_mirrored(server, page):
    page.goto(f"{server}/ar/search/?q=تصريح")
    assert page.locator("html").get_attribute("dir") == "rtl"
    filters = page.locator(".search-facets").bounding_box()
    results = page.locator(".search__results").bounding_box()
    assert filters["x"] > results["x"], "the filters sit at the inline start, which is the right in Arabic"


def test_suggestions_are_chosen_with_the_keyboard(server, browser):
    context, tab = new_tab(browser)
    tab.goto(f"{server}/en/work/")
    box = header_box(tab)
    box.focus()
    tab.keyboard.type("resid", delay=40)

    listbox = tab.get_by_role("listbox", name="Suggestions")
    listbox.get_by_role("option", name=re.compile("Residence permit for work")).wait_for()
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
    options = listbox.get_by_role("option")

    tab.keyboard.press("ArrowDown")
    first = options.first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert tab.evaluate("document.activeElement.id") == "site-search-query"  # the focus stays in the box
    tab.keyboard.press("ArrowUp")  # from the first option up to the last
    assert options.last.get_attribute("aria-selected") == "true"

    tab.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert listbox.is_hidden()
    assert box.input_value() == "resid"
    assert not box.get_attribute("aria-activedescendant")

    tab.keyboard.press("ArrowDown")  # opens the list again on its first option
    assert box.get_attribute("aria-expanded") == "true"
    chosen = tab.locator("#" + box.get_attribute("aria-activedescendant")).inner_text()
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.locator("h1").inner_text() in chosen
    assert "/search/" not in tab.url
    assert tab.problems == []
    context.close()


def test_enter_without_choosing_a_suggestion_searches(server, browser):
    context, tab = new_tab(browser)
    tab.goto(f"{server}/en/")
    header_box(tab).focus()
    tab.keyboard.type("permit", delay=40)
    tab.get_by_role("listbox", name="Suggestions").get_by_role("option").first.wait_for()
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.url == f"{server}/en/search/?q=permit"
    context.close()


def test_search_works_without_javascript(server, browser):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{server}/en/")
    assert header_box(tab).get_attribute("role") is None  # a plain search field: nothing to enhance
    tab.get_by_role("searchbox", name="Search the portal").fill("permit")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Search").first.click()

    assert tab.url == f"{server}/en/search/?q=permit"
    assert tab.locator(".search-hit").count() >= 2
    tab.get_by_role("link", name=re.compile(r"^Procedure guides")).click()
    tab.wait_for_url(f"{server}/en/search/?q=permit&kind=guide")
    assert (
        tab.locator('.search-facet a[aria-current="true"]').first.inner_text().startswith("Procedure guides")
    )
    tab.locator(".search-hit__title a", has_text="Residence permit for work").click()
    tab.wait_for_url(f"{server}{GUIDE_PATH.format(language='en')}")
    context.close()


@pytest.mark.parametrize(
    "path",
    ["/en/search/?q=permit", "/ar/search/?q=تصريح", "/zh-hans/search/?q=居留许可", "/en/search/?q=zebraquux"],
)
def test_no_serious_accessibility_problems(server, page, path):
    page.goto(f"{server}{path}")
    assert serious_accessibility_violations(page) == [], path
    assert page.problems == []


def test_no_serious_accessibility_problems_with_the_suggestions_open(server, page):
    page.goto(f"{server}/en/")
    header_box(page).focus()
    page.keyboard.type("resid", delay=40)
    page.get_by_role("listbox", name="Suggestions").get_by_role("option").first.wait_for()
    page.keyboard.press("ArrowDown")
    assert serious_accessibility_violations(page) == []
