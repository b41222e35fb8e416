"""Steps 5 to 7: the applicant's details, review, confirmation; and "choose another time" on the way.

One address, /<lang>/appointments/book/: GET ?slot=<id> shows the empty details form; every later
step is a POST whose `action` says what to do, carrying the details in hidden fields (never in the
address, where logs and caches would keep them) and the slot's id:

- review:  check the details, then show them all with "Change" buttons and "Confirm booking";
- change:  the details form again, filled in;
- choose:  another office, day or time, the details carried along;
- confirm: the protected form books (core.protection), once per `submission_token`: a double click
           or a refresh shows the booking already made.

Nothing is written before `confirm`, and nothing then unless every check passes.
"""

import re
import secrets
import time

from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cityportal.core.crypto import blind_index
from cityportal.core.protection import Verdict, protected_form_view

from .. import availability, notifications
from ..availability import SlotState
from ..forms import ApplicantForm, BookingForm
from ..models import AppointmentSlot, Booking, BookingStatus, ServiceOffice
from ..schedule import BEIJING
from ..services import Applicant, BookingRefused, book_slot
from .calendar import calendar_url, day_url, render_day
from .common import (
    Problem,
    after_commit,
    crumbs,
    language_versions,
    now,
    parse_id,
    problem_page,
    services_link,
)
from .files import calendar_file_url

TOKEN = re.compile(r"^[0-9a-f]{32}$")
DOUBLE_CLICK_WAIT = 3.0  # seconds to wait for the first of two identical submissions to finish


@protected_form_view
def book(request):
    handlers = {"review": review, "change": change, "choose": choose, "confirm": confirm}
    try:
        if request.method != "POST":
            return details(request)
        return handlers.get(request.POST.get("action"), review)(request)
    except Problem as problem:
        return problem_page(request, problem)


# --- Finding the slot and saying why it cannot be booked ------------------------------------------


def find_slot(slot_id) -> AppointmentSlot:
    slot = (
        AppointmentSlot.objects.select_related("service", "office")
        .filter(pk=parse_id(slot_id), service__active=True)
        .first()
    )
    if slot is None or not ServiceOffice.objects.filter(service=slot.service, office=slot.office).exists():
        raise Problem(
            _("Time not found"),
            _("This appointment time does not exist. Please choose a day and a time again."),
            links=[services_link()],
        )
    return slot


def office_link(slot: AppointmentSlot) -> ServiceOffice:
    return ServiceOffice.objects.select_related("office").get(service=slot.service_id, office=slot.office_id)


def why_unavailable(slot: AppointmentSlot) -> str:
    """Empty when the slot can be booked now; else what to tell the visitor."""
    day, option = availability.slot_option(slot, now=now())
    if option is None:
        return _(
            "This time cannot be booked: the office is not open for this service then. Please choose another."
        )
    if option.state is SlotState.FULL:
        return _("This slot has just been filled: choose another.")
    if option.state is SlotState.TOO_LATE:
        return _("This time can no longer be booked. Please choose a later one.")
    return ""


def already_booked(service_id: int, form: ApplicantForm) -> bool:
    data = form.cleaned_data
    index = blind_index(data["document_number"], scope=data["document_type"])
    return Booking.objects.filter(
        service_id=service_id,
        document_type=data["document_type"],
        document_index=index,
        status=BookingStatus.ACTIVE,
        slot__ends_at__gte=now(),  # a passed appointment no longer counts (book_slot closes it)
    ).exists()


def already_booked_message() -> str:
    return _(
        "You already have a booking for this service with this document. You can change or cancel it "
        "under “Manage a booking”."
    )


# --- Steps ----------------------------------------------------------------------------------------


