"""The appointments area of the admin: one “Appointments” menu with day lists, closures, services
and office staff, each shown only to users with its permissions (appointments/permissions.py)."""

from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.models import register_snippet

from .admin.closures import ClosureViewSet
from .admin.day_lists import DayListViewSet
from .admin.services import AppointmentServiceViewSet
from .admin.staff import OfficeAssignmentViewSet

APPOINTMENTS_MENU = "register_appointments_menu_item"


class AppointmentsViewSetGroup(ViewSetGroup):
    menu_label = _("Appointments")
    menu_icon = "calendar-check"
    menu_order = 160
    submenu_hook = APPOINTMENTS_MENU
    items = (
        DayListViewSet(menu_order=100),
        ClosureViewSet(menu_order=200),
        OfficeAssignmentViewSet(menu_order=400),
    )


class ServicesInAppointmentsMenu(AppointmentServiceViewSet):
    """A snippet (so pages could choose a service), listed in the Appointments menu, not under Snippets."""

    menu_hook = APPOINTMENTS_MENU
    menu_order = 300


@hooks.register("register_admin_viewset")
def register_appointments():
    return AppointmentsViewSetGroup()


register_snippet(ServicesInAppointmentsMenu)


@hooks.register("register_permissions")
def register_booking_permissions():
    # Bookings have no viewset of their own (the day lists show them): list their permissions here.
    return Permission.objects.filter(
        content_type__app_label="appointments", codename__in=["view_booking", "change_booking"]
    )


@hooks.register("register_log_actions")
def register_appointment_log_actions(actions):
    actions.register_action(
        "appointments.cancel", _("Cancellation by the office"), _("Cancelled by the office")
    )
    actions.register_action("appointments.check_in", _("Check in"), _("Checked in"))
    actions.register_action("appointments.no_show", _("Did not come"), _("Marked as a no-show"))
    actions.register_action(
        "appointments.change_capacity", _("Change places per slot"), _("Places per slot changed")
    )
