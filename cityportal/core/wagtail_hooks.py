"""Admin registrations of the core app. Each concern keeps its admin code in its own module."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from cityportal.core.admin_calendar import holiday_calendar_viewsets
from cityportal.core.admin_offices import OfficesViewSetGroup
from cityportal.core.admin_platform import platform_viewsets


@hooks.register("register_admin_viewset")
def register_holiday_calendar():
    return holiday_calendar_viewsets


@hooks.register("register_admin_viewset")
def register_platform():
    return platform_viewsets


# Offices and departments are snippets, so that pages can choose them.
register_snippet(OfficesViewSetGroup)
