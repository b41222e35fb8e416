"""The base of every public page type."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from ..navigation import page_family

ASCII_SLUG = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lower-case Latin letters, digits and hyphens only, e.g. “work-permit”."),
)


class PortalPage(Page):
    """Base of every public page type: a summary for listings, and one slug shared by all languages.

    Slugs are ASCII and synchronised across translations, so /en/work/ and /ar/work/ are the same
    page and a link shared in WeChat never shows %-encoded Chinese.
    """

    summary = models.TextField(
        _("summary"),
        blank=True,
        max_length=400,
        help_text=_("One or two sentences shown in listings and search."),
    )

    override_translatable_fields = [SynchronizedField("slug")]
    promote_panels = Page.promote_panels
    search_fields = [*Page.search_fields, index.SearchField("summary")]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        try:
            ASCII_SLUG(self.slug)
        except ValidationError as error:
            raise ValidationError({"slug": error.messages}) from error

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["family"] = page_family(self, request)
        return context

    def get_meta_description(self) -> str:
        return self.search_description or self.summary
