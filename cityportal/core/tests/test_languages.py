"""Visitors reach the portal in their language: the / redirect, <html lang/dir>, the switcher."""

import pytest
from django.utils import translation

from cityportal.conftest import LANGUAGES
from cityportal.core.i18n import best_language_for


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ar,en;q=0.8", "ar"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans"),
        ("de-AT,de;q=0.9", "de"),
        ("pt-BR,it;q=0.8", "en"),  # nothing we have: English
        ("", "en"),
        ("ko-KR", "ko"),
        ("ja", "ja"),
        ("fr-CA;q=0.5,es;q=0.9", "es"),
    ],
)
def test_best_language_follows_accept_language(header, expected):
    assert best_language_for(header) == expected


def test_root_redirects_by_accept_language_and_is_never_shared(client, portal):
    response = client.get("/", headers={"accept-language": "ru-RU,ru;q=0.9"})
    assert response.status_code == 302
    assert response["Location"] == "/ru/"
    assert "Accept-Language" in response["Vary"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_root_redirects_to_english_when_nothing_matches(client, portal):
    response = client.get("/", headers={"accept-language": "sw"})
    assert response["Location"] == "/en/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_carries_language_and_direction(client, portal, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    expected_lang = "zh-Hans" if language == "zh-hans" else language
    expected_dir = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{expected_lang}" dir="{expected_dir}">' in html
    assert response["Content-Language"] == language


def test_section_page_lists_hreflang_alternates_and_canonical(client, portal):
    html = client.get("/en/work/").content.decode()
    for language in LANGUAGES:
        tag = "zh-Hans" if language == "zh-hans" else language
        assert f'hreflang="{tag}" href="http://testserver/{language}/work/"' in html
    assert '<link rel="canonical" href="http://testserver/en/work/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/en/work/">' in html


def test_switcher_leads_to_the_same_page_in_every_language(client, portal):
    html = client.get("/en/work/").content.decode()
    for language in LANGUAGES:
        assert f'<a href="/{language}/work/" hreflang=' in html


def test_switcher_falls_back_to_nearest_translated_ancestor_and_says_so(client, portal):
    response = client.get("/en/work/work-permit/")
    html = response.content.decode()
    assert '<a href="/zh-hans/work/work-permit/"' in html  # translated: the page itself
    assert '<a href="/ar/work/" hreflang="ar"' in html  # not translated: its section
    assert "languages__note" in html
    # hreflang alternates only name real translations
    assert 'hreflang="ar" href="http://testserver/ar/work/"' not in html
    assert 'hreflang="zh-Hans" href="http://testserver/zh-hans/work/work-permit/"' in html


def test_breadcrumbs_show_the_path_in_the_page_language(client, portal):
    html = client.get("/en/work/work-permit/").content.decode()
    crumbs = html[html.index('class="breadcrumbs"') : html.index("</nav>", html.index('class="breadcrumbs"'))]
    assert "Home en" in crumbs and "Work (en)" in crumbs and 'aria-current="page">Work permit' in crumbs


def test_not_found_page_is_localised(client, portal):
    response = client.get("/de/gibt-es-nicht/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="de" dir="ltr">' in html
    with translation.override("de"):
        heading = translation.gettext("Page not found")
    assert heading != "Page not found"
    assert f"<h1>{heading}</h1>" in html


def test_arabic_not_found_page_is_right_to_left(client, portal):
    response = client.get("/ar/missing-page/")
    assert response.status_code == 404
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_switcher_follows_a_new_translation_at_once(client, portal):
    from cityportal.home.tests.factories import translate

    assert '<a href="/ar/work/" hreflang="ar"' in client.get("/en/work/work-permit/").content.decode()
    translate(portal.guide["zh-hans"], "ar", title="تصريح العمل")  # publishing changes the site version
    html = client.get("/en/work/work-permit/").content.decode()
    assert '<a href="/ar/work/work-permit/" hreflang="ar"' in html
    assert 'hreflang="ar" href="http://testserver/ar/work/work-permit/"' in html
