from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "cityportal.consultations"
    label = "consultations"
    verbose_name = _("Questions and answers")

    def ready(self):
        from . import signals  # noqa: F401 - keeps the FAQ pages fresh when entries or votes change
