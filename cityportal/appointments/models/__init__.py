"""The appointments app's models; each concern has its own module."""

from .bookings import Booking, BookingStatus, DocumentType
from .services import AppointmentService, ServiceOffice
from .slots import AppointmentSlot, DailyQuota, OfficeClosure
from .staff import OfficeAssignment

__all__ = [
    "AppointmentService",
    "AppointmentSlot",
    "Booking",
    "BookingStatus",
    "DailyQuota",
    "DocumentType",
    "OfficeAssignment",
    "OfficeClosure",
    "ServiceOffice",
]
