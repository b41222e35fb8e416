"""Closing an office and lowering a service's places: who is affected, nothing before confirmation,
then cancellations, places given back, slots withdrawn and one email per person."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import ModelLogEntry

from cityportal.appointments.models import AppointmentSlot, Booking, BookingStatus, OfficeClosure
from cityportal.appointments.schedule import BEIJING
from cityportal.appointments.services import (
    AffectedBookingsChanged,
    affected_by_capacity,
    affected_by_closure,
    book_slot,
    change_capacity,
    close_office,
)
from cityportal.appointments.tests.factories import (
    AppointmentServiceFactory,
    AppointmentSlotFactory,
    applicant,
    slot_start,
)
from cityportal.core.models import OutboundEmail
from cityportal.core.services.calendar import seed_calendar_year
from cityportal.core.working_days import is_working_day, load_working_calendar

pytestmark = pytest.mark.django_db

REASON = {"zh-hans": "系统维护", "en": "System maintenance"}


def day_of(slot) -> dt.date:
    return slot.starts_at.astimezone(BEIJING).date()


def working_days_ahead(at_least: int) -> int:
    """How many days from today to the first working day at least `at_least` days ahead, in a
    confirmed calendar (so that an office's hours apply on it)."""
    today = dt.datetime.now(BEIJING).date()
    for year in {today.year, today.year + 1}:
        seed_calendar_year(year, confirmed=True)
    calendar = load_working_calendar({today.year, today.year + 1})
    ahead = at_least
    while not is_working_day(today + dt.timedelta(days=ahead), calendar) or (
        (today + dt.timedelta(days=ahead)).weekday() >= 5
    ):
        ahead += 1
    return ahead


@pytest.fixture
def day_with_bookings():
    """One service at one office, on a working day three or more days ahead: 9:00 with two bookings
    (Russian and Arabic), 10:00 with one (English), 11:00 empty."""
    service = AppointmentServiceFactory(capacity_per_slot=2)
    office = service.service_offices.get().office
    ahead = working_days_ahead(3)
    nine = AppointmentSlotFactory(service=service, starts_at=slot_start(ahead, 9), capacity=2)
    ten = AppointmentSlotFactory(service=service, starts_at=slot_start(ahead, 10), capacity=2)
    eleven = AppointmentSlotFactory(service=service, starts_at=slot_start(ahead, 11), capacity=2)
    bookings = [
        book_slot(nine, applicant(1, language="ru")),
        book_slot(nine, applicant(2, language="ar")),
        book_slot(ten, applicant(3, language="en")),
    ]
    return service, office, (nine, ten, eleven), bookings


@pytest.fixture
def manager(django_user_model):
    user = django_user_model.objects.create_user("manager", "manager@example.org", "pw")
    user.groups.add(Group.objects.get(name="Appointment managers"))
    return user


def test_a_range_of_hours_affects_only_the_bookings_it_meets(day_with_bookings):
    _service, office, (nine, _ten, _eleven), bookings = day_with_bookings
    affected = affected_by_closure(office, day_of(nine), dt.time(8, 30), dt.time(9, 30))
    assert {booking.pk for booking in affected} == {bookings[0].pk, bookings[1].pk}
    whole_day = affected_by_closure(office, day_of(nine), None, None)
    assert {booking.pk for booking in whole_day} == {booking.pk for booking in bookings}


def test_closing_a_day_cancels_its_bookings_gives_places_back_and_withdraws_the_slots(
    day_with_bookings, manager, django_capture_on_commit_callbacks
):
    service, office, (nine, ten, eleven), bookings = day_with_bookings
    with django_capture_on_commit_callbacks() as callbacks:
        outcome = close_office(office, day_of(nine), None, None, REASON, acting_user=manager)
    assert {booking.pk for booking in outcome.cancelled} == {booking.pk for booking in bookings}
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.CANCELLED}
    # Slots that held bookings stay (the bookings point to them) but offer nothing; the empty one is gone.
    assert not AppointmentSlot.objects.filter(pk=eleven.pk).exists()
    for slot in AppointmentSlot.objects.filter(pk__in=[nine.pk, ten.pk]):
        assert slot.booked == 0 and slot.capacity == 0
    closure = OfficeClosure.objects.get(office=office)
    assert closure.whole_day and closure.reason_en == "System maintenance"
    assert ModelLogEntry.objects.filter(action="appointments.cancel", user=manager).count() == 3
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(closure.pk)).exists()
    assert len(callbacks) == 3  # one email per cancelled booking, sent only once the change commits


