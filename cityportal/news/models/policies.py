"""Policy documents, the policy library of each language, and a policy's status in time."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Subquery, Value, When
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cityportal.core.blocks import BodyBlock, DocumentLinkBlock
from cityportal.core.models import Department, PortalPage
from cityportal.core.sections import Section
from cityportal.core.site_version import site_version

from .articles import known_section, listing_paths, page_tags, reserved_slug_error

POLICY_LISTING_FIELDS = (
    "id",
    "title",
    "summary",
    "path",
    "depth",
    "url_path",
    "locale_id",
    "last_published_at",
    "document_number",
    "date_issued",
    "issuing_authority",
)


class PolicyStatus(models.TextChoices):
    NOT_YET_EFFECTIVE = "pending", _("not yet in force")
    IN_FORCE = "in-force", _("in force")
    EXPIRED = "expired", _("expired")
    WITHDRAWN = "withdrawn", _("withdrawn")


def policy_status(
    *, effective: date | None, expires: date | None, withdrawn: date | None, today: date
) -> str:
    """Where a policy stands on `today`: withdrawal wins, then expiry, then the effective date."""
    if withdrawn is not None and withdrawn <= today:
        return PolicyStatus.WITHDRAWN
    if expires is not None and expires < today:
        return PolicyStatus.EXPIRED
    if effective is not None and effective > today:
        return PolicyStatus.NOT_YET_EFFECTIVE
    return PolicyStatus.IN_FORCE


def policy_status_expression(today: date) -> Case:
    """policy_status() in SQL, so that the library filters and shows statuses in the query itself.

    A NULL date compares as unknown, so a When on it never matches: the same as `None` above.
    """
    return Case(
        When(withdrawn_on__lte=today, then=Value(PolicyStatus.WITHDRAWN.value)),
        When(expiry_date__lt=today, then=Value(PolicyStatus.EXPIRED.value)),
        When(effective_date__gt=today, then=Value(PolicyStatus.NOT_YET_EFFECTIVE.value)),
        default=Value(PolicyStatus.IN_FORCE.value),
        output_field=models.CharField(),
    )


def beijing_today() -> date:
    """Statuses change at midnight in Beijing, whatever the server's or the visitor's time zone."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


@dataclass(frozen=True)
class PolicyFacets:
    """The choices of the library's filter form: authorities and years that have live policies."""

    authorities: list
    years: list[int]

    @property
    def authority_codes(self) -> set[str]:
        return {department.code for department in self.authorities}


class PolicyIndexPage(RoutablePageMixin, PortalPage):
    """/<lang>/policies/: the policy library, filterable by section, issuing authority, year and status.

    Routes: /policies/, /policies/<section>/, and the feeds /policies/rss.xml and atom.xml.
    Only policies live in this page's language are listed (ADR 014).
    """

    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.PolicyDocument"]
    max_count_per_parent = 1
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("policy library")

    def policies(self, *, section: str = "", filters=None, today: date | None = None):
        """Live policies of this library (its language only), newest issued first, each with its
        `status` on `today` (Beijing) computed in the query."""
        policies = (
            PolicyDocument.objects.child_of(self)
            .live()
            .annotate(status=policy_status_expression(today or beijing_today()))
            .select_related("issuing_authority")
        )
        if section:
            policies = policies.filter(sections__code=section)
        if filters and filters.authority:
            policies = policies.filter(issuing_authority__code=filters.authority)
        if filters and filters.year:
            policies = policies.filter(
                date_issued__gte=date(filters.year, 1, 1), date_issued__lte=date(filters.year, 12, 31)
            )
        if filters and filters.status:
            policies = policies.filter(status=filters.status)
        return policies.order_by("-date_issued", "-pk").only(*POLICY_LISTING_FIELDS)

    def facets(self) -> PolicyFacets:
        """The filter form's choices. They change only on publish: cached under the site version."""
        key = f"cityportal:news:policy-facets:{site_version()}:{self.pk}"
        facets = cache.get(key)
        if facets is None:
            live = PolicyDocument.objects.child_of(self).live()
            authorities = Department.objects.filter(pk__in=Subquery(live.values("issuing_authority_id")))
            facets = PolicyFacets(
                authorities=list(authorities),
                years=[day.year for day in live.dates("date_issued", "year", order="DESC")],
            )
            cache.set(key, facets, timeout=600)
        return facets

    def listing_url(self, request, section: str = "") -> str:
        return self.get_url(request) + (f"{section}/" if section else "")

    def serve_listing(self, request, section: str = ""):
        from ..listings import Listing, keyset_page, parse_policy_filters, requested_window

        facets = self.facets()
        filters, ignored = parse_policy_filters(
            request.GET,
            authorities=facets.authority_codes,
            years=set(facets.years),
            statuses=set(PolicyStatus.values),
        )
        policies = self.policies(section=section, filters=filters)
        context = self.get_context(request)
        context["listing"] = Listing(
            kind=Listing.POLICIES,
            url=self.listing_url(request, section),
            index_title=self.title,
            index_url=self.listing_url(request),
            page=keyset_page(policies, requested_window(request.GET, date), field_name="date_issued"),
            family=context["family"],
            section=section,
            filters=filters,
            ignored=tuple(ignored),
        )
        # Sorted in the visitor's language (the names are translated columns).
        context["authorities"] = sorted(facets.authorities, key=lambda department: str(department.name))
        context["years"] = facets.years
        context["statuses"] = PolicyStatus.choices
        context["sections"] = Section.choices
        context["feed_section"] = section
        context["canonical_url"] = request.build_absolute_uri(context["listing"].url)
        return TemplateResponse(request, self.get_template(request), context)

    def get_cached_paths(self):
        """Every address this page answers, for purging HTTP caches on publish (Wagtail's frontend cache)."""
        return listing_paths(with_section_feeds=False)

    def serve_feed(self, request, flavour: str):
        from ..feeds import policy_feed

        return policy_feed(flavour)(request, index=self)

    @path("")
    def library(self, request):
        return self.serve_listing(request)

    @path("rss.xml/")
    def rss(self, request):
        return self.serve_feed(request, "rss")

    @path("atom.xml/")
    def atom(self, request):
        return self.serve_feed(request, "atom")

    @path("<slug:section>/")
    def section_listing(self, request, section):
        return self.serve_listing(request, known_section(section))


