"""Bookings' personal data: anonymised after the retention period, shown and erased on request."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cityportal.appointments.models import AppointmentSlot, Booking, BookingStatus
from cityportal.appointments.notifications import send_booking_confirmation
from cityportal.appointments.privacy import purge_bookings
from cityportal.appointments.services import book_slot
from cityportal.appointments.tests.factories import (
    AppointmentServiceFactory,
    AppointmentSlotFactory,
    applicant,
)
from cityportal.core.crypto import blind_index
from cityportal.core.models import OutboundEmail

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture(autouse=True)
def _security_log_dir(settings, tmp_path):
    settings.SECURITY_LOG_DIR = str(tmp_path / "log")


@pytest.fixture
def service():
    return AppointmentServiceFactory(capacity_per_slot=5)


def book_on(service, starts_at: dt.datetime, n: int) -> Booking:
    """A booking made three days before its slot (which may be long past)."""
    slot = AppointmentSlotFactory(
        service=service, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=15), capacity=5
    )
    return book_slot(slot, applicant(n), now=starts_at - dt.timedelta(days=3))


def days_ago(days: int) -> dt.datetime:
    return (timezone.now() - dt.timedelta(days=days)).replace(microsecond=0)


def test_the_purge_anonymises_bookings_past_the_period_and_keeps_the_rows(settings, service):
    old = book_on(service, days_ago(settings.RETENTION["bookings"].days + 2), n=1)
    recent = book_on(service, days_ago(10), n=2)
    upcoming = book_on(service, timezone.now() + dt.timedelta(days=3), n=3)

    call_command("purge_personal_data", stdout=StringIO())

    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.full_name, old.email, old.phone, old.consent_text) == ("", "", "", "")
    assert old.document_number_encrypted == ""
    assert old.document_index != blind_index("C00000001", scope="passport")  # no longer findable
    # The statistics stay: when, where, what, the nationality and the outcome.
    assert (old.slot_id, old.service_id, old.nationality, old.status) == (
        old.slot.pk,
        service.pk,
        "DE",
        BookingStatus.ACTIVE,
    )
    assert AppointmentSlot.objects.get(pk=old.slot_id).booked == 1
    for kept in (recent, upcoming):
        kept.refresh_from_db()
        assert kept.anonymised_at is None and kept.full_name and kept.document_number_encrypted


def test_purging_twice_changes_nothing_the_second_time(settings, service):
    book_on(service, days_ago(400), n=1)
    cutoff = timezone.now() - settings.RETENTION["bookings"]

    assert purge_bookings(cutoff) == 1
    assert purge_bookings(cutoff) == 0


def test_several_past_bookings_of_one_service_can_be_anonymised_together(service):
    # Never marked attended, both stay "active": their cleared indexes must not collide under the
    # one-active-booking-per-person constraint.
    book_on(service, days_ago(400), n=1)
    book_on(service, days_ago(401), n=2)

    assert purge_bookings(timezone.now() - dt.timedelta(days=180)) == 2


def test_the_dry_run_counts_and_changes_nothing(service):
    booking = book_on(service, days_ago(400), n=1)
    out = StringIO()

    call_command("purge_personal_data", "--dry-run", stdout=out)

    assert "bookings: would purge 1 " in out.getvalue()
    booking.refresh_from_db()
    assert booking.anonymised_at is None


def post_my_data(client, action, booking, email=None):
    data = {"reference": booking.reference, "email": email or booking.email, "action": action}
    return client.post("/en/privacy/my-data/", data, **SAME_ORIGIN)


def test_my_data_shows_the_booking_with_the_document_number_masked(client, portal, service):
    booking = book_on(service, timezone.now() + dt.timedelta(days=3), n=1)  # number C00000001

    html = post_my_data(client, "view", booking).content.decode()

    assert f"Appointment {booking.reference}" in html
    assert "Test Person 1" in html
    assert "••••••001" in html and "C00000001" not in html


def test_a_wrong_email_finds_no_booking(client, portal, service):
    booking = book_on(service, timezone.now() + dt.timedelta(days=3), n=1)
    html = post_my_data(client, "view", booking, email="someone.else@example.org").content.decode()
    assert "We found no data" in html
    assert "Test Person 1" not in html


def test_the_downloaded_copy_holds_the_booking_with_the_number_masked(client, portal, service):
    booking = book_on(service, timezone.now() + dt.timedelta(days=3), n=1)

    copy = json.loads(post_my_data(client, "export", booking).content)

    (exported,) = copy["data"]["bookings"]
    assert exported["reference"] == booking.reference
    assert exported["full_name"] == "Test Person 1" and exported["email"] == booking.email
    assert exported["document_number"].endswith("001") and "C00000001" not in json.dumps(copy)


def test_erasing_cancels_an_upcoming_booking_gives_its_place_back_and_anonymises_it(client, portal, service):
    booking = book_on(service, timezone.now() + dt.timedelta(days=3), n=1)
    send_booking_confirmation(booking)

    html = post_my_data(client, "erase", booking).content.decode()

    assert "Anonymised 1 appointment" in html
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.anonymised_at is not None
    assert booking.email == "" and booking.document_number_encrypted == ""
    assert AppointmentSlot.objects.get(pk=booking.slot_id).booked == 0
    # The confirmation email mentioned the reference: the core provider deleted it too.
    assert not OutboundEmail.objects.filter(purpose="booking-confirmation").exists()
    # Nothing can be found any more.
    assert (
        "We found no data"
        in post_my_data(client, "view", booking, email="person1@example.org").content.decode()
    )
