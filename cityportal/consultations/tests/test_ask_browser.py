"""“Ask a question” in Debian's Chromium: sent with the keyboard only (Tab, Space, Enter and the arrow
keys; no mouse) in English and Arabic with axe-core on the form and the reference page, and again
with JavaScript turned off, then found on the status page."""

import re

import pytest

from cityportal.core.tests.browser import serious_accessibility_violations

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"Q[0-9A-Z]{5}-[0-9A-Z]{5}")


def tab_to(tab, test: str, limit: int = 200) -> None:
    """Press Tab until the focused element passes `test`, a JavaScript expression over `el`."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        if tab.evaluate(f"(() => {{ const el = document.activeElement; return !!({test}); }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def tab_to_id(tab, element_id: str) -> None:
    tab_to(tab, f"el.id === {element_id!r}")


def press_enter_and_wait(tab) -> None:
    with tab.expect_navigation():
        tab.keyboard.press("Enter")


def ask_with_the_keyboard(tab, base_url: str, language: str, email: str, *, axe: bool) -> str:
    """Fill in and send the form from the keyboard; returns the reference the page shows."""
    tab.goto(f"{base_url}/{language}/ask/")
    assert tab.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    if axe:
        assert serious_accessibility_violations(tab) == [], tab.url

    tab_to_id(tab, "id_topic")
    for _ in range(4):
        tab.keyboard.press("ArrowDown")  # a closed select changes its choice with the arrow keys
    tab_to_id(tab, "id_question")
    tab.keyboard.type("Where do I register my address after moving to a new flat?")
    tab.keyboard.press("Enter")  # a new line in the question, not a submission
    tab.keyboard.type("Thank you.")
    tab_to_id(tab, "id_name")
    tab.keyboard.type("Amira Haddad")
    tab_to_id(tab, "id_email")
    tab.keyboard.type(email)
    tab_to_id(tab, "id_privacy_consent")
    tab.keyboard.press("Space")
    assert tab.locator("#id_topic").input_value() == "live"
    assert tab.locator("#id_privacy_consent").is_checked()
    tab_to(tab, "el.type === 'submit'")
    press_enter_and_wait(tab)

    reference = tab.locator(".question-reference").inner_text().strip()
    assert REFERENCE.fullmatch(reference), tab.locator("main").inner_text()
    if axe:
        assert serious_accessibility_violations(tab) == [], tab.url
    return reference


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_question_is_sent_with_the_keyboard_only_and_no_serious_accessibility_problems(
    server, page, language
):
    reference = ask_with_the_keyboard(page, server, language, f"amira.{language}@example.org", axe=True)
    assert reference in page.locator("main").inner_text()
    assert page.problems == []


def test_a_question_is_sent_and_found_again_without_javascript(server, browser):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    reference = ask_with_the_keyboard(tab, server, "en", "nojs@example.org", axe=False)

    # The status page, still from the keyboard, with the reference typed loosely.
    tab_to(tab, "el.matches('a.button')")
    press_enter_and_wait(tab)
    tab_to_id(tab, "id_reference")
    tab.keyboard.type(reference[1:].lower())
    tab_to_id(tab, "id_email")
    tab.keyboard.type("NoJS@example.org")
    tab_to(tab, "el.type === 'submit'")
    press_enter_and_wait(tab)
    main = tab.locator("main").inner_text()
    assert reference in main
    assert "Where do I register my address after moving to a new flat?\nThank you." in main
    context.close()


def test_the_character_counter_follows_the_question(server, page):
    page.goto(f"{server}/en/ask/")
    counter = page.locator(".ask-form__counter")
    assert counter.inner_text() == "Characters left: 4,000"
    page.locator("#id_question").fill("Twelve chars")
    page.wait_for_function("document.querySelector('.ask-form__counter').textContent.includes('3,988')")
