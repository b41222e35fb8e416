"""Formatting for the FAQ pages and the service figures, in the visitor's language (Babel)."""

from datetime import date, timedelta

from babel.dates import format_skeleton, format_timedelta
from babel.numbers import format_percent
from django import template
from django.conf import settings
from django.utils.translation import get_language

from cityportal.core import i18n

register = template.Library()

# A median under two days reads best in hours ("36 hours"), from two days on in days ("3 days").
DAYS_FROM = 2


def _babel_locale() -> str:
    return i18n.BABEL_LOCALES.get(get_language() or settings.FALLBACK_LANGUAGE_CODE, "en")


@register.filter
def format_month(value: date | None) -> str:
    """ "March 2026", "2026년 3월", "مارس 2026": a month and year the language's way."""
    if value is None:
        return ""
    return format_skeleton("yMMMM", value, locale=_babel_locale())


@register.filter
def format_share(value: float | None) -> str:
    """A share as a percentage per locale ("88%", "88 %"); "" when there is none."""
    if value is None:
        return ""
    return format_percent(value, locale=_babel_locale())


@register.filter
def format_hours(value: float | None) -> str:
    """A duration given in hours, in hours below two days and in days from then on."""
    if value is None:
        return ""
    return format_timedelta(
        timedelta(hours=value), threshold=DAYS_FROM, granularity="minute", locale=_babel_locale()
    )
