"""Policy documents, the policy library of each language, and a policy's status in time."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cityportal.core.blocks import BodyBlock, DocumentLinkBlock
from cityportal.core.models import PortalPage


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


class PolicyIndexPage(PortalPage):
    """/<lang>/policies/: the policy library, filterable by section, issuing authority, year and status."""

    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.PolicyDocument"]
    max_count_per_parent = 1
    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("policy library")


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
