"""The `lang` parameter: nine languages, their aliases, a strict 400 for anything else."""

import pytest

from cityportal.api.languages import parse_language
from cityportal.conftest import LANGUAGES

from .conftest import ENDPOINTS, error_of


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_portal_language_is_its_own_code(code):
    assert parse_language(code) == code


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("zh-CN", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("zh_CN", "zh-hans"),
        ("zh-hans-CN", "zh-hans"),
        ("zh", "zh-hans"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("EN", "en"),
        ("ar-EG", "ar"),
        ("pt-BR", None),
        ("pt", None),
        ("zh-TW", None),  # Traditional Chinese is not answered in Simplified
        ("zh-Hant", None),
        ("xx", None),
        ("", None),
        ("en;q=1", None),
        ("../en", None),
        ("a" * 40, None),
    ],
)
def test_aliases_map_to_our_languages_and_the_rest_are_refused(alias, code):
    if code is None:
        with pytest.raises(LookupError):
            parse_language(alias)
    else:
        assert parse_language(alias) == code


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(("lang", "content_language"), [("en", "en"), ("ar", "ar"), ("zh-hans", "zh-Hans")])
def test_every_endpoint_answers_in_the_requested_language(api_get, portal, endpoint, lang, content_language):
    response = api_get(endpoint, lang=lang)
    assert response.status_code == 200
    assert response["Content-Language"] == content_language


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("alias", "content_language"), [("zh-CN", "zh-Hans"), ("zh_CN", "zh-Hans"), ("en-US", "en")]
)
def test_every_endpoint_accepts_aliases(api_get, portal, endpoint, alias, content_language):
    response = api_get(endpoint, lang=alias)
    assert response.status_code == 200
    assert response["Content-Language"] == content_language


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("lang", ["pt-BR", "xx", ""])
def test_every_endpoint_refuses_an_unknown_language_in_the_error_format(api_get, portal, endpoint, lang):
    response = api_get(endpoint, lang=lang)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_language"
    assert list(error["fields"]) == ["lang"]
    assert "zh-Hans" in error["message"], "the message lists the languages we do serve"


def test_the_invalid_language_message_follows_accept_language(api_get, portal, settings):
    response = api_get("/api/v1/locales/", lang="pt-BR", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 400
    assert response["Content-Language"] == "fr"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_without_lang_accept_language_decides(api_get, portal, endpoint):
    response = api_get(endpoint, headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_without_lang_or_a_language_we_serve_english_is_used(api_get, portal, endpoint):
    assert api_get(endpoint)["Content-Language"] == "en"
    assert api_get(endpoint, headers={"Accept-Language": "pt-BR,pt;q=0.9"})["Content-Language"] == "en"


def test_lang_wins_over_accept_language(api_get, portal):
    response = api_get("/api/v1/locales/", lang="ar", headers={"Accept-Language": "de"})
    assert response["Content-Language"] == "ar"
