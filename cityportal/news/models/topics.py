"""Topics: the tags of news articles and the subjects of policies, named in every language."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cityportal.core.models.pages import ASCII_SLUG


class Topic(models.Model):
    """A subject such as "visas" or "tax": one row for all languages (names in translated columns,
    news/translation.py), so a tag reads "税务" on the Chinese page and "Tax" on the English one and
    a visitor can subscribe to a policy topic in any language."""

    slug = models.CharField(
        _("code"),
        max_length=60,
        unique=True,
        validators=[ASCII_SLUG],
        help_text=_("Lower-case Latin letters, digits and hyphens, e.g. “visas”; used in addresses."),
    )
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name or self.slug
