"""Search quality, measured: the relevance set (relevance/<language>.yaml) run through the search.

Each entry of the set is a query a visitor would type and the one piece of demo content that should
come first. `evaluate` resolves every target to the object key the search returns (in the query's
language), runs the query through `services.ranked_keys` (the results page's own ranking, with
promoted results, synonyms, spelling correction and the any-word fallback) and scores each language:

- MRR@10: the mean of 1/rank of the target, 0 when it is not in the first ten;
- recall@5: the share of queries whose target is in the first five.

A place of the ranking is what the results page shows there: a hit, and the appointment services shown
with it. The page folds a service into its guide's hit when both match (engine.collapse_services), so
a query for a service is answered at the place of that guide.

The set is read and checked before anything is searched; a problem (an unknown kind, a target that
names no demo content) stops the run with a message naming the file and the entry. How to add a
query: docs/search.md ("The relevance set").
"""

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from wagtail.models import Page

from cityportal.appointments.models import AppointmentService
from cityportal.consultations.demo.loader import faq_translation_key
from cityportal.consultations.models import FAQEntry
from cityportal.home.models import HomePage
from cityportal.news.models import NewsArticle, PolicyDocument
from cityportal.procedures.models import ProcedurePage

from . import engine
from .models import SearchDocument
from .services import clean_query, find, ranked_keys
from .sources import object_key

RELEVANCE_DIR = Path(__file__).resolve().parent / "relevance"
KINDS = ("title", "paraphrase", "everyday", "misspelling", "synonym")
TARGET_TYPES = ("guide", "service", "faq", "news", "policy", "page")
RANK_CUTOFF = 10  # MRR@10
RECALL_CUTOFF = 5  # recall@5
AIM = 0.9  # the aim for MRR@10 in every language

# A ranking is a list of places; a place is a key, or the keys shown together there.
Place = str | tuple[str, ...]
Ranker = Callable[[str, str, int], list[Place]]


class RelevanceSetError(Exception):
    """The set cannot be run as written; the message names each file and entry at fault."""


@dataclass(frozen=True)
class Case:
    """One entry of the set."""

    file: str
    number: int  # 1-based position in the file's `queries`
    language: str
    query: str
    target_type: str
    target: str
    kind: str

    @property
    def where(self) -> str:
        return f"{self.file}, query {self.number} (“{self.query}”)"

    @property
    def target_label(self) -> str:
        return f"{self.target_type}: {self.target}"


@dataclass(frozen=True)
class Target:
    key: str  # "app_label.model_name:pk", as ranked_keys returns
    title: str  # in the query's language


@dataclass
class Outcome:
    case: Case
    expected: Target
    ranking: list[Place]

    @property
    def rank(self) -> int | None:
        return rank_of(self.ranking, self.expected.key)


@dataclass
class LanguageScore:
    language: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def queries(self) -> int:
        return len(self.outcomes)

    @property
    def mrr_at_10(self) -> float:
        return mean(reciprocal_rank(outcome.ranking, outcome.expected.key) for outcome in self.outcomes)

    @property
    def recall_at_5(self) -> float:
        return mean(recall_at(outcome.ranking, outcome.expected.key) for outcome in self.outcomes)

    @property
    def misses(self) -> list[Outcome]:
        """Queries whose target is not first."""
        return [outcome for outcome in self.outcomes if outcome.rank != 1]

    @property
    def not_in_title(self) -> int:
        return sum(not contained(outcome.case.query, outcome.expected.title) for outcome in self.outcomes)


# --- the metrics ------------------------------------------------------------------------------------


def shown(place: Place) -> tuple[str, ...]:
    return (place,) if isinstance(place, str) else tuple(place)


def rank_of(ranking: list[Place], expected: str) -> int | None:
    """1-based place of `expected` in `ranking`, None when absent."""
    for number, place in enumerate(ranking, start=1):
        if expected in shown(place):
            return number
    return None


def reciprocal_rank(ranking: list[Place], expected: str, cutoff: int = RANK_CUTOFF) -> float:
    rank = rank_of(ranking[:cutoff], expected)
    return 1.0 / rank if rank else 0.0


def recall_at(ranking: list[Place], expected: str, cutoff: int = RECALL_CUTOFF) -> float:
    """1 when the (single) expected result is among the first `cutoff`, else 0."""
    return 1.0 if rank_of(ranking[:cutoff], expected) else 0.0


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def contained(query: str, title: str) -> bool:
    """Whether the query, as typed, is part of the title (case and spacing aside)."""
    return normalised(query) in normalised(title)


