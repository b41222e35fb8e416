from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cityportal.core"
    label = "core"
    verbose_name = _("Portal core")

    def ready(self):
        from . import signals  # noqa: F401
        from .images import connect_signals as connect_image_signals

        connect_image_signals()  # metadata-free originals, renditions made ahead of time
        from . import retention  # noqa: F401 - registers the retention system check
        from .security_log import connect_auth_signals

        connect_auth_signals()

        from django.core.checks import Tags, register

        from .checks import check_form_protection_switches

        register(check_form_protection_switches, Tags.security, deploy=True)

        from .sms import check_sms_backend

        register(check_sms_backend, deploy=True)  # the recording SMS fake is for tests only
