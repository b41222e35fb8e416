"""Whether each translated page still matches its Chinese source."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TranslationStatus(models.Model):
    """One row per translated page: the source text it was last published against.

    `source_fingerprint` is a hash of the source page's translatable text when the translation was
    last published complete; when the source is published with different text the translation is
    out of date from `out_of_date_since` until its translator updates it and it is published again.
    """

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="translation_status", primary_key=True
    )
    source_fingerprint = models.CharField(max_length=64, blank=True)
    out_of_date_since = models.DateTimeField(_("out of date since"), null=True, blank=True, db_index=True)
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("translation status")
        verbose_name_plural = _("translation statuses")

    def __str__(self):
        return f"{self.page_id}: {'out of date' if self.out_of_date else 'up to date'}"

    @property
    def out_of_date(self) -> bool:
        return self.out_of_date_since is not None
