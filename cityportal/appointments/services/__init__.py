"""State changes of appointments, one module per concern; import them from here."""

from .booking import (
    Applicant,
    BookingRefused,
    book_slot,
    cancel_booking,
    check_bookable,
    ensure_slots,
    reschedule_booking,
)

__all__ = [
    "Applicant",
    "BookingRefused",
    "book_slot",
    "cancel_booking",
    "check_bookable",
    "ensure_slots",
    "reschedule_booking",
]
