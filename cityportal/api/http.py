"""What every API URL shares at the HTTP level, wrapped around each view by urls.py.

- GET and HEAD only where the view says so; a wrong method is a 405 in the error format.
- A 200 GET is `public, max-age, s-maxage` (PUBLIC_PAGE_MAX_AGE), unless the view set its own
  Cache-Control, with a strong ETag over its body; If-None-Match with that ETag gets a 304.
  The API reads no session and sets no cookie.
- Content-Language is the language the response was answered in.
- An Http404 or unexpected exception that escapes ninja (the schema and docs views) still gets the
  error format; the traceback only goes to the log.
"""

import functools
import logging

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

from cityportal.core.i18n import bcp47

from .errors import generic_error

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD")
NOT_FOUND_NAME = "not-found"
# LocaleMiddleware answers a 404 outside the language prefixes with a redirect to /<lang>/<path>, where
# Wagtail's catch-all would serve an HTML page. An API 404 must stay a JSON 404, so API requests are
# marked as answered by a URLconf without language prefixes (only read by middleware on the way out).
API_URLCONF = "cityportal.api.root_urls"


def api_view(view, *, methods: tuple[str, ...] | None = None):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if methods is not None and request.method not in methods:
            return method_not_allowed(request, methods)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"  # ninja knows only GET; HEAD is the same response without the body
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = generic_error(request, 404)
        except Exception:  # noqa: BLE001 - the last resort: the client gets the error format, the log the traceback
            logger.exception("Unhandled error in API %s %s", request.method, request.path)
            response = generic_error(request, 500)
        finally:
            if head:
                request.method = "HEAD"
        is_json = response.get("Content-Type", "").startswith("application/json")
        if response.status_code == 405 and not is_json:  # ninja's own plain-text 405
            allowed = [method.strip() for method in response.get("Allow", "").split(",") if method.strip()]
            response = method_not_allowed(request, allowed)
        request.urlconf = API_URLCONF
        language = getattr(request, "api_language", None)
        # The schema and the docs page are written in English.
        response["Content-Language"] = bcp47(language) if language else response.get("Content-Language", "en")
        patch_vary_headers(response, ["Accept-Language"])
        if request.method in SAFE_METHODS and response.status_code == 200:
            if "Cache-Control" not in response:  # a view that changes by the minute sets its own
                max_age = settings.PUBLIC_PAGE_MAX_AGE
                patch_cache_control(response, public=True, max_age=max_age, s_maxage=max_age)
            set_response_etag(response)
            conditional = get_conditional_response(request, etag=response["ETag"], response=response)
            if conditional is not response:
                conditional["Content-Language"] = response.get("Content-Language", "")
                return conditional
        if head:
            response.content = b""
        return response

    wrapper.csrf_exempt = True  # no cookie-based authentication: a cross-site request gains nothing
    return wrapper


def method_not_allowed(request, allowed) -> JsonResponse:
    allowed = list(dict.fromkeys(allowed))
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.append("HEAD")
    response = generic_error(request, 405, method=request.method)
    response["Allow"] = ", ".join(allowed)
    return response


def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a 404 in the error format, or the redirect APPEND_SLASH would make."""
    if settings.APPEND_SLASH and not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != NOT_FOUND_NAME:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    raise Http404
