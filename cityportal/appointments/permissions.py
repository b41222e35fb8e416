"""Who may see and change which office's appointments.

Two roles, made as groups by migration 0003 (docs/editors.md):
- *Appointment staff* hold the model permissions on bookings and closures, and work at the offices
  they are assigned to (OfficeAssignment). They see only those offices' bookings, closures and day
  lists; another office's records answer 404, as if they did not exist.
- *Appointment managers* (and superusers) hold `appointments.work_at_all_offices` and see every
  office; they also manage services, assignments, opening hours and the holiday calendar.

The model permission says *what* a user may do, the office scope *where*: every admin view checks
both, and querysets are narrowed here rather than in each view.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from cityportal.core.models import Office

from .models import Booking, OfficeClosure

ALL_OFFICES = "appointments.work_at_all_offices"
STAFF_GROUP = "Appointment staff"
MANAGERS_GROUP = "Appointment managers"

User = AbstractBaseUser | AnonymousUser


def works_at_all_offices(user: User) -> bool:
    return user.is_active and user.has_perm(ALL_OFFICES)


def offices_for(user: User) -> QuerySet[Office]:
    """The offices whose appointments `user` may work with (none for an anonymous user)."""
    if not user.is_authenticated or not user.is_active:
        return Office.objects.none()
    if works_at_all_offices(user):
        return Office.objects.all()
    return Office.objects.filter(staff_assignments__user=user).distinct()


def works_at(user: User, office: Office) -> bool:
    return offices_for(user).filter(pk=office.pk).exists()


def bookings_for(user: User) -> QuerySet[Booking]:
    return Booking.objects.filter(slot__office__in=offices_for(user))


def closures_for(user: User) -> QuerySet[OfficeClosure]:
    return OfficeClosure.objects.filter(office__in=offices_for(user))
