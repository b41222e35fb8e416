"""Searching the portal: what the results page, the suggestions, the API and the quality command call.

`search` tries, in order, until something is found:
1. every word of the query (with editors' synonyms as alternatives);
2. every word of the spelling-corrected query ("did you mean", shown as "Showing results for");
3. any word of the query, ranked by how much of it matches.
Nothing found after all three: the query is logged for editors (masked, counted per language).
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.safestring import SafeString
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Locale, Page
from wagtail.search.utils import normalise_query_string

from . import analysis, engine, snippets, spelling
from .models import DocumentKind, SearchDocument, SearchSynonym, ZeroResultQuery
from .query import Alternative, ParsedQuery, parse

QUERY_MAX_LENGTH = 200  # longer input is cut here (a pasted paragraph still searches its start)
PER_PAGE = 10
SYNONYMS_SECONDS = 600
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_EMAIL = re.compile(r"\S+@\S+")
_DIGITS = re.compile(r"\d")


@dataclass
class Hit:
    document: SearchDocument
    title: SafeString
    snippet: SafeString
    services: list[SearchDocument] = field(default_factory=list)  # booking services of this guide


@dataclass
class Promotion:
    title: str
    url: str
    description: str
    key: str = ""  # the promoted page's object key ("" for an external link)


@dataclass
class SearchPage:
    query: str
    language: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_capped: bool = False
    kind_counts: dict[str, int] = field(default_factory=dict)
    section_counts: dict[str, int] = field(default_factory=dict)
    page: int = 1
    per_page: int = PER_PAGE
    corrected_query: str | None = None  # results are for this spelling
    matched_any_word: bool = False  # no document has every word: these have some
    promotions: list[Promotion] = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def clean_query(text: str) -> str:
    """What is searched: printable, single-spaced, at most QUERY_MAX_LENGTH characters."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFKC", text or ""))
    return " ".join(text.split())[:QUERY_MAX_LENGTH]


def synonym_groups(language: str) -> list[list[Alternative]]:
    """Editors' synonyms of one language, analysed like queries (cached; saving one clears it)."""
    key = f"search:synonyms:{language}"
    groups = cache.get(key)
    if groups is None:
        from . import analysis

        groups = []
        for synonym in SearchSynonym.objects.filter(language=language):
            phrases = [tuple(analysis.query_terms(term, language)) for term in synonym.term_list()]
            phrases = [phrase for phrase in dict.fromkeys(phrases) if phrase]
            if len(phrases) > 1:
                groups.append(phrases)
        cache.set(key, groups, SYNONYMS_SECONDS)
    return groups


def forget_synonyms(language: str) -> None:
    cache.delete(f"search:synonyms:{language}")


def parsed(text: str, language: str) -> ParsedQuery:
    return parse(text, language, synonym_groups(language))


FILL_BELOW = 5  # fewer matches of every word than this: matches of some words are added after them


def find(
    text: str, language: str, kinds: Sequence[str] = (), sections: Sequence[str] = ()
) -> tuple[ParsedQuery, list[engine.Candidate], str | None]:
    """The query that finds something, its ranked matches and the corrected spelling (if it was used).

    1. Documents with every word (synonyms as alternatives); when there are fewer than FILL_BELOW,
       documents with some of the words follow, ranked with a bonus for having them all.
    2. Nothing at all with every word: the spelling-corrected query, if it finds documents.
    Appointment services are among the matches: callers fold them into their guides
    (engine.collapse_services) except where services are asked for.
    """
    query = parsed(text, language).with_options(kinds=tuple(kinds), sections=tuple(sections))
    if not query.clauses:
        return query, [], None
    complete = engine.candidates(query)
    if not complete and (corrected := spelling.correct(text, language)):
        corrected_query = parsed(corrected, language).with_options(kinds=query.kinds, sections=query.sections)
        found = engine.candidates(corrected_query)
        if found:
            return corrected_query, found, corrected
    if len(complete) < FILL_BELOW and len(query.clauses) > 1:
        partial = engine.candidates(query.with_options(match_any=True))
        return query.with_options(match_any=not complete), engine.merge(complete, partial), None
    return query, complete, None


def ranked_keys(text: str, language: str, limit: int = 10) -> list[str]:
    """Object keys ("app_label.model_name:pk") in the order the results page shows them: editors'
    promoted results first, then the ranked matches."""
    text = clean_query(text)
    keys = [promotion.key for promotion in promotions(text, language) if promotion.key]
    _query, found, _corrected = find(text, language)
    keys += [
        candidate.key for candidate in engine.collapse_services(found)[:limit] if candidate.key not in keys
    ]
    return keys[:limit]


