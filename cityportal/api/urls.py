"""The API at /api/v1/: ninja's operations, the OpenAPI schema, the docs page and a JSON 404 for the rest.

Mounted outside the language prefixes (cityportal/urls.py): the language is the `lang` parameter.
"""

from django.urls import URLPattern, re_path
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from . import http
from .appointments import router as appointments_router
from .errors import register_handlers
from .views import router


class Utf8JSONRenderer(JSONRenderer):
    # Chinese, Arabic … as UTF-8 rather than \uXXXX escapes: half the bytes or less, and readable.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="cityportal API",
    version="1",
    description=(
        "The portal's public content in nine languages, and appointment booking. "
        "Conventions (lang, errors, pagination, caching, protection of the POSTs): docs/api.md."
    ),
    urls_namespace="api-v1",
    openapi_url="/schema/",
    docs_url="/docs/",
    # Bundled Swagger UI files, no CDN; no validator badge (it would call validator.swagger.io).
    docs=Swagger(settings={"validatorUrl": None}),
    renderer=Utf8JSONRenderer(),
)
register_handlers(api)
api.add_router("", router)
api.add_router("", appointments_router)

# Views outside ninja's operations only answer GET and HEAD.
SAFE_ONLY = {"openapi-json", "openapi-view", "api-root"}


def wrapped(patterns):
    for pattern in patterns:
        methods = http.SAFE_METHODS if pattern.name in SAFE_ONLY else None
        yield URLPattern(
            pattern.pattern,
            http.api_view(pattern.callback, methods=methods),
            pattern.default_args,
            pattern.name,
        )


api_patterns, _app_name, namespace = api.urls
urlpatterns = [
    *wrapped(api_patterns),
    re_path(r"", http.api_view(http.not_found), name=http.NOT_FOUND_NAME),
]
app_name = namespace
