"""“Manage a booking”, /<lang>/appointments/manage/: see, cancel or move a booking with its reference and
the email address given with it.

Every step is a POST of the same protected form (core.protection: same origin, honeypot,
proof-of-work, rate limits per IP and per reference), carrying the reference and the email address
in hidden fields, never in the address. A wrong email address gets exactly the answer an unknown
reference gets, so the page never tells whether a reference exists.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from cityportal.core.protection import protected_form_view

from .. import availability, notifications
from ..forms import ManageForm
from ..models import AppointmentSlot, Booking, BookingStatus, ServiceOffice
from ..schedule import BEIJING
from ..services import BookingRefused, cancel_booking, reschedule_booking
from .booking import why_unavailable
from .common import after_commit, crumbs, language_versions, now, parse_id
from .files import calendar_file_url

VIEW, CANCEL, CANCEL_CONFIRMED, RESCHEDULE, RESCHEDULE_CONFIRMED = (
    "view",
    "cancel",
    "cancel-confirmed",
    "reschedule",
    "reschedule-confirmed",
)


def find_booking(reference: str, email: str) -> Booking | None:
    booking = (
        Booking.objects.select_related("slot__office", "service")
        .filter(reference=reference, anonymised_at__isnull=True)
        .first()
    )
    if booking is None or not constant_time_compare(booking.email.casefold(), email.casefold()):
        return None
    return booking


def changeable(booking: Booking) -> bool:
    return booking.status == BookingStatus.ACTIVE and booking.slot.starts_at > now()


@protected_form_view
def manage(request):
    context = {
        "step": "ask",
        "crumbs": crumbs()[:2],
        "versions": language_versions(request, "appointments:manage"),
    }
    if request.method != "POST":
        context["form"] = ManageForm(request=request)
        return render(request, "appointments/manage.html", context)

    form = ManageForm(request.POST, request=request)
    context["form"] = form
    if not form.is_valid():
        return render(request, "appointments/manage.html", context, status=form.status_code)
    reference, email = form.cleaned_data["reference"], form.cleaned_data["email"]
    booking = find_booking(reference, email)
    if booking is None:
        context.update(step="not-found", form=ManageForm(request=request, initial={"reference": reference}))
        return render(request, "appointments/manage.html", context)

    context.update(
        booking=booking, reference=reference, email=email, protection_form=ManageForm(request=request)
    )
    action = request.POST.get("action", VIEW)
    if action in (CANCEL, CANCEL_CONFIRMED, RESCHEDULE, RESCHEDULE_CONFIRMED) and not changeable(booking):
        context["notice"] = _("This booking can no longer be changed.")
        action = VIEW
    if action == CANCEL:
        context["step"] = "cancel"
    elif action == CANCEL_CONFIRMED:
        booking = cancel_booking(booking)
        after_commit(notifications.send_booking_cancellation, booking)
        context.update(step="cancelled", booking=booking)
    elif action in (RESCHEDULE, RESCHEDULE_CONFIRMED):
        return reschedule(request, context, booking, confirmed=action == RESCHEDULE_CONFIRMED)
    else:
        context["step"] = "found"
    return render_booking(request, context)


def render_booking(request, context, status=200):
    booking = context["booking"]
    link = ServiceOffice.objects.filter(
        service_id=booking.service_id, office_id=booking.slot.office_id
    ).first()
    context.update(
        slot=booking.slot,
        service=booking.service,
        office=booking.slot.office,
        link=link,
        changeable=changeable(booking),
        calendar_file_url=calendar_file_url(booking),
    )
    return render(request, "appointments/manage.html", context, status=status)


def reschedule(request, context, booking: Booking, *, confirmed: bool):
    """Choose a new day and time at the same office; the new place is taken before the old is given back."""
    status = 200
    if confirmed:
        slot = (
            AppointmentSlot.objects.select_related("service", "office")
            .filter(
                pk=parse_id(request.POST.get("slot")), service=booking.service, office=booking.slot.office
            )
            .first()
        )
        if slot is None:
            context["error"] = _("Choose a new time.")
            status = 400
        elif slot.pk == booking.slot_id:
            context["error"] = _("This is the time you already have. Choose another one.")
            status = 400
        else:
            problem = why_unavailable(slot)
            if not problem:
                try:
                    booking = reschedule_booking(booking, slot, now=now())
                except BookingRefused as refusal:
                    problem = (
                        _("This slot has just been filled: choose another.")
                        if refusal.code in (BookingRefused.SLOT_FULL, BookingRefused.DAY_FULL)
                        else _("This time can no longer be booked. Please choose a later one.")
                    )
                else:
                    after_commit(notifications.send_booking_update, booking)
                    context.update(step="rescheduled", booking=booking)
                    return render_booking(request, context)
            context["notice"] = problem
            status = 409
    days = [
        day
        for day in availability.bookable_days(booking.service, booking.slot.office_id, now=now())
        if any(option.free and option.slot.pk != booking.slot_id for option in day.slots)
    ]
    current_day = booking.slot.starts_at.astimezone(BEIJING).date().isoformat()
    wanted = request.POST.get("day") or current_day
    day = next((day for day in days if day.date.isoformat() == wanted), days[0] if days else None)
    context.update(
        step="reschedule",
        days=days,
        day=day,
        options=[option for option in day.slots if option.free and option.slot.pk != booking.slot_id]
        if day
        else [],
        manage_url=reverse("appointments:manage"),
    )
    return render_booking(request, context, status=status)