def test_each_cancelled_person_gets_one_email_in_their_language(
    day_with_bookings, manager, django_capture_on_commit_callbacks
):
    _service, office, (nine, _ten, _eleven), _bookings = day_with_bookings
    with django_capture_on_commit_callbacks(execute=True):
        close_office(office, day_of(nine), None, None, REASON, acting_user=manager)
    emails = OutboundEmail.objects.order_by("pk")
    assert sorted((email.to[0], email.language) for email in emails) == [
        ("person1@example.org", "ru"),
        ("person2@example.org", "ar"),
        ("person3@example.org", "en"),
    ]


def test_nothing_changes_when_the_bookings_changed_since_staff_looked(day_with_bookings, manager):
    _service, office, (nine, _ten, eleven), bookings = day_with_bookings
    shown = [booking.pk for booking in affected_by_closure(office, day_of(nine), None, None)]
    newcomer = book_slot(eleven, applicant(4))
    with pytest.raises(AffectedBookingsChanged) as changed:
        close_office(office, day_of(nine), None, None, REASON, acting_user=manager, expected=shown)
    assert newcomer.pk in {booking.pk for booking in changed.value.affected}
    assert not OfficeClosure.objects.exists()
    assert not Booking.objects.filter(status=BookingStatus.CANCELLED).exists()
    assert AppointmentSlot.objects.get(pk=eleven.pk).booked == 1


def test_a_closed_range_leaves_the_other_hours_bookable(day_with_bookings, manager):
    _service, office, (nine, ten, eleven), bookings = day_with_bookings
    close_office(office, day_of(nine), dt.time(9, 0), dt.time(9, 15), REASON, acting_user=manager)
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses[bookings[0].pk] == statuses[bookings[1].pk] == BookingStatus.CANCELLED
    assert statuses[bookings[2].pk] == BookingStatus.ACTIVE
    assert AppointmentSlot.objects.get(pk=ten.pk).capacity == 2
    book_slot(AppointmentSlot.objects.get(pk=eleven.pk), applicant(5))


# Lowering the places per slot


def test_lowering_places_cancels_the_latest_bookings_beyond_the_new_number(
    day_with_bookings, manager, django_capture_on_commit_callbacks
):
    service, _office, (nine, ten, _eleven), bookings = day_with_bookings
    first, latest, other = bookings
    assert [booking.pk for booking in affected_by_capacity(service, 1)] == [latest.pk]
    with django_capture_on_commit_callbacks() as callbacks:
        outcome = change_capacity(service, 1, acting_user=manager, expected=[latest.pk])
    assert [booking.pk for booking in outcome.cancelled] == [latest.pk]
    assert len(callbacks) == 1
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: BookingStatus.ACTIVE,
        latest.pk: BookingStatus.CANCELLED,
        other.pk: BookingStatus.ACTIVE,
    }
    assert AppointmentSlot.objects.get(pk=nine.pk).capacity == 1
    assert AppointmentSlot.objects.get(pk=nine.pk).booked == 1
    service.refresh_from_db()
    assert service.capacity_per_slot == 1
    assert ModelLogEntry.objects.filter(action="appointments.change_capacity", user=manager).exists()


def test_raising_places_cancels_nothing_and_opens_more_places(day_with_bookings, manager):
    service, _office, (nine, _ten, _eleven), _bookings = day_with_bookings
    outcome = change_capacity(service, 4, acting_user=manager, expected=[])
    assert outcome.cancelled == []
    assert AppointmentSlot.objects.get(pk=nine.pk).remaining == 2
    assert not Booking.objects.filter(status=BookingStatus.CANCELLED).exists()


def test_a_slot_withdrawn_by_a_closure_stays_closed_when_places_are_raised(day_with_bookings, manager):
    service, office, (nine, _ten, _eleven), _bookings = day_with_bookings
    close_office(office, day_of(nine), dt.time(9, 0), dt.time(9, 15), REASON, acting_user=manager)
    change_capacity(service, 5, acting_user=manager)
    assert AppointmentSlot.objects.get(pk=nine.pk).capacity == 0


# Through the admin


def closure_form(office, day, starts="", ends="") -> dict:
    return {
        "office": office.pk,
        "date": day.isoformat(),
        "starts": starts,
        "ends": ends,
        "reason_en": "Staff training",
    }


def test_adding_a_closure_first_shows_whom_it_affects_and_changes_nothing(client, manager, day_with_bookings):
    _service, office, (nine, _ten, _eleven), bookings = day_with_bookings
    client.force_login(manager)
    response = client.post(reverse("appointment_closures:add"), closure_form(office, day_of(nine)))
    assert response.status_code == 200
    html = response.content.decode()
    for booking in bookings:
        assert booking.reference in html and booking.full_name in html
    assert "•••••001" in html and "C0000001" not in html  # the document number, masked
    assert not OfficeClosure.objects.exists()
    assert not Booking.objects.filter(status=BookingStatus.CANCELLED).exists()


