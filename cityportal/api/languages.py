"""Which language an API request is answered in: strict parsing of `lang`, negotiation by default."""

import re

from django.utils.translation import get_supported_language_variant

from cityportal.core.i18n import best_language_for

# Letters, digits, hyphens and underscores only; long enough for any real tag (RFC 5646 advises 35).
LANGUAGE_TAG = re.compile(r"[a-z]{1,8}(-[a-z0-9]{1,8})*")


def parse_language(value: str) -> str:
    """One of our nine language codes for a tag, or LookupError.

    Regional variants and aliases map to the language (en-US → en, zh-CN and zh_CN → zh-hans, a bare
    zh → zh-hans), but a tag naming another language is refused: zh-TW (Traditional Chinese) is not
    answered in Simplified Chinese, nor pt-BR in anything.
    """
    tag = value.strip().replace("_", "-").lower()
    if len(tag) > 35 or not LANGUAGE_TAG.fullmatch(tag):
        raise LookupError(value)
    try:
        return get_supported_language_variant(tag, strict=True)
    except LookupError:
        if "-" in tag:
            raise
        # A bare primary subtag ("zh") stands for our one variant of it ("zh-hans").
        return get_supported_language_variant(tag)


def language_for_error(request) -> str:
    """The language to write an error message in: the request's own when it is valid, else negotiated."""
    resolved = getattr(request, "api_language", None)
    if resolved:
        return resolved
    value = request.GET.get("lang")
    if value:
        try:
            return parse_language(value)
        except LookupError:
            pass
    return best_language_for(request.headers.get("Accept-Language", ""))
