"""Template tags of the procedure guides: opening hours in the visitor's language, phone links, and
the guides and journeys listed on a section page (so that `home` never imports `procedures`).

{% load procedures_tags %}
{% opening_hours office as days %}   [(weekday name, "09:00–12:00, 13:30–17:00" or "")], Monday first
{{ phone|tel_href }}                  "tel:+861055550100"-style href
{% section_guides page %}            the section's guides A–Z and its journeys (section_page.html)
"""

import re

from babel.dates import format_interval, get_day_names
from django import template
from django.conf import settings
from django.utils.translation import get_language

from cityportal.core import i18n

register = template.Library()

NOT_DIALLED = re.compile(r"[^0-9+]")
SECTION_GUIDE_FIELDS = ("id", "title", "summary", "path", "depth", "url_path", "locale_id")


def _babel_locale() -> str:
    return i18n.BABEL_LOCALES.get(get_language() or settings.FALLBACK_LANGUAGE_CODE, "en")


@register.simple_tag
def opening_hours(office) -> list[tuple[str, str]]:
    """Each weekday with its opening periods; two periods on a day show the lunch break between them."""
    locale = _babel_locale()
    names = get_day_names("wide", locale=locale)
    days = []
    for weekday, periods in office.weekly_hours():
        text = ", ".join(format_interval(p.opens, p.closes, "Hm", locale=locale) for p in periods)
        days.append((names[weekday], text))
    return days


@register.filter
def tel_href(phone: str) -> str:
    digits = NOT_DIALLED.sub("", phone or "")
    return f"tel:{digits}" if digits else ""


@register.inclusion_tag("procedures/includes/section_guides.html", takes_context=True)
def section_guides(context, section_page):
    """The section's guides (A–Z) and journeys in the page's language. Three queries: section_page.html
    calls it inside its cached fragment, so a warm section page costs nothing more."""
    from cityportal.procedures.models import JourneyPage, ProcedureIndexPage, ProcedurePage

    locale_id, section = section_page.locale_id, section_page.section
    guides = (
        ProcedurePage.objects.live()
        .filter(locale_id=locale_id, sections__code=section)
        .order_by("sort_title", "id")
        .only(*SECTION_GUIDE_FIELDS)
    )
    journeys = (
        JourneyPage.objects.live()
        .filter(locale_id=locale_id, sections__code=section)
        .order_by("path")
        .only(*SECTION_GUIDE_FIELDS)
    )
    index = (
        ProcedureIndexPage.objects.live()
        .filter(locale_id=locale_id)
        .only("id", "title", "path", "depth", "url_path")
        .first()
    )
    return {
        "request": context.get("request"),
        "section_page": section_page,
        "guides": list(guides),
        "journeys": list(journeys),
        "index": index,
    }


@register.filter
def url_for_page(browse, number) -> str:
    """The browse page's query string for another page of the same results."""
    return browse.url_with(page=number)
