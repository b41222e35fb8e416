"""The Swagger UI docs page works in Chromium under the strict CSP and fetches nothing from elsewhere."""

import pytest

pytestmark = pytest.mark.browser


def test_docs_page_renders_the_operations_under_the_strict_policy(browser, server):
    # No bypass_csp here, unlike the accessibility tests: the real policy must let the page work.
    context = browser.new_context()
    tab = context.new_page()
    problems, requests = [], []
    tab.on("console", lambda message: message.type == "error" and problems.append(message.text))
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("request", lambda request: requests.append(request.url))
    response = tab.goto(f"{server}/api/v1/docs/")
    assert response.status == 200
    tab.get_by_text("/api/v1/sections/").first.wait_for(timeout=15_000)
    tab.get_by_text("/api/v1/locales/").first.wait_for()
    tab.wait_for_load_state("networkidle")
    context.close()
    assert problems == [], "no CSP violation or script error"
    foreign = [url for url in requests if not url.startswith(server) and not url.startswith("data:")]
    assert foreign == []
