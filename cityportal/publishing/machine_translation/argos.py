"""Argos Translate models installed on the portal's machine (MACHINE_TRANSLATION=argos).

The `argostranslate` package is not a requirement of the portal (it pulls in PyTorch-sized
dependencies): it is imported only when a translation is asked for, and when it or the language pair
is missing the translation editor says so instead of offering the button. HTML strings (inline
formatting, links, protected glossary terms) go through `translatehtml` (Argos's HTML translator,
which keeps `translate="no"` elements); without it only strings with no markup are translated.
"""

import html
import importlib

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import MachineTranslationError, SelfHostedTranslator
from .glossary import has_markup

# Codes Argos packages may use for each of our languages, most common first.
CANDIDATE_CODES = {"zh-hans": ("zh", "zh_Hans", "zh-Hans")}


def _import(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


class ArgosTranslator(SelfHostedTranslator):
    display_name = gettext_lazy("Argos Translate (on this server)")

    def setup_problem(self) -> str:
        if _import("argostranslate.translate") is None:
            return _(
                "Machine translation is set to Argos Translate, but the argostranslate package is not "
                "installed on this server; see docs/glossary-and-machine-translation.md."
            )
        return ""

    def pair_problem(self, source_locale, target_locale) -> str:
        if self._translation(source_locale.language_code, target_locale.language_code) is None:
            return _(
                "No Argos Translate model from %(source)s into %(target)s is installed on this server."
            ) % {
                "source": source_locale.get_display_name(),
                "target": target_locale.get_display_name(),
            }
        return ""

    def _translation(self, source: str, target: str):
        """Argos's translation object for the pair (direct or through an installed pivot), or None."""
        argos = _import("argostranslate.translate")
        if argos is None:
            return None
        installed = {language.code: language for language in argos.get_installed_languages()}
        source_language, target_language = (
            self._language(source, installed),
            self._language(target, installed),
        )
        if source_language is None or target_language is None:
            return None
        return source_language.get_translation(target_language)

    @staticmethod
    def _language(code: str, installed: dict):
        return next(
            (
                installed[candidate]
                for candidate in CANDIDATE_CODES.get(code, (code,))
                if candidate in installed
            ),
            None,
        )

    def translate_html(self, source: str, target: str, texts: list[str]) -> list[str | None]:
        translation = self._translation(source, target)
        if translation is None:
            raise MachineTranslationError(
                _("No Argos Translate model from %(source)s into %(target)s is installed on this server.")
                % {"source": source, "target": target}
            )
        translatehtml = _import("translatehtml")
        results: list[str | None] = []
        for text in texts:
            try:
                if translatehtml is not None:
                    results.append(str(translatehtml.translate_html(translation, text)))
                elif has_markup(text):
                    results.append(None)  # would lose its tags or its glossary terms: left to the translator
                else:
                    results.append(html.escape(translation.translate(html.unescape(text)), quote=False))
            except Exception as error:  # noqa: BLE001 - the model code can fail in many ways; say which
                raise MachineTranslationError(
                    _("Argos Translate failed: %(error)s") % {"error": str(error) or error.__class__.__name__}
                ) from error
        return results

    @staticmethod
    def translates_markup() -> bool:
        return _import("translatehtml") is not None
