"""The search demo: the synonyms file loads, idempotently and by the admin's rules, and load_demo
leaves the demo searchable before the task worker starts."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from cityportal.procedures.importing import CatalogueError
from cityportal.search import services
from cityportal.search.demo import load_demo_synonyms, read_demo_synonyms
from cityportal.search.demo.loader import DEMO_FILE
from cityportal.search.models import SearchDocument, SearchSynonym

from .factories import SearchDocumentFactory, SearchSynonymFactory, index_queued, work_permit_guide

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en", "ko", "ja", "de", "fr", "es", "ru", "ar"]


def write(tmp_path, text: str):
    path = tmp_path / "synonyms.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def stored() -> list[tuple[str, str]]:
    return sorted(SearchSynonym.objects.values_list("language", "terms"))


# --- The synonyms file ------------------------------------------------------------------------------


def test_the_demo_synonyms_file_is_valid_and_loads_once():
    groups = read_demo_synonyms()
    assert groups, f"{DEMO_FILE} has no groups"

    first = load_demo_synonyms()
    after_first = stored()
    second = load_demo_synonyms()

    assert first.created == len(groups)
    assert (second.created, second.updated, second.unchanged) == (0, 0, len(groups))
    assert stored() == after_first


def test_a_loaded_synonym_finds_the_document_in_its_language(tmp_path):
    SearchDocumentFactory(language="en", title="Permanent residence for foreigners")
    SearchDocumentFactory(language="fr", title="Permanent residence (fr)")
    assert services.search("green card", "en", log=False).total == 0

    load_demo_synonyms(write(tmp_path, "en:\n  - [green card, permanent residence]\n"))

    assert [hit.document.title for hit in services.search("green card", "en", log=False).hits] == [
        "Permanent residence for foreigners"
    ]
    assert services.search("green card", "fr", log=False).total == 0


def test_an_editors_respelling_is_put_back_and_their_own_groups_are_kept(tmp_path):
    path = write(tmp_path, "en:\n  - [kids, children]\n")
    load_demo_synonyms(path)
    SearchSynonym.objects.filter(terms="kids, children").update(terms="Kids, Children")
    SearchSynonymFactory(language="en", terms="wife, husband, spouse")

    report = load_demo_synonyms(path)

    assert (report.created, report.updated) == (0, 1)
    assert stored() == [("en", "kids, children"), ("en", "wife, husband, spouse")]


def test_a_broken_synonyms_file_names_every_problem_and_writes_nothing(tmp_path):
    path = write(
        tmp_path,
        "en:\n"
        "  - [visa, visas]\n"  # one word to search
        "  - [kids, children]\n"
        "  - [Children, kid]\n"  # the same group again
        "xx:\n  - [a, b]\n"
        "fr: not a list\n",
    )
    with pytest.raises(CatalogueError) as raised:
        load_demo_synonyms(path)

    problems = "\n".join(raised.value.problems)
    assert "synonyms.yaml, en[0]: Give at least two different words or phrases" in problems
    assert "synonyms.yaml, en[2]: the same group as an earlier one of this language" in problems
    assert "synonyms.yaml, xx: not one of the portal's languages" in problems
    assert "synonyms.yaml, fr: must be a list of groups" in problems
    assert not SearchSynonym.objects.exists()


# --- load_demo ----------------------------------------------------------------------------------------


@pytest.fixture
def empty_site(db):
    Page.objects.filter(depth__gte=2).delete()  # the suite's shared tree; rolled back after the test
    SearchDocument.objects.all().delete()


def test_load_demo_only_search_loads_the_synonyms_and_indexes_before_the_worker_runs(
    empty_site, django_capture_on_commit_callbacks
):
    out = StringIO()
    # wagtail-localize publishes translations on commit: run those callbacks as a commit would.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", only="search", stdout=out)

    assert SearchSynonym.objects.count() == len(read_demo_synonyms())
    assert "Search synonyms:" in out.getvalue()
    # The demo's home page is searchable in every language now, not after the worker's turn.
    indexed = set(SearchDocument.objects.filter(kind="page").values_list("language", flat=True))
    assert indexed == set(LANGUAGES)


def test_load_demo_if_empty_indexes_a_site_loaded_before_search_existed(portal):
    guide = work_permit_guide(portal, languages=["en"])["en"]
    index_queued()
    # A site whose pages were loaded before the search app existed: nothing queued, nothing indexed.
    SearchDocument.objects.all().delete()

    out = StringIO()
    call_command("load_demo", if_empty=True, stdout=out)

    assert "demo not loaded (--if-empty)" in out.getvalue()
    assert services.search("work permit", "en", log=False).hits[0].document.url == guide.url
    assert not SearchSynonym.objects.exists()  # an existing site's synonyms are the editors' business


def test_load_demo_dry_run_checks_the_synonyms_and_writes_nothing():
    out = StringIO()
    call_command("load_demo", only="search", dry_run=True, stdout=out)
    assert "nothing written (--dry-run)" in out.getvalue()
    assert not SearchSynonym.objects.exists()


def test_load_demo_refuses_a_broken_synonyms_file(monkeypatch, tmp_path):
    broken = write(tmp_path, "en:\n  - [visa]\n")
    monkeypatch.setattr("cityportal.search.demo.loader.DEMO_FILE", broken)
    with pytest.raises(CommandError, match="The search demo file has problems"):
        call_command("load_demo", only="search", dry_run=True, stdout=StringIO())
