"""Parameters every endpoint takes."""

from typing import Annotated

from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query

from cityportal.core.i18n import bcp47, best_language_for, language_codes

from .errors import ApiError
from .languages import language_for_error, parse_language

LANG_DESCRIPTION = (
    "Language of the response: zh-hans, en, ko, ja, de, fr, es, ru or ar. Regional variants and "
    "aliases are accepted (zh-CN, zh_CN, zh-Hans, zh, en-US …); any other language is a 400 "
    "`invalid_language`. Without it, the Accept-Language header decides, then English."
)

# Every endpoint declares `lang: Lang = None` and calls use_language(request, lang) first.
Lang = Annotated[str | None, Query(description=LANG_DESCRIPTION, examples=["en", "zh-CN", "ar"])]


def use_language(request, lang: str | None) -> str:
    """Resolve the request's language, activate it and remember it for the Content-Language header.

    `lang` wins when given (an unknown value is a 400 `invalid_language`); without it the
    Accept-Language header decides, English when it names none of our languages.
    """
    if lang is None:
        code = best_language_for(request.headers.get("Accept-Language", ""))
    else:
        try:
            code = parse_language(lang)
        except LookupError:
            with translation.override(language_for_error(request)):
                message = _("“%(value)s” is not a supported language. Use one of: %(languages)s.") % {
                    "value": lang,
                    "languages": ", ".join(bcp47(code) for code in language_codes()),
                }
            raise ApiError(400, "invalid_language", message, fields={"lang": [message]}) from None
    translation.activate(code)
    request.api_language = code
    return code
