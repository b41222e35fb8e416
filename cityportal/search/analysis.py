"""One text-analysis pipeline per language, used for indexing and for queries alike.

The database's full-text index (SQLite FTS5, PostgreSQL tsvector) only splits on spaces here: it is
handed tokens this module already made, so both databases match the same way and every language
gets the treatment its script needs:

- Han text in Chinese: jieba's search-mode segmentation (words and the shorter words inside them);
- Han and katakana text in Japanese, Hangul in Korean: overlapping character bigrams, so a Korean
  particle glued to a noun (허가를) or a Japanese compound still shares bigrams with the query
  (jieba is never run on Hangul or Arabic: it would split their words into letters);
- Arabic: normalisation of alef and hamza forms, ta marbuta, alef maqsura, diacritics and tatweel,
  then the Snowball stemmer, which also strips the article and the و ب ل ف ك prefixes;
- English, German, French, Spanish and Russian: the Snowball stemmer, then accents folded away.

Latin words inside any language (a "Z visa" in a Chinese guide) go through the English stemmer, so
they match whatever the visitor's language. Snowball stemmers come from PyStemmer (C, maintained with
Snowball itself) and Chinese segmentation from jieba; the script splitting and the bigrams are small
and written here because no library does exactly "bigram this script, segment that one".
"""

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

import Stemmer

SNOWBALL = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "ru": "russian", "ar": "arabic"}

# Short lists of words that carry no meaning in a query, so "how do I get a residence permit" can
# still require every remaining word. Kept short on purpose: the long published lists drop words a
# portal needs ("work", "first", "home").
STOPWORDS = {
    "en": "a an and are as at be by can do does for from how i in is it me my of on or the to what when "
    "where which who why with you your get",
    "de": "der die das den dem des ein eine einen einem einer und oder in im am an auf für mit von zu zum "
    "zur ist wie was wo wann ich mein meine bei aus",
    "fr": "le la les l un une des de du d et ou en à au aux pour par sur dans avec est comment que qui "
    "quoi où quand je mon ma mes",
    "es": "el la los las un una unos unas de del y o en a al para por con es cómo como que qué dónde cuándo "
    "mi mis se",
    "ru": "и в во на с со к ко по о об от для из у за как что где когда это я мне мой моя ли",
    "ar": "في من الى على عن مع هل كيف ما ماذا متى اين او و ثم",
    "zh-hans": "的 了 和 与 及 或 是 在 吗 呢 吧 啊 怎么 如何 什么 哪里 我 要 "
    "跟 把 被 给 对 向 从 让 办 去 来 可以 能",
    "ja": "",  # hiragana runs (particles, inflections) are dropped by script instead
    "ko": "",  # particles stay glued to their noun; bigrams make them harmless
}

# Where the portal is: every page is about China and Beijing, so in a query with other words these
# say nothing ("ПМЖ в Китае" asks about permanent residence) and, as words every title could hold,
# they would rank an answer that repeats them above the guide. Queries only: the documents keep them,
# and a query of only these words still searches for them.
PLACE_WORDS = {
    "en": "china chinese beijing",
    "de": "china chinesisch chinesische chinesischen peking beijing",
    "fr": "chine chinois chinoise pékin beijing",
    "es": "china chino pekín beijing",
    "ru": "китай китае китайский китайские пекин",
    "ar": "الصين صيني بكين",
    "zh-hans": "中国 北京",
    "ja": "中国 北京",
    "ko": "중국 베이징",
}

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # and tatweel
# The article with the prepositions and conjunction that attach to it: ال، وال، بال، كال، فال، لل.
# Snowball's Arabic stemmer leaves some of these on ("باللغات"); taken off first, the rest is stemmed.
_ARABIC_ARTICLE = re.compile("^(?:[وف]?(?:[بك]?ال|لل))(?=...)")
# li- before a noun (لتصريح): taken off when four letters or more follow, so short words that begin
# with lam (لغة، لجنة) keep it.
_ARABIC_LI = re.compile("^[وف]?ل(?=[^ل]...)")
_ARABIC_LETTERS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"}
)