class PolicyDocument(PortalPage):
    """A law, regulation or policy text. A lapsed policy is withdrawn or expires; it is never deleted."""

    issuing_authority = models.ForeignKey(
        "core.Department",
        verbose_name=_("issuing authority"),
        null=True,
        on_delete=models.PROTECT,
        related_name="policies",
    )
    document_number = models.CharField(
        _("document number"),
        max_length=100,
        blank=True,
        help_text=_("The official number as issued, e.g. 京政发〔2026〕1号. Leave empty if it has none."),
    )
    date_issued = models.DateField(_("date issued"))
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    expiry_date = models.DateField(
        _("expiry date"),
        null=True,
        blank=True,
        help_text=_("Leave empty while the policy is in force with no end date."),
    )
    withdrawn_on = models.DateField(
        _("withdrawn on"),
        null=True,
        blank=True,
        help_text=_("The day the policy was repealed or replaced. The page stays, with a banner."),
    )
    withdrawal_note = models.TextField(
        _("withdrawal note"),
        blank=True,
        help_text=_("Why it lapsed and what applies now, shown in the banner."),
    )
    replaced_by = models.ForeignKey(
        "news.PolicyDocument",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    body = StreamField(BodyBlock(), verbose_name=_("full text"))
    interpretation = StreamField(
        BodyBlock(),
        blank=True,
        verbose_name=_("plain-language interpretation"),
        help_text=_("What the policy means for foreigners, in plain words."),
    )
    attachments = StreamField(
        [("document", DocumentLinkBlock())],
        blank=True,
        verbose_name=_("attached files"),
    )
    related_procedures = StreamField(
        [("procedure", blocks.PageChooserBlock(page_type="procedures.ProcedurePage"))],
        blank=True,
        verbose_name=_("related procedures"),
    )
    sections = ParentalManyToManyField("core.SectionTag", verbose_name=_("sections"), blank=True)
    topics = ParentalManyToManyField("news.Topic", verbose_name=_("topics"), blank=True)
    legacy_url = models.CharField(_("address on the old site"), max_length=500, blank=True)

    override_translatable_fields = [
        *PortalPage.override_translatable_fields,
        SynchronizedField("document_number"),
    ]
    parent_page_types = ["news.PolicyIndexPage"]
    subpage_types = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("issuing_authority"),
                FieldPanel("document_number"),
                FieldPanel("date_issued"),
                FieldPanel("effective_date"),
                FieldPanel("expiry_date"),
            ],
            heading=_("Issue"),
        ),
        FieldPanel("body"),
        FieldPanel("interpretation"),
        FieldPanel("attachments"),
        FieldPanel("related_procedures"),
        FieldPanel("sections"),
        FieldPanel("topics"),
        MultiFieldPanel(
            [FieldPanel("withdrawn_on"), FieldPanel("withdrawal_note"), FieldPanel("replaced_by")],
            heading=_("Withdrawal"),
        ),
    ]
    search_fields = [
        *PortalPage.search_fields,
        index.SearchField("body"),
        index.SearchField("interpretation"),
        index.SearchField("document_number"),
        index.FilterField("date_issued"),
    ]

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        indexes = [models.Index(fields=["-date_issued", "-page_ptr"], name="news_policy_newest")]

    def clean(self):
        super().clean()
        errors = {}
        if error := reserved_slug_error(self.slug):
            errors.update(error.message_dict)
        if self.effective_date and self.date_issued and self.effective_date < self.date_issued:
            errors["effective_date"] = _("A policy cannot take effect before it is issued.")
        if self.expiry_date and self.effective_date and self.expiry_date < self.effective_date:
            errors["expiry_date"] = _("A policy cannot expire before it takes effect.")
        if self.withdrawn_on and self.date_issued and self.withdrawn_on < self.date_issued:
            errors["withdrawn_on"] = _("A policy cannot be withdrawn before it is issued.")
        if errors:
            raise ValidationError(errors)

    def status_on(self, today: date) -> str:
        return policy_status(
            effective=self.effective_date, expires=self.expiry_date, withdrawn=self.withdrawn_on, today=today
        )

    def get_context(self, request, *args, **kwargs):
        from cityportal.procedures.fragments import fragment_context

        context = super().get_context(request, *args, **kwargs)
        context["policy"] = PolicyParts(self, request, context["family"])
        context["today"] = beijing_today()  # keys the cached fragment: a status can change at midnight
        context.update(fragment_context(request))
        return context


