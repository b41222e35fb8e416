"""A visitor's query as the full-text index reads it.

The query's terms come from the same analysis as the documents' (analysis.py). Editors' synonyms
turn a term or phrase into alternatives: "visa permit" with the group {visa, residence permit}
becomes (visa OR (resid AND permit)) AND permit. The tree is then written in each database's query
language; nothing the visitor typed reaches that language except the analysed terms, which are
letters and digits only, so quotes, `*`, NEAR, OR and parentheses in a query are just text.
"""

from dataclasses import dataclass

from . import analysis

Alternative = tuple[str, ...]  # terms that must all match (one word, or the terms of a phrase)
Clause = tuple[Alternative, ...]  # any one alternative matches


@dataclass(frozen=True)
class ParsedQuery:
    language: str
    clauses: tuple[Clause, ...]
    kinds: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    match_any: bool = False  # the fallback: any clause instead of every clause
    prefix_last: bool = False  # autocomplete: the last clause's terms are prefixes

    def all_terms(self) -> set[str]:
        return {term for clause in self.clauses for alternative in clause for term in alternative}

    def with_options(self, **changes) -> "ParsedQuery":
        values = {name: getattr(self, name) for name in self.__dataclass_fields__} | changes
        return ParsedQuery(**values)


def parse(text: str, language: str, synonym_groups: list[list[Alternative]] | None = None) -> ParsedQuery:
    """The query's clauses, with synonym alternatives where a group's phrase occurs in the terms."""
    terms = analysis.query_terms(text, language)
    clauses: list[Clause] = []
    position = 0
    groups = synonym_groups or []
    while position < len(terms):
        best: tuple[int, list[Alternative]] | None = None
        for group in groups:
            for phrase in group:
                end = position + len(phrase)
                if (
                    phrase
                    and tuple(terms[position:end]) == phrase
                    and (best is None or len(phrase) > best[0])
                ):
                    best = (len(phrase), group)
        if best:
            clauses.append(tuple(dict.fromkeys(best[1])))
            position += best[0]
        else:
            clauses.append(((terms[position],),))
            position += 1
    return ParsedQuery(language=language, clauses=tuple(clauses))


def _join(parts: list[str], operator: str) -> str:
    return parts[0] if len(parts) == 1 else "(" + f" {operator} ".join(parts) + ")"


def fts5_text(query: ParsedQuery) -> str:
    """The text part of an SQLite FTS5 MATCH expression (terms quoted: FTS5 syntax in a term is inert)."""

    def term(value: str, prefix: bool) -> str:
        return '"' + value.replace('"', '""') + '"' + ("*" if prefix else "")

    clauses = []
    for number, clause in enumerate(query.clauses):
        prefix = query.prefix_last and number == len(query.clauses) - 1
        alternatives = [
            _join([term(value, prefix) for value in alternative], "AND") for alternative in clause
        ]
        clauses.append(_join(alternatives, "OR"))
    return _join(clauses, "OR" if query.match_any else "AND")


def fts5_match(query: ParsedQuery) -> str:
    scope = [f'"{term}"' for term in scope_filter(query)]
    text = "{terms_title terms_summary terms_body} : " + fts5_text(query)
    return f"scope : ({' AND '.join(scope)}) AND ({text})"


def tsquery_clause(clause: Clause, prefix: bool = False) -> str:
    def term(value: str) -> str:
        return f"'{value}'" + (":*" if prefix else "")

    return _join([_join([term(value) for value in alternative], "&") for alternative in clause], "|")


def tsquery_text(query: ParsedQuery) -> str:
    last = len(query.clauses) - 1
    clauses = [
        tsquery_clause(clause, query.prefix_last and n == last) for n, clause in enumerate(query.clauses)
    ]
    return _join(clauses, "|" if query.match_any else "&")


def tsquery_match(query: ParsedQuery) -> str:
    scope = " & ".join(f"'{term}'" for term in scope_filter(query))
    return f"{scope} & {tsquery_text(query)}"


def scope_filter(query: ParsedQuery) -> list[str]:
    """Scope terms every match must carry; several kinds or sections would need OR (one of each here)."""
    return (
        [language_scope(query.language)]
        + [f"kind{kind}" for kind in query.kinds[:1]]
        + [f"section{section}" for section in query.sections[:1]]
    )


def language_scope(language: str) -> str:
    return "lang" + language.replace("-", "")
