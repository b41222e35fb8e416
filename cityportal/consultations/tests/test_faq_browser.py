"""The FAQ pages in Debian's Chromium: voting with JavaScript (the thanks appears without a reload,
under the strict Content-Security-Policy) and without it (the page comes back with the thanks), and
axe-core on the English and Arabic pages and the figures."""

import pytest

from cityportal.core.tests.browser import new_tab, portal_server, serious_accessibility_violations

pytestmark = pytest.mark.browser

BUILD_TREE_WITH_FAQ = (
    "import django; django.setup(); "
    "from cityportal.consultations.tests.test_faq_browser import build_tree; build_tree()"
)
THANKS = "Thank you for your answer."


def build_tree():
    """The core test tree, the FAQ page in Chinese, English and Arabic, and a few entries."""
    from wagtail.models import Locale

    from cityportal.conftest import build_portal
    from cityportal.consultations.tests.factories import FAQEntryFactory
    from cityportal.consultations.tests.test_faq_pages import faq_pages
    from cityportal.core.taskqueue import run_queued_tasks

    faq_pages(build_portal(), ["en", "ar"])
    english, arabic = (Locale.objects.get(language_code=code) for code in ("en", "ar"))
    FAQEntryFactory(locale=english, section="work", question="How do I get a work permit?")
    FAQEntryFactory(locale=english, section="work", question="Can my spouse work?")
    FAQEntryFactory(locale=english, section="live", question="Where do I register my stay?")
    FAQEntryFactory(locale=english, section="travel", question="Which card do I need for the metro?")
    FAQEntryFactory(
        locale=arabic,
        section="live",
        question="أين أسجل إقامتي؟",
        answer="في مركز الشرطة القريب من مكان إقامتك خلال 24 ساعة.\n\nاحمل جواز سفرك.",
    )
    FAQEntryFactory(
        locale=arabic, section="study", question="كيف أجدد تأشيرة الدراسة؟", answer="في مكتب الدخول والخروج."
    )
    run_queued_tasks()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with portal_server(tmp_path_factory.mktemp("faq"), build=BUILD_TREE_WITH_FAQ) as base_url:
        yield base_url


def entry_named(tab, question: str):
    return tab.locator("details.faq-entry", has=tab.locator("summary", has_text=question))


def test_a_vote_with_javascript_shows_the_thanks_without_reloading(server, browser):
    context, tab = new_tab(browser)  # the real Content-Security-Policy: faq.js must work under it
    tab.goto(f"{server}/en/faq/")
    tab.evaluate("window.notReloaded = true")
    entry = entry_named(tab, "Can my spouse work?")
    # With the keyboard: open the answer, then Tab to "Yes" and press Enter.
    entry.locator("summary").focus()
    tab.keyboard.press("Enter")
    assert entry.get_attribute("open") is not None
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.value") == "yes"
    tab.keyboard.press("Enter")

    status = entry.locator(".faq-vote__status")
    status.get_by_text(THANKS).wait_for()
    assert tab.evaluate("window.notReloaded") is True
    assert tab.url == f"{server}/en/faq/"
    assert entry.locator("form").count() == 0
    assert tab.evaluate("document.activeElement.classList.contains('faq-vote__status')")
    assert entry_named(tab, "How do I get a work permit?").locator("form").count() == 1  # others untouched
    assert tab.problems == []
    context.close()


def test_a_vote_without_javascript_comes_back_with_the_thanks(server, browser):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{server}/en/faq/live/")
    entry = entry_named(tab, "Where do I register my stay?")
    entry.locator("summary").click()
    with tab.expect_navigation():
        entry.get_by_role("button", name="No").click()

    assert "/en/faq/live/?voted=" in tab.url and "#faq-" in tab.url
    voted = entry_named(tab, "Where do I register my stay?")
    assert voted.get_attribute("open") is not None
    assert THANKS in voted.locator(".faq-vote__status").inner_text()
    assert voted.locator("form").count() == 0
    context.close()


def test_a_vote_counts_in_this_month_s_figures(server, browser):
    context, tab = new_tab(browser)
    tab.goto(f"{server}/en/faq/travel/")
    entry = entry_named(tab, "Which card do I need for the metro?")
    entry.locator("summary").click()
    entry.get_by_role("button", name="Yes").click()
    entry.locator(".faq-vote__status").get_by_text(THANKS).wait_for()
    tab.goto(f"{server}/en/faq/figures/")
    current_month = tab.locator("tbody tr").first
    assert "(so far)" in current_month.locator("th").inner_text()
    assert "vote" in current_month.locator("td").last.inner_text()
    context.close()


@pytest.mark.parametrize(
    ("path", "direction"), [("/en/faq/", "ltr"), ("/ar/faq/", "rtl"), ("/ar/faq/figures/", "rtl")]
)
def test_no_serious_accessibility_problems(server, page, path, direction):
    page.goto(f"{server}{path}")
    assert page.locator("html").get_attribute("dir") == direction
    for summary in page.locator("details.faq-entry > summary").all():
        summary.click()  # axe checks the answers and the vote forms too
    assert serious_accessibility_violations(page) == [], path
    assert page.problems == []


def test_a_search_box_result_links_back_to_every_answer(server, page):
    page.goto(f"{server}/en/faq/")
    page.get_by_label("Search the answers").fill("spouse")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h2#faq-results-title").inner_text() == "One answer matches “spouse”"
    assert page.locator("details.faq-entry").count() == 1
    assert serious_accessibility_violations(page) == []
