"""The staff's screens: the services snippet, the day list (masked, printable, CSV without formulas)
and check-in / no-show at the counter."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from cityportal.appointments.models import (
    AppointmentService,
    AppointmentSlot,
    Booking,
    BookingStatus,
    OfficeAssignment,
)
from cityportal.appointments.permissions import STAFF_GROUP
from cityportal.appointments.schedule import BEIJING
from cityportal.appointments.services import book_slot
from cityportal.appointments.tests.factories import (
    AppointmentServiceFactory,
    AppointmentSlotFactory,
    applicant,
    slot_start,
)
from cityportal.procedures.tests.factories import ProcedurePageFactory, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.org", "pw"))
    return client


def book_today(service, n: int, **values) -> Booking:
    """A booking whose slot began a moment ago (so it can be checked in or marked absent), made
    the day before."""
    starts = timezone.now().replace(second=0, microsecond=0)
    slot = AppointmentSlot.objects.filter(service=service).first() or AppointmentSlotFactory(
        service=service, starts_at=starts, capacity=5
    )
    return book_slot(slot, applicant(n, **values), now=slot.starts_at - dt.timedelta(days=1))


def clerk_for(client, django_user_model, office):
    user = django_user_model.objects.create_user("clerk", "clerk@example.org", "pw")
    user.groups.add(Group.objects.get(name=STAFF_GROUP))
    OfficeAssignment.objects.create(user=user, office=office)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"  # the admin speaks Chinese unless the user chooses otherwise
    profile.save()
    client.force_login(user)
    return user


def day_list_url(booking, view="day") -> str:
    day = booking.slot.starts_at.astimezone(BEIJING).date().isoformat()
    return reverse(f"appointment_days:{view}", args=[booking.slot.office_id, day])


# Services


def test_the_service_editor_has_a_tab_per_language_and_offers_chinese_guides_only(admin_client, portal):
    parent = portal.sections["work"]["zh-hans"]
    guide = ProcedurePageFactory(parent=parent, title="外国人工作许可", item_code="work-permit-notice")
    english = translate(guide, "en", title="Work permit notice")
    service = AppointmentServiceFactory()
    response = admin_client.get(reverse("appointment_services:edit", args=[service.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for language_name in ("English", "العربية", "Русский"):
        assert language_name in html
    field = response.context["form"].fields["procedures"]
    assert guide.pk in {page.pk for page in field.queryset}
    assert english.pk not in {page.pk for page in field.queryset}
    assert field.label_from_instance(guide) == "外国人工作许可 (work-permit-notice)"
    assert response.context["form"].fields["capacity_per_slot"].disabled
    assert (
        reverse("appointment_services:capacity", args=[service.pk])
        in admin_client.get(reverse("appointment_services:list")).content.decode()
    )


# The day list


def test_the_day_list_shows_the_day_bookings_with_masked_document_numbers(client, django_user_model):
    service = AppointmentServiceFactory(name_en="Residence permit biometrics")
    booking = book_today(
        service, 1, full_name="<b>Анна</b> Петрова", document_number="E12345678", nationality="RU"
    )
    clerk_for(client, django_user_model, booking.slot.office)
    response = client.get(day_list_url(booking))
    assert response.status_code == 200
    html = response.content.decode()
    assert booking.reference in html
    assert "&lt;b&gt;Анна&lt;/b&gt; Петрова" in html  # escaped
    assert "••••••678" in html and "E12345678" not in html and "12345678" not in html
    assert "RU" in html and "Residence permit biometrics" in html
    assert "@media print" in html or 'media="print"' in html


def test_the_csv_masks_document_numbers_and_neutralises_formulas(client, django_user_model):
    service = AppointmentServiceFactory()
    names = ['=HYPERLINK("http://evil.example","x")', "+1 Plus", "-2 Minus", "@SUM(A1)", "Plain Name"]
    bookings = [book_today(service, n, full_name=name) for n, name in enumerate(names, start=1)]
    # All five at one office: the service's.
    clerk_for(client, django_user_model, bookings[0].slot.office)
    response = client.get(day_list_url(bookings[0], "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Time", "Service", "Reference"]
    shown_names = {row[3] for row in rows[1:]}
    assert shown_names == {
        '\'=HYPERLINK("http://evil.example","x")',
        "'+1 Plus",
        "'-2 Minus",
        "'@SUM(A1)",
        "Plain Name",
    }
    for row in rows[1:]:
        assert row[6].startswith("•") and row[6].endswith(row[6][-3:])
    assert "C0000001" not in text and "0000001" not in text


def test_cancelled_bookings_are_hidden_unless_asked_for(client, django_user_model):
    service = AppointmentServiceFactory()
    kept, cancelled = book_today(service, 1), book_today(service, 2)
    Booking.objects.filter(pk=cancelled.pk).update(status=BookingStatus.CANCELLED)
    clerk_for(client, django_user_model, kept.slot.office)
    assert cancelled.reference not in client.get(day_list_url(kept)).content.decode()
    assert cancelled.reference in client.get(day_list_url(kept) + "?cancelled=1").content.decode()


# Check-in and no-show


def test_check_in_and_no_show_change_the_status_and_are_logged(client, django_user_model):
    service = AppointmentServiceFactory()
    comes, stays_away = book_today(service, 1), book_today(service, 2)
    clerk = clerk_for(client, django_user_model, comes.slot.office)
    page = client.get(day_list_url(comes)).content.decode()
    assert reverse("appointment_days:check_in", args=[comes.pk]) in page
    response = client.post(reverse("appointment_days:check_in", args=[comes.pk]))
    assert response.status_code == 302 and response.url == day_list_url(comes)
    response = client.post(reverse("appointment_days:no_show", args=[stays_away.pk]))
    assert response.status_code == 302
    comes.refresh_from_db()
    stays_away.refresh_from_db()
    assert comes.status == BookingStatus.ATTENDED and comes.checked_in_at is not None
    assert stays_away.status == BookingStatus.NO_SHOW
    actions = set(ModelLogEntry.objects.filter(user=clerk).values_list("action", flat=True))
    assert actions == {"appointments.check_in", "appointments.no_show"}


def test_a_late_arrival_marked_absent_can_still_be_checked_in(client, django_user_model):
    booking = book_today(AppointmentServiceFactory(), 1)
    clerk_for(client, django_user_model, booking.slot.office)
    client.post(reverse("appointment_days:no_show", args=[booking.pk]))
    client.post(reverse("appointment_days:check_in", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED


def test_a_future_booking_can_be_neither_checked_in_nor_marked_absent(client, django_user_model):
    slot = AppointmentSlotFactory(starts_at=slot_start(3, 9))
    booking = book_slot(slot, applicant(1))
    clerk_for(client, django_user_model, slot.office)
    for view in ("check_in", "no_show"):
        response = client.post(reverse(f"appointment_days:{view}", args=[booking.pk]))
        assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE
    page = client.get(day_list_url(booking)).content.decode()
    assert reverse("appointment_days:check_in", args=[booking.pk]) not in page


def test_a_cancelled_booking_cannot_be_checked_in(client, django_user_model):
    booking = book_today(AppointmentServiceFactory(), 1)
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    clerk_for(client, django_user_model, booking.slot.office)
    client.post(reverse("appointment_days:check_in", args=[booking.pk]))
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED


def test_the_check_in_confirmation_page_works_without_the_day_list(client, django_user_model):
    booking = book_today(AppointmentServiceFactory(), 1, document_number="X9876543")
    clerk_for(client, django_user_model, booking.slot.office)
    response = client.get(reverse("appointment_days:check_in", args=[booking.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert booking.reference in html and "•••••543" in html and "X9876543" not in html


def test_a_manager_adds_a_service_with_its_office_and_translated_counter(admin_client, portal):
    guide = ProcedurePageFactory(parent=portal.sections["live"]["zh-hans"], item_code="residence-permit")
    office = AppointmentServiceFactory().service_offices.get().office
    form = {
        "code": "residence-permit-biometrics",
        "active": "on",
        "procedures": [guide.pk],
        "slot_minutes": "20",
        "buffer_minutes": "0",
        "capacity_per_slot": "4",
        "booking_window_days": "30",
        "min_notice_minutes": "120",
        "name_zh_hans": "居留许可采集指纹",
        "name_en": "Residence permit: fingerprints",
        "name_ar": "تصريح الإقامة: البصمات",
        "service_offices-TOTAL_FORMS": "1",
        "service_offices-INITIAL_FORMS": "0",
        "service_offices-MIN_NUM_FORMS": "0",
        "service_offices-MAX_NUM_FORMS": "1000",
        "service_offices-0-office": str(office.pk),
        "service_offices-0-counter_zh_hans": "B厅12号窗口",
        "service_offices-0-counter_en": "Hall B, counter 12",
    }
    response = admin_client.post(reverse("appointment_services:add"), form)
    assert response.status_code == 302, response.context["form"].errors
    service = AppointmentService.objects.get(code="residence-permit-biometrics")
    assert (service.name_ar, service.capacity_per_slot) == ("تصريح الإقامة: البصمات", 4)
    assert list(service.procedures.all()) == [guide]
    link = service.service_offices.get()
    assert (link.office, link.counter_en, link.counter_zh_hans) == (
        office,
        "Hall B, counter 12",
        "B厅12号窗口",
    )


def test_a_booked_service_cannot_be_deleted_but_an_unbooked_one_can(admin_client):
    booked = book_today(AppointmentServiceFactory(), 1).service
    unbooked = AppointmentServiceFactory()
    response = admin_client.post(reverse("appointment_services:delete", args=[booked.pk]))
    assert response.status_code == 302 and response.url == reverse(
        "appointment_services:edit", args=[booked.pk]
    )
    assert AppointmentService.objects.filter(pk=booked.pk).exists()
    admin_client.post(reverse("appointment_services:delete", args=[unbooked.pk]))
    assert not AppointmentService.objects.filter(pk=unbooked.pk).exists()
