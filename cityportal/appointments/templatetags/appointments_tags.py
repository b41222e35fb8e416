"""Template tags of the booking pages: dates and times in Beijing time written the visitor's way, what a
calendar day's state means, the reference spelled out and as a QR code, and the guide's book button."""

import datetime as dt

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, get_day_names
from babel.numbers import format_decimal
from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from cityportal.core.i18n import BABEL_LOCALES

from ..availability import Day, DayState, SlotState
from ..forms import country_name
from ..models import AppointmentService, DocumentType
from ..schedule import BEIJING

register = template.Library()


def _locale() -> str:
    return BABEL_LOCALES.get(get_language() or settings.FALLBACK_LANGUAGE_CODE, "en")


@register.filter
def month_title(day: dt.date) -> str:
    """“December 2026”, “2026年12月”, “ديسمبر 2026”."""
    return format_skeleton("yMMMM", day, locale=_locale())


@register.filter
def day_number(day: dt.date) -> str:
    return format_date(day, "d", locale=_locale())


@register.filter
def long_date(value: dt.date | dt.datetime) -> str:
    """The weekday and date, e.g. “Thursday, December 3, 2026”; a datetime is read in Beijing time."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(BEIJING).date()
    return format_date(value, "full", locale=_locale())


@register.filter
def time_range(slot) -> str:
    """A slot's start and end in Beijing time, 24-hour clock as on the office's signs: “09:00–09:15”."""
    return format_interval(slot.starts_at, slot.ends_at, "Hm", tzinfo=BEIJING, locale=_locale())


@register.filter
def places(count: int) -> str:
    return ngettext("%(count)s place left", "%(count)s places left", count) % {
        "count": format_decimal(count, locale=_locale())
    }


@register.simple_tag
def weekday_names() -> list[tuple[str, str]]:
    """(abbreviated, full) weekday names in the order the visitor's calendar starts its week."""
    locale = _locale()
    first = Locale.parse(locale).first_week_day
    short, wide = get_day_names("abbreviated", locale=locale), get_day_names("wide", locale=locale)
    return [(short[(first + offset) % 7], wide[(first + offset) % 7]) for offset in range(7)]


def first_weekday() -> int:
    return Locale.parse(_locale()).first_week_day


@register.filter
def day_label(day: Day) -> str:
    """The few words a calendar cell shows under the day's number."""
    state = day.state
    if state is DayState.OPEN:
        return ngettext("%(count)s place", "%(count)s places", day.free_places) % {
            "count": format_decimal(day.free_places, locale=_locale())
        }
    labels = {
        DayState.FULL: _("Fully booked"),
        DayState.HOLIDAY: _("Public holiday"),
        DayState.UNCONFIRMED_YEAR: _("Not yet bookable"),
        DayState.CLOSURE: _("Exceptionally closed"),
        DayState.NO_HOURS: _("Closed"),
        DayState.NO_SLOTS: _("No appointments"),
        DayState.TOO_LATE: _("Too late to book"),
        DayState.NOT_YET_OPEN: _("Not open for booking yet"),
        DayState.PAST: "",
    }
    return labels[state]


@register.filter
def state_term(day: Day) -> str:
    """The legend's name for a day's state: like the cell's words, without a count."""
    return _("Places available") if day.state is DayState.OPEN else day_label(day)


@register.simple_tag
def day_explanation(day: Day, service: AppointmentService) -> str:
    """Why a day can or cannot be booked, in a sentence (the legend and the day page use it)."""
    state = day.state
    if state is DayState.UNCONFIRMED_YEAR:
        return _(
            "Not yet bookable: the official holiday schedule for %(year)s has not been confirmed. "
            "Bookings open once it has been."
        ) % {"year": day.date.year}
    if state is DayState.NOT_YET_OPEN:
        days = service.booking_window_days
        return ngettext(
            "Not open for booking yet: you can book up to %(days)s day ahead.",
            "Not open for booking yet: you can book up to %(days)s days ahead.",
            days,
        ) % {"days": days}
    if state is DayState.CLOSURE and day.closure_reasons:
        return _("Exceptionally closed: %(reason)s") % {"reason": "; ".join(day.closure_reasons)}
    sentences = {
        DayState.OPEN: _("Places available: choose the day to see the times."),
        DayState.FULL: _("Fully booked: every place on this day has been taken."),
        DayState.HOLIDAY: _("Public holiday: the office is closed."),
        DayState.CLOSURE: _("Exceptionally closed: the office is closed on this day."),
        DayState.NO_HOURS: _("Closed: the office does not open on this day of the week."),
        DayState.NO_SLOTS: _("No appointments: this service is not offered on this day."),
        DayState.TOO_LATE: _("Too late to book: the last time that could be booked on this day has passed."),
        DayState.PAST: _("This day has passed."),
    }
    return sentences[state]


@register.filter
def slot_label(option) -> str:
    if option.state is SlotState.FREE:
        return places(option.slot.remaining)
    if option.state is SlotState.FULL:
        return _("Full")
    return _("Too late to book")


@register.filter
def nationality_name(code: str) -> str:
    return country_name(code)


@register.filter
def document_type_name(value: str) -> str:
    try:
        return str(DocumentType(value).label)
    except ValueError:
        return value


@register.filter
def spelled_out(reference: str) -> str:
    """The reference one character at a time, for reading it aloud: “K 7 Q M 3 – X H D 9 P”."""
    return " – ".join(" ".join(group) for group in reference.split("-"))


@register.filter
def reference_qr(reference: str):
    """The reference as an inline SVG QR code (appointments/qr.py makes safe markup from it alone)."""
    from ..qr import reference_qr_svg

    return mark_safe(reference_qr_svg(reference))  # noqa: S308 - SVG built by segno from the reference


@register.simple_tag
def guide_appointment_services(page) -> list[AppointmentService]:
    """The services linked to a guide's Chinese source page, for the guide's book button; one query.

    A service links the source (Chinese) guides; every translation shares their translation key.
    """
    if page is None or not getattr(page, "translation_key", None):
        return []
    return list(
        AppointmentService.objects.filter(
            active=True,
            procedures__translation_key=page.translation_key,
            procedures__locale__language_code=settings.LANGUAGE_CODE,
        )
        .distinct()
        .order_by("code")
    )


@register.simple_tag
def map_links(office):
    """Amap and Baidu Maps links, or nothing for an office without a position."""
    if not office.has_position:
        return ""
    return format_html(
        '<ul class="map-links"><li><a href="{}" rel="external noopener">{}</a></li>'
        '<li><a href="{}" rel="external noopener">{}</a></li></ul>',
        office.amap_url(),
        _("Open in Amap"),
        office.baidu_url(),
        _("Open in Baidu Maps"),
    )
