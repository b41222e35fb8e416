"""The public FAQ: questions and answers published from consultations, per section and language.

An entry exists once per language (wagtail-localize's TranslatableMixin: the versions of one entry
share a translation_key). Its text is the edited public text staff publish, never the visitor's
words as sent, and it keeps no link a visitor could follow back to the question.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index

from cityportal.core.models import PortalPage
from cityportal.core.sections import Section

FAQ_QUESTION_MAX_LENGTH = 300
FAQ_ANSWER_MAX_LENGTH = 6000


class FAQEntry(TranslatableMixin, index.Indexed, models.Model):
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    question = models.CharField(_("question"), max_length=FAQ_QUESTION_MAX_LENGTH)
    # Plain text; paragraphs are separated by a blank line and shown with `linebreaks` (escaped).
    answer = models.TextField(_("answer"), max_length=FAQ_ANSWER_MAX_LENGTH)
    # The consultation it was published from (staff only; SET_NULL: the FAQ outlives the question).
    source = models.ForeignKey(
        "consultations.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="faq_entries"
    )
    live = models.BooleanField(_("published"), default=True)
    published_at = models.DateTimeField(_("published"))
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    search_fields = [
        index.SearchField("question", boost=3),
        index.SearchField("answer"),
        index.AutocompleteField("question"),
        index.FilterField("locale"),
        index.FilterField("section"),
        index.FilterField("live"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["section", "-published_at", "pk"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        indexes = [models.Index(fields=["locale", "section", "live"], name="faq_entry_listing")]
        constraints = [
            models.CheckConstraint(condition=Q(section__in=Section.values), name="faq_entry_section_known"),
        ]

    def __str__(self):
        return self.question


class FAQVoteCount(models.Model):
    """“Was this answer helpful?” counted per entry and month (no row per vote, nothing about the voter)."""

    entry = models.ForeignKey(FAQEntry, on_delete=models.CASCADE, related_name="vote_counts")
    month = models.DateField()  # the first day of the month, Beijing time
    helpful = models.PositiveIntegerField(default=0)
    not_helpful = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "month"], name="faq_vote_count_once_per_month"),
        ]

    def __str__(self):
        return f"{self.entry_id} {self.month:%Y-%m}"


class FAQIndexPage(RoutablePageMixin, PortalPage):
    """/<lang>/faq/: the published answers of this language, by section, searchable.

    Routes: /faq/ (every section), /faq/<section>/ and /faq/figures/ (the monthly service figures).
    """

    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("questions and answers")

    # The routes hand over to plain functions in consultations/faq.py (listing, search, figures).
    @path("")
    def all_sections(self, request):
        from ..faq import serve_faq

        return serve_faq(self, request)

    @path("figures/")
    def figures(self, request):
        from ..faq import serve_figures

        return serve_figures(self, request)

    @path("<slug:section>/")
    def one_section(self, request, section):
        from ..faq import serve_faq

        return serve_faq(self, request, section=section)

    def get_sitemap_urls(self, request=None):
        from ..faq import faq_sitemap_urls

        return faq_sitemap_urls(self, request)

    @classmethod
    def sitemap_routes(cls, pages):
        """Routes below each page for core.sitemaps: figures/ and the sections with entries."""
        from ..faq import faq_routes

        return faq_routes(pages)

    def get_cached_paths(self):
        from ..faq import faq_cached_paths

        return faq_cached_paths(self)
