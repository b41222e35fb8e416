"""Site-wide settings editors change in the admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    """The filing numbers and links a Chinese government website must show in its footer.

    The numbers are the same in every language; the linked pages are shown in the visitor's
    language (their translation, when one exists).
    """

    icp_number = models.CharField(
        _("ICP filing number"), max_length=100, blank=True, help_text=_("For example 京ICP备00000000号.")
    )
    icp_url = models.URLField(
        _("ICP filing system address"), blank=True, default="https://beian.miit.gov.cn/"
    )
    psb_number = models.CharField(
        _("public-security filing number"),
        max_length=100,
        blank=True,
        help_text=_("For example 京公网安备 11000000000000号."),
    )
    psb_url = models.URLField(_("public-security filing address"), blank=True)
    website_code = models.CharField(_("government website identification code"), max_length=40, blank=True)
    is_sample = models.BooleanField(
        _("sample content"),
        default=False,
        help_text=_("Shows a notice on every page that the content and numbers are samples."),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("accessibility statement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    terms_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("terms of use"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("icp_number"),
                FieldPanel("icp_url"),
                FieldPanel("psb_number"),
                FieldPanel("psb_url"),
                FieldPanel("website_code"),
                FieldPanel("is_sample"),
            ],
            heading=_("Filing numbers"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("privacy_page"),
                FieldPanel("accessibility_page"),
                FieldPanel("terms_page"),
                FieldPanel("contact_page"),
            ],
            heading=_("Footer links"),
        ),
    ]

    class Meta:
        verbose_name = _("portal settings")

    def footer_link_pages(self):
        """(label, page) pairs in the order the footer shows them."""
        return [
            (_("Privacy notice"), self.privacy_page_id),
            (_("Accessibility"), self.accessibility_page_id),
            (_("Terms of use"), self.terms_page_id),
            (_("Contact us"), self.contact_page_id),
        ]
