"""One pagination convention: ?page=&page_size=, {count, next, previous, results}, at most 100 a page."""

import pytest

from cityportal.api.pagination import MAX_PAGE_SIZE

from .conftest import ENDPOINTS, error_of


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_list_has_the_same_envelope(api_get, portal, endpoint):
    body = api_get(endpoint, lang="en").json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == len(body["results"])
    assert body["next"] is None and body["previous"] is None


def test_pages_link_to_each_other_keeping_the_other_parameters(api_get):
    first = api_get("/api/v1/locales/", lang="ar", page_size=4).json()
    assert first["count"] == 9
    assert [locale["code"] for locale in first["results"]] == ["zh-hans", "en", "ko", "ja"]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/locales/?lang=ar&page_size=4&page=2"
    second = api_get("/api/v1/locales/", lang="ar", page_size=4, page=2).json()
    assert second["previous"] == "http://testserver/api/v1/locales/?lang=ar&page_size=4&page=1"
    last = api_get("/api/v1/locales/", lang="ar", page_size=4, page=3).json()
    assert [locale["code"] for locale in last["results"]] == ["ar"]
    assert last["next"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page": "x"}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": MAX_PAGE_SIZE + 1}, "page_size"),
        ({"page_size": "all"}, "page_size"),
    ],
)
def test_out_of_bounds_parameters_are_refused_not_clamped(api_get, params, field):
    response = api_get("/api/v1/locales/", **params)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_request"
    assert list(error["fields"]) == [field]


def test_the_largest_page_size_is_allowed(api_get):
    assert api_get("/api/v1/locales/", page_size=MAX_PAGE_SIZE).status_code == 200


def test_a_page_past_the_last_is_a_404(api_get, db):
    response = api_get("/api/v1/locales/", lang="en", page=2)
    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "page_not_found"
    assert list(error["fields"]) == ["page"]
