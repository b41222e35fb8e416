"""The procedures demo loader: index pages, catalogue, finder and journeys in every language given,
through wagtail-localize, idempotently; broken demo files are refused before anything is written."""

import re
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from wagtail.models import Page, Revision
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from cityportal.home.demo.loader import DemoLoader, with_ancestors
from cityportal.home.demo.loader import read_pages as read_home_pages
from cityportal.procedures.demo.loader import ProceduresDemoLoader
from cityportal.procedures.importing import CatalogueError
from cityportal.procedures.models import FinderPage, JourneyPage, ProcedureIndexPage, ProcedurePage

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def loader(pages_file: Path = FIXTURES / "pages.yaml") -> ProceduresDemoLoader:
    return ProceduresDemoLoader(pages_file=pages_file, catalogue_dir=FIXTURES / "catalogue")


def state():
    return (
        sorted(Page.objects.values_list("pk", "latest_revision_created_at")),
        Revision.objects.count(),
        StringTranslation.objects.count(),
    )


def test_the_demo_builds_index_pages_finder_and_journeys_in_every_language_given(portal):
    report = loader().load()

    assert report.catalogue.counts("procedure")["created"] == 2
    assert ProcedureIndexPage.objects.get(locale__language_code="fr").url == "/fr/guides/"
    finder = FinderPage.objects.get(locale__language_code="en")
    assert finder.url == "/en/guides/finder/"
    assert [answer["label"] for answer in finder.questions[1].value["answers"]] == ["Yes", "No"]
    assert finder.answer_keys() == {"purpose": {"work", "visit"}, "family": {"yes", "no"}}
    work_rule = finder.rules[0].value
    assert work_rule["reason"] == "Because you come to work"
    assert [page.specific.item_code for page in work_rule["procedures"]] == [
        "work-residence-permit",
        "accommodation-registration",
    ]
    journey = JourneyPage.objects.get(locale__language_code="fr")
    assert journey.url == "/fr/journeys/start-working-in-beijing/"
    assert [step.value["title"] for step in journey.steps] == [
        "Déclarer son lieu de séjour dans les 24 heures",
        "Demander un titre de séjour pour travail dans les 30 jours",
    ]
    assert {tag.code for tag in journey.sections.all()} == {"work"}
    source = TranslationSource.objects.get_for_instance(
        JourneyPage.objects.get(locale__language_code="zh-hans")
    )
    assert set(
        Translation.objects.filter(source=source).values_list("target_locale__language_code", flat=True)
    ) == {"en", "fr"}


def test_loading_the_demo_twice_changes_nothing(portal):
    loader().load()
    before = state()
    report = loader().load()
    assert state() == before
    assert (report.created, report.updated, report.translated) == (0, 0, 0)


def test_the_home_demo_and_the_procedures_demo_loaded_again_change_nothing(db):
    Page.objects.filter(depth__gte=2).delete()  # the suite's shared tree; rolled back after the test
    home = with_ancestors(read_home_pages(), {"home"})
    DemoLoader().load(home)
    loader().load()  # adds the index pages under the home page in every language
    before = state()
    assert DemoLoader().load(home).translated == 0
    assert loader().load().translated == 0
    assert state() == before


def broken_pages(tmp_path: Path, change) -> Path:
    document = yaml.safe_load((FIXTURES / "pages.yaml").read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "pages.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d["journeys"][0]["steps"][1].update(procedures=["work-permit"]),
            'journey "start-working-in-beijing", steps[1].procedures: unknown procedure “work-permit”',
        ),
        (
            lambda d: d["finder"]["rules"][0]["conditions"].update(purpose="study"),
            "pages.yaml: finder, rules[0].conditions.purpose: “study” is not one of its answers",
        ),
        (
            lambda d: d["finder"]["translations"]["en"]["questions"][0]["answers"].pop(),
            "pages.yaml: finder, translations.en.questions[0].answers: give 2 answer labels",
        ),
        (
            lambda d: d["journeys"][0]["translations"]["fr"]["steps"][1].update(description="Sur place."),
            "translations.fr.steps[1].description: not in the Chinese source",
        ),
    ],
)
def test_broken_demo_pages_are_refused_before_anything_is_written(portal, tmp_path, change, message):
    before = state()
    with pytest.raises(CatalogueError) as raised:
        loader(broken_pages(tmp_path, change)).load()
    assert message in str(raised.value)
    assert state() == before


def test_the_procedures_demo_needs_the_home_page(db):
    Page.objects.filter(depth__gte=2).delete()  # the suite's shared tree; rolled back after the test
    with pytest.raises(CatalogueError, match="load the home demo first"):
        loader().load()
    assert not ProcedurePage.objects.exists()


def test_the_portal_demo_files_are_valid_and_load_demo_dry_run_checks_them(db):
    """pages.yaml and catalogue/*.yaml of the real demo, checked as load_demo checks them."""
    out = StringIO()
    call_command("load_demo", dry_run=True, stdout=out)
    guides = re.search(r"(\d+) guides read; nothing written \(--dry-run\)", out.getvalue())
    assert guides and int(guides.group(1)) >= 40
