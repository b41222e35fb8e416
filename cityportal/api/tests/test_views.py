"""GET /api/v1/locales/ and GET /api/v1/sections/: content, languages, query counts."""

import pytest

from cityportal.conftest import LANGUAGES
from cityportal.core.sections import Section
from cityportal.home.models import SectionPage


def test_locales_lists_the_nine_languages_with_tag_name_and_direction(api_get):
    body = api_get("/api/v1/locales/", lang="en").json()
    assert body["count"] == 9
    assert [locale["code"] for locale in body["results"]] == LANGUAGES
    by_code = {locale["code"]: locale for locale in body["results"]}
    assert by_code["zh-hans"] == {
        "code": "zh-hans",
        "tag": "zh-Hans",
        "native_name": "简体中文",
        "name": "Simplified Chinese",
        "direction": "ltr",
    }
    assert by_code["ar"]["direction"] == "rtl"
    assert by_code["ar"]["native_name"] == "العربية"


def test_locale_names_are_given_in_the_requested_language(api_get):
    names = {
        locale["code"]: locale["name"] for locale in api_get("/api/v1/locales/", lang="de").json()["results"]
    }
    assert names["en"] == "Englisch"
    names = {
        locale["code"]: locale["name"]
        for locale in api_get("/api/v1/locales/", lang="zh-hans").json()["results"]
    }
    assert names["en"] == "英语"


def test_locales_need_no_query(api_get, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert api_get("/api/v1/locales/", lang="ar").status_code == 200


@pytest.mark.parametrize(("lang", "prefix"), [("en", "/en/"), ("ar", "/ar/"), ("zh-hans", "/zh-hans/")])
def test_sections_link_to_the_section_pages_of_the_requested_language(api_get, portal, lang, prefix):
    body = api_get("/api/v1/sections/", lang=lang).json()
    assert body["count"] == 6
    assert [item["section"] for item in body["results"]] == list(Section.values)
    work = next(item for item in body["results"] if item["section"] == "work")
    page = portal.sections["work"][lang]
    assert work["title"] == page.title
    assert work["url"] == page.get_full_url()
    assert prefix + "work/" in work["url"]


def test_section_names_are_translated(api_get, portal):
    names = {
        lang: next(item["name"] for item in api_get("/api/v1/sections/", lang=lang).json()["results"])
        for lang in ("en", "zh-hans", "ar")
    }
    assert names["en"] == "Invest"
    assert names["zh-hans"] != "Invest"
    assert names["ar"] != "Invest"


def test_a_section_without_a_live_page_in_that_language_has_no_url(api_get, portal):
    SectionPage.objects.filter(section="travel", locale__language_code="ko").update(live=False)
    travel = next(
        item
        for item in api_get("/api/v1/sections/", lang="ko").json()["results"]
        if item["section"] == "travel"
    )
    assert travel["url"] is None and travel["title"] is None
    assert travel["name"], "the section is still listed, with its name"


def test_sections_cost_one_query_whatever_the_language(api_get, portal, django_assert_num_queries):
    api_get("/api/v1/sections/", lang="en")  # warms Wagtail's cached site root paths
    for lang in ("en", "ar", "zh-hans"):
        with django_assert_num_queries(1):
            assert api_get("/api/v1/sections/", lang=lang).status_code == 200
