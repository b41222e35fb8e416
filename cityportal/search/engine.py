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
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from .models import SearchDocument
from .query import ParsedQuery, fts5_match, language_scope, tsquery_clause, tsquery_match

# At most this many matches are ranked and counted: a results page shows "1,000+" beyond it.
CANDIDATE_LIMIT = 1000
KIND_WEIGHTS = {"guide": 1.0, "service": 0.95, "faq": 0.9, "page": 0.8, "policy": 0.7, "news": 0.6}
FREQUENCY_CACHE_SECONDS = 600
TABLE = SearchDocument._meta.db_table


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    score: float
    kind: str
    sections: str


def _kind_weight_sql(column: str) -> str:
    cases = " ".join(f"WHEN '{kind}' THEN {weight}" for kind, weight in KIND_WEIGHTS.items())
    return f"(CASE {column} {cases} ELSE 0.5 END)"


def candidates(query: ParsedQuery, limit: int = CANDIDATE_LIMIT) -> list[Candidate]:
    """The best matches, best first, at most `limit`."""
    if not query.clauses:
        return []
    if connection.vendor == "postgresql":
        return _postgresql(query, limit)
    return _sqlite(query, limit)


def _sqlite(query: ParsedQuery, limit: int) -> list[Candidate]:
    weight = _kind_weight_sql("d.kind")
    # Only constants are formatted into the SQL; the match expression and the limit are parameters.
    sql = (
        f"SELECT d.id, bm25(search_document_fts, 0.0, 10.0, 4.0, 1.0) * {weight} AS score, "  # noqa: S608
        f"d.kind, d.sections FROM search_document_fts JOIN {TABLE} d ON d.id = search_document_fts.rowid "
        "WHERE search_document_fts MATCH %s ORDER BY score LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [fts5_match(query), limit])
        # BM25 is negative in FTS5 (lower is better): turned round so that higher is better everywhere.
        return [Candidate(row[0], -row[1], row[2], row[3]) for row in cursor.fetchall()]


def _postgresql(query: ParsedQuery, limit: int) -> list[Candidate]:
    total = _document_count(query.language)
    ranks, parameters = [], []
    last = len(query.clauses) - 1
    for number, clause in enumerate(query.clauses):
        expression = tsquery_clause(clause, query.prefix_last and number == last)
        weight = _inverse_document_frequency(query.language, expression, total)
        ranks.append(f"{weight:.6f} * ts_rank('{{0.1, 0.2, 0.4, 1.0}}', vector, to_tsquery('simple', %s))")
        parameters.append(expression)
    score = f"({' + '.join(ranks)}) * {_kind_weight_sql('kind')}"
    # Only constants and numbers are formatted into the SQL; every tsquery is a parameter.
    sql = (
        f"SELECT id, {score} AS score, kind, sections FROM {TABLE} "  # noqa: S608
        "WHERE vector @@ to_tsquery('simple', %s) ORDER BY score DESC, id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*parameters, tsquery_match(query), limit])
        return [Candidate(*row) for row in cursor.fetchall()]


COUNT_SQL = f"SELECT count(*) FROM {TABLE} WHERE vector @@ to_tsquery('simple', %s)"  # noqa: S608 - constant


def _count(tsquery: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL, [tsquery])
        return cursor.fetchone()[0]


def _document_count(language: str) -> int:
    key = f"search:documents:{language}"
    count = cache.get(key)
    if count is None:
        count = _count(f"'{language_scope(language)}'")
        cache.set(key, count, FREQUENCY_CACHE_SECONDS)
    return count


def _inverse_document_frequency(language: str, expression: str, total: int) -> float:
    key = f"search:df:{language}:{hashlib.sha256(expression.encode()).hexdigest()[:32]}"
    frequency = cache.get(key)
    if frequency is None:
        frequency = _count(f"'{language_scope(language)}' & ({expression})")
        cache.set(key, frequency, FREQUENCY_CACHE_SECONDS)
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
