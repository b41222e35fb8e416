"""The base of every public page type."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from ..blocks import ChangeNoteBlock
from ..navigation import cached_page_family

VIEW_RESTRICTIONS_KEY = "cityportal:any-view-restriction"


def view_restrictions_exist() -> bool:
    return cache.get_or_set(VIEW_RESTRICTIONS_KEY, PageViewRestriction.objects.exists, timeout=None)


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

    change_notes = StreamField(
        [("change", ChangeNoteBlock())],
        blank=True,
        verbose_name=_("change history"),
        help_text=_(
            "Add a dated public note when a change matters to readers (a new fee, a new rule); "
            "typo fixes need none. Shown under the page with its last update."
        ),
    )

    override_translatable_fields = [SynchronizedField("slug")]
    promote_panels = [*Page.promote_panels, FieldPanel("change_notes")]
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
        context["family"] = cached_page_family(self, request)
        return context

    def get_view_restrictions(self):
        # Wagtail checks restrictions on every page view (two queries). A public portal rarely has
        # any, so a cached "none exist anywhere" answer skips them; core.signals clears it when a
        # restriction is saved or deleted.
        if not view_restrictions_exist():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def get_meta_description(self) -> str:
        return self.search_description or self.summary
