"""The appointments API's writes: book a place, find a booking, cancel it (through the booking services)."""

import datetime as dt
from typing import Annotated

from django import forms
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Header, Router, Status

from cityportal.appointments import availability, notifications
from cityportal.appointments.availability import SlotState
from cityportal.appointments.forms import ApplicantForm, BookingForm, ManageForm
from cityportal.appointments.models import AppointmentSlot, Booking, BookingStatus
from cityportal.appointments.services import Applicant, BookingRefused, book_slot, cancel_booking
from cityportal.core import protection as core_protection
from cityportal.core.i18n import bcp47, language_codes
from cityportal.core.references import normalise_reference

from ..errors import ApiError, invalid_request
from ..languages import parse_language
from ..params import Lang, use_language
from ..schemas import ErrorResponse
from .catalogue import day_reason
from .protection import (
    IDEMPOTENCY_HEADER,
    SOLUTION_HEADER,
    check_challenge,
    check_rate_limits,
    submission_token,
)
from .schemas import BookingIn, BookingOut, ChallengeOut, ReferenceIn, booking_out

router = Router(tags=["appointments"])

NOT_STORED = "private, no-store"  # personal data: no cache keeps these answers


@router.post(
    "/challenges/",
    response={201: ChallengeOut, 400: ErrorResponse},
    operation_id="createChallenge",
    summary="A proof-of-work challenge for one booking, lookup or cancellation",
    description=(
        "Solve it (ALTCHA v1: find `number` from 0 to `maxNumber` with SHA-256(salt + number) == "
        "challenge, a fraction of a second) and send base64(JSON {algorithm, challenge, number, salt, "
        f"signature}}) in the `{SOLUTION_HEADER}` header of the POST it protects. Each solution works "
        "once, within 20 minutes."
    ),
)
def create_challenge(request, response: HttpResponse, lang: Lang = None):
    use_language(request, lang)
    response["Cache-Control"] = NOT_STORED
    return Status(201, core_protection.create_challenge())


SolutionHeader = Annotated[
    str | None,
    Header(
        alias=SOLUTION_HEADER,
        description="A solved challenge (see POST /api/v1/challenges/); required unless bot checks are off.",
    ),
]
BOOKING_ERRORS = {
    400: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    409: ErrorResponse,
    429: ErrorResponse,
    503: ErrorResponse,
}
BOOKING_RESPONSES = {
    201: {"description": "Booked (or the same Idempotency-Key again: the booking it made)."},
    400: {
        "description": "`invalid_request`: `fields` says what is wrong with each field (nothing is written)."
    },
    403: {"description": "`challenge_required`, `challenge_invalid` or `challenge_expired`."},
    409: {
        "description": "`slot-full`: the slot has just filled; `day-full`: the day's bookings for the "
        "service are taken; `already-booked`: this document already holds an active booking for the service."
    },
    429: {
        "description": "`rate_limited`: too many bookings from this address or for this email; "
        "see Retry-After."
    },
    503: {
        "description": "`unavailable`: the challenge cannot be checked right now; try again in a few minutes."
    },
}
REFUSALS = {
    BookingRefused.SLOT_FULL: lambda: _("This time has just been fully booked. Please choose another time."),
    BookingRefused.DAY_FULL: lambda: _(
        "All appointments for this service at this office on this day are taken. Please choose another day."
    ),
    BookingRefused.ALREADY_BOOKED: lambda: _(
        "There is already an active booking for this service with this identity document. "
        "Cancel or change that booking first."
    ),
}


@router.post(
    "/bookings/",
    response={201: BookingOut, **BOOKING_ERRORS},
    operation_id="createBooking",
    summary="Book a place in a slot",
    description=(
        "Checks the applicant's details as the booking pages do, then takes a place if one is left; "
        "the database makes sure a slot is never overbooked. The confirmation email (with the `.ics` "
        "file and QR code) is queued in the applicant's `language`. Send an `Idempotency-Key` (e.g. a "
        "UUID) to make a retry safe: the same key and email again give the booking already made. The "
        "document number is never sent back."
    ),
    openapi_extra={"responses": BOOKING_RESPONSES},
)
def create_booking(
    request,
    response: HttpResponse,
    payload: BookingIn,
    solution: SolutionHeader = None,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=IDEMPOTENCY_HEADER, max_length=200, description="Any unique string per booking attempt."
        ),
    ] = None,
    lang: Lang = None,
):
    response_language = use_language(request, lang)
    now = timezone.now()
    slot, applicant = validated_booking(payload, response_language, now)
    check_challenge(solution)
    check_rate_limits(request, BookingForm.rate_limit, applicant.email)
    try:
        booking = book_slot(
            slot, applicant, submission_token=submission_token(idempotency_key, applicant.email), now=now
        )
    except BookingRefused as refusal:
        if refusal.code in REFUSALS:
            raise ApiError(409, refusal.code, REFUSALS[refusal.code]()) from None
        raise invalid_request(
            {"slot": [_("This time can no longer be booked. Please choose a later time.")]}
        ) from None
    if booking.service_id == slot.service_id:
        booking.service = slot.service  # loaded with the slot: the email and the answer need no query
    if booking.consented_at == now:  # made by this request, not found again by its Idempotency-Key
        transaction.on_commit(lambda: notifications.send_booking_confirmation(booking), robust=True)
    else:
        response["Idempotent-Replayed"] = "true"
    response["Cache-Control"] = NOT_STORED
    return Status(201, booking_out(booking))


FORM_FIELDS = {"document_consent": "consent"}  # the form's name → the API's


