"""API responses can be kept by an HTTP cache: public, short-lived, validated by ETag, no cookie."""

import pytest

from .conftest import ENDPOINTS


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, "/api/v1/schema/", "/api/v1/docs/"])
def test_responses_are_public_cacheable_and_set_no_cookie(api_get, portal, endpoint):
    response = api_get(endpoint)
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert "Cookie" not in response.get("Vary", "")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=60" in cache_control
    assert response["ETag"].startswith('"')


def test_a_logged_in_editor_gets_the_same_cacheable_response(admin_client, portal):
    # The API reads no session: an editor's session cookie changes nothing, so the response stays public.
    response = admin_client.get("/api/v1/sections/", {"lang": "en"})
    assert "public" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_matching_etag_gets_a_304_with_the_same_headers(api_get, portal, endpoint):
    first = api_get(endpoint, lang="ar")
    again = api_get(endpoint, lang="ar", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "public" in again["Cache-Control"]
    assert again["Content-Language"] == "ar"


def test_each_language_has_its_own_etag(api_get, portal):
    english = api_get("/api/v1/sections/", lang="en")["ETag"]
    arabic = api_get("/api/v1/sections/", lang="ar")["ETag"]
    assert english != arabic
    assert api_get("/api/v1/sections/", lang="en", headers={"If-None-Match": arabic}).status_code == 200


def test_head_answers_like_get_without_a_body(client, portal):
    get = client.get("/api/v1/locales/", {"lang": "en"})
    head = client.head("/api/v1/locales/", {"lang": "en"})
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]


def test_errors_are_not_shared_by_caches(api_get, portal):
    response = api_get("/api/v1/locales/", lang="xx")
    assert response.status_code == 400
    assert "public" not in response["Cache-Control"]
