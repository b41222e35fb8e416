"""What the portal's search reads: one document per searchable thing and language, and what editors
keep for it (synonyms) and learn from it (queries that found nothing).

The documents hold analysed terms (analysis.py) beside the display text. The full-text index over the
terms is database-specific and made by migration 0002: an FTS5 table kept in step by triggers on
SQLite, a generated, GIN-indexed tsvector column on PostgreSQL (docs/search.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityportal.core.sections import Section


class DocumentKind(models.TextChoices):
    GUIDE = "guide", pgettext_lazy("search filter", "Procedure guides")
    SERVICE = "service", pgettext_lazy("search filter", "Appointment services")
    FAQ = "faq", pgettext_lazy("search filter", "Questions and answers")
    NEWS = "news", pgettext_lazy("search filter", "News")
    POLICY = "policy", pgettext_lazy("search filter", "Policies")
    PAGE = "page", pgettext_lazy("search filter", "Pages")


class SearchDocument(models.Model):
    # The object it was made from: "app_label.model_name" of its most specific model, and its pk.
    model_label = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    is_page = models.BooleanField(default=False)  # pages are deleted by pk whatever their type
    language = models.CharField(max_length=12)
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    sections = models.CharField(max_length=100, blank=True)  # section codes, space-separated
    # Display text: NFKC-normalised (analysis offsets point into it), the body cut at BODY_LIMIT.
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    # An appointment service's guide in the same language ("app_label.model_name:pk"): where both match,
    # the results show the guide once, with its booking service, instead of two hits for one procedure.
    parent_key = models.CharField(max_length=120, blank=True)
    date = models.DateField(null=True, blank=True)
    # Analysed terms, space-separated, read by the full-text index; `scope` holds the filter terms
    # (language, kind, sections) so filters go through the same index.
    scope = models.CharField(max_length=200)
    terms_title = models.TextField(blank=True)
    terms_summary = models.TextField(blank=True)
    terms_body = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model_label", "object_id", "language"], name="search_document_once_per_language"
            ),
        ]
        indexes = [models.Index(fields=["object_id", "is_page"], name="search_document_object")]

    def __str__(self):
        return f"{self.title} ({self.language})"

    @property
    def key(self) -> str:
        return f"{self.model_label}:{self.object_id}"

    def section_codes(self) -> list[str]:
        return self.sections.split()

    def section_labels(self) -> list[str]:
        return [Section(code).label for code in self.section_codes() if code in Section.values]


class SearchSynonym(models.Model):
    """Words that should find each other in one language, e.g. visa ~ permit ~ residence permit."""

    language = models.CharField(_("language"), max_length=12)
    terms = models.CharField(
        _("words and phrases"),
        max_length=500,
        help_text=_("Two or more, separated by commas, e.g. “visa, permit, residence permit”."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "terms"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return self.terms

    def term_list(self) -> list[str]:
        return [
            term.strip()
            for term in self.terms.replace("،", ",").replace("、", ",").split(",")
            if term.strip()
        ]


class ZeroResultQuery(models.Model):
    """A query that found nothing, per language, counted; digits and email addresses are masked."""

    language = models.CharField(_("language"), max_length=12)
    query = models.CharField(_("query"), max_length=200)
    count = models.PositiveIntegerField(_("times searched"), default=1)
    first_seen = models.DateTimeField(_("first searched"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last searched"), auto_now=True)

    class Meta:
        ordering = ["-count", "-last_seen"]
        verbose_name = _("search that found nothing")
        verbose_name_plural = _("searches that found nothing")
        constraints = [
            models.UniqueConstraint(fields=["language", "query"], name="zero_result_query_once_per_language"),
        ]

    def __str__(self):
        return self.query