class PolicyParts:
    """What a policy page shows beyond its own row, fetched only when its cached fragment is rebuilt."""

    def __init__(self, policy: PolicyDocument, request, family):
        self.policy = policy
        self.request = request
        self.family = family

    @cached_property
    def status(self) -> str:
        return self.policy.status_on(beijing_today())

    @property
    def has_lapsed(self) -> bool:
        return self.status in (PolicyStatus.WITHDRAWN, PolicyStatus.EXPIRED)

    @cached_property
    def authority(self):
        # A query of its own rather than the foreign key: the page came from routing without it.
        authority_id = self.policy.issuing_authority_id
        return Department.objects.filter(pk=authority_id).first() if authority_id else None

    @cached_property
    def chinese_version(self):
        """The Chinese text, which prevails; None on the Chinese page itself."""
        for version in self.family.versions:
            if version.language == settings.LANGUAGE_CODE and version.exact and not version.current:
                return version
        return None

    @property
    def is_translation(self) -> bool:
        current = next((v.language for v in self.family.versions if v.current), settings.LANGUAGE_CODE)
        return current != settings.LANGUAGE_CODE

    @cached_property
    def replacement(self):
        """The policy that replaced this one, in this language if it is live in it, else in Chinese."""
        if not self.policy.replaced_by_id:
            return None
        keys = PolicyDocument.objects.filter(pk=self.policy.replaced_by_id).values("translation_key")
        versions = {
            row.locale_id: row
            for row in PolicyDocument.objects.live()
            .filter(translation_key__in=Subquery(keys))
            .filter(
                models.Q(locale_id=self.policy.locale_id)
                | models.Q(locale__language_code=settings.LANGUAGE_CODE)
            )
            .select_related("locale")
            .only("id", "title", "path", "depth", "url_path", "locale_id", "locale__language_code")
        }
        return versions.get(self.policy.locale_id) or next(iter(versions.values()), None)

    @cached_property
    def related_procedures(self) -> list:
        """The chosen guides as this language's live versions, in the editor's order (one query)."""
        from cityportal.procedures.guide_links import chosen_ids, guides_in_language

        ids = chosen_ids(self.policy.related_procedures.raw_data)
        guides = guides_in_language(ids, self.policy.locale_id)
        listed, seen = [], set()
        for page_id in ids:
            guide = guides.get(page_id)
            if guide is not None and guide.pk not in seen:
                seen.add(guide.pk)
                listed.append(guide)
        return listed

    @cached_property
    def tags(self):
        return page_tags(self.policy, preview=getattr(self.request, "is_preview", False))

    @property
    def sections(self) -> list[tuple[str, str]]:
        return self.tags.sections

    @property
    def topics(self) -> list[str]:
        return self.tags.topics

    @cached_property
    def json_ld(self):
        from .. import structured_data

        return structured_data.json_for_script(structured_data.legislation(self.policy, self))
