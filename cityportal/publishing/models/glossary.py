"""The glossary of official terms: one row per term, its rendering in each language."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GlossaryTerm(models.Model):
    """An official term (a department's or a permit's name) and how every language must render it.

    `term` has one column per language (publishing/translation.py): `term_zh_hans` is the Chinese
    source term looked for in source text, `term_en`, `term_ar`… the required translations.
    """

    class Category(models.TextChoices):
        DEPARTMENT = "department", _("department name")
        PERMIT = "permit", _("permit or document name")
        PROCEDURE = "procedure", _("procedure name")
        OTHER = "other", _("other term")

    term = models.CharField(_("term"), max_length=200)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    note = models.TextField(_("note for translators"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "id"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")

    def __str__(self):
        return self.term
