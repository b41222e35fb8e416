"""Machine-translation help for the staff who answer questions.

Staff read Chinese; visitors write in their own language. Through the same pluggable interface as
the publishing workflow (wagtail-localize's `get_machine_translator()`, chosen with the
MACHINE_TRANSLATION setting: publishing/machine_translation/), this module

- shows a question in Chinese (stored in `Question.text_zh` with the engine's name, so the engine
  is asked once per question),
- translates a reply drafted in Chinese into the visitor's language (the glossary's official
  renderings are kept, as in the publishing workflow), and
- prefills the FAQ texts of other languages when staff publish an answer.

Engines translate HTML strings. Plain text is sent line by line, each line escaped first and read
back as text afterwards: newlines are kept, `<`, `>` and `&` typed by a visitor stay characters,
and markup an engine might add never reaches a page as markup. When no engine is configured or it
lacks a language, `availability()` says so in a sentence staff can act on.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from wagtail.models import Locale
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.strings import StringValue

from cityportal.publishing.machine_translation import MachineTranslationError, describe

from .models import Question

CHINESE = "zh-hans"

# What an engine may raise besides its own MachineTranslationError (a backend that lets a socket
# timeout or a refused connection through).
ENGINE_ERRORS = (MachineTranslationError, TimeoutError, ConnectionError)


class TranslationUnavailable(Exception):
    """No engine, or the engine cannot translate this pair of languages; the message says why."""


@dataclass(frozen=True)
class Availability:
    available: bool
    message: str  # a sentence for staff ("" when the two languages are the same)


@dataclass(frozen=True)
class Translation:
    text: str
    engine: str  # the engine's display name, as stored in Question.text_zh_engine
    incomplete: bool = False  # some lines came back untranslated and are kept as they were


def _locale(language: str) -> Locale:
    # Engines read only the language code: an unsaved Locale spares a query per call.
    return Locale(language_code=language)


def availability(source: str, target: str) -> Availability:
    """Whether text in `source` can be machine-translated into `target`, with the sentence to show."""
    if source == target:
        return Availability(False, "")
    message, available = describe(_locale(source), _locale(target))
    return Availability(available, str(message))


def translate_text(text: str, *, source: str, target: str) -> Translation:
    """`text` (plain text) machine-translated from `source` into `target`, line by line.

    Raises TranslationUnavailable when it cannot be done, and the engine's MachineTranslationError
    (or a timeout) when the engine fails; nothing is written either way.
    """
    state = availability(source, target)
    if not state.available:
        raise TranslationUnavailable(state.message or _("The text is already in that language."))
    translator = get_machine_translator()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    strings = {index: StringValue.from_plaintext(line) for index, line in enumerate(lines) if line.strip()}
    translated = (
        translator.translate(_locale(source), _locale(target), list(strings.values())) if strings else {}
    )
    result, incomplete = [], False
    for index, line in enumerate(lines):
        string = strings.get(index)
        if string is None:
            result.append(line)
        elif string in translated:
            result.append(translated[string].render_text().strip())
        else:
            result.append(line)  # the engine left it (e.g. markup it cannot keep): staff translate it
            incomplete = True
    return Translation("\n".join(result), str(translator.display_name), incomplete)


def show_in_chinese(question: Question) -> Translation:
    """Translate the question into Chinese for staff and keep it on the question (not a change of
    the question's life, so no service function or audit entry: the visitor's text is unchanged)."""
    translation = translate_text(question.text, source=question.language, target=CHINESE)
    Question.objects.filter(pk=question.pk).update(
        text_zh=translation.text, text_zh_engine=translation.engine
    )
    question.text_zh, question.text_zh_engine = translation.text, translation.engine
    return translation


def translate_draft(draft_zh: str, *, language: str) -> Translation:
    """A reply drafted in Chinese, translated into the visitor's language."""
    return translate_text(draft_zh, source=CHINESE, target=language)
