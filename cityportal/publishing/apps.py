from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "cityportal.publishing"
    label = "publishing"
    verbose_name = _("Publishing and translation")

    def ready(self):
        from . import signals  # noqa: F401 - connects the publishing signals
