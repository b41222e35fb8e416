"""Running a parsed query on the database's full-text index and ranking the matches.

SQLite ranks with FTS5's BM25 (title ×10, summary ×4, body ×1). PostgreSQL's ts_rank has no notion
of how rare a term is, so each clause's ts_rank (title A, summary B, body D) is weighted by the
clause's BM25 inverse document frequency in that language; the document frequencies are counted
through the GIN index and cached for a while. Both scores are then multiplied by the document
kind's weight: a guide outranks a news story that mentions the same words.

Every match goes through the full-text index (a MATCH or an @@ on the GIN index), never a LIKE scan.
"""

import hashlib
import math
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection

from .models import SearchDocument
from .query import ParsedQuery, fts5_match, language_scope, tsquery_clause, tsquery_match

# At most this many matches are ranked and counted: a results page shows "1,000+" beyond it.
CANDIDATE_LIMIT = 1000
# A guide explains a procedure and links its booking service, so it comes before the service itself;
# news ages, so it comes after what stays true. Small differences: a better match still wins.
KIND_WEIGHTS = {"guide": 1.0, "policy": 0.9, "faq": 0.8, "service": 0.85, "news": 0.85, "page": 0.75}
# The best matches by the database's score are ranked again with how much of the query their title
# holds (every word of the query in the title doubles the score): the title says what a page is about;
# and, less, with how much of the title the query covers: "permanent residence" is about the guide
# "Permanent residence application" more than about "Renewal of the permanent resident ID card".
RERANK_DEPTH = 100
TITLE_BONUS = 1.0
TITLE_PRECISION_BONUS = 0.5
COMPLETE_BONUS = 1.5  # a document with every word of the query, over one with some (merge)
FREQUENCY_CACHE_SECONDS = 600
TABLE = SearchDocument._meta.db_table


COLUMNS = ["kind", "sections", "model_label", "object_id", "parent_key", "terms_title"]


def _columns(prefix: str = "") -> str:
    return ", ".join(prefix + column for column in COLUMNS)


@dataclass(slots=True)
class Candidate:
    id: int
    score: float
    kind: str
    sections: str
    key: str
    parent_key: str
    # Appointment services shown with this hit (their guide) instead of as hits of their own.
    services: list[int] = field(default_factory=list)


def _kind_weight_sql(column: str) -> str:
    cases = " ".join(f"WHEN '{kind}' THEN {weight}" for kind, weight in KIND_WEIGHTS.items())
    return f"(CASE {column} {cases} ELSE 0.5 END)"


def candidates(query: ParsedQuery, limit: int = CANDIDATE_LIMIT) -> list[Candidate]:
    """The best matches, best first, at most `limit`."""
    if not query.clauses:
        return []
    depth = max(limit, RERANK_DEPTH)
    rows = _postgresql(query, depth) if connection.vendor == "postgresql" else _sqlite(query, depth)
    found = []
    for number, (pk, score, kind, sections, label, object_id, parent_key, terms_title) in enumerate(rows):
        if number < RERANK_DEPTH:
            coverage, precision = title_match(query, terms_title)
            score *= (1 + TITLE_BONUS * coverage) * (1 + TITLE_PRECISION_BONUS * precision)
        found.append(Candidate(pk, score, kind, sections, f"{label}:{object_id}", parent_key))
    found[:RERANK_DEPTH] = sorted(found[:RERANK_DEPTH], key=lambda candidate: -candidate.score)
    return found[:limit]


def merge(complete: list[Candidate], partial: list[Candidate]) -> list[Candidate]:
    """Matches of every word first in spirit, not strictly: a document with every word gets a bonus
    over one with some (Chinese, Japanese and Korean bigrams make "every word" brittle: 外国語対応
    has the bigram 語対, which "外国語に対応" has not)."""
    complete_ids = {candidate.id for candidate in complete}
    merged = {candidate.id: candidate for candidate in complete}
    for candidate in partial:
        if candidate.id in complete_ids:
            merged[candidate.id].score = max(merged[candidate.id].score, candidate.score * COMPLETE_BONUS)
        else:
            merged[candidate.id] = candidate
    return sorted(merged.values(), key=lambda candidate: -candidate.score)


