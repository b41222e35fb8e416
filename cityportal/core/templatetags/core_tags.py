"""Template tags every public page uses: language versions, locale formatting, Beijing time."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_currency, format_decimal
from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import i18n, navigation
from ..bidi import isolate_ltr_runs
from ..site_version import site_version

register = template.Library()

BEIJING = ZoneInfo(settings.TIME_ZONE)


def _babel_locale() -> str:
    return i18n.BABEL_LOCALES.get(get_language() or settings.FALLBACK_LANGUAGE_CODE, "en")


@register.simple_tag(takes_context=True)
def page_family(context, page):
    return navigation.page_family(page, context["request"])


@register.simple_tag(takes_context=True)
def home_versions(context):
    return navigation.home_versions(context["request"], get_language())


@register.filter
def bcp47(language_code: str) -> str:
    return i18n.bcp47(language_code)


@register.simple_tag
def text_direction() -> str:
    return "rtl" if i18n.is_rtl(get_language()) else "ltr"


@register.filter
def format_date(value: date | datetime | None, style: str = "long") -> str:
    """A date in the visitor's language; datetimes are first moved to Beijing time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(BEIJING).date()
    return babel_format_date(value, format=style, locale=_babel_locale())


@register.filter
def format_datetime(value: datetime | None, style: str = "medium") -> str:
    """A moment in Beijing time, written the visitor's way."""
    if value is None:
        return ""
    return babel_format_datetime(value, format=style, tzinfo=BEIJING, locale=_babel_locale())


@register.filter
def format_number(value) -> str:
    if value is None or value == "":
        return ""
    return format_decimal(Decimal(str(value)), locale=_babel_locale())


@register.filter
def format_cny(value) -> str:
    """An amount in yuan, e.g. "CN¥400.00" in English, "¥400.00" in Chinese, "400,00 CNY" in German."""
    if value is None or value == "":
        return ""
    return format_currency(Decimal(str(value)), "CNY", locale=_babel_locale())


@register.filter
def localized(page):
    """The page's translation in the active language, or the page itself when there is none."""
    if page is None:
        return None
    return page.localized


register.simple_tag(site_version, name="site_version")


@register.filter(is_safe=True)
def isolate_ltr(html):
    """On right-to-left pages, wrap Latin and numeric runs of the rendered HTML in <bdi>."""
    if not i18n.is_rtl(get_language()):
        return html
    return mark_safe(isolate_ltr_runs(str(html)))  # noqa: S308 - only adds <bdi> around escaped text
