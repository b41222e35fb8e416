"""The six sections as rows, so that pages can be filed under several of them (a many-to-many)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..sections import Section


class SectionTag(models.Model):
    """One row per section (created by a migration); pages of any capability point at them."""

    code = models.CharField(_("section"), max_length=20, choices=Section.choices, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return str(Section(self.code).label)
