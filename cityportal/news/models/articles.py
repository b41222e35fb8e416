"""News articles and the news listing of each language."""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import CharField, Exists, F, OuterRef, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modeltranslation.utils import build_localized_fieldname
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search import index

from cityportal.core.blocks import BodyBlock
from cityportal.core.models import Department, PortalPage
from cityportal.core.sections import Section

# What a listing, a feed or a "related" list reads of an article: never the body.
ARTICLE_LISTING_FIELDS = (
    "id",
    "title",
    "summary",
    "date",
    "path",
    "depth",
    "url_path",
    "locale_id",
    "last_published_at",
)
# Paths the index routes itself; an article with such a slug would hide them.
RESERVED_SLUGS = frozenset(Section.values)


def reserved_slug_error(slug: str):
    if slug in RESERVED_SLUGS:
        return ValidationError(
            {"slug": _("This address is used by the section listings; choose another slug.")}
        )
    return None


class NewsIndexPage(RoutablePageMixin, PortalPage):
    """/<lang>/news/: the newest articles of one language, filterable by section, with feeds.

    Routes: /news/, /news/<section>/ and the RSS and Atom feeds of each (rss.xml, atom.xml).
    Only articles that are live in this page's language are listed (ADR 014).
    """

    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsArticle"]
    max_count_per_parent = 1
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("news listing")

    def articles(self, section: str = ""):
        """The live articles of this listing (this language only), newest first, for pages and feeds."""
        articles = NewsArticle.objects.child_of(self).live()
        if section:
            articles = articles.filter(sections__code=section)
        return articles.order_by("-date", "-pk").only(*ARTICLE_LISTING_FIELDS)

    def listing_url(self, request, section: str = "") -> str:
        return self.get_url(request) + (f"{section}/" if section else "")

    def serve_listing(self, request, section: str = ""):
        from ..listings import Listing, keyset_page, requested_window

        window = requested_window(request.GET, datetime)
        context = self.get_context(request)
        context["listing"] = Listing(
            kind=Listing.NEWS,
            url=self.listing_url(request, section),
            index_title=self.title,
            index_url=self.listing_url(request),
            page=keyset_page(self.articles(section), window, field_name="date"),
            section=section,
            family=context["family"],
        )
        context["sections"] = Section.choices
        context["feed_section"] = section
        context["canonical_url"] = request.build_absolute_uri(context["listing"].url)
        return TemplateResponse(request, self.get_template(request), context)

    def get_cached_paths(self):
        """Every address this page answers, for purging HTTP caches on publish (Wagtail's frontend cache)."""
        return listing_paths(with_section_feeds=True)

    def serve_feed(self, request, section: str, flavour: str):
        from ..feeds import news_feed

        return news_feed(flavour)(request, index=self, section=section)

    @path("")
    def newest(self, request):
        return self.serve_listing(request)

    @path("rss.xml/")
    def rss(self, request):
        return self.serve_feed(request, "", "rss")

    @path("atom.xml/")
    def atom(self, request):
        return self.serve_feed(request, "", "atom")

    @path("<slug:section>/")
    def section_listing(self, request, section):
        return self.serve_listing(request, known_section(section))

    @path("<slug:section>/rss.xml/")
    def section_rss(self, request, section):
        return self.serve_feed(request, known_section(section), "rss")

    @path("<slug:section>/atom.xml/")
    def section_atom(self, request, section):
        return self.serve_feed(request, known_section(section), "atom")


def listing_paths(*, with_section_feeds: bool) -> list[str]:
    paths = ["/", "/rss.xml", "/atom.xml"]
    for code in Section.values:
        paths.append(f"/{code}/")
        if with_section_feeds:
            paths += [f"/{code}/rss.xml", f"/{code}/atom.xml"]
    return paths


def known_section(code: str) -> str:
    if code not in RESERVED_SLUGS:
        raise Http404
    return code


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

    def clean(self):
        super().clean()
        if error := reserved_slug_error(self.slug):
            raise error

    def get_context(self, request, *args, **kwargs):
        from cityportal.procedures.fragments import fragment_context

        context = super().get_context(request, *args, **kwargs)
        context["article"] = ArticleParts(self, request)  # each part is fetched when the template asks
        context.update(fragment_context(request))
        return context


