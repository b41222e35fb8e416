"""State changes of appointments, one module per concern; import them from here."""

from .attendance import AttendanceRefused, can_check_in, can_mark_no_show, check_in, mark_no_show
from .booking import (
    Applicant,
    BookingRefused,
    book_slot,
    cancel_booking,
    check_bookable,
    ensure_slots,
    reschedule_booking,
)
from .capacity import CapacityOutcome, affected_by_capacity, change_capacity
from .closures import (
    AffectedBookingsChanged,
    ClosureOutcome,
    affected_by_closure,
    close_office,
    reopen_office,
)

__all__ = [
    "AffectedBookingsChanged",
    "Applicant",
    "AttendanceRefused",
    "BookingRefused",
    "CapacityOutcome",
    "ClosureOutcome",
    "affected_by_capacity",
    "affected_by_closure",
    "book_slot",
    "can_check_in",
    "can_mark_no_show",
    "cancel_booking",
    "change_capacity",
    "check_bookable",
    "check_in",
    "close_office",
    "ensure_slots",
    "mark_no_show",
    "reopen_office",
    "reschedule_booking",
]
