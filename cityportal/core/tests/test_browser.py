"""The portal in a real browser: Debian's Chromium driven by Playwright, with axe-core for accessibility.

The `server`, `browser` and `page` fixtures (cityportal/conftest.py, core/tests/browser.py) serve a
small translated tree from a separate process, so the browser meets a real HTTP server.
"""

import pytest

from cityportal.core.tests.browser import serious_accessibility_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "ar"])
def test_home_page_loads_without_console_errors(server, page, language):
    response = page.goto(f"{server}/{language}/")
    assert response.status == 200
    page.wait_for_load_state("load")
    assert page.problems == []


def test_arabic_is_right_to_left_with_navigation_on_the_right(server, page):
    page.goto(f"{server}/ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    width = page.viewport_size["width"]
    links = page.locator(".sections-nav__list a")
    first, last = links.first.bounding_box(), links.last.bounding_box()
    assert first["x"] + first["width"] > width * 0.75, "the first section sits at the right edge"
    if abs(first["y"] - last["y"]) < 5:  # same row: later items run leftwards
        assert last["x"] < first["x"]
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > width / 2, "the portal name starts on the right"

    page.goto(f"{server}/en/")
    first_en = page.locator(".sections-nav__list a").first.bounding_box()
    assert first_en["x"] < width * 0.25, "in English the first section sits at the left"


def test_switcher_moves_from_english_section_to_its_arabic_translation(server, page):
    page.goto(f"{server}/en/work/")
    page.locator("details.languages summary").click()
    page.get_by_role("link", name="العربية").click()
    page.wait_for_url(f"{server}/ar/work/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "Work (ar)"


def test_pages_work_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{server}/en/work/")
    tab.locator("details.languages summary").click()
    tab.get_by_role("link", name="Deutsch").click()
    assert tab.url == f"{server}/de/work/"
    context.close()


@pytest.mark.parametrize("path", ["/{lang}/", "/{lang}/work/"])
@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_no_serious_accessibility_violations(server, page, path, language):
    page.goto(server + path.format(lang=language))
    assert serious_accessibility_violations(page) == []