def details(request, form=None, slot=None, *, status=200):
    if slot is None:
        slot = find_slot(request.GET.get("slot"))
        problem = why_unavailable(slot)
        if problem:
            link = office_link(slot)
            return render_day(request, slot.service, link, _slot_day(slot), notice=problem, status=409)
    link = office_link(slot)
    form = form or ApplicantForm(initial={"document_type": "passport"})
    context = {**_slot_context(slot, link), "form": form, "crumbs": _crumbs(slot, link)}
    if request.method == "GET":  # a posted step cannot be reopened in another language without its form
        context["versions"] = language_versions(request, "appointments:book", query={"slot": slot.pk})
    return render(request, "appointments/details.html", context, status=status)


def review(request):
    if not parse_id(request.POST.get("slot")) and request.POST.get("service"):
        return choose(request, error=_("Choose a time."))
    slot = find_slot(request.POST.get("slot"))
    form = ApplicantForm(request.POST)
    if not form.is_valid():
        return details(request, form, slot, status=400)
    problem = why_unavailable(slot)
    if problem:
        return choose(request, form=form, slot=slot, notice=problem, status=409)
    if already_booked(slot.service_id, form):
        form.add_error("document_number", already_booked_message())
        return details(request, form, slot, status=409)
    return render_review(request, slot, form, token=secrets.token_hex(16))


def render_review(request, slot, form, *, token, protection=None, status=200):
    link = office_link(slot)
    context = {
        **_slot_context(slot, link),
        "form": form,
        "protection_form": protection or BookingForm(request=request),
        "carried": form.carried(),
        "token": token,
        "consent_text": form.consent_text(),
        "crumbs": _crumbs(slot, link),
    }
    return render(request, "appointments/review.html", context, status=status)


def change(request):
    slot = find_slot(request.POST.get("slot"))
    values = {name: request.POST.get(name, "") for name in ApplicantForm.base_fields}
    values["document_consent"] = bool(request.POST.get("document_consent"))
    return details(request, ApplicantForm(initial=values), slot)


def choose(request, *, form=None, slot=None, notice="", error="", status=200):
    """Another office, day or time for the same service, the details carried in hidden fields."""
    if form is None:
        form = ApplicantForm(request.POST)
        if not form.is_valid():
            slot = slot or find_slot(request.POST.get("slot"))
            return details(request, form, slot, status=400)
    if slot is None and parse_id(request.POST.get("slot")):
        slot = find_slot(request.POST.get("slot"))
    service_links = _service_links(request, slot)
    service = service_links[0].service
    chosen = _chosen_link(request, slot, service_links)
    moment = now()
    days = availability.bookable_days(service, chosen.office_id, now=moment)
    wanted = request.POST.get("day", "") or (_slot_day(slot).isoformat() if slot else "")
    day = next((day for day in days if day.date.isoformat() == wanted), days[0] if days else None)
    context = {
        "service": service,
        "links": service_links,
        "link": chosen,
        "office": chosen.office,
        "days": days,
        "day": day,
        "options": [option for option in day.slots if option.free] if day else [],
        "carried": form.carried(),
        "notice": notice,
        "error": error,
        "crumbs": crumbs((service.name, reverse("appointments:offices", args=[service.pk]))),
    }
    return render(request, "appointments/choose.html", context, status=status if not error else 400)


