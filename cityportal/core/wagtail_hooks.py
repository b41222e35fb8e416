"""Admin registrations of the core app. Each concern keeps its admin code in its own module."""

from wagtail import hooks

from cityportal.core.admin_calendar import holiday_calendar_viewsets
from cityportal.core.admin_platform import platform_viewsets


@hooks.register("register_admin_viewset")
def register_holiday_calendar():
    return holiday_calendar_viewsets


@hooks.register("register_admin_viewset")
def register_platform():
    return platform_viewsets
