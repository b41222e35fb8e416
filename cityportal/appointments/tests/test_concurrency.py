"""No overbooking under simultaneous requests, proved with real connections and real locks.

Fifty threads, each with its own connection, are released together at one slot of five places, and
queue on its lock at once: on PostgreSQL when the suite runs on it (DATABASE_URL), on SQLite as a
WAL file with IMMEDIATE transactions and a busy timeout, as production runs it
(concurrency.WorkerDatabase). CI runs the suite on both. The control runs the same harness against
the check-then-write that book_slot must never be, and shows that it overbooks: a harness that could
not catch overbooking would prove nothing.
"""

import time

import pytest
from django.db import transaction
from django.utils import timezone

from cityportal.appointments.models import AppointmentSlot, Booking, BookingStatus
from cityportal.appointments.services import Applicant, BookingRefused, book_slot
from cityportal.core.crypto import blind_index, encrypt_personal
from cityportal.core.references import new_reference

from .concurrency import WorkerDatabase, overlap, run_together
from .factories import AppointmentSlotFactory, applicant

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 50
PLACES = 5


@pytest.fixture
def slot():
    return AppointmentSlotFactory(capacity=PLACES, service__capacity_per_slot=PLACES)


def active_bookings(database: WorkerDatabase, slot) -> tuple[int, int]:
    """(the slot's `booked` counter, its active bookings), read from the workers' database."""
    with database.as_default():
        booked = AppointmentSlot.objects.get(pk=slot.pk).booked
        return booked, Booking.objects.filter(slot_id=slot.pk, status=BookingStatus.ACTIVE).count()


def booking_by(slot_id: int, person: Applicant, **options):
    def call():
        # Read the slot after the barrier, as a request does, then book through the service.
        return book_slot(AppointmentSlot.objects.select_related("service").get(pk=slot_id), person, **options)

    return call


def test_fifty_simultaneous_bookings_fill_five_places_and_no_more(slot, tmp_path):
    database = WorkerDatabase(tmp_path)
    if database.vendor == "sqlite":
        assert database.journal_mode() == "wal", "the workers meet SQLite as production runs it"
    attempts = run_together(
        database,
        [booking_by(slot.pk, applicant(n)) for n in range(ATTEMPTS)],
        contended=(AppointmentSlot, slot.pk),
    )

    assert overlap(attempts) > 0, "every attempt started before the first one finished"
    unexpected = [
        attempt.error
        for attempt in attempts
        if attempt.error is not None
        and not (isinstance(attempt.error, BookingRefused) and attempt.error.code == BookingRefused.SLOT_FULL)
    ]
    assert unexpected == [], "a full slot is the only refusal, and nothing else goes wrong"
    booked = [attempt.result for attempt in attempts if isinstance(attempt.result, Booking)]
    assert len(booked) == PLACES
    assert sum(attempt.error is not None for attempt in attempts) == ATTEMPTS - PLACES
    assert active_bookings(database, slot) == (PLACES, PLACES)


def naive_book(slot_id: int, person: Applicant) -> Booking:
    """The check-then-write book_slot must never be: read the count, compare it in Python, write."""
    slot = AppointmentSlot.objects.get(pk=slot_id)
    if slot.booked >= slot.capacity:
        raise BookingRefused(BookingRefused.SLOT_FULL)
    # The time a request spends between its read and its write (rendering, other queries), made
    # long enough that the race happens every time rather than now and then.
    time.sleep(0.05)
    with transaction.atomic():
        AppointmentSlot.objects.filter(pk=slot_id).update(booked=slot.booked + 1)
        return Booking.objects.create(
            reference=new_reference(),
            slot_id=slot_id,
            service_id=slot.service_id,
            full_name=person.full_name,
            nationality=person.nationality,
            document_type=person.document_type,
            document_number_encrypted=encrypt_personal(person.document_number),
            document_index=blind_index(person.document_number, scope=person.document_type),
            email=person.email,
            phone=person.phone,
            language=person.language,
            consent_text=person.consent_text,
            consented_at=timezone.now(),
        )


def test_control_the_same_harness_catches_a_check_then_write_booking(slot, tmp_path):
    database = WorkerDatabase(tmp_path)
    attempts = run_together(
        database,
        [lambda n=n: naive_book(slot.pk, applicant(n)) for n in range(ATTEMPTS)],
        contended=(AppointmentSlot, slot.pk),
    )

    assert overlap(attempts) > 0
    assert [attempt.error for attempt in attempts if attempt.error is not None] == []
    booked, active = active_bookings(database, slot)
    assert active > PLACES, "the naive function overbooks, so the harness can see overbooking"
    assert booked <= PLACES, "…while its counter, overwritten with stale values, hides it"


def test_twenty_simultaneous_submissions_of_one_form_make_one_booking(slot, tmp_path):
    database = WorkerDatabase(tmp_path)
    same_form = booking_by(slot.pk, applicant(1), submission_token="form-token-double-click")
    attempts = run_together(database, [same_form] * 20, contended=(AppointmentSlot, slot.pk))

    assert overlap(attempts) > 0
    assert [attempt.error for attempt in attempts if attempt.error is not None] == []
    assert len({attempt.result.pk for attempt in attempts}) == 1, "every submission gets the same booking"
    assert active_bookings(database, slot) == (1, 1)
