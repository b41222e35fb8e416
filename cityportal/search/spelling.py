"""“Did you mean”: a misspelt word replaced by the closest word the documents of that language use.

The vocabulary is the words of the titles and summaries in one language, with how often they occur
(kept in the shared cache, rebuilt after the index changes). Words of alphabetic scripts and Hangul
are corrected by edit distance (rapidfuzz, in C). Chinese is typed through pinyin input methods, so
its usual typo is a homophone (居流 for 居留, 公正 for 公证): a Chinese word the documents do not use
is replaced by the most used word that sounds the same (pypinyin, without tones). Japanese is not
corrected (its input methods make other mistakes; bigrams still find partial matches).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from pypinyin import lazy_pinyin
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


def _chinese_words(text: str) -> list[str]:
    return [
        token.term
        for token in analysis.tokens(text, "zh-hans")
        if len(token.term) >= 2 and _is_han(token.term)
    ]


def _is_han(word: str) -> bool:
    return analysis.script_of(word[0]) == "han"


def sound(word: str) -> str:
    return " ".join(lazy_pinyin(word))


@dataclass(frozen=True)
class Vocabulary:
    """The words of one language's titles (and, outside Chinese, summaries) with their counts, and the
    lookups made from them once, not per query: accent-free forms, and each Chinese sound's most
    used word."""

    counts: dict[str, int]
    folded: dict[str, str] = field(default_factory=dict)  # accent-free form → word
    sounds: dict[str, str] = field(default_factory=dict)  # toneless pinyin → most used word


def _build(language: str) -> Vocabulary:
    counts: Counter[str] = Counter()
    documents = SearchDocument.objects.filter(language=language)
    if language == "zh-hans":
        # Titles only: segmenting every summary of a large site in Chinese took seconds.
        for title in documents.values_list("title", flat=True).iterator():
            counts.update(_chinese_words(title))
        # The most used word of each sound wins: sorted by use, later ones overwrite earlier ones.
        sounds = {sound(word): word for word in sorted(counts, key=counts.get)}
        return Vocabulary(dict(counts), sounds=sounds)
    for title, summary in documents.values_list("title", "summary").iterator():
        counts.update(
            word for word in analysis.words(f"{title} {summary}") if len(word) >= 3 and not word.isdigit()
        )
    return Vocabulary(dict(counts), folded={analysis.fold(word): word for word in counts})


def vocabulary(language: str) -> Vocabulary:
    found = cache.get(_key(language))
    if found is None:
        found = _build(language)
        cache.set(_key(language), found, VOCABULARY_SECONDS)
    return found


def _allowed_distance(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def correct(text: str, language: str) -> str | None:
    """The query with its unknown words replaced by known ones, or None when nothing changes."""
    words = vocabulary(language)
    known, folded = words.counts, words.folded
    if not known:
        return None
    if language == "zh-hans":
        return _correct_chinese(text, words)
    changed = False
    corrected = " ".join(analysis.words(text))
    for word in dict.fromkeys(analysis.words(text)):
        if len(word) < 4 or word.isdigit() or analysis.script_of(word[0]) not in CORRECTED_SCRIPTS:
            continue
        if word in known or analysis.fold(word) in folded:
            continue
        # Compared without accents: "sejor" is one letter from "séjour", as a visitor without a
        # French keyboard types it.
        matches = process.extract(
            analysis.fold(word),
            list(folded),
            scorer=Levenshtein.distance,
            score_cutoff=_allowed_distance(word),
            limit=5,
        )
        if not matches:
            continue
        # The closest first, then the most used: "permt" → "permit" rather than a rare "perm".
        best = folded[min(matches, key=lambda match: (match[1], -known[folded[match[0]]]))[0]]
        corrected = corrected.replace(word, best)
        changed = True
    return corrected if changed else None


def _correct_chinese(text: str, words: Vocabulary) -> str | None:
    corrected = text
    for word in dict.fromkeys(_chinese_words(text)):
        if word in words.counts:
            continue
        replacement = words.sounds.get(sound(word))
        if replacement and replacement != word:
            corrected = corrected.replace(word, replacement)
    return corrected if corrected != text else None
