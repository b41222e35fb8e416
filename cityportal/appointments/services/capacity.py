"""Changing how many people a service takes per slot.

The new number applies to the service's future slots at once. Lowering it below the places already
booked in a slot cancels that slot's *latest* bookings beyond the new number (first come, first
served: whoever booked earliest keeps their place), after staff have seen the list
(`affected_by_capacity`); each cancelled person is emailed in their own language. Like a closure,
`change_capacity` refuses with AffectedBookingsChanged when the list moved meanwhile.
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from wagtail.log_actions import log

from ..models import AppointmentService, AppointmentSlot, Booking, BookingStatus
from .closures import CANCELLED_BY_CAPACITY, AffectedBookingsChanged, cancel_for_staff

LOWEST, HIGHEST = 1, 100  # as the service's field validators


@dataclass(frozen=True)
class CapacityOutcome:
    service: AppointmentService
    old_capacity: int
    new_capacity: int
    cancelled: list[Booking]
    slots_changed: int


def _future_slots(service: AppointmentService, now: dt.datetime) -> QuerySet[AppointmentSlot]:
    # Slots a closure withdrew (capacity 0) stay withdrawn.
    return AppointmentSlot.objects.filter(service=service, starts_at__gt=now, capacity__gt=0)


def _beyond(bookings: QuerySet[Booking], new_capacity: int) -> list[Booking]:
    """From bookings ordered by slot and newest first, those beyond `new_capacity` in each slot."""
    over, taken_in = [], {}
    for booking in bookings:
        excess = booking.slot.booked - new_capacity
        taken = taken_in.get(booking.slot_id, 0)
        if taken < excess:
            over.append(booking)
            taken_in[booking.slot_id] = taken + 1
    return sorted(over, key=lambda booking: (booking.slot.starts_at, booking.reference))


def _over_capacity(service: AppointmentService, new_capacity: int, now: dt.datetime) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(
            slot__in=_future_slots(service, now).filter(booked__gt=new_capacity),
            status=BookingStatus.ACTIVE,
        )
        .select_related("slot", "service")
        .order_by("slot_id", "-created_at", "-pk")
    )


def affected_by_capacity(
    service: AppointmentService, new_capacity: int, *, now: dt.datetime | None = None
) -> list[Booking]:
    """The bookings that lowering `service` to `new_capacity` places per slot would cancel."""
    return _beyond(_over_capacity(service, new_capacity, now or timezone.now()), new_capacity)


def change_capacity(
    service: AppointmentService,
    new_capacity: int,
    *,
    acting_user: AbstractBaseUser | None,
    expected: Collection[int] | None = None,
    now: dt.datetime | None = None,
) -> CapacityOutcome:
    """Set the places per slot of `service` and its future slots, in one transaction, cancelling
    the latest bookings beyond the new number. `expected` as in `close_office`."""
    if not LOWEST <= new_capacity <= HIGHEST:
        raise ValueError(f"Places per slot must be from {LOWEST} to {HIGHEST}.")
    now = now or timezone.now()
    with transaction.atomic():
        service = AppointmentService.objects.select_for_update().get(pk=service.pk)
        old_capacity = service.capacity_per_slot
        slots = _future_slots(service, now)
        list(slots.select_for_update().order_by("pk").values_list("pk", flat=True))  # see close_office
        affected = _beyond(
            _over_capacity(service, new_capacity, now).select_for_update(of=("self",)), new_capacity
        )
        if expected is not None and {booking.pk for booking in affected} != set(expected):
            raise AffectedBookingsChanged(affected)
        cancelled = cancel_for_staff(affected, acting_user=acting_user, why=CANCELLED_BY_CAPACITY)
        # A slot later today may hold checked-in people beyond the new number: it keeps them.
        slots_changed = slots.update(capacity=Greatest(Value(new_capacity), F("booked")))
        AppointmentService.objects.filter(pk=service.pk).update(capacity_per_slot=new_capacity)
        service.capacity_per_slot = new_capacity
        log(
            service,
            "appointments.change_capacity",
            user=acting_user,
            data={
                "old": old_capacity,
                "new": new_capacity,
                "cancelled": [booking.reference for booking in cancelled],
            },
        )
    return CapacityOutcome(service, old_capacity, new_capacity, cancelled, slots_changed)
