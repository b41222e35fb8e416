"""Which offices a member of the appointment staff works at.

A staff user sees and changes the bookings, closures and day lists of their assigned offices only
(appointments/permissions.py). Administrators (superusers, the “Appointment managers” group) hold
the `work_at_all_offices` permission instead and need no assignment.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="office_assignments",
    )
    office = models.ForeignKey(
        "core.Office", verbose_name=_("office"), on_delete=models.CASCADE, related_name="staff_assignments"
    )

    class Meta:
        ordering = ["office", "user"]
        verbose_name = _("office assignment")
        verbose_name_plural = _("office assignments")
        constraints = [models.UniqueConstraint(fields=["user", "office"], name="office_assignment_once")]
        permissions = [("work_at_all_offices", _("Can see and change the appointments of every office"))]

    def __str__(self):
        return f"{self.user} @ {self.office}"
