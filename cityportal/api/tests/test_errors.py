"""One error format for every failure: validation, unknown paths, wrong methods, limits, crashes."""

import logging

import pytest
from django.test import RequestFactory
from ninja.errors import HttpError, Throttled

from cityportal.api import views
from cityportal.api.urls import api

from .conftest import ENDPOINTS, error_of


def test_invalid_parameters_list_each_field_in_the_requested_language(api_get, portal):
    response = api_get("/api/v1/locales/", page="zero", page_size="1000", headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_request"
    assert set(error["fields"]) == {"page", "page_size"}
    assert error["fields"]["page"] == ["Saisissez un nombre entier."]  # Django's own catalogue
    assert "100" in error["fields"]["page_size"][0]
    assert response["Content-Language"] == "fr"


def test_a_valid_lang_parameter_sets_the_language_of_a_validation_error(api_get, portal):
    response = api_get("/api/v1/locales/", page="0", lang="de", headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert response["Content-Language"] == "de"
    assert "1" in error_of(response)["fields"]["page"][0]


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/", "/api/v1/locales/extra/"])
def test_unknown_api_paths_are_a_json_404_not_a_page_redirect(client, portal, path):
    response = client.get(path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_missing_trailing_slash_redirects_like_the_rest_of_the_site(client, portal):
    response = client.get("/api/v1/locales?lang=en")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/locales/?lang=en"


@pytest.mark.parametrize("path", [*ENDPOINTS, "/api/v1/schema/", "/api/v1/docs/"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_writing_to_a_read_only_url_is_a_405_in_the_error_format(client, portal, path, method):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD"


def rendered(exc, **headers):
    request = RequestFactory().get("/api/v1/locales/", headers=headers)
    return api.on_exception(request, exc)


def test_a_conflict_raised_by_a_service_uses_the_error_format():
    response = rendered(HttpError(409, "Slot already booked"), **{"Accept-Language": "en"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


def test_rate_limiting_uses_the_error_format_and_says_when_to_retry():
    response = rendered(Throttled(wait=30))
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert response["Retry-After"] == "30"


def test_an_unexpected_error_is_a_500_without_details_and_is_logged(api_get, portal, monkeypatch, caplog):
    def broken():
        raise RuntimeError("secret database password in a traceback")

    monkeypatch.setattr(views, "locale_entries", broken)
    with caplog.at_level(logging.ERROR, logger="cityportal.api"):
        response = api_get("/api/v1/locales/", lang="en")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "server_error"
    assert "secret" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert any("secret database password" in str(record.exc_info) for record in caplog.records)
    assert "public" not in response.get("Cache-Control", "")
