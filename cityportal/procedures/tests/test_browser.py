"""Guides in a real browser (Debian's Chromium through Playwright): the issue's walk through in French,
Arabic and Japanese, the finder by keyboard and without JavaScript, and axe-core on every page type."""

import pytest

from cityportal.core.tests.browser import new_tab, portal_server, serious_accessibility_violations

pytestmark = pytest.mark.browser

BUILD_TREE_WITH_GUIDES = (
    "import django; django.setup(); "
    "from cityportal.procedures.tests.test_browser import build_tree; build_tree()"
)


def build_tree():
    """The core test tree plus the sample guides, translated into the languages walked through here."""
    from cityportal.conftest import build_portal
    from cityportal.core.taskqueue import run_queued_tasks
    from cityportal.procedures.tests.sample_guides import build_guides

    build_guides(build_portal(), ("en", "fr", "ar", "ja"))
    run_queued_tasks()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with portal_server(tmp_path_factory.mktemp("guides"), build=BUILD_TREE_WITH_GUIDES) as base_url:
        yield base_url


def test_french_visitor_finds_the_work_permit_from_the_work_section_and_follows_its_journey(server, page):
    page.goto(f"{server}/fr/")
    page.locator(".sections-nav__list").get_by_role("link", name="Work (fr)").click()
    page.get_by_role("link", name="Permis de travail pour étrangers").click()
    page.wait_for_url(f"{server}/fr/guides/work-permit/")
    assert page.locator("h1").inner_text() == "Permis de travail pour étrangers"
    assert page.locator(".material").count() == 2
    assert page.locator(".steps__step").count() == 2
    assert page.locator("#fee").is_visible()
    office = page.locator(".office-card")
    assert "Guichet des talents étrangers" in office.inner_text()
    assert office.locator('[lang="zh-Hans"]').inner_text() == "北京市朝阳区示例路8号"
    assert (
        page.locator('.journey-nav [aria-current="step"]').inner_text()
        == page.locator(".journey-nav__step--current a").inner_text()
    )
    page.locator(".journey-nav__title a").click()
    page.wait_for_url(f"{server}/fr/journeys/start-working/")
    assert page.locator(".step-by-step__step").count() == 2
    assert page.problems == []


def test_arabic_guide_is_mirrored_with_the_journey_on_the_left(server, page):
    page.goto(f"{server}/ar/guides/work-permit/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    body, aside = page.locator(".guide__body").bounding_box(), page.locator(".guide__aside").bounding_box()
    assert aside["x"] < body["x"], "the sidebar sits at the inline end, which is the left in Arabic"
    material = page.locator(".material").first.bounding_box()
    assert material["x"] + material["width"] > body["x"] + body["width"] - 2, "lists start on the right"


def test_japanese_guide_renders(server, page):
    response = page.goto(f"{server}/ja/guides/work-permit/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "外国人就労許可"
    assert page.locator(".office-card").count() == 1
    assert page.problems == []


def test_finder_answered_with_the_keyboard(server, page):
    page.goto(f"{server}/en/guides/finder/")
    for _ in range(60):  # from the top of the page to the first question
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "purpose":
            break
    page.keyboard.press("Space")  # chooses the focused answer: work
    page.keyboard.press("Tab")  # to the next question
    page.keyboard.press("Space")  # family: yes
    page.keyboard.press("Tab")  # to the button
    page.keyboard.press("Enter")
    page.wait_for_url("**/guides/finder/?purpose=work&family=yes&answered=1#results")
    links = page.locator(".finder__list a")
    assert links.all_inner_texts() == ["Work permit for foreigners", "Residence permit for work"]


def test_finder_works_without_javascript(browser, server):
    context, tab = new_tab(browser, java_script_enabled=False)
    tab.goto(f"{server}/fr/guides/finder/")
    tab.locator('label[for="answer-purpose-work"]').click()
    tab.get_by_role("main").get_by_role("button").click()  # not the header's search button
    tab.wait_for_url("**/fr/guides/finder/?purpose=work*")
    assert tab.locator(".finder__list a").count() == 2
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/en/guides/work-permit/",
        "/ar/guides/work-permit/",
        "/en/guides/",
        "/fr/guides/?section=work&audience=employees",
        "/en/journeys/start-working/",
        "/en/guides/finder/?purpose=work&answered=1",
        "/fr/work/",
    ],
)
def test_no_serious_accessibility_violations(server, page, path):
    page.goto(server + path)
    assert serious_accessibility_violations(page) == []
