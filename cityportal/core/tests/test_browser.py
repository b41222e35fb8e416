"""The portal in a real browser: Debian's Chromium driven by Playwright, with axe-core for accessibility.

A separate server process serves a small translated tree (built with the test factories) from its
own SQLite file, so the browser sees exactly what a visitor would, through a real HTTP server.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUILD_TREE = "import django; django.setup();from cityportal.conftest import build_portal; build_portal()"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Run the portal on 127.0.0.1 in its own process with a freshly built tree."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: run `make test`, which installs it with apt-get.")
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test`, which installs it with npm ci.")
    database = tmp_path_factory.mktemp("browser") / "db.sqlite3"
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="cityportal.settings.test", SQLITE_PATH=str(database))
    run = {"cwd": settings.BASE_DIR, "env": env, "check": True, "timeout": 600}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], **run)  # noqa: S603
    subprocess.run([sys.executable, "-c", BUILD_TREE], **run)  # noqa: S603
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urlopen(f"{base_url}/healthz", timeout=2):  # noqa: S310 - our own local server
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("The portal server did not start within 60 s.")
            time.sleep(0.3)
    yield base_url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # axe-core is injected as a script; the portal's CSP rightly forbids that, so the test context
    # bypasses CSP (the CSP itself is tested in test_http_headers).
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.problems = []
    tab.on("console", lambda message: message.type == "error" and tab.problems.append(message.text))
    tab.on("pageerror", lambda error: tab.problems.append(str(error)))
    yield tab
    context.close()


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
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document,"
        " {resultTypes: ['violations'], runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['nodes'][0]['html'][:120]}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []
