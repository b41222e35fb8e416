"""Shared models. Each concern has its own module; import them from here."""

from .calendar import CalendarDay, CalendarYear
from .documents import PortalDocument
from .messaging import OutboundEmail, ScheduledJobRun
from .pages import ASCII_SLUG, PortalPage
from .settings import PortalSettings

__all__ = [
    "ASCII_SLUG",
    "CalendarDay",
    "CalendarYear",
    "OutboundEmail",
    "PortalDocument",
    "PortalPage",
    "PortalSettings",
    "ScheduledJobRun",
]