class Token(NamedTuple):
    """An indexed term and where it came from in the text (for highlighting)."""

    term: str
    start: int
    end: int


SCRIPTS = {
    "han": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff",
    "hiragana": "\u3040-\u309f",
    "katakana": "\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d",
    "hangul": "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f",
    "arabic": "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff",
    "cyrillic": "\u0400-\u04ff",
}
_MARKS = "\u0300-\u036f\u0610-\u061a\u0640\u064b-\u065f\u0670"  # combining marks inside words, tatweel
# One regular expression finds the runs of letters and digits of one script (with the combining marks
# inside words; never "_", which the two databases would split differently): the scanning happens in
# C, which matters when a whole policy is analysed.
_RUN = re.compile(
    "|".join(f"(?P<{name}>(?:(?=[{chars}])(?:[^\\W_]|[{_MARKS}]))+)" for name, chars in SCRIPTS.items())
    + f"|(?P<other>(?:(?![{''.join(SCRIPTS.values())}])(?:[^\\W_]|[{_MARKS}]))+)"
)


_WORD = re.compile(f"(?:[^\\W_]|[{_MARKS}])+")


def _script_runs(text: str) -> Iterator[tuple[str, str, int]]:
    """(script, run, start) for each run of one script; plain ASCII words skip the script split."""
    for word in _WORD.finditer(text):
        value = word.group()
        if value.isascii():
            yield "other", value, word.start()
        else:
            for run in _RUN.finditer(value):
                yield run.lastgroup, run.group(), word.start() + run.start()


def script_of(char: str) -> str:
    """The script family that decides how a run of text is analysed."""
    match = _RUN.match(char)
    return match.lastgroup if match else "other"


@functools.cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(SNOWBALL[language])


@functools.cache
def _stopwords(language: str) -> frozenset[str]:
    # Compared with terms, so analysed as terms are: "cómo" is the term "com", "على" the term "علي".
    words = STOPWORDS.get(language, "").split()
    analysed = (token.term for word in words for token in tokens(word, language, keep_stopwords=True))
    return frozenset(analysed) | frozenset(fold(word) for word in words)


def fold(text: str) -> str:
    """Lower case without accents: "Résidence" → "residence", "ё" → "е"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalise_arabic(text: str) -> str:
    return _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_LETTERS)


# Particles glued to a Korean noun (허가를, 사무소에서): taken off a word of three syllables or more
# before its bigrams, so "거주 허가를" and "거주 허가" have the same terms. Only particles that
# nouns seldom end with: 가, 이, 의, 로, 도 also end nouns (허가, 국가, 동의, 경로), and a compound
# (거주허가) must keep them.
_KOREAN_PARTICLE = re.compile("(?<=..)(?:에서|에게|으로|까지|부터|처럼|보다|은|는|을|를|에)$")


def _bigrams(text: str, start: int) -> Iterator[Token]:
    if len(text) == 1:
        yield Token(text, start, start + 1)
        return
    for index in range(len(text) - 1):
        yield Token(text[index : index + 2], start + index, start + index + 2)


@functools.cache
def _jieba():
    import jieba  # loading its dictionary takes most of a second: only when Chinese is first analysed

    jieba.setLogLevel(60)
    return jieba


def _segment_chinese(text: str, start: int, stopwords: frozenset[str]) -> Iterator[Token]:
    """jieba's search-mode words (外国人 → 外国, 国人, 外国人: a query segmented differently from the
    document still shares terms with it), without its guesses at unknown words: where the dictionary
    leaves single characters in a row (办狗证, 居流 typed for 居留), their bigrams are the terms, as
    for Japanese, so a colloquial or mistyped word still meets the documents' words part-way."""
    stretch: list[tuple[str, int]] = []

    def flush() -> Iterator[Token]:
        if len(stretch) == 1:
            yield Token(stretch[0][0], start + stretch[0][1], start + stretch[0][1] + 1)
        for (first, position), (second, _next) in zip(stretch, stretch[1:], strict=False):
            yield Token(first + second, start + position, start + position + 2)
        stretch.clear()

    for word, word_start, word_end in _jieba().tokenize(text, mode="search", HMM=False):
        if word_end - word_start > 1:
            yield from flush()
            yield Token(word, start + word_start, start + word_end)
        elif word not in stopwords:
            if stretch and stretch[-1][1] + 1 != word_start:
                yield from flush()
            stretch.append((word, word_start))
    yield from flush()


