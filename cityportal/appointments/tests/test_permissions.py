"""The two roles: appointment staff see the appointments area of their own offices only; managers
see every office and manage services, assignments, opening hours and the holiday calendar."""

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import admin_menu
from wagtail.models import Page

from cityportal.appointments.models import Booking, BookingStatus, OfficeAssignment
from cityportal.appointments.permissions import MANAGERS_GROUP, STAFF_GROUP, offices_for
from cityportal.appointments.schedule import BEIJING
from cityportal.appointments.services import book_slot, close_office
from cityportal.appointments.tests.factories import AppointmentSlotFactory, applicant, slot_start

pytestmark = pytest.mark.django_db


def member(django_user_model, username: str, group: str, *offices):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "pw")
    user.groups.add(Group.objects.get(name=group))
    for office in offices:
        OfficeAssignment.objects.create(user=user, office=office)
    return user


@pytest.fixture
def two_offices():
    """Offices A and B, each with one booking three days ahead."""
    bookings = {}
    for name in ("A", "B"):
        slot = AppointmentSlotFactory(starts_at=slot_start(3, 9))
        bookings[name] = book_slot(slot, applicant(ord(name), full_name=f"Person at {name}"))
    return bookings


# Note: Django's LocaleMiddleware answers a 404 under /admin/ with a redirect to the same path under
# /zh-hans/, itself a 404 (the public pages' catch-all makes the path look valid): hence follow=True.


def day_url(booking: Booking, view: str = "day") -> str:
    day = booking.slot.starts_at.astimezone(BEIJING).date().isoformat()
    return reverse(f"appointment_days:{view}", args=[booking.slot.office_id, day])


def test_the_migration_made_both_groups_with_their_permissions():
    staff = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=STAFF_GROUP).permissions.all()
    }
    managers = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=MANAGERS_GROUP).permissions.all()
    }
    assert {
        "wagtailadmin.access_admin",
        "appointments.view_booking",
        "appointments.add_officeclosure",
    } <= staff
    assert not any(name.startswith("core.") or "appointmentservice" in name for name in staff)
    assert staff < managers
    assert {
        "appointments.work_at_all_offices",
        "appointments.change_appointmentservice",
        "appointments.add_officeassignment",
        "core.change_office",
        "core.change_calendaryear",
    } <= managers


def test_staff_work_at_their_assigned_offices_and_managers_at_all(django_user_model, two_offices):
    office_a, office_b = (two_offices[name].slot.office for name in "AB")
    clerk = member(django_user_model, "clerk", STAFF_GROUP, office_a)
    boss = member(django_user_model, "boss", MANAGERS_GROUP)
    assert list(offices_for(clerk)) == [office_a]
    assert {office_a, office_b} <= set(offices_for(boss))


def test_staff_see_their_office_day_list_and_not_another(client, django_user_model, two_offices):
    a, b = two_offices["A"], two_offices["B"]
    client.force_login(member(django_user_model, "clerk", STAFF_GROUP, a.slot.office))
    response = client.get(day_url(a))
    assert response.status_code == 200
    assert "Person at A" in response.content.decode()
    assert client.get(day_url(b), follow=True).status_code == 404
    assert client.get(day_url(b, "csv"), follow=True).status_code == 404
    choices = client.get(reverse("appointment_days:index")).content.decode()
    assert str(a.slot.office) in choices and str(b.slot.office) not in choices


def test_staff_cannot_mark_another_office_booking(client, django_user_model, two_offices):
    a, b = two_offices["A"], two_offices["B"]
    client.force_login(member(django_user_model, "clerk", STAFF_GROUP, a.slot.office))
    for view in ("check_in", "no_show"):
        response = client.post(reverse(f"appointment_days:{view}", args=[b.pk]), follow=True)
        assert response.status_code == 404
    assert Booking.objects.get(pk=b.pk).status == BookingStatus.ACTIVE


def test_staff_see_and_change_only_their_office_closures(client, django_user_model, two_offices):
    a, b = two_offices["A"], two_offices["B"]
    boss = member(django_user_model, "boss", MANAGERS_GROUP)
    day = b.slot.starts_at.astimezone(BEIJING).date()
    closure_b = close_office(b.slot.office, day, None, None, {"en": "Works at B"}, acting_user=boss).closure
    closure_a = close_office(a.slot.office, day, None, None, {"en": "Works at A"}, acting_user=boss).closure
    client.force_login(member(django_user_model, "clerk", STAFF_GROUP, a.slot.office))
    listing = client.get(reverse("appointment_closures:index")).content.decode()
    assert "Works at A" in listing and "Works at B" not in listing
    assert client.get(reverse("appointment_closures:edit", args=[closure_a.pk])).status_code == 200
    for view in ("edit", "delete", "history"):
        url = reverse(f"appointment_closures:{view}", args=[closure_b.pk])
        assert client.get(url, follow=True).status_code == 404
    # The office field offers only their own office: another office's pk is not a valid choice.
    response = client.post(
        reverse("appointment_closures:add"),
        {"office": b.slot.office.pk, "date": day.isoformat(), "reason_en": "x"},
    )
    assert response.status_code == 200 and "office" in response.context["form"].errors


def test_staff_cannot_reach_pages_services_or_other_snippets(client, django_user_model, portal, two_offices):
    client.force_login(member(django_user_model, "clerk", STAFF_GROUP, two_offices["A"].slot.office))
    home = portal.homes["en"]
    for url in (
        reverse("wagtailadmin_pages:edit", args=[home.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[home.pk]),
        reverse("appointment_services:list"),
        reverse("appointment_office_staff:index"),
        reverse("wagtailsnippets_core_office:list"),
        reverse("calendar_year:index"),
        reverse("wagtailusers_users:index"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:  # Wagtail sends users without permission to the dashboard
            assert response.url == reverse("wagtailadmin_home"), url
    explorer = client.get(reverse("wagtailadmin_explore", args=[Page.get_first_root_node().pk]))
    assert explorer.status_code in (302, 403)


def test_the_staff_menu_holds_only_the_appointments_area(django_user_model, two_offices):
    clerk = member(django_user_model, "clerk", STAFF_GROUP, two_offices["A"].slot.office)
    request = RequestFactory().get("/admin/")
    request.user = clerk
    items = admin_menu.menu_items_for_request(request)
    appointments = [item for item in items if item.name == "appointments"]
    assert appointments, [item.name for item in items]
    assert not {item.name for item in items} & {
        "explorer",
        "snippets",
        "offices",
        "holiday-calendar",
        "settings",
    }
    shown = {item.name for item in appointments[0].menu.menu_items_for_request(request)}
    assert shown == {"day-lists", "closures"}


def test_managers_see_every_part_of_the_appointments_menu(django_user_model):
    boss = member(django_user_model, "boss", MANAGERS_GROUP)
    request = RequestFactory().get("/admin/")
    request.user = boss
    appointments = next(
        item for item in admin_menu.menu_items_for_request(request) if item.name == "appointments"
    )
    shown = {item.name for item in appointments.menu.menu_items_for_request(request)}
    assert shown == {"day-lists", "closures", "services", "office-staff"}
