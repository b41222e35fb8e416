"""Language helpers shared by every app: which languages we serve and how each is written."""

from django.conf import settings
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

RTL_LANGUAGES = {"ar"}

# BCP 47 tags for <html lang> and hreflang: Django's "zh-hans" is written "zh-Hans" there.
BCP47 = {code: code for code, _name in settings.LANGUAGES} | {"zh-hans": "zh-Hans"}

# Babel locale identifiers used to format dates, numbers and money.
BABEL_LOCALES = {
    "zh-hans": "zh_Hans_CN",
    "en": "en",
    "ko": "ko_KR",
    "ja": "ja_JP",
    "de": "de_DE",
    "fr": "fr_FR",
    "es": "es_ES",
    "ru": "ru_RU",
    "ar": "ar",
}


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    """The language's own name for itself (the switcher shows each language in its own script)."""
    return dict(settings.LANGUAGES)[code]


def is_rtl(code: str) -> bool:
    return code in RTL_LANGUAGES


def bcp47(code: str) -> str:
    return BCP47.get(code, code)


def best_language_for(accept_language: str) -> str:
    """Pick the best of our languages for an Accept-Language header, English when nothing matches."""
    for tag, _quality in parse_accept_lang_header(accept_language or ""):
        if tag == "*":
            break
        try:
            return get_supported_language_variant(tag)
        except LookupError:
            continue
    return settings.FALLBACK_LANGUAGE_CODE


class LanguageTagged:
    """For records that carry a `language` (a Django code): its BCP 47 tag and text direction, as
    templates need them for `lang`, `hreflang` and `dir` attributes."""

    language: str

    @property
    def bcp47(self) -> str:
        return bcp47(self.language)

    @property
    def rtl(self) -> bool:
        return is_rtl(self.language)
