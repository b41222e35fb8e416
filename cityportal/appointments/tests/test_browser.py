"""The booking flow in Debian's Chromium: with the keyboard only (Tab, Space, Enter, arrow keys; no mouse),
in English and in Arabic, with axe-core on every step; and again with JavaScript turned off.

The portal runs in its own process (core/tests/browser.py); a second process adds a service, an office
and a month of slots to its database before the tests start.
"""

import re

import pytest

from cityportal.core.tests.browser import portal_server, serious_accessibility_violations

pytestmark = pytest.mark.browser

SEED = (
    "import django; django.setup(); "
    "from cityportal.appointments.tests.test_browser import seed_booking_data; seed_booking_data()"
)


def seed_booking_data():
    """Run in the server's database: a confirmed calendar, one office and a service with slots."""
    from django.utils import timezone

    from cityportal.appointments.schedule import BEIJING
    from cityportal.appointments.services import ensure_slots
    from cityportal.appointments.tests.factories import AppointmentServiceFactory
    from cityportal.core.services.calendar import seed_calendar_year
    from cityportal.procedures.tests.factories import OfficeFactory

    today = timezone.now().astimezone(BEIJING).date()
    for year in (today.year, today.year + 1):
        seed_calendar_year(year, confirmed=True)
    office = OfficeFactory(name_en="Entry-Exit Service Hall", name_ar="قاعة خدمات الدخول والخروج")
    service = AppointmentServiceFactory(
        offices=[office],
        name_en="Residence permit biometrics",
        name_ar="أخذ البصمات لتصريح الإقامة",
        capacity_per_slot=5,
        min_notice_minutes=60,
    )
    ensure_slots(service, start=today, days=service.booking_window_days + 1)


@pytest.fixture(scope="module")
def booking_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("appointments")
    with portal_server(directory, seed=SEED) as base_url:
        yield base_url


# --- Keyboard helpers: focus moves only with Tab ---------------------------------------------------------


def tab_to(tab, test: str, limit: int = 250) -> None:
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


# A day after today: today's first free time may pass its notice period while the test runs.
LATER_DAY = "td:not([aria-current=date]) > .month__link"


def choose_a_day(tab) -> None:
    if tab.locator(LATER_DAY).count() == 0:  # nothing left this month: the next one
        tab_to(tab, "el.rel === 'next'")
        press_enter_and_wait(tab)
    tab_to(tab, f"el.matches({LATER_DAY!r})")
    press_enter_and_wait(tab)


def check_step(tab, *, rtl: bool, axe: bool) -> None:
    assert tab.locator("html").get_attribute("dir") == ("rtl" if rtl else "ltr")
    if axe:
        assert serious_accessibility_violations(tab) == [], tab.url


def book_with_the_keyboard(tab, base_url: str, language: str, person: int, *, axe: bool) -> str:
    """Every step from the service list to the confirmation; returns the booking reference shown."""
    rtl = language == "ar"
    tab.goto(f"{base_url}/{language}/appointments/")
    check_step(tab, rtl=rtl, axe=axe)

    tab_to(tab, "el.classList.contains('service-list__link')")
    press_enter_and_wait(tab)
    check_step(tab, rtl=rtl, axe=axe)
    assert tab.locator(
        '.office-facts [lang="zh-Hans"]'
    ).first.is_visible()  # the Chinese address for the taxi

    tab_to(tab, "el.matches('.office-choice a.button')")
    press_enter_and_wait(tab)
    check_step(tab, rtl=rtl, axe=axe)
    choose_a_day(tab)
    check_step(tab, rtl=rtl, axe=axe)

    tab_to(tab, "el.matches('a.slot')")
    press_enter_and_wait(tab)
    check_step(tab, rtl=rtl, axe=axe)

    tab_to_id(tab, "id_full_name")
    tab.keyboard.type(f"HADDAD AMIRA {chr(64 + person)}")
    tab_to_id(tab, "id_nationality")
    for _ in range(3):
        tab.keyboard.press("ArrowDown")  # a closed select changes its choice with the arrow keys
    tab_to_id(tab, "id_document_number")
    tab.keyboard.type(f"P{person:08d}")
    tab_to_id(tab, "id_email")
    tab.keyboard.type(f"amira{person}@example.org")
    tab_to_id(tab, "id_phone")
    tab.keyboard.type("+86 138 0000 0000")
    tab_to_id(tab, "id_document_consent")
    tab.keyboard.press("Space")
    assert tab.locator("#id_nationality").input_value() != ""
    assert tab.locator("#id_document_consent").is_checked()
    tab_to(tab, "el.type === 'submit' && el.value === 'review'")
    press_enter_and_wait(tab)
    check_step(tab, rtl=rtl, axe=axe)
    assert f"P{person:08d}" in tab.locator("main").inner_text()

    tab_to(tab, "el.type === 'submit' && el.value === 'confirm'")
    press_enter_and_wait(tab)
    check_step(tab, rtl=rtl, axe=axe)
    reference = tab.locator(".reference").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", reference)
    assert tab.locator("svg.booking-qr").count() == 1
    return reference


@pytest.mark.parametrize(("language", "person"), [("en", 1), ("ar", 2)])
def test_the_whole_flow_with_the_keyboard_only_and_no_serious_accessibility_problems(
    booking_server, page, language, person
):
    reference = book_with_the_keyboard(page, booking_server, language, person, axe=True)
    assert reference in page.locator("main").inner_text()
    assert page.problems == []


def test_the_whole_flow_without_javascript(booking_server, browser):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    reference = book_with_the_keyboard(tab, booking_server, "en", 3, axe=False)

    # Then find it again under "Manage a booking", still without JavaScript.
    tab.goto(f"{booking_server}/en/appointments/manage/")
    tab_to_id(tab, "id_reference")
    tab.keyboard.type(reference.lower())
    tab_to_id(tab, "id_email")
    tab.keyboard.type("amira3@example.org")
    tab_to(tab, "el.type === 'submit'")
    press_enter_and_wait(tab)
    assert "HADDAD AMIRA C" in tab.locator("main").inner_text()
    context.close()


def test_the_error_summary_links_to_each_field(booking_server, page):
    page.goto(f"{booking_server}/en/appointments/")
    tab_to(page, "el.classList.contains('service-list__link')")
    press_enter_and_wait(page)
    tab_to(page, "el.matches('.office-choice a.button')")
    press_enter_and_wait(page)
    choose_a_day(page)
    tab_to(page, "el.matches('a.slot')")
    press_enter_and_wait(page)
    tab_to_id(page, "id_email")
    page.keyboard.type("not-an-address")
    tab_to(page, "el.type === 'submit' && el.value === 'review'")
    press_enter_and_wait(page)
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    tab_to(page, "el.getAttribute('href') === '#id_email'")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert serious_accessibility_violations(page) == []