def collapse_services(found: list[Candidate]) -> list[Candidate]:
    """An appointment service whose guide is also found is shown with the guide, not beside it; the
    guide takes the better of the two places."""
    by_key = {candidate.key: candidate for candidate in found}
    kept = []
    for candidate in found:
        guide = by_key.get(candidate.parent_key) if candidate.parent_key else None
        if guide is None:
            kept.append(candidate)
            continue
        guide.score = max(guide.score, candidate.score)
        guide.services.append(candidate.id)
    return sorted(kept, key=lambda candidate: -candidate.score)


def title_match(query: ParsedQuery, terms_title: str) -> tuple[float, float]:
    """The share of the query's clauses the title matches, and the share of the title's terms that
    are the query's (both 0 to 1)."""
    title = set(terms_title.split())
    if not title:
        return 0.0, 0.0
    matched = sum(
        1 for clause in query.clauses if any(title.issuperset(alternative) for alternative in clause)
    )
    return matched / len(query.clauses), len(title & query.all_terms()) / len(title)


def _sqlite(query: ParsedQuery, limit: int) -> list[tuple]:
    """Ranked in two steps: BM25 over the FTS table alone (joining every match to its wide document
    row first cost two thirds of the time for a common word: bench/search.py), then the columns of
    the best `limit` read by id; the kind's weight is applied to those. A document of a lighter kind
    can therefore be passed over only when more than `limit` documents score better by BM25 alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, bm25(search_document_fts, 0.0, 10.0, 4.0, 1.0) AS score FROM search_document_fts "
            "WHERE search_document_fts MATCH %s ORDER BY score LIMIT %s",
            [fts5_match(query), limit],
        )
        # BM25 is negative in FTS5 (lower is better): turned round so that higher is better everywhere.
        scores = {row[0]: -row[1] for row in cursor.fetchall()}
        if not scores:
            return []
        placeholders = ", ".join(["%s"] * len(scores))
        cursor.execute(
            f"SELECT id, {_columns()} FROM {TABLE} WHERE id IN ({placeholders})",  # noqa: S608 - constants
            list(scores),
        )
        rows = [
            (row[0], scores[row[0]] * KIND_WEIGHTS.get(row[1], 0.5), *row[1:]) for row in cursor.fetchall()
        ]
    return sorted(rows, key=lambda row: -row[1])


def _postgresql(query: ParsedQuery, limit: int) -> list[tuple]:
    total = _document_count(query.language)
    ranks, parameters = [], []
    last = len(query.clauses) - 1
    for number, clause in enumerate(query.clauses):
        expression = tsquery_clause(clause, query.prefix_last and number == last)
        weight = _inverse_document_frequency(query.language, expression, total)
        ranks.append(
            f"{weight:.6f} * ts_rank('{{0.1, 0.2, 0.4, 1.0}}', vector, to_tsquery('simple', %s), 32)"
        )
        parameters.append(expression)
    score = f"({' + '.join(ranks)}) * {_kind_weight_sql('kind')}"
    # Only constants and numbers are formatted into the SQL; every tsquery is a parameter.
    sql = (
        f"SELECT id, {score} AS score, {_columns()} FROM {TABLE} "  # noqa: S608
        "WHERE vector @@ to_tsquery('simple', %s) ORDER BY score DESC, id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*parameters, tsquery_match(query), limit])
        return cursor.fetchall()


COUNT_SQL = f"SELECT count(*) FROM {TABLE} WHERE vector @@ to_tsquery('simple', %s)"  # noqa: S608 - constant


def _count(tsquery: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL, [tsquery])
        return cursor.fetchone()[0]


def _document_count(language: str) -> int:
    key = f"search:documents:{language}"
    count = cache.get(key)
    if count is None:
        # By the language column: through the vector, every document of the language matched
        # (a scan of half a second at 100,000 documents).
        count = SearchDocument.objects.filter(language=language).count()
        cache.set(key, count, FREQUENCY_CACHE_SECONDS)
    return count


def _inverse_document_frequency(language: str, expression: str, total: int) -> float:
    key = f"search:df:{language}:{hashlib.sha256(expression.encode()).hexdigest()[:32]}"
    frequency = cache.get(key)
    if frequency is None:
        frequency = _count(f"'{language_scope(language)}' & ({expression})")
        cache.set(key, frequency, FREQUENCY_CACHE_SECONDS)
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
