"""Rotating the personal-data key and the blind-index key over the stored document numbers."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.test import override_settings

from cityportal.appointments.models import Booking
from cityportal.appointments.privacy import anonymise
from cityportal.appointments.services import BookingRefused, book_slot
from cityportal.appointments.tests.factories import (
    AppointmentServiceFactory,
    AppointmentSlotFactory,
    applicant,
    slot_start,
)
from cityportal.core.crypto import PersonalDataKeyError, blind_index, decrypt_personal

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
OLD_INDEX_KEY, NEW_INDEX_KEY = "o" * 32, "n" * 32


@pytest.fixture
def bookings():
    slot = AppointmentSlotFactory(service=AppointmentServiceFactory(capacity_per_slot=5), capacity=5)
    with override_settings(PERSONAL_DATA_KEYS=[OLD], BLIND_INDEX_KEY=OLD_INDEX_KEY):
        return [book_slot(slot, applicant(n, document_number=f"E{n:08d}")) for n in range(1, 4)]


def stored(booking) -> Booking:
    return Booking.objects.get(pk=booking.pk)


def test_after_rotation_the_numbers_decrypt_with_the_new_key_alone(bookings):
    out = StringIO()
    with override_settings(PERSONAL_DATA_KEYS=[NEW, OLD]):
        call_command("rotate_personal_data_keys", "--batch-size", "2", stdout=out)

    assert "re-encrypted 3 of 3 document numbers" in out.getvalue()
    assert "… 2 of 3" in out.getvalue()  # progress after each batch
    with override_settings(PERSONAL_DATA_KEYS=[NEW]):
        for n, booking in enumerate(bookings, start=1):
            assert decrypt_personal(stored(booking).document_number_encrypted) == f"E{n:08d}"
    with override_settings(PERSONAL_DATA_KEYS=[OLD]), pytest.raises(PersonalDataKeyError):
        decrypt_personal(stored(bookings[0]).document_number_encrypted)


def test_a_dry_run_changes_nothing(bookings):
    before = [stored(booking).document_number_encrypted for booking in bookings]
    out = StringIO()
    with override_settings(PERSONAL_DATA_KEYS=[NEW, OLD]):
        call_command("rotate_personal_data_keys", "--dry-run", stdout=out)
    assert "would re-encrypt 3 of 3" in out.getvalue()
    assert [stored(booking).document_number_encrypted for booking in bookings] == before


def test_a_value_no_key_opens_fails_the_command_and_is_left_alone(bookings):
    # The old key was removed before rotating: the command says so instead of losing data.
    with override_settings(PERSONAL_DATA_KEYS=[NEW]), pytest.raises(CommandError, match="3 document numbers"):
        call_command("rotate_personal_data_keys", stdout=StringIO())
    with override_settings(PERSONAL_DATA_KEYS=[OLD]):
        assert decrypt_personal(stored(bookings[0]).document_number_encrypted) == "E00000001"


def test_reindexing_moves_the_blind_index_to_the_new_key_and_keeps_the_one_booking_rule(bookings):
    with override_settings(PERSONAL_DATA_KEYS=[OLD], BLIND_INDEX_KEY=NEW_INDEX_KEY):
        # Before reindexing, the stored index was made with the old key: the person is not recognised.
        assert stored(bookings[0]).document_index != blind_index("E00000001", scope="passport")

        call_command("rotate_personal_data_keys", "--reindex", stdout=StringIO())

        assert stored(bookings[0]).document_index == blind_index("E00000001", scope="passport")
        # The person is still recognised under the new key: a second booking of the service is refused.
        other_slot = AppointmentSlotFactory(service=bookings[0].service, starts_at=slot_start(4), capacity=5)
        with pytest.raises(BookingRefused) as refusal:
            book_slot(other_slot, applicant(9, document_number="e 0000 0001"))
        assert refusal.value.code == BookingRefused.ALREADY_BOOKED


def test_anonymised_bookings_have_nothing_to_rotate(bookings):
    anonymise(Booking.objects.filter(pk=bookings[0].pk))
    out = StringIO()
    with override_settings(PERSONAL_DATA_KEYS=[NEW, OLD]):
        call_command("rotate_personal_data_keys", stdout=out)
    assert "re-encrypted 2 of 2" in out.getvalue()
    assert stored(bookings[0]).document_number_encrypted == ""
