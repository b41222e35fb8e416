"""Factories for appointment services, slots and bookings."""

import datetime as dt

import factory

from cityportal.appointments.models import AppointmentService, AppointmentSlot, ServiceOffice
from cityportal.appointments.schedule import BEIJING
from cityportal.appointments.services import Applicant
from cityportal.procedures.tests.factories import OfficeFactory


class AppointmentServiceFactory(factory.django.DjangoModelFactory):
    """A service at one office (pass `offices=[…]` for others), 15-minute slots of one place."""

    class Meta:
        model = AppointmentService
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"service-{n}")
    name_zh_hans = factory.Sequence(lambda n: f"预约服务{n}")
    name_en = factory.Sequence(lambda n: f"Appointment service {n}")
    documents_to_bring_en = "Passport\nTwo photos"
    slot_minutes = 15
    capacity_per_slot = 1
    booking_window_days = 30
    min_notice_minutes = 120

    @factory.post_generation
    def offices(service, create, extracted, **kwargs):
        if not create:
            return
        for office in extracted if extracted is not None else [OfficeFactory()]:
            ServiceOffice.objects.create(service=service, office=office, counter_en="Hall B, counter 12")


def slot_start(days_ahead: int = 3, hour: int = 9, minute: int = 0) -> dt.datetime:
    day = dt.datetime.now(BEIJING).date() + dt.timedelta(days=days_ahead)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BEIJING)


class AppointmentSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentSlot

    service = factory.SubFactory(AppointmentServiceFactory)
    office = factory.LazyAttribute(lambda slot: slot.service.service_offices.first().office)
    starts_at = factory.LazyFunction(slot_start)
    ends_at = factory.LazyAttribute(lambda slot: slot.starts_at + dt.timedelta(minutes=15))
    capacity = 1


def applicant(n: int = 1, **values) -> Applicant:
    return Applicant(
        **{
            "full_name": f"Test Person {n}",
            "nationality": "DE",
            "document_type": "passport",
            "document_number": f"C0{n:07d}",
            "email": f"person{n}@example.org",
            "phone": "+49 30 0000 0000",
            "language": "en",
            "consent_text": "I agree that my passport number is used to check my identity.",
        }
        | values
    )
