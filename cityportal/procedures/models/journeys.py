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
from ..guide_links import chosen_ids, guides_in_language


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

    def get_context(self, request, *args, **kwargs):
        from ..fragments import fragment_context

        context = super().get_context(request, *args, **kwargs)
        context["journeys"] = (
            JourneyPage.objects.child_of(self)
            .live()
            .only("id", "title", "summary", "path", "depth", "url_path", "locale_id")
        )
        context.update(fragment_context(request))
        return context


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

    def numbered_steps(self) -> list[dict]:
        """The steps with their guides in this page's language (one query for all the guides).

        Read from the raw data: the chosen guides are the Chinese source pages, and loading them
        through the blocks would cost a query before finding their translations."""
        steps = [step["value"] for step in self.steps.raw_data if step.get("type") == "step"]
        guides = guides_in_language(
            [page_id for step in steps for page_id in chosen_ids(step.get("procedures"))], self.locale_id
        )
        numbered = []
        for number, step in enumerate(steps, start=1):
            listed = []
            for page_id in chosen_ids(step.get("procedures")):
                if page_id in guides and guides[page_id] not in listed:
                    listed.append(guides[page_id])
            numbered.append(
                {
                    "number": number,
                    "anchor": f"step-{number}",
                    "title": step.get("title", ""),
                    "description": step.get("description", ""),
                    "guides": listed,
                }
            )
        return numbered

    def get_context(self, request, *args, **kwargs):
        from ..fragments import fragment_context

        context = super().get_context(request, *args, **kwargs)
        context["steps"] = self.numbered_steps  # called when the cached fragment is rebuilt
        context.update(fragment_context(request))
        return context
