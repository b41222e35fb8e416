"""The site-wide notice banner (templates/includes/site_notices.html)."""

from datetime import datetime

from babel import Locale
from babel.dates import format_skeleton, format_time
from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, gettext

from cityportal.core import i18n
from cityportal.core.templatetags.core_tags import BEIJING

from .. import notices

register = template.Library()


@register.simple_tag(takes_context=True)
def active_notices(context) -> list[notices.ShownNotice]:
    """The notices of the page's language showing now (cached: no query on a warm page)."""
    return notices.active_notices(get_language(), context.get("request"))


@register.filter
def notice_until(value: datetime | None) -> str:
    """“until 26 November, 18:00” in the visitor's language, in Beijing time (the year only when it
    is not this year's)."""
    if value is None:
        return ""
    language = get_language() or settings.FALLBACK_LANGUAGE_CODE
    locale = Locale.parse(i18n.BABEL_LOCALES.get(language, "en"))
    local = value.astimezone(BEIJING)
    skeleton = "MMMMd" if local.year == timezone.now().astimezone(BEIJING).year else "yMMMMd"
    day = format_skeleton(skeleton, local, tzinfo=BEIJING, locale=locale)
    time = format_time(local, "short", tzinfo=BEIJING, locale=locale)
    # The locale's own way of joining a date and a time ("{1}, {0}" in English).
    moment = locale.datetime_formats["medium"].format(time, day)
    return gettext("until %(moment)s (Beijing time)") % {"moment": moment}
