import json

import pytest

from cityportal.api.urls import api

API = "/api/v1"


def get_endpoints() -> list[str]:
    """Every GET list the schema declares: tests parametrised with it cover new endpoints too.

    Paths with a parameter in them (…/{service_id}/slots/) need real ids and are tested on their own.
    """
    schema = api.get_openapi_schema(path_prefix=f"{API}/")
    return sorted(
        path for path, operations in schema["paths"].items() if "get" in operations and "{" not in path
    )


ENDPOINTS = get_endpoints()


@pytest.fixture
def api_get(client):
    def get(path, **params):
        headers = params.pop("headers", {})
        return client.get(path, params, headers=headers)

    return get


def error_of(response) -> dict:
    """The error object of a response, after checking it has the one error format and nothing else."""
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error
