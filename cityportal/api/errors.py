"""The one error format of the API, and the handlers that turn every failure into it.

    {"error": {"code": "invalid_language", "message": "…", "fields": {"lang": ["…"]}}}

`code` is stable and meant for programs; `message` is written in the request's language; `fields`
maps a parameter to what is wrong with it (empty when the error is not about a parameter).
"""

import logging

from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.errors import HttpError, Throttled, ValidationError

from cityportal.core.i18n import bcp47

from .languages import language_for_error

logger = logging.getLogger(__name__)

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "server_error",
}


class ApiError(HttpError):
    """An error our own code raises: a status, a stable code, a translated message, per-field details."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        fields: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.fields = fields or {}
        self.headers = headers or {}  # e.g. Retry-After on a 429


def invalid_request(fields: dict[str, list[str]]) -> ApiError:
    """A 400 listing what is wrong with each field of a request body or query."""
    return ApiError(400, "invalid_request", _("The request is not valid."), fields=fields)


def status_message(status: int, **params) -> str:
    """The generic message for an HTTP status, in the active language."""
    messages = {
        400: _("The request is not valid."),
        401: _("Authentication is required."),
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        405: _("The method %(method)s is not allowed here.") % {"method": params.get("method", "")},
        409: _("The request conflicts with the current state of the resource."),
        413: _("The request is too large."),
        415: _("This content type is not supported."),
        429: _("Too many requests. Please try again later."),
    }
    return messages.get(status, _("Something went wrong on our side. Please try again later."))


def error_response(
    request, status: int, code: str, message: str, fields: dict | None = None, *, language: str | None = None
) -> JsonResponse:
    response = JsonResponse(
        {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Language"] = bcp47(language or translation.get_language())
    return response


def generic_error(request, status: int, **params) -> JsonResponse:
    """An error response for a bare status (404, 405, 429 …), in the request's language."""
    language = language_for_error(request)
    with translation.override(language):
        message = status_message(status, **params)
    return error_response(request, status, STATUS_CODES.get(status, "error"), message, language=language)


# Pydantic error types, explained with Django's own messages so every language already has them.
def field_message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind.startswith("date_"):  # date_parsing, date_from_datetime_parsing … (2026-02-30)
        return _("Enter a valid date.")
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {"limit_value": limit}
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": limit}
    return _("Enter a valid value.")


def field_name(loc) -> str:
    # ("query", "page") → "page"; ("body", "payload", "items", 0, "name") → "items.0.name"
    parts = [str(part) for part in loc[1:] if part not in ("payload",)] or [str(part) for part in loc]
    return ".".join(parts)


def handle_validation_error(request, exc: ValidationError) -> JsonResponse:
    language = language_for_error(request)
    fields: dict[str, list[str]] = {}
    with translation.override(language):
        for error in exc.errors:
            fields.setdefault(field_name(error.get("loc", ("",))), []).append(field_message(error))
        message = _("The request is not valid.")
    return error_response(request, 400, "invalid_request", message, fields, language=language)


def handle_http_error(request, exc: HttpError) -> JsonResponse:
    if isinstance(exc, ApiError):
        # Our own messages are written in language_for_error's choice (see params.use_language).
        response = error_response(
            request, exc.status_code, exc.code, exc.message, exc.fields, language=language_for_error(request)
        )
        for header, value in exc.headers.items():
            response[header] = value
        return response
    response = generic_error(request, exc.status_code)
    if isinstance(exc, Throttled) and exc.wait:
        response["Retry-After"] = str(exc.wait)
    return response


def handle_not_found(request, exc: Http404) -> JsonResponse:
    return generic_error(request, 404)


def handle_unexpected(request, exc: Exception) -> JsonResponse:
    # The client learns nothing about our code; the log gets the traceback.
    logger.error("Unhandled error in API %s %s", request.method, request.path, exc_info=exc)
    return generic_error(request, 500)


def register_handlers(api) -> None:
    api.add_exception_handler(ValidationError, handle_validation_error)
    api.add_exception_handler(HttpError, handle_http_error)
    api.add_exception_handler(Http404, handle_not_found)
    api.add_exception_handler(Exception, handle_unexpected)
