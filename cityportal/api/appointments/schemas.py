"""The JSON shapes of the appointments API, as they appear in the OpenAPI schema."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import StrictBool

from cityportal.appointments.availability import DayState
from cityportal.appointments.calendar_files import counter_for, manage_url
from cityportal.appointments.models import AppointmentService, Booking, DocumentType
from cityportal.appointments.schedule import BEIJING

MAX_ID = 2**63 - 1  # the largest id the database holds: a bigger number is a 400, not a database error
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class OfficeOut(Schema):
    id: int
    code: str = Field(description="Stable short code of the office.")
    name: str
    address: str = Field(description="In the response's language.")
    address_chinese: str = Field(description="The address in Chinese, to show a taxi driver.")
    latitude: float | None = Field(description="GCJ-02, the system of Chinese maps; null if unknown.")
    longitude: float | None = Field(description="GCJ-02; null if unknown.")
    counter: str = Field(description="Where to go on arrival for this service; empty if not given.")


class AppointmentServiceOut(Schema):
    id: int = Field(description="The same in every language.")
    code: str = Field(description="Stable short code, e.g. residence-permit-biometrics.")
    name: str
    description: str
    documents: list[str] = Field(description="What to bring, one document per item.")
    sections: list[str] = Field(description="invest, work, study, live, travel or consume.")
    procedures: list[str] = Field(description="Item codes of the procedure guides of this service.")
    offices: list[OfficeOut]
    slot_minutes: int = Field(description="Length of one appointment.")
    capacity_per_slot: int = Field(description="Places in each slot.")
    booking_window_days: int = Field(description="How many days ahead (Beijing time) can be booked.")
    min_notice_minutes: int = Field(description="A slot closes this long before it starts.")
    same_day_cutoff: str | None = Field(
        description="HH:MM Beijing time after which the same day cannot be booked; null if none."
    )

    @staticmethod
    def resolve_documents(service: AppointmentService) -> list[str]:
        return service.documents_list()

    @staticmethod
    def resolve_sections(service: AppointmentService) -> list[str]:
        return [tag.code for tag in service.sections.all()]

    @staticmethod
    def resolve_procedures(service: AppointmentService) -> list[str]:
        return [guide.item_code for guide in service.procedures.all() if guide.item_code]

    @staticmethod
    def resolve_offices(service: AppointmentService) -> list[dict]:
        return [office_out(link.office, link.counter) for link in service.service_offices.all()]

    @staticmethod
    def resolve_same_day_cutoff(service: AppointmentService) -> str | None:
        return service.same_day_cutoff.strftime("%H:%M") if service.same_day_cutoff else None


class SlotOut(Schema):
    id: int = Field(description="What POST /api/v1/bookings/ takes as `slot`.")
    start: dt.datetime = Field(description="ISO 8601 in Beijing time (+08:00).")
    end: dt.datetime
    remaining: int = Field(description="Free places; 0 when the slot is full.")


class DayOut(Schema):
    service: int
    office: int
    date: dt.date
    state: str = Field(
        description=f"Machine-readable: one of {', '.join(state.value for state in DayState)}."
    )
    reason: str | None = Field(
        description="Why nothing can be booked, in the response's language; else null."
    )
    slots: list[SlotOut] = Field(description="Bookable and full slots in start order; empty on a closed day.")


class ChallengeOut(Schema):
    """An ALTCHA (v1) challenge: find `number` ≤ maxNumber with SHA-256(salt + number) == challenge."""

    algorithm: str
    challenge: str
    maxNumber: int  # noqa: N815 - ALTCHA's own name, so ALTCHA's solvers take it as it is
    salt: str
    signature: str


class BookingIn(Schema):
    slot: Id = Field(description="A slot id from …/slots/.", examples=[4711])
    full_name: str = Field(description="As printed in the document.", json_schema_extra={"maxLength": 200})
    nationality: str = Field(
        description="ISO 3166-1 alpha-2 code, e.g. DE.", json_schema_extra={"pattern": "^[A-Z]{2}$"}
    )
    document_type: str = Field(
        DocumentType.PASSPORT.value,
        json_schema_extra={"enum": [value for value, _label in DocumentType.choices]},
    )
    document_number: str = Field(
        description="3–30 letters and digits. Stored encrypted, never sent back.",
        json_schema_extra={"maxLength": 30},
    )
    email: str = Field(
        description="Receives the confirmation and a reminder.", json_schema_extra={"maxLength": 254}
    )
    phone: str = Field(
        description="With its country code, e.g. +86 138 0000 0000.", json_schema_extra={"maxLength": 32}
    )
    language: str | None = Field(
        None, description="Language of the emails (one of `lang`'s values); default: the response's language."
    )
    consent: StrictBool = Field(
        description="The applicant's separate consent to the processing of the document number: must be true."
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "slot": 4711,
                    "full_name": "MÜLLER ANNA MARIA",
                    "nationality": "DE",
                    "document_type": "passport",
                    "document_number": "C01X00T47",
                    "email": "anna.mueller@example.org",
                    "phone": "+49 30 1234 5678",
                    "language": "de",
                    "consent": True,
                }
            ]
        }
    }


class ReferenceIn(Schema):
    reference: str = Field(description="As on the confirmation, e.g. K7QM3-XHD9P.", examples=["K7QM3-XHD9P"])
    email: str = Field(
        description="The address the booking was made with.", examples=["anna.mueller@example.org"]
    )


class ServiceRef(Schema):
    id: int
    code: str
    name: str


class BookingOut(Schema):
    reference: str = Field(description="Ten letters and digits: the key, with the email, to the booking.")
    status: str = Field(description="active, cancelled, attended or no-show.")
    slot: int
    starts_at: dt.datetime = Field(description="ISO 8601 in Beijing time (+08:00).")
    ends_at: dt.datetime
    service: ServiceRef
    office: OfficeOut
    documents: list[str] = Field(description="What to bring.")
    full_name: str
    document_type: str
    language: str = Field(description="Language of the emails about this booking.")
    manage_url: str = Field(description="The page where the applicant can view, move or cancel it.")


def office_out(office, counter: str = "") -> dict:
    return {
        "id": office.pk,
        "code": office.code,
        "name": office.name,
        "address": office.address,
        "address_chinese": office.address_chinese,
        "latitude": float(office.latitude) if office.latitude is not None else None,
        "longitude": float(office.longitude) if office.longitude is not None else None,
        "counter": counter,
    }


def booking_out(booking: Booking) -> dict:
    slot, service = booking.slot, booking.service
    return {
        "reference": booking.reference,
        "status": booking.status,
        "slot": slot.pk,
        "starts_at": slot.starts_at.astimezone(BEIJING),
        "ends_at": slot.ends_at.astimezone(BEIJING),
        "service": {"id": service.pk, "code": service.code, "name": service.name},
        "office": office_out(slot.office, counter_for(booking)),
        "documents": service.documents_list(),
        "full_name": booking.full_name,
        "document_type": booking.document_type,
        "language": booking.language,
        "manage_url": manage_url(booking.language),
    }
