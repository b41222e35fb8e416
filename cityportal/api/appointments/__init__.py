"""Appointments over the API: services, one day's slots, booking, and finding or cancelling a booking.

    GET  /api/v1/appointment-services/                             services, their offices and guides
    GET  /api/v1/appointment-services/{id}/slots/?office=&date=    a day's slots, or why it has none
    POST /api/v1/challenges/                                       a proof-of-work challenge to solve
    POST /api/v1/bookings/                                         book a place: 201, 409 or 400
    POST /api/v1/bookings/lookup/  and  /api/v1/bookings/cancel/   with {"reference", "email"}

Ids are language-neutral: `lang` only changes the texts. Bookings are made and cancelled by the
appointments services (book_slot, cancel_booking), where the database guards the places; the
applicant's details are checked by the booking pages' own form (appointments.forms.ApplicantForm),
so both give the same answers. Personal data travels in POST bodies only, never in URLs, which logs
and caches keep. The POSTs are protected like the public forms (protection.py). docs/api.md.

Modules: schemas.py (the JSON shapes), catalogue.py (the GETs), bookings.py (the POSTs),
protection.py (challenge, rate limits, idempotency).
"""

from ninja import Router

from . import bookings, catalogue

router = Router()
router.add_router("", catalogue.router)
router.add_router("", bookings.router)
