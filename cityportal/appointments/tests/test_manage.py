"""“Manage a booking”: reference and email address find it (and nothing else does, in the same words),
then cancel after a confirmation step, or move it to another time at the same office."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from cityportal.appointments.models import AppointmentSlot, Booking, BookingStatus
from cityportal.appointments.schedule import BEIJING
from cityportal.appointments.services import book_slot
from cityportal.appointments.tests.factories import applicant
from cityportal.appointments.tests.test_flow import SAME_ORIGIN, confirmed_years, html, slot_on, working_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("confirmed_years")]
__all__ = ["confirmed_years"]  # the fixture, imported for this module's tests

URL = "/en/appointments/manage/"


@pytest.fixture
def booking():
    slot = slot_on(working_day(), capacity=2)
    return book_slot(slot, applicant(1, email="Amira.Haddad@example.org"))


def manage(client, reference, email, ip="203.0.113.9", url=URL, **extra):
    data = {"reference": reference, "email": email, **extra}
    return client.post(url, data, headers=SAME_ORIGIN, REMOTE_ADDR=ip)


def test_the_reference_and_email_address_show_the_booking(client, booking):
    typed = booking.reference.lower().replace("-", " ")  # as someone might type it from the phone
    response = manage(client, typed, "amira.haddad@EXAMPLE.org")
    page = html(response)
    assert response.status_code == 200
    assert booking.reference in page and "Test Person 1" in page
    assert "Change the date or time" in page and "Cancel this booking" in page
    assert "/en/appointments/calendar-file/" in page
    assert "no-store" in response["Cache-Control"]
    for url in re.findall(r'(?:href|action)="([^"]+)"', page):
        assert booking.reference not in url and "amira" not in url.lower()


def test_a_wrong_email_gets_exactly_the_answer_an_unknown_reference_gets(client, booking):
    wrong_email = manage(client, booking.reference, "someone.else@example.org")
    unknown = manage(client, "ZZZZZ-ZZZZZ", "someone.else@example.org")
    assert wrong_email.status_code == unknown.status_code == 200
    assert "We found no booking with this reference and email address" in html(unknown)
    assert html(wrong_email).replace(booking.reference, "ZZZZZ-ZZZZZ") == html(unknown)


def test_a_malformed_reference_is_explained_at_the_field(client):
    response = manage(client, "hello", "amira@example.org")
    assert response.status_code == 200
    assert 'href="#id_reference"' in html(response)
    assert "ten letters and digits" in html(response)


def test_lookups_are_rate_limited_per_reference(client, booking):
    for n in range(10):  # ten guesses at the email address, from ten addresses
        assert (
            manage(client, booking.reference, f"guess{n}@example.org", ip=f"203.0.113.{n}").status_code == 200
        )
    refused = manage(client, booking.reference, "amira.haddad@example.org", ip="203.0.113.99")
    assert refused.status_code == 429
    assert "sent too often" in html(refused) and "Test Person 1" not in html(refused)


def test_lookups_are_rate_limited_per_ip_address(client, booking):
    # Without a proof-of-work (no JavaScript) an address gets half of the 30 an hour.
    for n in range(15):
        assert manage(client, f"AAAAA-{n:05d}", "a@example.org").status_code == 200
    assert manage(client, booking.reference, "amira.haddad@example.org").status_code == 429


def test_cancelling_asks_first_then_gives_the_place_back(client, booking, django_capture_on_commit_callbacks):
    asked = manage(client, booking.reference, booking.email, action="cancel")
    assert "Cancel this booking?" in html(asked)
    assert Booking.objects.get().status == BookingStatus.ACTIVE

    with django_capture_on_commit_callbacks() as callbacks:
        done = manage(client, booking.reference, booking.email, action="cancel-confirmed")
    assert "Your booking is cancelled" in html(done)
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    assert AppointmentSlot.objects.get(pk=booking.slot_id).booked == 0
    assert len(callbacks) == 1  # the cancellation email, sent once the change is committed

    again = manage(client, booking.reference, booking.email, action="cancel-confirmed")
    assert "can no longer be changed" in html(again)
    assert AppointmentSlot.objects.get(pk=booking.slot_id).booked == 0


def test_moving_a_booking_takes_the_new_place_and_frees_the_old(
    client, booking, django_capture_on_commit_callbacks
):
    old = booking.slot
    later_day = working_day(5)
    new = slot_on(later_day, hour=10, service=old.service, capacity=1)

    chooser = manage(client, booking.reference, booking.email, action="reschedule", day=later_day.isoformat())
    assert chooser.status_code == 200
    assert f'id="slot-{new.pk}"' in html(chooser)
    assert f'id="slot-{old.pk}"' not in html(chooser)  # the time already held is not offered

    with django_capture_on_commit_callbacks() as callbacks:
        moved = manage(client, booking.reference, booking.email, action="reschedule-confirmed", slot=new.pk)
    assert moved.status_code == 200 and "Your booking has been moved" in html(moved)
    booking.refresh_from_db()
    assert booking.slot_id == new.pk and booking.ics_sequence == 1
    assert AppointmentSlot.objects.get(pk=old.pk).booked == 0
    assert AppointmentSlot.objects.get(pk=new.pk).booked == 1
    assert len(callbacks) == 1  # the update with the new calendar file


def test_moving_to_a_full_slot_keeps_the_booking_and_says_why(client, booking):
    full = slot_on(working_day(5), hour=11, service=booking.service, capacity=1)
    book_slot(full, applicant(2))
    response = manage(client, booking.reference, booking.email, action="reschedule-confirmed", slot=full.pk)
    assert response.status_code == 409
    assert "This slot has just been filled: choose another." in html(response)
    booking.refresh_from_db()
    assert booking.slot_id != full.pk and booking.status == BookingStatus.ACTIVE


def test_moving_to_another_service_or_an_unknown_slot_is_refused(client, booking):
    stranger = slot_on(working_day(5))  # another service
    for slot_id in (stranger.pk, 999999, "99999999999999999999", ""):
        response = manage(
            client, booking.reference, booking.email, action="reschedule-confirmed", slot=slot_id
        )
        assert response.status_code == 400
        assert "Choose a new time." in html(response)
    booking.refresh_from_db()
    assert booking.slot_id != stranger.pk


def test_a_past_appointment_can_be_seen_but_not_changed(client, booking):
    starts_at = timezone.now() - dt.timedelta(days=1)
    AppointmentSlot.objects.filter(pk=booking.slot_id).update(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=15)
    )
    response = manage(client, booking.reference, booking.email, action="cancel-confirmed")
    assert "can no longer be changed" in html(response)
    assert "Cancel this booking" not in html(response)
    assert Booking.objects.get().status == BookingStatus.ACTIVE


def test_an_anonymised_booking_is_not_found(client, booking):
    Booking.objects.filter(pk=booking.pk).update(anonymised_at=timezone.now())
    response = manage(client, booking.reference, booking.email)
    assert "We found no booking" in html(response)


def test_the_manage_page_works_in_arabic(client, booking):
    response = manage(client, booking.reference, booking.email, url="/ar/appointments/manage/")
    assert response.status_code == 200
    assert 'dir="rtl"' in html(response) and booking.reference.split("-")[0] in html(response)
    assert booking.slot.starts_at.astimezone(BEIJING).strftime("%H:%M") in html(response)