@functools.lru_cache(maxsize=200_000)
def _alphabetic_term(language: str, script: str, word: str) -> str:
    """The stem of one word (cached: the same words recur across documents and queries)."""
    if script == "arabic":
        # The stemmer needs the ta marbuta and hamza forms to find suffixes; its result is normalised
        # after, so spellings with and without hamza meet.
        word = _ARABIC_ARTICLE.sub("", _ARABIC_DIACRITICS.sub("", word))
        word = _ARABIC_LI.sub("", word)
        # Endings Snowball reads differently although they are one word: a final ى written ي
        # (مستشفى / مستشفي) and the plural -ات it sometimes leaves half on (تأشيرات → تاشيرا).
        if word.endswith("ى"):
            word = word[:-1] + "ي"
        elif word.endswith("ات") and len(word) >= 5:
            word = word[:-2]
        return fold(normalise_arabic(_stemmer("ar").stemWord(word)))
    if script == "cyrillic":
        return fold(_stemmer("ru").stemWord(word.lower()))
    stem_language = language if language in SNOWBALL and language not in ("ar", "ru") else "en"
    return fold(_stemmer(stem_language).stemWord(word.lower()))


def tokens(text: str, language: str, *, keep_stopwords: bool = False, kana: bool = False) -> list[Token]:
    """The terms of `text` as `language` analyses them, with their places in the text."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text)
    stopwords = frozenset() if keep_stopwords else _stopwords(language)
    result: list[Token] = []
    for script, run, start in _script_runs(text):
        if script == "han" and language == "zh-hans":
            produced = _segment_chinese(run, start, stopwords)
        elif script == "hangul":
            produced = _bigrams(_KOREAN_PARTICLE.sub("", run), start)
        elif script in ("han", "katakana"):
            produced = _bigrams(run.lower(), start)
        elif script == "hiragana":
            # Particles and inflections in Japanese: indexed (a word written in hiragana, ごみ, is
            # found by a query in hiragana only), never required from a query that has other words.
            produced = _bigrams(run, start) if language != "ja" or (kana and len(run) > 1) else iter(())
        else:
            term = _alphabetic_term(language, script, run)
            produced = (Token(term, start, start + len(run)),) if term else ()
        result.extend(token for token in produced if token.term not in stopwords)
    return result


def terms(text: str, language: str) -> list[str]:
    """The terms to index, in order (repeats kept: they count towards ranking)."""
    return [token.term for token in tokens(text, language, kana=True)]


def query_terms(text: str, language: str) -> list[str]:
    """The distinct terms of a query, in order. A query of stopwords only keeps them, so "who"
    or a kana-only Japanese query still searches for something."""
    found = [token.term for token in tokens(text, language)]
    if not found:
        found = [token.term for token in tokens(text, language, keep_stopwords=True)]
        if not found and language == "ja":
            found = [token.term for token in tokens(text, "ja", kana=True)]  # hiragana only: its bigrams
    meaningful = [term for term in found if term not in _place_terms(language)]
    return list(dict.fromkeys(meaningful or found))


@functools.cache
def _place_terms(language: str) -> frozenset[str]:
    words = PLACE_WORDS.get(language, "").split()
    return frozenset(token.term for word in words for token in tokens(word, language, keep_stopwords=True))


def words(text: str) -> list[str]:
    """The visible words of a text, for spelling suggestions: lower case, no stemming."""
    return [run.lower() for _script, run, _start in _script_runs(unicodedata.normalize("NFKC", text))]
