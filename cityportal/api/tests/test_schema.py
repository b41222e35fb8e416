"""The OpenAPI schema is valid OpenAPI 3 and the docs page is served by the portal alone, under its CSP."""

import re

import pytest

from .conftest import ENDPOINTS

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def schema(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_the_schema_is_structurally_valid_openapi_3(schema):
    assert re.fullmatch(r"3\.\d+\.\d+", schema["openapi"])
    assert schema["info"]["title"] and schema["info"]["version"]
    assert schema["paths"]
    operation_ids = []
    for path, operations in schema["paths"].items():
        assert path.startswith("/api/v1/") and path.endswith("/")
        for method, operation in operations.items():
            assert method in HTTP_METHODS
            operation_ids.append(operation["operationId"])
            assert operation["responses"]
            for status, response in operation["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d|[1-5]XX|default", status)
                assert response["description"]
            for parameter in operation.get("parameters", []):
                assert parameter["in"] in {"query", "path", "header", "cookie"}
                assert parameter["name"] and "schema" in parameter
    assert len(operation_ids) == len(set(operation_ids)), "operationIds are unique"
    components = schema["components"]["schemas"]
    for ref in refs(schema):
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in components, f"dangling {ref}"


def test_the_schema_lists_the_endpoints(schema):
    assert sorted(schema["paths"]) == [
        "/api/v1/appointment-services/",
        "/api/v1/appointment-services/{service_id}/slots/",
        "/api/v1/bookings/",
        "/api/v1/bookings/cancel/",
        "/api/v1/bookings/lookup/",
        "/api/v1/challenges/",
        "/api/v1/locales/",
        "/api/v1/sections/",
    ]
    assert ENDPOINTS == ["/api/v1/appointment-services/", "/api/v1/locales/", "/api/v1/sections/"]


def test_every_operation_takes_lang_and_documents_the_error_format(schema):
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            names = [parameter["name"] for parameter in operation["parameters"]]
            assert "lang" in names, path
            error = operation["responses"]["400"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorResponse"}
    error_detail = schema["components"]["schemas"]["ErrorDetail"]
    assert set(error_detail["required"]) == {"code", "message", "fields"}


def test_every_list_documents_the_pagination_envelope(schema):
    for path in ENDPOINTS:
        operation = schema["paths"][path]["get"]
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"page", "page_size"} <= names
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        paged = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert set(paged["properties"]) == {"count", "next", "previous", "results"}


def test_the_docs_page_loads_only_the_portals_own_files(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert urls, "the page links its scripts and stylesheet"
    assert all(url.startswith("/static/") for url in urls), urls
    assert "//" not in "".join(urls)
    assert '"validatorUrl": null' in html, "no badge from validator.swagger.io"
    assert '"url": "/api/v1/schema/"' in html
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_docs_page_has_no_inline_script_and_keeps_the_strict_policy(client, db):
    response = client.get("/api/v1/docs/")
    html = response.content.decode()
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        # Only external scripts, or a JSON data block (never executed, so outside script-src).
        assert 'src="/static/' in attributes or (
            'type="application/json"' in attributes and body.strip().startswith("{")
        ), attributes
    assert not re.search(r"\son[a-z]+\s*=", html), "no inline event handler"
    assert "<style" not in html and "style=" not in html
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
