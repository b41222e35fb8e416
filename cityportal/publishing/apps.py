from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "cityportal.publishing"
    label = "publishing"
    verbose_name = _("Publishing and translation")

    def ready(self):
        # Each module connects its own receivers: translation status, cache purge, search engines.
        from django.core.checks import register

        from . import purge, search_engines, signals  # noqa: F401
        from .checks import check_machine_translation

        register(check_machine_translation)
