"""The holiday calendar in the Wagtail admin: listing, confirming, editing days, permissions."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry

from cityportal.core.models import CalendarDay, CalendarYear
from cityportal.core.services.calendar import seed_calendar_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.org", "pw"))
    return client


def staff_client(client, django_user_model, *codenames: str):
    group = Group.objects.create(name="calendar staff")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="core", codename__in=codenames),
    )
    user = django_user_model.objects.create_user("clerk", "clerk@example.org", "pw")
    user.groups.add(group)
    client.force_login(user)
    return client


def test_year_listing_shows_counts_and_a_confirm_action(admin_client):
    calendar_year = seed_calendar_year(2026)
    response = admin_client.get(reverse("calendar_year:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026" in html
    assert reverse("calendar_year:confirm", args=[calendar_year.pk]) in html
    assert f"{reverse('calendar_day:index')}?year={calendar_year.pk}" in html


def test_confirming_a_year_through_the_admin(admin_client):
    calendar_year = seed_calendar_year(2027)
    url = reverse("calendar_year:confirm", args=[calendar_year.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "2027-02-05" in page.content.decode()
    response = admin_client.post(url)
    assert response.status_code == 302
    calendar_year.refresh_from_db()
    assert calendar_year.confirmed
    assert calendar_year.confirmed_by.username == "boss"
    assert ModelLogEntry.objects.filter(object_id=str(calendar_year.pk), action="wagtail.edit").exists()


def test_adding_a_year_seeds_it_from_the_package(admin_client):
    response = admin_client.post(reverse("calendar_year:add"), {"year": "2027"})
    assert response.status_code == 302
    calendar_year = CalendarYear.objects.get(year=2027)
    assert not calendar_year.confirmed
    assert calendar_year.days.filter(date=date(2027, 2, 8), kind="holiday").exists()


def test_day_listing_filters_by_year(admin_client):
    seed_calendar_year(2026)
    calendar_year_2027 = seed_calendar_year(2027)
    response = admin_client.get(reverse("calendar_day:index"), {"year": calendar_year_2027.pk})
    assert response.status_code == 200
    html = response.content.decode()
    day_2027 = CalendarDay.objects.get(date=date(2027, 10, 5))
    day_2026 = CalendarDay.objects.get(date=date(2026, 2, 23))
    assert reverse("calendar_day:edit", args=[day_2027.pk]) in html
    assert reverse("calendar_day:edit", args=[day_2026.pk]) not in html


def test_adding_a_day_goes_through_the_service(admin_client):
    seed_calendar_year(2027)
    url = reverse("calendar_day:add")
    refused = admin_client.post(url, {"date": "2027-03-10", "kind": "workday", "name": ""})
    assert refused.status_code == 200  # the form again, with the error
    assert not CalendarDay.objects.filter(date=date(2027, 3, 10)).exists()
    response = admin_client.post(url, {"date": "2027-02-20", "kind": "workday", "name": "春节"})
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=date(2027, 2, 20))
    assert day.kind == "workday" and day.year.year == 2027
    assert ModelLogEntry.objects.filter(object_id=str(day.pk), action="wagtail.create").exists()


def test_editing_a_day_keeps_its_date(admin_client):
    seed_calendar_year(2027)
    day = CalendarDay.objects.get(date=date(2027, 2, 8))
    response = admin_client.post(
        reverse("calendar_day:edit", args=[day.pk]), {"date": "2027-03-01", "kind": "holiday", "name": "补"}
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.date == date(2027, 2, 8) and day.name == "补"


def test_confirming_needs_the_change_permission(client, django_user_model):
    calendar_year = seed_calendar_year(2027)
    viewer = staff_client(client, django_user_model, "view_calendaryear", "view_calendarday")
    assert viewer.get(reverse("calendar_year:index")).status_code == 200
    url = reverse("calendar_year:confirm", args=[calendar_year.pk])
    assert url not in viewer.get(reverse("calendar_year:index")).content.decode()
    response = viewer.post(url)
    assert response.status_code in {302, 403}
    calendar_year.refresh_from_db()
    assert not calendar_year.confirmed


def test_staff_with_change_permission_can_confirm(client, django_user_model):
    calendar_year = seed_calendar_year(2027)
    clerk = staff_client(client, django_user_model, "view_calendaryear", "change_calendaryear")
    assert clerk.post(reverse("calendar_year:confirm", args=[calendar_year.pk])).status_code == 302
    calendar_year.refresh_from_db()
    assert calendar_year.confirmed