class ArticleParts:
    """What an article page shows beyond its own row, fetched only when its cached fragment is rebuilt."""

    RELATED = 3

    def __init__(self, article: NewsArticle, request):
        self.article = article
        self.request = request

    @cached_property
    def department(self):
        # A query of its own rather than the foreign key: the page came from routing without it.
        return (
            Department.objects.filter(pk=self.article.department_id).first()
            if self.article.department_id
            else None
        )

    @property
    def lead_image(self):
        return article_lead_image(self.article)

    @cached_property
    def tags(self) -> "PageTags":
        return page_tags(self.article, preview=getattr(self.request, "is_preview", False))

    @property
    def sections(self) -> list[tuple[str, str]]:
        return self.tags.sections

    @property
    def topics(self) -> list[str]:
        return self.tags.topics

    @cached_property
    def related(self) -> list:
        """The newest other articles sharing a section with this one, in this language only."""
        codes = [code for code, _label in self.sections]
        if not codes:
            return []
        through = NewsArticle.sections.through
        shares_a_section = through.objects.filter(newsarticle_id=OuterRef("pk"), sectiontag__code__in=codes)
        return list(
            NewsArticle.objects.live()
            .filter(locale_id=self.article.locale_id)
            .filter(Exists(shares_a_section))
            .exclude(pk=self.article.pk)
            .order_by("-date", "-pk")
            .only(*ARTICLE_LISTING_FIELDS)[: self.RELATED]
        )

    @property
    def lead_image_alt(self) -> str:
        return lead_image_alt(self.article)

    @cached_property
    def json_ld(self):
        from .. import structured_data

        return structured_data.json_for_script(structured_data.news_article(self.article, self))


@dataclass(frozen=True)
class PageTags:
    sections: list[tuple[str, str]]  # (code, label) in the portal's order of sections
    topics: list[str]  # names in the active language, sorted


def page_tags(page, *, preview: bool = False) -> PageTags:
    """An article's or a policy's sections and topic names in the active language, in one query.

    A preview shows the editor's unsaved choice, which only exists in memory.
    """
    if preview:
        codes = {tag.code for tag in page.sections.all()}
        names = [str(topic) for topic in page.topics.all()]
    else:
        # Read through the many-to-many tables: Topic's own manager (modeltranslation's) may reorder
        # the selected columns, which a union pairs by position.
        owner = {f"{type(page)._meta.model_name}_id": page.pk}  # "newsarticle_id", "policydocument_id"
        sections = (
            type(page)
            .sections.through.objects.filter(**owner)
            .annotate(kind=Value("section"), label=F("sectiontag__code"))
            .values_list("kind", "label")
            .order_by()
        )
        topics = (
            type(page)
            .topics.through.objects.filter(**owner)
            .annotate(kind=Value("topic"), label=translated_name("topic__"))
            .values_list("kind", "label")
            .order_by()
        )
        rows = list(sections.union(topics, all=True).order_by())
        codes = {label for kind, label in rows if kind == "section"}
        names = [label for kind, label in rows if kind == "topic"]
    return PageTags(
        sections=[(code, str(label)) for code, label in Section.choices if code in codes],
        topics=sorted(names),
    )


def translated_name(prefix: str = ""):
    """A topic's name in the active language, falling back as modeltranslation does (English, then
    Chinese), computed in SQL so that it can join a union."""
    languages = dict.fromkeys([get_language(), *settings.MODELTRANSLATION_FALLBACK_LANGUAGES["default"]])
    columns = [prefix + build_localized_fieldname("name", language) for language in languages if language]
    return Coalesce(
        *(NullIf(F(column), Value("")) for column in columns), Value(""), output_field=CharField()
    )


def article_lead_image(article: NewsArticle):
    """The lead image, fetched once per page object: the social card in <head> and the page body
    both show it."""
    if not article.lead_image_id:
        return None
    if "_lead_image" not in article.__dict__:
        article.__dict__["_lead_image"] = get_image_model().objects.filter(pk=article.lead_image_id).first()
    return article.__dict__["_lead_image"]


def lead_image_alt(article: NewsArticle) -> str:
    """The lead image's alt text in the article's language, never another language's (once per page object).

    wagtail-localize copies the Chinese text into segments nobody translated, so a translation whose
    alt text is still the Chinese one falls back to its caption, if that was translated, and else to
    a sentence saying the image is not yet described (as core.images.image_alt does for figures).
    """
    if "_lead_image_alt" not in article.__dict__:
        article.__dict__["_lead_image_alt"] = _lead_image_alt(article)
    return article.__dict__["_lead_image_alt"]


def _lead_image_alt(article: NewsArticle) -> str:
    alt, caption = article.lead_image_alt.strip(), article.lead_image_caption.strip()
    source = (
        NewsArticle.objects.filter(
            translation_key=article.translation_key, locale__language_code=settings.LANGUAGE_CODE
        )
        .values_list("pk", "lead_image_alt", "lead_image_caption")
        .first()
    )
    if source is None or source[0] == article.pk:  # this is the Chinese source
        return alt or caption or gettext("Image not yet described in this language")
    untranslated = {text.strip() for text in source[1:]}
    if alt and alt not in untranslated:
        return alt
    if caption and caption not in untranslated:
        return caption
    return gettext("Image not yet described in this language")
