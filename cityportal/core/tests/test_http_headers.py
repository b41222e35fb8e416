"""Anonymous page views can be shared by an HTTP cache: no cookie, no Vary: Cookie, strict CSP."""

import pytest

from cityportal.conftest import LANGUAGES

PUBLIC_PATHS = ["/{lang}/", "/{lang}/work/", "/{lang}/travel/"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_set_no_cookie_and_are_cacheable(client, portal, language, path):
    response = client.get(path.format(lang=language))
    assert response.status_code == 200
    assert not response.cookies, "a plain page view must not set a cookie"
    assert "Cookie" not in response.get("Vary", "")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "s-maxage=60" in cache_control


def test_machine_readable_files_are_cacheable_and_cookie_free(client, portal):
    for path in ("/sitemap.xml", "/sitemap-pages.xml", "/robots.txt"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not response.cookies
        assert "public" in response["Cache-Control"]


def test_logged_in_visitors_are_never_served_from_the_shared_cache(admin_client, portal):
    response = admin_client.get("/en/work/")
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_public_pages_carry_a_strict_content_security_policy(client, portal):
    policy = client.get("/en/work/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "nonce-" not in policy
    assert directives["frame-ancestors"] == "'none'"


def test_admin_carries_its_own_looser_policy(admin_client, portal):
    policy = admin_client.get("/admin/")["Content-Security-Policy"]
    assert "'unsafe-inline'" in policy


def test_public_pages_have_no_inline_script_style_or_handler(client, portal):
    html = client.get("/ar/").content.decode()
    assert "<style" not in html
    assert " style=" not in html
    assert " onclick=" not in html and " onload=" not in html
    for chunk in html.split("<script")[1:]:
        assert chunk.lstrip().startswith("src=") or 'type="application/ld+json"' in chunk.split(">")[0]


def test_security_headers_are_present(client, portal):
    response = client.get("/en/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
