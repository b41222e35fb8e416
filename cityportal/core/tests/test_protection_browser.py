"""The proof-of-work solver in a real browser: Chromium fetches a challenge, solves it with Web Crypto
under the portal's strict CSP, fills the hidden field, and the form is accepted."""

import pytest

from cityportal.core.tests.browser import new_tab, portal_server, serious_accessibility_violations

pytestmark = pytest.mark.browser

SETTINGS = "cityportal.core.tests.protection_settings"


@pytest.fixture(scope="module")
def form_server(tmp_path_factory):
    """The portal with the test-only question form, in its own process on 127.0.0.1."""
    with portal_server(tmp_path_factory.mktemp("protection"), SETTINGS) as base_url:
        yield base_url


@pytest.fixture
def strict_page(browser):
    # Unlike the shared `page`, CSP stays on: the solver must work under the real policy.
    context, tab = new_tab(browser)
    yield tab
    context.close()


def fill(tab):
    tab.get_by_label("Your name").fill("Amira")
    tab.get_by_label("Email address").fill("amira@example.org")
    tab.get_by_label("Your question").fill("Where do I renew my visa?")


def test_the_solver_fills_the_challenge_and_the_form_is_accepted(form_server, strict_page):
    strict_page.goto(f"{form_server}/en/protection-test/ask-js/")
    fill(strict_page)
    with strict_page.expect_request(lambda request: request.method == "POST") as posted:
        strict_page.get_by_role("button", name="Send").click()
    assert "altcha=" in posted.value.post_data
    assert "altcha=&" not in posted.value.post_data, "the hidden field was sent empty"
    strict_page.wait_for_load_state("load")
    assert "Your reference is" in strict_page.locator("main").inner_text()
    assert strict_page.problems == []


def test_without_javascript_the_required_challenge_is_explained(form_server, browser):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{form_server}/en/protection-test/ask-js/")
    assert "needs JavaScript" in tab.locator("main").inner_text()
    fill(tab)
    tab.get_by_role("button", name="Send").click()
    summary = tab.locator(".error-summary")
    assert "This form needs JavaScript" in summary.inner_text()
    context.close()


def test_the_honeypot_is_invisible_and_out_of_the_tab_order(form_server, strict_page):
    strict_page.goto(f"{form_server}/en/protection-test/ask/")
    assert not strict_page.locator("input[name=website]").is_visible()
    names = []
    for _step in range(6):
        strict_page.keyboard.press("Tab")
        names.append(strict_page.evaluate("document.activeElement.name || ''"))
    assert "website" not in names


def test_the_form_with_its_error_summary_has_no_serious_accessibility_violations(form_server, page):
    page.goto(f"{form_server}/en/protection-test/ask/")
    page.get_by_label("Email address").fill("not-an-address")
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.locator(".error-summary a[href='#id_email']").click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert serious_accessibility_violations(page) == []