def search(
    text: str, language: str, *, kind: str = "", section: str = "", page: int = 1, log: bool = True
) -> SearchPage:
    text = clean_query(text)
    result = SearchPage(query=text, language=language, page=max(1, page))
    query, found, corrected = find(text, language)
    if not query.clauses:
        return result
    result.corrected_query = corrected
    result.matched_any_word = query.match_any
    result.total_capped = len(found) >= engine.CANDIDATE_LIMIT
    unfiltered = found

    def kept(candidate: engine.Candidate, by_kind: bool = True, by_section: bool = True) -> bool:
        return (not by_kind or not kind or candidate.kind == kind) and (
            not by_section or not section or section in candidate.sections.split()
        )

    # Each facet counts with the other facet's filter applied, so every count is what its link shows.
    for candidate in unfiltered:
        if kept(candidate, by_kind=False):
            result.kind_counts[candidate.kind] = result.kind_counts.get(candidate.kind, 0) + 1
        if kept(candidate, by_section=False):
            for code in candidate.sections.split():
                result.section_counts[code] = result.section_counts.get(code, 0) + 1
    if (kind or section) and result.total_capped:
        # Filtered, and the unfiltered matches were cut at the limit: the full-text index is asked
        # again with the filter, so a filtered list is not limited to the first thousand.
        found = engine.candidates(
            query.with_options(kinds=(kind,) if kind else (), sections=(section,) if section else ())
        )
    elif kind or section:
        found = [candidate for candidate in found if kept(candidate)]
    if kind != DocumentKind.SERVICE:
        found = engine.collapse_services(found)
    result.total = len(found)
    result.page = min(result.page, result.num_pages)
    start = (result.page - 1) * PER_PAGE
    window = found[start : start + PER_PAGE]
    documents = SearchDocument.objects.in_bulk(
        [candidate.id for candidate in window] + [pk for candidate in window for pk in candidate.services]
    )
    terms = query.all_terms()
    for candidate in window:
        document = documents.get(candidate.id)
        if document is None:
            continue
        source = document.body or document.summary
        result.hits.append(
            Hit(
                document=document,
                title=snippets.highlight(document.title, language, terms),
                snippet=snippets.snippet(source, language, terms),
                services=[documents[pk] for pk in candidate.services if pk in documents],
            )
        )
    if result.page == 1 and not (kind or section):
        # A corrected spelling gets the promotions of what the visitor meant ("resdence permit").
        result.promotions = promotions(text, language) or (
            promotions(corrected, language) if corrected else []
        )
    if log and not unfiltered and not result.promotions:  # a filter that empties the list is not logged
        record_zero_result(text, language)
    return result


def promotions(text: str, language: str) -> list[Promotion]:
    """Editors' promoted results for this query (Wagtail's "Promoted search results"), each page shown
    in the visitor's language: a page without a translation there is left out."""
    chosen = list(
        SearchPromotion.objects.filter(query__query_string=normalise_query_string(text))
        .select_related("page")
        .order_by("sort_order")
    )
    if not chosen:
        return []
    locale = Locale.objects.filter(language_code=language).first()
    keys = [promotion.page.translation_key for promotion in chosen if promotion.page_id]
    translated = {
        page.translation_key: page
        for page in Page.objects.live().filter(translation_key__in=keys, locale=locale)
    }
    shown = []
    for promotion in chosen:
        if promotion.page_id:
            page = translated.get(promotion.page.translation_key)
            if page is not None:
                key = f"{page.specific_class._meta.label_lower}:{page.pk}"
                shown.append(Promotion(page.title, page.get_url(), promotion.description, key))
        elif promotion.external_link_url:
            shown.append(
                Promotion(promotion.external_link_text, promotion.external_link_url, promotion.description)
            )
    return shown


def mask_query(text: str) -> str:
    """Digits become 0 and email addresses a placeholder: passport, phone and booking numbers typed
    into the box must not be kept."""
    return _DIGITS.sub("0", _EMAIL.sub("[email]", text))[
        : ZeroResultQuery._meta.get_field("query").max_length
    ]


def record_zero_result(text: str, language: str) -> None:
    masked = mask_query(text.casefold())
    seen = {"count": F("count") + 1, "last_seen": timezone.now()}
    updated = ZeroResultQuery.objects.filter(language=language, query=masked).update(**seen)
    if not updated:
        try:
            with transaction.atomic():
                ZeroResultQuery.objects.create(language=language, query=masked)
        except IntegrityError:  # another request logged it first
            ZeroResultQuery.objects.filter(language=language, query=masked).update(**seen)


def suggest(text: str, language: str, limit: int = 6) -> list[SearchDocument]:
    """Titles for the search box as the visitor types (the last word may be unfinished)."""
    text = clean_query(text)
    query = parsed(text, language)
    if not query.clauses or len(text) < 2:
        return []
    query = with_completions(query, text, language).with_options(prefix_last=True)
    found = engine.candidates(query, limit=limit)
    documents = SearchDocument.objects.in_bulk([candidate.id for candidate in found])
    return [documents[candidate.id] for candidate in found if candidate.id in documents]


COMPLETIONS = 8  # known words an unfinished word may become, the most used first
STEMMED_SCRIPTS = {"other", "cyrillic", "arabic"}


def with_completions(query: ParsedQuery, text: str, language: str) -> ParsedQuery:
    """The unfinished last word as the words it may become: its stem can be longer than theirs
    ("residen" stays "residen", "residence" is "resid"), so as a prefix of stems it would find nothing
    half-way through a word. The last clause also takes the terms of the titles' and summaries' words
    ("did you mean"'s vocabulary) that begin with what was typed."""
    typed = analysis.words(text)
    if not typed or analysis.script_of(typed[-1][0]) not in STEMMED_SCRIPTS or len(typed[-1]) < 3:
        return query
    last = query.clauses[-1]
    if last != (tuple(analysis.query_terms(typed[-1], language)),):
        return query  # the last clause is not that word alone (a synonym, a common word)
    beginning = analysis.fold(typed[-1])
    words = spelling.vocabulary(language)
    completions = sorted(
        (word for folded, word in words.folded.items() if folded.startswith(beginning)),
        key=lambda word: -words.counts[word],
    )
    alternatives = list(last)
    for word in completions[:COMPLETIONS]:
        terms = tuple(analysis.query_terms(word, language))
        if terms and terms not in alternatives:
            alternatives.append(terms)
    return query.with_options(clauses=(*query.clauses[:-1], tuple(alternatives)))