def confirm(request):
    slot = find_slot(request.POST.get("slot"))
    token = request.POST.get("submission_token", "")
    email = request.POST.get("email", "")
    if TOKEN.match(token):
        made = (
            Booking.objects.select_related("slot__service", "slot__office")
            .filter(submission_token=token)
            .first()
        )
        if made is not None and _same_email(made, email):  # a refresh or a second click
            return confirmation(request, made)
        if made is not None:  # not this visitor's token: never show or reuse someone else's booking
            token = ""
    form = BookingForm(request.POST, request=request)
    if not form.is_valid():
        if any(form.errors.get(name) for name in form.fields):
            return details(request, ApplicantForm(request.POST), slot, status=400)
        if form.challenge_verdict is Verdict.REPLAYED and TOKEN.match(token):
            made = _wait_for_booking(token, email)
            if made is not None:
                return confirmation(request, made)
        fresh = token if TOKEN.match(token) else secrets.token_hex(16)
        return render_review(request, slot, form, token=fresh, protection=form, status=form.status_code)
    if not TOKEN.match(token):
        form.add_error(None, _("We could not accept this form. Please check the details and confirm again."))
        return render_review(request, slot, form, token=secrets.token_hex(16), protection=form, status=400)
    problem = why_unavailable(slot)
    if problem:
        return choose(request, form=form, slot=slot, notice=problem, status=409)
    data = form.cleaned_data
    applicant = Applicant(
        full_name=data["full_name"],
        nationality=data["nationality"],
        document_type=data["document_type"],
        document_number=data["document_number"],
        email=data["email"],
        phone=data["phone"],
        language=get_language(),
        consent_text=form.consent_text(),
    )
    try:
        booking = book_slot(slot, applicant, submission_token=token, now=now())
    except BookingRefused as refusal:
        if refusal.code == BookingRefused.ALREADY_BOOKED:
            form.add_error("document_number", already_booked_message())
            return details(request, form, slot, status=409)
        if refusal.code in (BookingRefused.SLOT_FULL, BookingRefused.DAY_FULL):
            notice = _("This slot has just been filled: choose another.")
        else:
            notice = _("This time can no longer be booked. Please choose a later one.")
        return choose(request, form=form, slot=slot, notice=notice, status=409)
    after_commit(notifications.send_booking_confirmation, booking)
    return confirmation(request, booking)


def confirmation(request, booking: Booking):
    slot = booking.slot
    link = office_link(slot)
    context = {
        **_slot_context(slot, link),
        "booking": booking,
        "calendar_file_url": calendar_file_url(booking),
        "manage_url": reverse("appointments:manage"),
        "crumbs": crumbs()[:2],
    }
    return render(request, "appointments/confirmation.html", context)


# --- Helpers --------------------------------------------------------------------------------------


def _same_email(booking: Booking, email: str) -> bool:
    return constant_time_compare(booking.email.casefold(), email.strip().casefold())


def _booking_made_with(token: str, email: str) -> Booking | None:
    booking = (
        Booking.objects.select_related("slot__service", "slot__office").filter(submission_token=token).first()
    )
    return booking if booking is not None and _same_email(booking, email) else None


def _wait_for_booking(token: str, email: str) -> Booking | None:
    """Two clicks send the same proof-of-work, so the second is refused as a replay while the first may
    still be booking: wait a moment for the first, and show its booking."""
    deadline = time.monotonic() + DOUBLE_CLICK_WAIT
    while time.monotonic() < deadline:
        time.sleep(0.2)
        made = _booking_made_with(token, email)
        if made is not None:
            return made
    return None


def _slot_day(slot: AppointmentSlot):
    return slot.starts_at.astimezone(BEIJING).date()


def _slot_context(slot: AppointmentSlot, link: ServiceOffice) -> dict:
    return {
        "slot": slot,
        "service": slot.service,
        "office": link.office,
        "link": link,
        "day_url": day_url(slot.service_id, slot.office_id, _slot_day(slot)),
        "calendar_url": calendar_url(slot.service_id, slot.office_id),
    }


def _crumbs(slot: AppointmentSlot, link: ServiceOffice):
    return crumbs(
        (slot.service.name, reverse("appointments:offices", args=[slot.service_id])),
        (link.office.name, calendar_url(slot.service_id, slot.office_id)),
    )


def _service_links(request, slot: AppointmentSlot | None) -> list[ServiceOffice]:
    service_id = slot.service_id if slot else parse_id(request.POST.get("service"))
    links = list(
        ServiceOffice.objects.filter(service_id=service_id, service__active=True)
        .select_related("service", "office")
        .order_by("office__code")
    )
    if not links:
        raise Problem(
            _("Service not found"),
            _("This appointment service does not exist or is no longer open for booking."),
            links=[services_link()],
        )
    return links


def _chosen_link(request, slot, links: list[ServiceOffice]) -> ServiceOffice:
    wanted = parse_id(request.POST.get("office")) or (slot.office_id if slot else None)
    return next((link for link in links if link.office_id == wanted), links[0])