def validated_booking(
    payload: BookingIn, response_language: str, now: dt.datetime
) -> tuple[AppointmentSlot, Applicant]:
    """The slot and applicant, or a 400 listing every field's problem (nothing is written)."""
    form = ApplicantForm(
        data={
            "full_name": payload.full_name,
            "nationality": payload.nationality.strip().upper(),
            "document_type": payload.document_type,
            "document_number": payload.document_number,
            "email": payload.email,
            "phone": payload.phone,
            "document_consent": payload.consent,
        }
    )
    errors = {FORM_FIELDS.get(name, name): list(messages) for name, messages in form.errors.items()}
    language = response_language
    if payload.language is not None:
        try:
            language = parse_language(payload.language)
        except LookupError:
            errors["language"] = [
                _("“%(value)s” is not a supported language. Use one of: %(languages)s.")
                % {
                    "value": payload.language,
                    "languages": ", ".join(bcp47(code) for code in language_codes()),
                }
            ]
    slot, problem = bookable_slot(payload.slot, now)
    if problem:
        errors["slot"] = [problem]
    if errors:
        raise invalid_request(errors)
    data = form.cleaned_data
    with translation.override(language):  # the consent as the applicant read it, in their language
        consent_text = form.fields["document_consent"].consent_text()
    return slot, Applicant(
        full_name=data["full_name"],
        nationality=data["nationality"],
        document_type=data["document_type"],
        document_number=data["document_number"],
        email=data["email"],
        phone=data["phone"],
        language=language,
        consent_text=consent_text,
    )


def bookable_slot(slot_id: int, now: dt.datetime) -> tuple[AppointmentSlot | None, str | None]:
    """The slot when its day is open and it is not too late for it (full or not: book_slot decides)."""
    slot = AppointmentSlot.objects.select_related("service", "office").filter(pk=slot_id).first()
    if slot is None:
        return None, _("There is no such appointment slot. Choose one from the list of slots.")
    if not slot.service.active:
        return None, _("This appointment service does not exist or is no longer open for booking.")
    day, option = availability.slot_option(slot, now=now)
    if option is None and day.slots:  # the day offers other times: this one lies outside its hours
        return None, _("The office is closed at this time.")
    if option is None:  # a closed or past day, or one beyond the booking window
        return None, day_reason(day, slot.service)
    if option.state is SlotState.TOO_LATE:
        return None, _("This time can no longer be booked. Please choose a later time.")
    return slot, None


# --- Finding and cancelling a booking ------------------------------------------------------------

MANAGE_ERRORS = {status: schema for status, schema in BOOKING_ERRORS.items() if status != 409}
MANAGE_RESPONSES = {
    400: {"description": "`invalid_request`: the reference or email is malformed."},
    403: {"description": "`challenge_required`, `challenge_invalid` or `challenge_expired`."},
    404: {
        "description": "`booking_not_found`: no booking has this reference and email (either may be wrong)."
    },
    429: {"description": "`rate_limited`: too many attempts; see Retry-After."},
    503: BOOKING_RESPONSES[503],
}


@router.post(
    "/bookings/lookup/",
    response={200: BookingOut, **MANAGE_ERRORS},
    operation_id="lookupBooking",
    summary="A booking, found by its reference and email",
    openapi_extra={"responses": MANAGE_RESPONSES},
)
def lookup_booking(
    request, response: HttpResponse, payload: ReferenceIn, solution: SolutionHeader = None, lang: Lang = None
):
    use_language(request, lang)
    booking = find_booking(request, payload, solution)
    response["Cache-Control"] = NOT_STORED
    return booking_out(booking)


@router.post(
    "/bookings/cancel/",
    response={200: BookingOut, **BOOKING_ERRORS},
    operation_id="cancelBooking",
    summary="Cancel a booking, found by its reference and email",
    description=(
        "Gives the place back and queues a cancellation email with a METHOD:CANCEL `.ics`. Cancelling a "
        "cancelled booking answers the same again; an appointment that has begun is a 409 `not-cancellable`."
    ),
    openapi_extra={
        "responses": {
            **MANAGE_RESPONSES,
            409: {"description": "`not-cancellable`: the appointment has begun."},
        }
    },
)
def cancel_by_reference(
    request, response: HttpResponse, payload: ReferenceIn, solution: SolutionHeader = None, lang: Lang = None
):
    use_language(request, lang)
    booking = find_booking(request, payload, solution)
    now = timezone.now()
    if booking.status != BookingStatus.CANCELLED:
        if booking.status != BookingStatus.ACTIVE or booking.slot.starts_at <= now:
            raise ApiError(
                409,
                "not-cancellable",
                _("This appointment has already begun, so it can no longer be cancelled."),
            )
        booking = cancel_booking(booking, now=now)
        if booking.cancelled_at == now:  # this request cancelled it (not a simultaneous one)
            transaction.on_commit(lambda: notifications.send_booking_cancellation(booking), robust=True)
    response["Cache-Control"] = NOT_STORED
    return booking_out(booking)


def find_booking(request, payload: ReferenceIn, solution: str | None) -> Booking:
    """The booking with this reference and email, after the checks; a wrong email is an unknown reference."""
    errors = {}
    reference = normalise_reference(payload.reference)
    if not reference:
        errors["reference"] = [
            _("Enter the reference as it is shown on your confirmation: ten letters and digits.")
        ]
    try:
        email = forms.EmailField(max_length=254).clean(payload.email)
    except forms.ValidationError as error:
        errors["email"] = list(error.messages)
    if errors:
        raise invalid_request(errors)
    check_challenge(solution)
    check_rate_limits(request, ManageForm.rate_limit, reference)
    booking = (
        Booking.objects.select_related("slot__office", "service")
        .filter(reference=reference, email__iexact=email.strip(), anonymised_at__isnull=True)
        .first()
    )
    if booking is None:
        raise ApiError(
            404,
            "booking_not_found",
            _("No booking matches this reference and email address. Please check both."),
        )
    return booking
