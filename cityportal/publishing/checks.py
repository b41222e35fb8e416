"""System checks of the machine-translation settings (docs/glossary-and-machine-translation.md).

Consultation questions hold personal data: only the portal's self-hosted engines may be configured,
never a public service, and the recording fake only under the test settings.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error

RECORDING = "cityportal.publishing.machine_translation.recording.RecordingTranslator"
LIBRETRANSLATE = "cityportal.publishing.machine_translation.libretranslate.LibreTranslateTranslator"
# Hosts of the public LibreTranslate service: text sent there leaves the portal's machines.
PUBLIC_HOSTS = ("libretranslate.com", "libretranslate.de")


def check_machine_translation(app_configs=None, **kwargs):
    config = getattr(settings, "WAGTAILLOCALIZE_MACHINE_TRANSLATOR", None)
    if not config:
        return []
    backend = config.get("CLASS", "")
    if backend == RECORDING:
        if getattr(settings, "MACHINE_TRANSLATION_ALLOW_FAKE", False):
            return []
        return [
            Error(
                "The recording machine translator is for tests only.",
                hint="Set MACHINE_TRANSLATION to libretranslate, argos or nothing.",
                id="publishing.E002",
            )
        ]
    if backend not in settings.MACHINE_TRANSLATION_BACKENDS.values():
        return [
            Error(
                f"The machine translator {backend} is not one of the portal's self-hosted backends.",
                hint="Questions to the consultation desk hold personal data: use MACHINE_TRANSLATION="
                "libretranslate (a server you run) or argos (models on this machine).",
                id="publishing.E001",
            )
        ]
    if backend == LIBRETRANSLATE:
        url = config.get("OPTIONS", {}).get("URL", "")
        if not url:
            return [
                Error(
                    "MACHINE_TRANSLATION=libretranslate needs the address of your LibreTranslate server.",
                    hint="Set LIBRETRANSLATE_URL, e.g. http://127.0.0.1:5000.",
                    id="publishing.E003",
                )
            ]
        host = (urlsplit(url).hostname or "").lower()
        if any(host == public or host.endswith("." + public) for public in PUBLIC_HOSTS):
            return [
                Error(
                    f"LIBRETRANSLATE_URL points at the public LibreTranslate service ({host}).",
                    hint="Texts would leave the portal's machines. Run your own LibreTranslate server.",
                    id="publishing.E004",
                )
            ]
    return []