# --- reading the set --------------------------------------------------------------------------------


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def load_set(directory: Path = RELEVANCE_DIR, only: Iterable[str] = ()) -> list[Case]:
    """Every entry of every language's file (or of the languages in `only`), checked."""
    wanted = list(only) or languages()
    unknown = sorted(set(wanted) - set(languages()))
    if unknown:
        raise RelevanceSetError(
            f"Unknown language(s): {', '.join(unknown)} (one of: {', '.join(languages())})."
        )
    cases, problems = [], []
    for language in wanted:
        path = directory / f"{language}.yaml"
        if not path.exists():
            problems.append(f"{path.name}: missing (one file per language)")
            continue
        cases += read_file(path, language, problems)
    if problems:
        raise RelevanceSetError("The relevance set has problems:\n  " + "\n  ".join(problems))
    return cases


def read_file(path: Path, language: str, problems: list[str]) -> list[Case]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        problems.append(f"{path.name}: not valid YAML ({error})")
        return []
    if not isinstance(data, dict) or not isinstance(data.get("queries"), list):
        problems.append(f"{path.name}: expected `language:` and a `queries:` list")
        return []
    if data.get("language") != language:
        problems.append(f"{path.name}: says language “{data.get('language')}”, expected “{language}”")
    cases, seen = [], set()
    for number, entry in enumerate(data["queries"], start=1):
        where = f"{path.name}, query {number}"
        case = read_entry(entry, path.name, number, language, where, problems)
        if case is None:
            continue
        if normalised(case.query) in seen:
            problems.append(f"{case.where}: the same query is in the file twice")
        seen.add(normalised(case.query))
        cases.append(case)
    return cases


