"""Result snippets with the matched words highlighted.

The document's text is analysed again (analysis.tokens gives each term's place), so a highlight
marks exactly what matched: the stem ("permits" for "permit"), a bigram inside a Korean word with its
particle, an Arabic word with its article. Everything else is escaped.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import analysis

SNIPPET_LENGTH = 220


def _marked(text: str, spans: list[tuple[int, int]]) -> SafeString:
    parts, position = [], 0
    for start, end in _merged(spans):
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def matched_spans(text: str, language: str, terms: set[str]) -> list[tuple[int, int]]:
    return [(token.start, token.end) for token in analysis.tokens(text, language) if token.term in terms]


CHUNK = 1_000


def _first_matches(text: str, language: str, terms: set[str]) -> list[tuple[int, int]]:
    """Matches in the first stretch of text that has any: analysing a whole long policy for every hit
    would cost more than the search itself."""
    for chunk_start in range(0, len(text), CHUNK):
        # Cut at a space so that a word is not split between two chunks.
        chunk_end = chunk_start + CHUNK
        if chunk_end < len(text):
            space = text.find(" ", chunk_end, chunk_end + 50)
            chunk_end = space if space != -1 else chunk_end
        spans = matched_spans(text[chunk_start : chunk_end + SNIPPET_LENGTH], language, terms)
        if spans:
            return [(start + chunk_start, end + chunk_start) for start, end in spans]
    return []


def highlight(text: str, language: str, terms: set[str]) -> SafeString:
    return _marked(text, matched_spans(text, language, terms))


def snippet(text: str, language: str, terms: set[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """The passage of `text` (about `length` characters) with the most matched terms, highlighted."""
    spans = _first_matches(text, language, terms)
    if not spans:
        cut = text[:length]
        return mark_safe(escape(cut) + ("…" if len(text) > length else ""))  # noqa: S308 - escaped
    best_start, best_count = spans[0][0], 0
    for start, _end in spans:
        count = sum(1 for other, _ in spans if start <= other < start + length)
        if count > best_count:
            best_start, best_count = start, count
    window_start = max(0, best_start - length // 4)
    # Start at a word or sentence boundary where there is one near.
    boundary = max(text.rfind(" ", 0, window_start + 1), text.rfind("\n", 0, window_start + 1))
    if boundary != -1 and window_start - boundary < 20:
        window_start = boundary + 1
    window_end = min(len(text), window_start + length)
    inside = [
        (start - window_start, end - window_start)
        for start, end in spans
        if start >= window_start and end <= window_end
    ]
    body = _marked(text[window_start:window_end], inside)
    prefix = "…" if window_start > 0 else ""
    suffix = "…" if window_end < len(text) else ""
    return mark_safe(prefix + body + suffix)  # noqa: S308 - body is built from escaped pieces
