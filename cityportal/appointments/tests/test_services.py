"""Booking, cancelling and rescheduling through the service functions (one connection; the
concurrent proof is in test_concurrency.py)."""

import datetime as dt

import pytest

from cityportal.appointments.models import AppointmentSlot, Booking, BookingStatus
from cityportal.appointments.services import BookingRefused, book_slot, cancel_booking, reschedule_booking
from cityportal.appointments.tests.factories import AppointmentSlotFactory, applicant, slot_start
from cityportal.core.crypto import decrypt_personal

pytestmark = pytest.mark.django_db


def test_a_booking_takes_a_place_and_stores_the_document_number_encrypted():
    slot = AppointmentSlotFactory(capacity=2)
    booking = book_slot(slot, applicant(1, document_number="E 1234 5678"))
    slot.refresh_from_db()
    assert slot.booked == 1 and slot.remaining == 1
    stored = Booking.objects.get(pk=booking.pk)
    assert "12345678" not in stored.document_number_encrypted
    assert decrypt_personal(stored.document_number_encrypted) == "E 1234 5678"
    assert len(booking.reference) == 11 and booking.reference[5] == "-"


def test_a_full_slot_refuses_the_next_booking_and_writes_nothing():
    slot = AppointmentSlotFactory(capacity=1)
    book_slot(slot, applicant(1))
    with pytest.raises(BookingRefused) as refusal:
        book_slot(slot, applicant(2))
    assert refusal.value.code == BookingRefused.SLOT_FULL
    assert Booking.objects.count() == 1
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 1


def test_one_active_booking_per_person_and_service_even_with_another_spelling():
    slot = AppointmentSlotFactory(capacity=5)
    book_slot(slot, applicant(1, document_number="E12345678"))
    with pytest.raises(BookingRefused) as refusal:
        book_slot(slot, applicant(2, document_number="e 1234-5678"))
    assert refusal.value.code == BookingRefused.ALREADY_BOOKED
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 1  # the place taken first was given back


def test_the_same_submission_twice_makes_one_booking():
    slot = AppointmentSlotFactory(capacity=5)
    first = book_slot(slot, applicant(1), submission_token="form-token-1")
    again = book_slot(slot, applicant(1), submission_token="form-token-1")
    assert again.pk == first.pk
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 1


def test_a_cancelled_booking_frees_its_place_and_the_person_may_book_again():
    slot = AppointmentSlotFactory(capacity=1)
    booking = cancel_booking(book_slot(slot, applicant(1)))
    assert booking.status == BookingStatus.CANCELLED and booking.ics_sequence == 1
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 0
    book_slot(slot, applicant(1))
    cancel_booking(booking)  # twice: nothing more happens
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 1


def test_rescheduling_takes_the_new_place_before_giving_back_the_old():
    old = AppointmentSlotFactory(capacity=1)
    new = AppointmentSlotFactory(service=old.service, starts_at=slot_start(hour=10), capacity=1)
    booking = reschedule_booking(book_slot(old, applicant(1)), new)
    assert booking.slot_id == new.pk and booking.ics_sequence == 1
    assert AppointmentSlot.objects.get(pk=old.pk).booked == 0
    assert AppointmentSlot.objects.get(pk=new.pk).booked == 1


def test_rescheduling_into_a_full_slot_leaves_the_booking_as_it_was():
    old = AppointmentSlotFactory(capacity=1)
    full = AppointmentSlotFactory(service=old.service, starts_at=slot_start(hour=11), capacity=1)
    book_slot(full, applicant(2))
    booking = book_slot(old, applicant(1))
    with pytest.raises(BookingRefused):
        reschedule_booking(booking, full)
    booking.refresh_from_db()
    assert booking.slot_id == old.pk
    assert AppointmentSlot.objects.get(pk=old.pk).booked == 1


def test_a_slot_without_enough_notice_is_refused():
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)
    slot = AppointmentSlotFactory(starts_at=soon, ends_at=soon + dt.timedelta(minutes=15))
    with pytest.raises(BookingRefused) as refusal:
        book_slot(slot, applicant(1))
    assert refusal.value.code == BookingRefused.NOT_BOOKABLE


def test_a_past_unmarked_booking_does_not_stop_the_person_booking_again():
    past_start = slot_start(days_ahead=-2)
    past = AppointmentSlotFactory(starts_at=past_start, ends_at=past_start + dt.timedelta(minutes=15))
    old = book_slot(past, applicant(1), now=past_start - dt.timedelta(days=1))
    later = AppointmentSlotFactory(service=past.service)
    new = book_slot(later, applicant(1))
    old.refresh_from_db()
    assert old.status == BookingStatus.PAST and new.status == BookingStatus.ACTIVE
