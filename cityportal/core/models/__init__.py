"""Shared models. Each concern has its own module; import them from here."""

from .calendar import CalendarDay, CalendarYear
from .documents import PortalDocument
from .messaging import OutboundEmail, ScheduledJobRun
from .offices import Department, Office, OfficeHours, Weekday
from .pages import ASCII_SLUG, PortalPage
from .settings import PortalSettings
from .taxonomy import SectionTag

__all__ = [
    "ASCII_SLUG",
    "CalendarDay",
    "CalendarYear",
    "Department",
    "Office",
    "OfficeHours",
    "OutboundEmail",
    "PortalDocument",
    "PortalPage",
    "PortalSettings",
    "ScheduledJobRun",
    "SectionTag",
    "Weekday",
]