def read_entry(entry, file: str, number: int, language: str, where: str, problems: list[str]) -> Case | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected query, target and kind")
        return None
    extra = set(entry) - {"query", "target", "kind", "note"}
    if extra:
        problems.append(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    query, target, kind = entry.get("query"), entry.get("target"), entry.get("kind")
    if not isinstance(query, str) or not query.strip():
        problems.append(f"{where}: `query` must be some text")
        return None
    where = f"{where} (“{query}”)"
    if kind not in KINDS:
        problems.append(f"{where}: `kind` must be one of {', '.join(KINDS)}, not “{kind}”")
        return None
    if not (isinstance(target, dict) and len(target) == 1):
        problems.append(f"{where}: `target` must be one of {{{' | '.join(TARGET_TYPES)}: reference}}")
        return None
    [(target_type, reference)] = target.items()
    if target_type not in TARGET_TYPES or not isinstance(reference, str) or not reference.strip():
        problems.append(f"{where}: `target` must be one of {{{' | '.join(TARGET_TYPES)}: reference}}")
        return None
    return Case(file, number, language, query.strip(), target_type, reference.strip(), kind)


# --- finding the targets in the database ---------------------------------------------------------------


def resolve(case: Case) -> Target:
    """The target's object key and title in the query's language."""
    language, reference = case.language, case.target
    in_language = {"locale__language_code": language}
    found, title = None, ""
    if case.target_type == "guide":
        found = ProcedurePage.objects.live().filter(item_code=reference, **in_language).first()
    elif case.target_type == "news":
        found = NewsArticle.objects.live().filter(slug=reference, **in_language).first()
    elif case.target_type == "policy":
        found = PolicyDocument.objects.live().filter(slug=reference, **in_language).first()
    elif case.target_type == "page":
        home = HomePage.objects.filter(**in_language).first()
        if home is not None:
            path = f"{home.url_path}{reference.strip('/')}/"
            page = Page.objects.live().filter(url_path=path, **in_language).first()
            found = page.specific if page is not None else None
    elif case.target_type == "faq":
        found = FAQEntry.objects.filter(
            translation_key=faq_translation_key(reference), live=True, **in_language
        ).first()
        title = found.question if found else ""
    elif case.target_type == "service":
        found = AppointmentService.objects.filter(code=reference).first()
        if found is not None:
            title = getattr(found, f"name_{language.replace('-', '_')}", "") or ""
    if found is None:
        raise RelevanceSetError(
            f"{case.where}: no published {case.target_type} “{reference}” in {language}. Is the demo "
            "loaded (manage.py load_demo), and does the reference name demo content in this language "
            "(docs/search.md, “The relevance set”)?"
        )
    return Target(object_key(found), title or getattr(found, "title", ""))


# --- running it -------------------------------------------------------------------------------------


@dataclass
class Report:
    scores: dict[str, LanguageScore]

    @property
    def below_aim(self) -> list[str]:
        return [language for language, score in self.scores.items() if score.mrr_at_10 < AIM]

    def as_dict(self) -> dict:
        return {
            language: {
                "queries": score.queries,
                "mrr_at_10": round(score.mrr_at_10, 4),
                "recall_at_5": round(score.recall_at_5, 4),
                "not_in_title": score.not_in_title,
                "misses": [miss_dict(outcome) for outcome in score.misses],
            }
            for language, score in self.scores.items()
        }


def results_page_places(text: str, language: str, limit: int = RANK_CUTOFF) -> list[tuple[str, ...]]:
    """The first `limit` places of the results page: each hit of `ranked_keys`, with the keys of the
    appointment services the page shows under it."""
    keys = ranked_keys(text, language, limit)
    _query, found, _corrected = find(clean_query(text), language)
    folded = {candidate.key: candidate.services for candidate in engine.collapse_services(found)}
    documents = SearchDocument.objects.in_bulk([pk for key in keys for pk in folded.get(key, [])])
    return [(key, *(documents[pk].key for pk in folded.get(key, []) if pk in documents)) for key in keys]


def evaluate(cases: list[Case] | None = None, ranker: Ranker = results_page_places) -> Report:
    """Every case through the search; all targets are resolved first, so a broken set fails fast."""
    cases = load_set() if cases is None else cases
    targets, problems = {}, []
    for case in cases:
        try:
            targets[case] = resolve(case)
        except RelevanceSetError as error:
            problems.append(str(error))
    if problems:
        raise RelevanceSetError("Some targets cannot be found:\n  " + "\n  ".join(problems))
    scores: dict[str, LanguageScore] = {}
    for case in cases:
        ranking = list(ranker(case.query, case.language, RANK_CUTOFF))
        scores.setdefault(case.language, LanguageScore(case.language)).outcomes.append(
            Outcome(case, targets[case], ranking)
        )
    return Report(scores)


def titles_of(keys: Iterable[str], language: str) -> dict[str, str]:
    """The indexed titles of these results in `language`, for describing misses."""
    wanted = {}
    for key in keys:
        label, _, pk = key.rpartition(":")
        if pk.isdigit():
            wanted.setdefault(label, []).append(int(pk))
    titles = {}
    for label, pks in wanted.items():
        rows = SearchDocument.objects.filter(model_label=label, object_id__in=pks, language=language)
        titles.update({row.key: row.title for row in rows})
    return titles


def miss_dict(outcome: Outcome) -> dict:
    first = shown(outcome.ranking[0])[0] if outcome.ranking else None
    return {
        "query": outcome.case.query,
        "kind": outcome.case.kind,
        "expected": outcome.case.target_label,
        "expected_key": outcome.expected.key,
        "rank": outcome.rank,
        "first": first,
        "first_title": titles_of([first], outcome.case.language).get(first, "") if first else "",
    }


def format_table(report: Report) -> list[str]:
    lines = [f"{'language':<9} {'queries':>7} {'MRR@10':>7} {'recall@5':>9}  not in title"]
    for language, score in report.scores.items():
        flag = "" if score.mrr_at_10 >= AIM else "  < aim"
        lines.append(
            f"{language:<9} {score.queries:>7} {score.mrr_at_10:>7.3f} {score.recall_at_5:>9.3f}  "
            f"{score.not_in_title:>3}/{score.queries}{flag}"
        )
    everything = [outcome for score in report.scores.values() for outcome in score.outcomes]
    overall = LanguageScore("all", everything)
    lines.append(
        f"{'all':<9} {overall.queries:>7} {overall.mrr_at_10:>7.3f} {overall.recall_at_5:>9.3f}  "
        f"{overall.not_in_title:>3}/{overall.queries}"
    )
    return lines


def format_misses(report: Report) -> list[str]:
    lines = []
    for language, score in report.scores.items():
        for outcome in score.misses:
            miss = miss_dict(outcome)
            place = f"rank {miss['rank']}" if miss["rank"] else f"not in the first {RANK_CUTOFF}"
            first = f"{miss['first_title']} [{miss['first']}]" if miss["first"] else "nothing"
            lines.append(
                f"{language}: “{miss['query']}” ({miss['kind']}) expected {miss['expected']} "
                f"[{miss['expected_key']}], {place}; first: {first}"
            )
    return lines
