"""Who a guide is for, as rows so that a guide can name several audiences and the browse page can filter."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    INVESTORS = "investors", _("Investors")
    EMPLOYEES = "employees", _("Employees")
    STUDENTS = "students", _("Students")
    RESIDENTS = "residents", _("Residents")
    TOURISTS = "tourists", _("Tourists")
    CONSUMERS = "consumers", _("Consumers")


class AudienceTag(models.Model):
    """One row per audience (created by a migration)."""

    code = models.CharField(_("audience"), max_length=20, choices=Audience.choices, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")

    def __str__(self):
        return str(Audience(self.code).label)
