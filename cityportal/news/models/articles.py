"""News articles and the news listing of each language."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cityportal.core.blocks import BodyBlock
from cityportal.core.models import PortalPage


class NewsIndexPage(PortalPage):
    """/<lang>/news/: the newest articles of one language, filterable by section, with feeds."""

    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsArticle"]
    max_count_per_parent = 1
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("news listing")


class NewsArticle(PortalPage):
    """One news item. Listings order by `date` (newest first), through the index below."""

    date = models.DateTimeField(
        _("date"),
        default=timezone.now,
        db_index=False,
        help_text=_("Shown on the article and used to order listings (Beijing time)."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"))
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_alt = models.CharField(
        _("lead image alt text"),
        max_length=250,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it. Translated with the page."),
    )
    lead_image_caption = models.CharField(_("lead image caption"), max_length=250, blank=True)
    sections = ParentalManyToManyField("core.SectionTag", verbose_name=_("sections"), blank=True)
    topics = ParentalManyToManyField("news.Topic", verbose_name=_("tags"), blank=True)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="news_articles",
        help_text=_("The department the news comes from, if any."),
    )
    source_name = models.CharField(
        _("source"),
        max_length=120,
        blank=True,
        help_text=_("Where the news was first published, e.g. a newspaper or agency, if not the department."),
    )
    legacy_url = models.CharField(
        _("address on the old site"),
        max_length=500,
        blank=True,
        help_text=_("Set by imports; a redirect leads from it to this article."),
    )

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("lead_image"), FieldPanel("lead_image_alt"), FieldPanel("lead_image_caption")],
            heading=_("Lead image"),
        ),
        FieldPanel("body"),
        FieldPanel("sections"),
        FieldPanel("topics"),
        FieldPanel("department"),
        FieldPanel("source_name"),
    ]
    search_fields = [
        *PortalPage.search_fields,
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        # Listings read the newest first and page on (date, id), never with OFFSET (bench/news.py).
        indexes = [models.Index(fields=["-date", "-page_ptr"], name="news_article_newest")]
