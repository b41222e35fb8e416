"""The demo's search synonyms (synonyms.yaml: `{language: [[word, word, …], …]}`), loaded by load_demo.

Each group is checked by the rules of the admin's synonym form (admin/forms.py: at least two words
that search reads differently, each at most 100 characters) before anything is written. A group is
the same group as one already stored when its words analyse alike in the same language, so running
the loader twice changes nothing, and a group an editor re-spelt in the admin is put back to the
file's spelling. Groups editors added themselves are left alone.

`index_for_search` then indexes what load_demo saved, so the demo is searchable as soon as the
server starts.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import translation
from modelsearch.tasks import insert_or_update_object_task
from wagtail.models import Page

from cityportal.core.taskqueue import queued_task_results
from cityportal.procedures.importing import CatalogueError

from .. import services, spelling
from ..admin.forms import analysed_group, group_problems, term_list
from ..models import SearchDocument, SearchSynonym

DEMO_FILE = Path(__file__).parent / "synonyms.yaml"
DEMO_NOTE = "Demo synonyms (cityportal/search/demo/synonyms.yaml)"


@dataclass(frozen=True)
class DemoSynonym:
    language: str
    terms: list[str]

    @property
    def text(self) -> str:
        return ", ".join(self.terms)


@dataclass
class SynonymsDemoReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    languages: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Search synonyms: {self.created} groups created, {self.updated} updated, {self.unchanged} "
            f"unchanged ({len(self.languages)} languages)."
        )


def read_demo_synonyms(path: Path | None = None) -> list[DemoSynonym]:
    """Read and check the file (the demo's by default), writing nothing. Raises CatalogueError
    listing every problem."""
    path = path or DEMO_FILE
    where = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise CatalogueError([f"{where}: the file is missing"]) from None
    except yaml.YAMLError as error:
        raise CatalogueError([f"{where}: not valid YAML ({error})"]) from None
    if not isinstance(data, dict):
        raise CatalogueError([f"{where}: must map each language code to a list of groups"])
    languages = dict(settings.LANGUAGES)
    problems: list[str] = []
    synonyms: list[DemoSynonym] = []
    seen: set[tuple[str, frozenset]] = set()
    with translation.override("en"):  # the problems are for whoever keeps the file
        for language, groups in data.items():
            if language not in languages:
                problems.append(
                    f"{where}, {language}: not one of the portal's languages ({', '.join(languages)})"
                )
                continue
            if not isinstance(groups, list):
                problems.append(f"{where}, {language}: must be a list of groups")
                continue
            for number, group in enumerate(groups):
                place = f"{where}, {language}[{number}]"
                if not isinstance(group, list) or not all(isinstance(term, str | int) for term in group):
                    problems.append(f"{place}: must be a list of words or phrases")
                    continue
                terms = term_list(", ".join(str(term) for term in group))
                group_problem = group_problems(terms, language)
                if group_problem:
                    problems.extend(f"{place}: {problem}" for problem in group_problem)
                    continue
                key = (language, analysed_group(terms, language))
                if key in seen:
                    problems.append(f"{place}: the same group as an earlier one of this language")
                    continue
                seen.add(key)
                synonyms.append(DemoSynonym(language, terms))
    if problems:
        raise CatalogueError(problems)
    return synonyms


def load_demo_synonyms(
    path: Path | None = None, *, log: Callable[[str], None] = lambda message: None
) -> SynonymsDemoReport:
    synonyms = read_demo_synonyms(path)
    report = SynonymsDemoReport(languages=sorted({synonym.language for synonym in synonyms}))
    with transaction.atomic():
        for language in report.languages:
            stored = {
                analysed_group(existing.term_list(), language): existing
                for existing in SearchSynonym.objects.filter(language=language)
            }
            for synonym in (synonym for synonym in synonyms if synonym.language == language):
                existing = stored.get(analysed_group(synonym.terms, language))
                if existing is None:
                    SearchSynonym.objects.create(language=language, terms=synonym.text, note=DEMO_NOTE)
                    report.created += 1
                elif existing.terms != synonym.text:
                    existing.terms = synonym.text
                    existing.save(update_fields=["terms", "updated_at"])
                    report.updated += 1
                    log(f"{language}: “{synonym.text}” updated")
                else:
                    report.unchanged += 1
    # Searches read the groups from the cache: the next one reads the file's.
    for language in report.languages:
        services.forget_synonyms(language)
    return report


@dataclass
class SearchIndexing:
    indexed: int = 0  # objects whose search documents were written
    failed: int = 0  # index updates that raised: the worker would not retry them either
    first_error: str = ""  # the last line of the first failure's traceback

    def summary(self) -> str:
        return f"{self.indexed} objects indexed for search."


def index_queued_updates() -> SearchIndexing:
    """Run the search-index updates that are waiting in the task queue, here and now.

    load_demo saves its pages under `index_updates_once`, which queues one index update per object
    for the task worker; `make run` starts that worker only after load_demo, so without this the
    demo would be searchable a minute or two after the server starts, and the first visitors'
    searches would find nothing (and be logged as such). Each update is claimed as the worker claims
    it, so the worker never runs it twice; the reference-index updates and emails stay queued.
    """
    result = SearchIndexing()
    for task_result in queued_task_results(task_path=insert_or_update_object_task.module_path):
        if task_result.status == TaskResultStatus.FAILED:
            result.failed += 1
            result.first_error = result.first_error or task_result.traceback.strip().splitlines()[-1]
        else:
            result.indexed += 1
    return result


def index_for_search(*, stdout=None) -> SearchIndexing:
    """Index for search what is not indexed yet.

    The updates load_demo queued run here. A site whose pages were loaded before the search app
    existed has nothing queued and an empty index: the portal's index is then rebuilt (the
    `update_index --backend portal` an operator would run).
    """
    result = index_queued_updates()
    if result.failed:
        return result  # a rebuild would fail the same way: the caller reports the first error
    if not SearchDocument.objects.exists() and Page.objects.live().filter(depth__gt=2).exists():
        call_command("update_index", backend_name="portal", stdout=stdout or StringIO())
        result.indexed = SearchDocument.objects.values("model_label", "object_id").distinct().count()
    if result.indexed:
        for language, _name in settings.LANGUAGES:
            spelling.forget(language)  # "did you mean" reads the words of the new documents
    return result


PROMOTIONS_FILE = Path(__file__).parent / "promotions.yaml"


def load_demo_promotions(path: Path | None = None) -> int:
    """Editors' promoted results of the demo (promotions.yaml); returns how many were created.
    Running it again changes nothing; promotions editors made themselves are left alone; a guide
    that is not loaded is skipped."""
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    from cityportal.procedures.models import ProcedurePage

    entries = yaml.safe_load((path or PROMOTIONS_FILE).read_text(encoding="utf-8")) or []
    created = 0
    with transaction.atomic():
        for entry in entries:
            guide = ProcedurePage.objects.filter(
                item_code=entry["guide"], locale__language_code=settings.LANGUAGE_CODE
            ).first()
            if guide is None:
                continue  # the guides demo is not loaded (load_demo --only search on a partial site)
            for text in entry["queries"]:
                query = Query.get(text)
                _promotion, made = SearchPromotion.objects.get_or_create(
                    query=query, page=guide, defaults={"sort_order": 0}
                )
                created += made
    return created
