from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "cityportal.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401 - moved pages are indexed again under their new address
        from .indexing import ensure_full_text_index

        post_migrate.connect(ensure_full_text_index, sender=self)
