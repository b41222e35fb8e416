"""The appointments API's reads: the services, and one day's slots at an office (or why there are none)."""

import datetime as dt
from typing import Annotated

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Path, Query, Router
from ninja.pagination import paginate

from cityportal.appointments import availability
from cityportal.appointments.availability import Day, DayState, SlotState
from cityportal.appointments.models import AppointmentService, ServiceOffice
from cityportal.appointments.schedule import BEIJING
from cityportal.procedures.models import ProcedurePage

from ..errors import ApiError, invalid_request
from ..pagination import PageNumberPagination
from ..params import Lang, use_language
from ..schemas import ERRORS
from .schemas import MAX_ID, AppointmentServiceOut, DayOut

router = Router(tags=["appointments"])

FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2999, 12, 31)


@router.get(
    "/appointment-services/",
    response={200: list[AppointmentServiceOut], **ERRORS},
    operation_id="listAppointmentServices",
    summary="Appointment services that can be booked, with their offices",
)
@paginate(PageNumberPagination)
def list_appointment_services(request, lang: Lang = None):
    use_language(request, lang)
    # A fixed number of queries whatever the number of services: the page, then one per relation.
    return AppointmentService.objects.filter(active=True).prefetch_related(
        Prefetch(
            "service_offices",
            queryset=ServiceOffice.objects.select_related("office").order_by("office__code"),
        ),
        Prefetch("procedures", queryset=ProcedurePage.objects.only("id", "item_code").order_by("item_code")),
        "sections",
    )


DAY_HELP = (
    "The day's slots at one office, with their remaining places. Full slots are listed with 0; slots "
    "too close to their start are left out. A day without bookable slots (holiday, closure, a year "
    "whose official holiday schedule is not confirmed yet, beyond the booking window …) has an empty "
    "list, a `state` and a `reason` in the response's language. Remaining places change by the "
    "second, so the answer is `Cache-Control: no-cache` (revalidate with its ETag); a booking of a "
    "slot that has just filled is a 409."
)


@router.get(
    "/appointment-services/{service_id}/slots/",
    response={200: DayOut, **ERRORS},
    operation_id="listAppointmentSlots",
    summary="One day's slots of a service at an office",
    description=DAY_HELP,
)
def list_appointment_slots(
    request,
    response: HttpResponse,
    service_id: Annotated[int, Path(ge=1, le=MAX_ID, description="An id from /appointment-services/.")],
    office: Annotated[int, Query(ge=1, le=MAX_ID, description="An office id of that service.")],
    date: Annotated[dt.date, Query(description="YYYY-MM-DD, a day in Beijing time.")],
    lang: Lang = None,
):
    use_language(request, lang)
    service = AppointmentService.objects.filter(pk=service_id, active=True).first()
    if service is None:
        raise ApiError(
            404, "not_found", _("This appointment service does not exist or is no longer open for booking.")
        )
    if not ServiceOffice.objects.filter(service=service, office_id=office).exists():
        raise invalid_request(
            {"office": [_("This office does not offer this service. Please choose an office from the list.")]}
        )
    if not FIRST_DATE <= date <= LAST_DATE:
        raise invalid_request({"date": [_("Enter a valid date.")]})
    day = availability.day_availability(service, office, date, now=timezone.now())
    response["Cache-Control"] = "public, no-cache"
    return {
        "service": service.pk,
        "office": office,
        "date": date,
        "state": day.state.value,
        "reason": day_reason(day, service),
        "slots": [
            {
                "id": option.slot.pk,
                "start": option.slot.starts_at.astimezone(BEIJING),
                "end": option.slot.ends_at.astimezone(BEIJING),
                "remaining": option.slot.remaining if option.free else 0,
            }
            for option in day.slots
            if option.state is not SlotState.TOO_LATE
        ],
    }


def day_reason(day: Day, service: AppointmentService) -> str | None:
    """Why nothing can be booked on `day`, in the active language; None when something can."""
    state = day.state
    if state is DayState.OPEN:
        return None
    if state is DayState.CLOSURE and day.closure_reasons:
        return " ".join(day.closure_reasons)
    if state is DayState.UNCONFIRMED_YEAR:
        return _(
            "Appointments in %(year)s can be booked once the official holiday schedule for that year "
            "has been confirmed."
        ) % {"year": day.date.year}
    if state is DayState.NOT_YET_OPEN:
        days = service.booking_window_days
        return ngettext(
            "Appointments can be booked at most %(days)s day ahead.",
            "Appointments can be booked at most %(days)s days ahead.",
            days,
        ) % {"days": days}
    return {
        DayState.FULL: _("All places on this day are taken."),
        DayState.HOLIDAY: _("The office is closed on this public holiday."),
        DayState.CLOSURE: _("The office is closed on this day."),
        DayState.NO_HOURS: _("The office does not open on this day of the week."),
        DayState.NO_SLOTS: _("No appointments are offered on this day."),
        DayState.PAST: _("This day has passed."),
        DayState.TOO_LATE: _("It is too late to book an appointment on this day."),
    }[state]
