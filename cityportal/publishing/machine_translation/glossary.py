"""Glossary terms survive machine translation: each backend translates the protected text.

Before a string goes to the engine, every Chinese glossary term in it is replaced by the term's
rendering in the target language, wrapped in `<span translate="no">`: LibreTranslate (format "html")
and Argos Translate's translatehtml leave such elements untouched. After translation the spans are
unwrapped again, so the same official term always comes out the same way, whatever the engine thinks.
"""

import html
import re
import unicodedata

from cityportal.publishing.glossary import SOURCE_LANGUAGE, TAG, rendering

PROTECTED = re.compile(
    r"""<span\b[^>]*?\btranslate\s*=\s*(["']?)no\1[^>]*>(?P<text>.*?)</span\s*>""", re.IGNORECASE | re.DOTALL
)


def glossary_renderings(language: str) -> dict[str, str]:
    """Chinese term -> its rendering in `language`, for the terms the glossary has a rendering for."""
    from cityportal.publishing.models import GlossaryTerm

    renderings = {}
    for term in GlossaryTerm.objects.all():
        source, target = rendering(term, SOURCE_LANGUAGE), rendering(term, language)
        if source and target:
            renderings.setdefault(source, target)
    return renderings


def term_pattern(renderings: dict[str, str]) -> re.Pattern | None:
    """One regex over the Chinese terms, longest first (工作许可证 before 工作许可)."""
    if not renderings:
        return None
    return re.compile("|".join(map(re.escape, sorted(renderings, key=len, reverse=True))))


def protect_terms(markup: str, renderings: dict[str, str], pattern: re.Pattern | None = None) -> str:
    """Replace each glossary term in the text (never inside a tag) by its protected rendering."""
    pattern = pattern or term_pattern(renderings)
    if pattern is None:
        return markup
    parts = TAG.split(markup)
    tags = TAG.findall(markup)
    out = []
    for index, part in enumerate(parts):
        out.append(_protect_text(part, renderings, pattern))
        if index < len(tags):
            out.append(tags[index])
    return "".join(out)


def _protect_text(escaped: str, renderings: dict[str, str], pattern: re.Pattern) -> str:
    text = unicodedata.normalize("NFKC", html.unescape(escaped))
    if not pattern.search(text):
        return escaped  # left exactly as it was
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(html.escape(text[position : match.start()], quote=False))
        pieces.append(f'<span translate="no">{html.escape(renderings[match.group()], quote=False)}</span>')
        position = match.end()
    pieces.append(html.escape(text[position:], quote=False))
    return "".join(pieces)


def unprotect_terms(markup: str) -> str:
    """Unwrap the protected spans the engine sent back."""
    return PROTECTED.sub(lambda match: match.group("text"), markup)


def has_markup(markup: str) -> bool:
    return bool(TAG.search(markup))
