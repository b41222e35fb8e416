"""Self-hosted machine translation for wagtail-localize's translation editor.

Consultation questions hold personal data, so only engines on the portal's own machines may be used:
a LibreTranslate server (libretranslate.py) or Argos Translate models (argos.py), chosen with the
MACHINE_TRANSLATION environment variable (settings: WAGTAILLOCALIZE_MACHINE_TRANSLATOR). Both keep the
glossary's terms (glossary.py). See docs/glossary-and-machine-translation.md.
"""

from django.utils.translation import gettext as _
from wagtail_localize.machine_translators import get_machine_translator

from .base import MachineTranslationError, SelfHostedTranslator

__all__ = ["MachineTranslationError", "SelfHostedTranslator", "describe"]


def describe(source_locale=None, target_locale=None) -> tuple[str, bool]:
    """A sentence for the admin on machine translation, and whether it can be used (for this pair)."""
    translator = get_machine_translator()
    if translator is None:
        return _("No machine translation is configured; see docs/glossary-and-machine-translation.md."), False
    if isinstance(translator, SelfHostedTranslator):
        if source_locale is not None and target_locale is not None:
            reason = translator.unavailable_reason(source_locale, target_locale)
        else:
            reason = translator.setup_problem()
        if reason:
            return reason, False
    message = _(
        "Machine translation: %(engine)s. Glossary terms are translated as the glossary renders them."
    ) % {"engine": translator.display_name}
    if getattr(translator, "translates_markup", lambda: True)() is False:
        message += " " + _(
            "The translatehtml package is not installed, so segments with formatting, links or glossary "
            "terms are left for you to translate."
        )
    return message, True
