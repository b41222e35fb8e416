"""Step-by-step journeys for life events (the GOV.UK pattern): /<lang>/journeys/<slug>/."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cityportal.core.models import PortalPage

from ..blocks import JourneyStepBlock


class JourneyIndexPage(PortalPage):
    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["procedures.JourneyPage"]
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("journey index")

    def clean(self):
        super().clean()
        twins = JourneyIndexPage.objects.filter(locale_id=self.locale_id).exclude(pk=self.pk)
        if self.locale_id and twins.exists():
            raise ValidationError(_("This language already has a journey index."))


class JourneyPage(PortalPage):
    """An ordered list of steps for a life event, each naming the guides to follow."""

    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)
    sections = ParentalManyToManyField("core.SectionTag", verbose_name=_("sections"), blank=True)
    steps = StreamField([("step", JourneyStepBlock())], min_num=1, verbose_name=_("steps"))

    parent_page_types = ["procedures.JourneyIndexPage"]
    subpage_types = []
    override_translatable_fields = [*PortalPage.override_translatable_fields, SynchronizedField("sections")]
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("sections", widget=forms.CheckboxSelectMultiple),
        FieldPanel("intro"),
        FieldPanel("steps"),
    ]
    search_fields = [*PortalPage.search_fields, index.SearchField("intro"), index.SearchField("steps")]

    class Meta:
        verbose_name = _("journey")