def test_confirming_the_closure_cancels_the_bookings_shown(client, manager, day_with_bookings):
    _service, office, (nine, _ten, _eleven), bookings = day_with_bookings
    client.force_login(manager)
    form = closure_form(office, day_of(nine)) | {"confirm": "1", "affected": [b.pk for b in bookings]}
    response = client.post(reverse("appointment_closures:add"), form)
    assert response.status_code == 302
    assert OfficeClosure.objects.filter(office=office, reason_en="Staff training").exists()
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.CANCELLED}


def test_a_confirmation_for_an_outdated_list_shows_the_list_again(client, manager, day_with_bookings):
    _service, office, (nine, _ten, eleven), bookings = day_with_bookings
    client.force_login(manager)
    newcomer = book_slot(eleven, applicant(9, full_name="Late Booker"))
    form = closure_form(office, day_of(nine)) | {"confirm": "1", "affected": [b.pk for b in bookings]}
    response = client.post(reverse("appointment_closures:add"), form)
    assert response.status_code == 200
    assert newcomer.reference in response.content.decode()
    assert not OfficeClosure.objects.exists()


def test_a_day_without_bookings_is_closed_at_once(client, manager):
    service = AppointmentServiceFactory()
    office = service.service_offices.get().office
    client.force_login(manager)
    day = dt.datetime.now(BEIJING).date() + dt.timedelta(days=5)
    response = client.post(reverse("appointment_closures:add"), closure_form(office, day, "13:00", "15:00"))
    assert response.status_code == 302
    closure = OfficeClosure.objects.get()
    assert (closure.starts, closure.ends) == (dt.time(13), dt.time(15))


@pytest.mark.parametrize(
    ("days", "starts", "ends", "field"),
    [
        (-1, "", "", "date"),
        (2, "09:00", "", "ends"),
        (2, "", "10:00", "starts"),
        (2, "10:00", "09:00", "ends"),
    ],
)
def test_impossible_closures_are_refused(client, manager, days, starts, ends, field):
    office = AppointmentServiceFactory().service_offices.get().office
    client.force_login(manager)
    day = dt.datetime.now(BEIJING).date() + dt.timedelta(days=days)
    response = client.post(reverse("appointment_closures:add"), closure_form(office, day, starts, ends))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not OfficeClosure.objects.exists()


def test_deleting_a_closure_makes_its_slots_bookable_again(client, manager, day_with_bookings):
    service, office, (nine, _ten, eleven), _bookings = day_with_bookings
    outcome = close_office(office, day_of(nine), dt.time(9), dt.time(12), REASON, acting_user=manager)
    client.force_login(manager)
    response = client.post(reverse("appointment_closures:delete", args=[outcome.closure.pk]))
    assert response.status_code == 302
    assert not OfficeClosure.objects.exists()
    assert AppointmentSlot.objects.get(pk=nine.pk).capacity == service.capacity_per_slot
    # The empty 11:00 slot was deleted by the closure and is made again from the opening hours.
    assert AppointmentSlot.objects.filter(service=service, office=office, starts_at=eleven.starts_at).exists()


# Lowering places through the admin


def test_lowering_places_in_the_admin_lists_the_bookings_before_cancelling_them(
    client, manager, day_with_bookings
):
    service, _office, _slots, bookings = day_with_bookings
    client.force_login(manager)
    url = reverse("appointment_services:capacity", args=[service.pk])
    response = client.post(url, {"capacity": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert bookings[1].reference in html and bookings[0].reference not in html
    assert Booking.objects.filter(status=BookingStatus.ACTIVE).count() == 3
    response = client.post(url, {"capacity": "1", "confirm": "1", "affected": [bookings[1].pk]})
    assert response.status_code == 302
    assert Booking.objects.get(pk=bookings[1].pk).status == BookingStatus.CANCELLED
    service.refresh_from_db()
    assert service.capacity_per_slot == 1


def test_only_the_reason_of_a_closure_can_be_edited(client, manager, day_with_bookings):
    _service, office, (nine, _ten, _eleven), _bookings = day_with_bookings
    closure = close_office(office, day_of(nine), dt.time(9), dt.time(10), REASON, acting_user=manager).closure
    client.force_login(manager)
    other_day = day_of(nine) + dt.timedelta(days=1)
    form = closure_form(office, other_day, "13:00", "14:00") | {"reason_en": "Power cut"}
    response = client.post(reverse("appointment_closures:edit", args=[closure.pk]), form)
    assert response.status_code == 302
    closure.refresh_from_db()
    assert closure.reason_en == "Power cut"
    assert (closure.date, closure.starts, closure.ends) == (day_of(nine), dt.time(9), dt.time(10))
