"""The page types every language tree is built from: a home page, six sections, content pages."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cityportal.core.blocks import BodyBlock, ShortcutBlock
from cityportal.core.models import PortalPage
from cityportal.core.navigation import localized_pages
from cityportal.core.sections import Section


class HomePage(PortalPage):
    """One per language: the portal's front door."""

    portal_name = models.CharField(_("portal name"), max_length=80, help_text=_("Shown in the header."))
    host_organisation = models.CharField(
        _("host organisation"),
        max_length=200,
        help_text=_("The body that runs the portal, shown in the footer."),
    )
    intro = models.TextField(_("introduction"), blank=True)
    shortcuts = StreamField(
        [("shortcut", ShortcutBlock())],
        blank=True,
        verbose_name=_("most requested services"),
        help_text=_("The services visitors ask for most, shown first."),
    )
    contact_links = StreamField(
        [("link", ShortcutBlock())],
        blank=True,
        verbose_name=_("contact entry"),
        help_text=_("Ask a question, FAQs, feedback."),
    )

    parent_page_types = ["wagtailcore.Page"]
    content_panels = [
        *Page.content_panels,
        FieldPanel("portal_name"),
        FieldPanel("host_organisation"),
        FieldPanel("summary"),
        FieldPanel("intro"),
        FieldPanel("shortcuts"),
        FieldPanel("contact_links"),
    ]

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Find a deep page by its URL path in one query instead of one query per level.

        Wagtail routes level by level (two queries each). Pages that route their own sub-paths
        (no page has that URL path) fall back to Wagtail's routing.
        """
        if len(path_components) > 1:
            url_path = self.url_path + "/".join(path_components) + "/"
            page = Page.objects.filter(url_path=url_path, locale_id=self.locale_id).first()
            if page is not None:
                return page.specific.route(request, [])
        return super().route(request, path_components)

    def link_list(self, stream) -> list[dict]:
        """Shortcut blocks as links to the pages' versions in this page's language (one query)."""
        blocks = [block.value for block in stream if block.value["page"] is not None]
        targets = localized_pages([value["page"] for value in blocks], self.locale.language_code)
        links = []
        for value in blocks:
            target = targets[value["page"].pk]
            links.append(
                {"page": target, "label": value["label"] or target.title, "description": value["description"]}
            )
        return links

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Callables: the template evaluates them only when its cached fragment is rebuilt.
        context["shortcuts"] = partial(self.link_list, self.shortcuts)
        context["contact_links"] = partial(self.link_list, self.contact_links)
        context["sections"] = SectionPage.objects.child_of(self).live().in_menu()
        # The latest news come from the news app's {% latest_news %} tag in the template (as the
        # section pages' guides come from procedures_tags), so that home does not import news.
        return context


class SectionPage(PortalPage):
    """Invest, Work, Study, Live, Travel or Consume: a landing page that lists what belongs to it."""

    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    intro = RichTextField(_("introduction"), features=["bold", "italic", "link", "ul"], blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.ContentPage"]
    content_panels = [
        *Page.content_panels,
        FieldPanel("section"),
        FieldPanel("summary"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*PortalPage.search_fields, index.SearchField("intro"), index.FilterField("section")]

    class Meta:
        verbose_name = _("section page")

    def clean(self):
        super().clean()
        # One landing page per section and language (the field lives on two tables, so the check is here).
        twins = SectionPage.objects.filter(section=self.section, locale_id=self.locale_id).exclude(pk=self.pk)
        if self.section and self.locale_id and twins.exists():
            raise ValidationError({"section": _("This language already has a page for this section.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = (
            ContentPage.objects.child_of(self)
            .live()
            .only("id", "title", "url_path", "path", "depth", "summary", "locale_id")
        )
        return context


class ContentPage(PortalPage):
    """A page of long text: arriving in Beijing, transport, medical care, banking…"""

    body = StreamField(BodyBlock(), verbose_name=_("body"))

    parent_page_types = ["home.HomePage", "home.SectionPage", "home.ContentPage"]
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*PortalPage.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("content page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = (
            ContentPage.objects.child_of(self)
            .live()
            .only("id", "title", "url_path", "path", "depth", "summary", "locale_id")
        )
        return context
