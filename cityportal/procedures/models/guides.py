"""Procedure guides and the page that lists them (/<lang>/guides/ and /<lang>/guides/<item-code>/)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cityportal.core.models import ASCII_SLUG, PortalPage

from ..blocks import FAQBlock, FeeBlock, MaterialBlock, RelatedProcedureBlock, RouteBlock, StepBlock
from ..sorting import sort_key
from .audiences import AudienceTag

RICH_FEATURES = ["bold", "italic", "link", "ul", "ol"]


class FeeKind(models.TextChoices):
    NONE = "none", _("No fee")
    LISTED = "listed", _("Fees as listed")
    SEE_OFFICIAL_GUIDE = "see-guide", _("Not known: see the official guide")


class ProcedureIndexPage(PortalPage):
    """The browse page of all guides in one language, filterable by section, audience and department."""

    intro = RichTextField(_("introduction"), features=RICH_FEATURES, blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["procedures.ProcedurePage", "procedures.FinderPage"]
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("procedure guide index")

    def clean(self):
        super().clean()
        twins = ProcedureIndexPage.objects.filter(locale_id=self.locale_id).exclude(pk=self.pk)
        if self.locale_id and twins.exists():
            raise ValidationError(_("This language already has a procedure guide index."))

    def get_context(self, request, *args, **kwargs):
        from ..browse import Browse
        from ..fragments import fragment_context

        context = super().get_context(request, *args, **kwargs)
        context["browse"] = Browse(self, request.GET)
        context.update(fragment_context(request))
        return context


class ProcedurePage(PortalPage):
    """A guide to one administrative procedure, written the way government service guides are."""

    item_code = models.CharField(
        _("item code"),
        max_length=60,
        validators=[ASCII_SLUG],
        help_text=_("Stable and unique, used by imports and in the address: /guides/<item code>/."),
    )
    # The page's locale, copied here so that the database can enforce one guide per item code and
    # language (the locale column lives on Wagtail's page table, out of reach of a constraint here).
    item_locale = models.ForeignKey(
        "wagtailcore.Locale", on_delete=models.PROTECT, editable=False, null=True, related_name="+"
    )
    sort_title = models.CharField(max_length=255, editable=False, default="", db_index=True)

    audiences = ParentalManyToManyField(AudienceTag, verbose_name=_("who it is for"), blank=True)
    sections = ParentalManyToManyField("core.SectionTag", verbose_name=_("sections"), blank=True)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("responsible department"),
        null=True,
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    offices = ParentalManyToManyField("core.Office", verbose_name=_("where to apply"), blank=True)

    conditions = RichTextField(_("who can apply"), features=RICH_FEATURES, blank=True)
    materials = StreamField([("material", MaterialBlock())], blank=True, verbose_name=_("materials"))
    steps = StreamField([("step", StepBlock())], blank=True, verbose_name=_("steps"))
    online_application_url = models.URLField(_("apply online"), blank=True)

    routes = StreamField(
        [("route", RouteBlock())],
        min_num=1,
        verbose_name=_("routes and time limits"),
        help_text=_(
            "Usually one; add a second when there is e.g. a written-pledge route decided on the spot."
        ),
    )
    fee_kind = models.CharField(_("fee"), max_length=20, choices=FeeKind.choices, default=FeeKind.NONE)
    fees = StreamField([("fee", FeeBlock())], blank=True, verbose_name=_("fees"))

    enquiry_phone = models.CharField(_("enquiry phone"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("complaint and supervision phone"), max_length=40, blank=True)
    status_check_url = models.URLField(_("check an application's status"), blank=True)
    result = models.CharField(
        _("what you get"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “Residence permit (a page in your passport)”."),
    )
    result_validity = models.CharField(_("validity"), max_length=300, blank=True)
    legal_basis = RichTextField(_("legal basis"), features=["bold", "italic", "link", "ul"], blank=True)
    faqs = StreamField([("faq", FAQBlock())], blank=True, verbose_name=_("frequently asked questions"))
    related = StreamField(
        [("procedure", RelatedProcedureBlock())], blank=True, verbose_name=_("related procedures")
    )

    review_owner = models.ForeignKey(
        "core.Department",
        verbose_name=_("owner for review"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_procedures",
        help_text=_("Who keeps this guide up to date; defaults to the responsible department."),
    )
    last_reviewed = models.DateField(_("last reviewed"), default=datetime.date.today)
    review_interval_days = models.PositiveSmallIntegerField(
        _("review interval (days)"), default=180, help_text=_("How often the owner must check the guide.")
    )
    review_due = models.DateField(editable=False, null=True, db_index=True)

    parent_page_types = ["procedures.ProcedureIndexPage"]
    subpage_types = []

    override_translatable_fields = [
        *PortalPage.override_translatable_fields,
        SynchronizedField("item_code"),
        SynchronizedField("enquiry_phone"),
        SynchronizedField("complaint_phone"),
        SynchronizedField("audiences"),
        SynchronizedField("sections"),
        SynchronizedField("offices"),
    ]

    content_panels = [
        FieldPanel("item_code"),
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("sections", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Who and where it belongs"),
        ),
        FieldPanel("department"),
        FieldPanel("conditions"),
        FieldPanel("materials"),
        FieldPanel("steps"),
        FieldPanel("offices", widget=forms.CheckboxSelectMultiple),
        FieldPanel("online_application_url"),
        FieldPanel("routes"),
        MultiFieldPanel([FieldPanel("fee_kind"), FieldPanel("fees")], heading=_("Fees")),
        MultiFieldPanel(
            [FieldPanel("enquiry_phone"), FieldPanel("complaint_phone"), FieldPanel("status_check_url")],
            heading=_("Contact"),
        ),
        MultiFieldPanel([FieldPanel("result"), FieldPanel("result_validity")], heading=_("Outcome")),
        FieldPanel("legal_basis"),
        FieldPanel("faqs"),
        FieldPanel("related"),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [FieldPanel("review_owner"), FieldPanel("last_reviewed"), FieldPanel("review_interval_days")],
            heading=_("Upkeep"),
        ),
    ]
    search_fields = [
        *PortalPage.search_fields,
        index.SearchField("item_code"),
        index.SearchField("conditions"),
        index.SearchField("materials"),
        index.SearchField("steps"),
        index.SearchField("faqs"),
        index.FilterField("item_code"),
        index.FilterField("department"),
    ]

    class Meta:
        verbose_name = _("procedure guide")
        constraints = [
            models.UniqueConstraint(
                fields=["item_code", "item_locale"], name="procedure_item_code_unique_per_language"
            ),
        ]

    def full_clean(self, *args, **kwargs):
        # The address is built on the item code: /<lang>/guides/<item-code>/.
        if self.item_code:
            self.slug = self.item_code
        super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.fee_kind == FeeKind.LISTED and not len(self.fees):
            errors["fees"] = _("List at least one fee, or choose “No fee”.")
        if self.fee_kind != FeeKind.LISTED and len(self.fees):
            errors["fee_kind"] = _("Choose “Fees as listed” to show the fees below.")
        if self.item_code and self.locale_id:
            twins = ProcedurePage.objects.filter(item_code=self.item_code, locale_id=self.locale_id)
            if twins.exclude(translation_key=self.translation_key).exists():
                errors["item_code"] = _("Another guide already has this item code.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.item_code:
            self.slug = self.item_code
        self.item_locale_id = self.locale_id
        self.sort_title = sort_key(self.title, self.locale.language_code if self.locale_id else "")
        self.review_due = self.last_reviewed + datetime.timedelta(days=self.review_interval_days)
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..fragments import fragment_context
        from ..guide_parts import GuideParts

        context = super().get_context(request, *args, **kwargs)
        context["guide"] = GuideParts(self, request)  # each part is fetched when the template needs it
        context.update(fragment_context(request))
        return context

    @property
    def owner_department(self):
        return self.review_owner or self.department

    @property
    def is_due_for_review(self) -> bool:
        return self.review_due is not None and self.review_due <= timezone.localdate()
