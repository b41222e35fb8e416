"""What every self-hosted backend shares: the glossary, and saying why it cannot translate."""

from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.strings import StringValue

from .glossary import glossary_renderings, protect_terms, term_pattern, unprotect_terms


class MachineTranslationError(Exception):
    """The engine failed; the message (localised, with what to check) is shown to the translator."""


class SelfHostedTranslator(BaseMachineTranslator):
    """A wagtail-localize machine translator whose engine runs on the portal's own machines.

    Subclasses implement `translate_html` (a batch of HTML strings) and `unavailable_reason`. Strings
    reach the engine with the glossary's terms already in the target language and protected."""

    def setup_problem(self) -> str:
        """What is missing for any translation (a setting, a package), in a sentence; "" when nothing is."""
        return ""

    def pair_problem(self, source_locale, target_locale) -> str:
        """What is missing for this pair of languages (a model), in a sentence; "" when nothing is."""
        return ""

    def unavailable_reason(self, source_locale, target_locale) -> str:
        """Why this pair cannot be translated, in a sentence for the translator; "" when it can."""
        if source_locale.language_code == target_locale.language_code:
            return "-"  # the editor never asks for this; no sentence needed
        return self.setup_problem() or self.pair_problem(source_locale, target_locale)

    def can_translate(self, source_locale, target_locale):
        return not self.unavailable_reason(source_locale, target_locale)

    def translate_html(self, source: str, target: str, texts: list[str]) -> list[str | None]:
        """Translate HTML strings (language codes as in settings.LANGUAGES); None leaves one untranslated."""
        raise NotImplementedError

    def translate(self, source_locale, target_locale, strings):
        strings = list(strings)
        if not strings:
            return {}
        renderings = glossary_renderings(target_locale.language_code)
        pattern = term_pattern(renderings)
        protected = [protect_terms(string.data, renderings, pattern) for string in strings]
        results = self.translate_html(source_locale.language_code, target_locale.language_code, protected)
        return {
            string: StringValue(unprotect_terms(result))
            for string, result in zip(strings, results, strict=True)
            if result is not None
        }
