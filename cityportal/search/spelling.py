"""“Did you mean”: a misspelt word replaced by the closest word the documents of that language use.

The vocabulary is the words of the titles and summaries in one language, with how often they occur
(kept in the shared cache, rebuilt after the index changes). Words of alphabetic scripts and Hangul
are corrected; Chinese and Japanese queries are not (a wrong character is rarely one edit from the
right one, and bigrams already find partial matches). Distances come from rapidfuzz (C).
"""

from collections import Counter

from django.core.cache import cache
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from . import analysis
from .models import SearchDocument

VOCABULARY_SECONDS = 3600
CORRECTED_SCRIPTS = {"other", "cyrillic", "arabic", "hangul"}


def _key(language: str) -> str:
    return f"search:vocabulary:{language}"


def forget(language: str) -> None:
    cache.delete(_key(language))


def vocabulary(language: str) -> dict[str, int]:
    words = cache.get(_key(language))
    if words is None:
        counts: Counter[str] = Counter()
        for title, summary in SearchDocument.objects.filter(language=language).values_list(
            "title", "summary"
        ):
            counts.update(
                word for word in analysis.words(f"{title} {summary}") if len(word) >= 3 and not word.isdigit()
            )
        words = dict(counts)
        cache.set(_key(language), words, VOCABULARY_SECONDS)
    return words


def _allowed_distance(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def correct(text: str, language: str) -> str | None:
    """The query with its unknown words replaced by known ones, or None when nothing changes."""
    known = vocabulary(language)
    if not known:
        return None
    folded = {analysis.fold(word): word for word in known}
    changed = False
    corrected = " ".join(analysis.words(text))
    for word in dict.fromkeys(analysis.words(text)):
        if len(word) < 4 or word.isdigit() or analysis.script_of(word[0]) not in CORRECTED_SCRIPTS:
            continue
        if word in known or analysis.fold(word) in folded:
            continue
        matches = process.extract(
            word, list(known), scorer=Levenshtein.distance, score_cutoff=_allowed_distance(word), limit=5
        )
        if not matches:
            continue
        # The closest first, then the most used: "permt" → "permit" rather than a rare "perm".
        best = min(matches, key=lambda match: (match[1], -known[match[0]]))[0]
        corrected = corrected.replace(word, best)
        changed = True
    return corrected if changed else None
