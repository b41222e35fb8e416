"""import_procedures: guides, offices and departments from catalogue files, through wagtail-localize,
idempotent, refusing broken files whole."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page, Revision
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from cityportal.core.models import Department, Office, OfficeHours
from cityportal.procedures.models import ProcedurePage
from cityportal.procedures.services import CatalogueError, import_documents
from cityportal.procedures.tests.factories import FinderPageFactory, ProcedureIndexPageFactory, translate

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
CATALOGUE = [FIXTURES / "catalogue" / "offices.yaml", FIXTURES / "catalogue" / "guides.yaml"]


@pytest.fixture
def index(portal):
    index = ProcedureIndexPageFactory(parent=portal.homes["zh-hans"])
    translate(index, "en", title="Procedure guides")
    translate(index, "fr", title="Guides des démarches")
    return index


def run_import(*paths, **options) -> str:
    out = StringIO()
    call_command("import_procedures", *[str(path) for path in paths], stdout=out, **options)
    return out.getvalue()


def catalogue_with(tmp_path: Path, change) -> list[Path]:
    """The fixture catalogue with `change(offices, guides)` applied, written to tmp_path."""
    documents = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in CATALOGUE]
    change(*documents)
    paths = []
    for path, document in zip(CATALOGUE, documents, strict=True):
        paths.append(tmp_path / path.name)
        paths[-1].write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return paths


def guide(document: dict, item_code: str) -> dict:
    return next(entry for entry in document["procedures"] if entry["item_code"] == item_code)


def state():
    """Everything an import writes, with each page's latest revision time: equal means nothing changed."""
    return {
        "pages": sorted(Page.objects.values_list("pk", "latest_revision_created_at", "live")),
        "revisions": Revision.objects.count(),
        "strings": sorted(StringTranslation.objects.values_list("pk", "data")),
        "departments": sorted(Department.objects.values_list()),
        "offices": sorted(Office.objects.values_list()),
        "hours": sorted(OfficeHours.objects.values_list("office__code", "weekday", "opens", "closes")),
    }


def page_of(item_code: str, language: str) -> ProcedurePage:
    return ProcedurePage.objects.get(item_code=item_code, locale__language_code=language)


def test_import_creates_records_and_guides_with_their_translations(index):
    output = run_import(*CATALOGUE)

    assert "[2/2] work-residence-permit: created" in output
    assert "2 guides (2 created, 0 updated, 0 unchanged)" in output
    exit_entry = Department.objects.get(code="psb-exit-entry")
    assert (exit_entry.name_zh_hans, exit_entry.name_en) == (
        "北京市公安局出入境管理总队",
        "Exit-Entry Administration of the Beijing Municipal Public Security Bureau",
    )
    station = Office.objects.get(code="police-station")
    monday = [period for day, periods in station.weekly_hours() if day == 0 for period in periods]
    assert [(f"{p.opens:%H:%M}", f"{p.closes:%H:%M}") for p in monday] == [
        ("09:00", "12:00"),
        ("13:30", "17:00"),
    ]
    assert station.address_chinese == "住所所在地派出所"

    french = page_of("work-residence-permit", "fr")
    assert french.url == "/fr/guides/work-residence-permit/"
    assert french.live and french.title == "Titre de séjour pour travail"
    assert [block.value["name"] for block in french.materials] == [
        "Passeport",
        "Lettre de l'employeur",
        "Permis de travail",
    ]
    assert french.materials[1].value["seal_required"] is True  # structure comes from the source
    assert [str(block.value["amount"]) for block in french.fees] == ["400.00", "800.00"]
    assert {office.code for office in french.offices.all()} == {"eea-andingmen"}
    assert {tag.code for tag in french.sections.all()} == {"work", "live"}
    source_page = page_of("work-residence-permit", "zh-hans")
    assert [block.value.pk for block in source_page.related] == [
        page_of("accommodation-registration", "zh-hans").pk
    ]
    assert source_page.review_due.isoformat() == "2026-12-14"  # 2026-09-15 + 90 days


def test_translations_are_wagtail_localize_translations_with_every_segment_translated(index):
    run_import(*CATALOGUE)
    source = TranslationSource.objects.get_for_instance(page_of("accommodation-registration", "zh-hans"))
    for language in ("en", "fr"):
        translation = Translation.objects.get(source=source, target_locale__language_code=language)
        total, translated = translation.get_progress()
        assert total > 10 and translated == total


def test_importing_twice_changes_nothing(index):
    run_import(*CATALOGUE)
    before = state()
    output = run_import(*CATALOGUE)
    assert state() == before
    assert "2 guides (0 created, 0 updated, 2 unchanged)" in output
    assert "2 offices (0 created, 0 updated, 2 unchanged)" in output


def test_dry_run_reports_what_would_change_and_writes_nothing(index, tmp_path):
    before = state()
    output = run_import(*CATALOGUE, dry_run=True)
    assert "[1/2] accommodation-registration: created" in output
    assert "Nothing was written." in output
    assert state() == before

    run_import(*CATALOGUE)

    def retitle(offices, guides):
        guide(guides, "work-residence-permit")["translations"]["fr"]["title"] = "Carte de séjour pour travail"

    before = state()
    output = run_import(*catalogue_with(tmp_path, retitle), dry_run=True)
    assert "work-residence-permit: updated (fr)" in output
    assert "accommodation-registration: unchanged" in output
    assert state() == before


def test_a_changed_translation_updates_only_that_language(index, tmp_path):
    run_import(*CATALOGUE)
    revisions = {
        language: page_of("work-residence-permit", language).revisions.count()
        for language in ("zh-hans", "en", "fr")
    }

    def retitle(offices, guides):
        guide(guides, "work-residence-permit")["translations"]["en"]["steps"][1]["title"] = (
            "Hand in your documents"
        )

    output = run_import(*catalogue_with(tmp_path, retitle))

    assert "work-residence-permit: updated (en)" in output
    assert page_of("work-residence-permit", "en").steps[1].value["title"] == "Hand in your documents"
    assert page_of("work-residence-permit", "en").revisions.count() == revisions["en"] + 1
    assert page_of("work-residence-permit", "zh-hans").revisions.count() == revisions["zh-hans"]
    assert page_of("work-residence-permit", "fr").revisions.count() == revisions["fr"]


def test_an_edited_source_segment_is_the_only_one_flagged_after_a_sync(
    index, django_capture_on_commit_callbacks
):
    run_import(*CATALOGUE)
    source_page = page_of("work-residence-permit", "zh-hans")
    french_steps = [block.value["title"] for block in page_of("work-residence-permit", "fr").steps]

    # An editor changes the title of the second step in Chinese, publishes, and syncs the translations.
    source_page.steps[1].value["title"] = "提交材料、采集指纹并拍照"
    source_page.save_revision().publish()
    source = TranslationSource.objects.get_for_instance(source_page)
    source.update_from_db()
    translation = Translation.objects.get(source=source, target_locale__language_code="fr")
    total, translated = translation.get_progress()
    assert translated == total - 1, "only the edited segment needs translating again"

    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    steps = [block.value["title"] for block in page_of("work-residence-permit", "fr").steps]
    assert steps == [french_steps[0], "提交材料、采集指纹并拍照", french_steps[2]]
    assert page_of("work-residence-permit", "fr").title == "Titre de séjour pour travail"


def test_several_files_are_one_catalogue_but_a_guide_needs_its_department(index):
    with pytest.raises(CommandError) as raised:
        run_import(FIXTURES / "catalogue" / "guides.yaml")
    assert (
        'guides.yaml: procedure "accommodation-registration", department: unknown department “psb-police”'
        in str(raised.value)
    )


def test_a_broken_file_is_refused_with_every_problem_named_and_nothing_written(index):
    run_import(*CATALOGUE)
    before = state()
    with pytest.raises(CommandError) as raised:
        run_import(FIXTURES / "broken" / "work.yaml")
    message = str(raised.value)
    assert state() == before
    assert "nothing was written" in message
    for problem in [
        'work.yaml: procedure "work-permit", translations.en.materials[2].name: missing',
        'work.yaml: procedure "work-permit", translations.en.materials[2].notes: not in the Chinese source',
        "audiences[1]: unknown code “astronauts”",
        "offices[1]: unknown office “nowhere-office”",
        "last_reviewed: “2026-13-01” is not a date (YYYY-MM-DD)",
        "routes[0].committed_days: 20 working days is longer than the statutory time limit (10)",
        "fee_kind: is “none” but fees are listed",
        "translations.zh-hans.conditions: <script> is not allowed",
    ]:
        assert problem in message


BROKEN = [
    ("no format", lambda o, g: g.pop("format"), r"guides.yaml, format: must be “cityportal-procedures/1”"),
    (
        "a bad code",
        lambda o, g: g["procedures"][0].update(item_code="Accommodation Registration"),
        r"item_code: “Accommodation Registration” is not a code",
    ),
    (
        "an unknown section",
        lambda o, g: g["procedures"][0].update(sections=["shopping"]),
        r'procedure "accommodation-registration", sections\[0\]: unknown code “shopping”',
    ),
    (
        "an unknown language",
        lambda o, g: g["procedures"][0]["translations"].update(it={"title": "Registrazione"}),
        r"translations.it: unknown language",
    ),
    (
        "no Chinese text",
        lambda o, g: g["procedures"][0]["translations"].pop("zh-hans"),
        r"translations.zh-hans: missing: the Chinese text is the source",
    ),
    (
        "more materials in one language than the structure lists",
        lambda o, g: g["procedures"][0]["translations"]["fr"]["materials"].append({"name": "Photo"}),
        r"translations.fr.materials: 3 items where the structure lists 2",
    ),
    (
        "fewer steps than the Chinese source",
        lambda o, g: g["procedures"][1]["translations"]["en"]["steps"].pop(),
        r"translations.en.steps: 2 items where the Chinese source has 3",
    ),
    (
        "a paragraph more than the source",
        lambda o, g: g["procedures"][0]["translations"]["en"].update(
            conditions="<p>One.</p><p>Two.</p><ul><li>a</li><li>b</li></ul>"
        ),
        r"translations.en.conditions: 4 paragraphs or list items where the Chinese source has 3",
    ),
    (
        "a link that is not in the source",
        lambda o, g: g["procedures"][1]["translations"]["fr"].update(
            conditions='<p>Les étrangers titulaires d\'un <a href="https://example.invalid/">permis</a>.</p>'
        ),
        r"translations.fr.conditions: paragraph or list item 1 has links “https://example.invalid/” "
        r"where the Chinese source has none",
    ),
    (
        "markup outside the allowed tags",
        lambda o, g: g["procedures"][0]["translations"]["en"].update(
            conditions='<p onclick="steal()">Foreigners.</p><ul><li>a</li><li>b</li></ul>'
        ),
        r"translations.en.conditions: the attribute onclick on <p> is not allowed",
    ),
    (
        "a javascript link",
        lambda o, g: g["procedures"][1]["translations"]["zh-hans"]["steps"][0].update(
            description='<p><a href="javascript:alert(1)">网上</a></p>'
        ),
        r"translations.zh-hans.steps\[0\].description: "
        r"the link “javascript:alert\(1\)” must be a full address",
    ),
    (
        "text outside a paragraph",
        lambda o, g: g["procedures"][0]["translations"]["zh-hans"].update(
            conditions="在酒店以外住宿的外国人。"
        ),
        r"translations.zh-hans.conditions: "
        r"the text “在酒店以外住宿的外国人。” must be inside <p>, <ul> or <ol>",
    ),
    (
        "a title too long",
        lambda o, g: g["procedures"][0]["translations"]["en"].update(title="Registration " * 30),
        r"translations.en.title: 389 characters where at most 255 fit",
    ),
    (
        "listed fees without a fee",
        lambda o, g: (
            g["procedures"][1].pop("fees"),
            [t.pop("fees") for t in g["procedures"][1]["translations"].values()],
        ),
        r'procedure "work-residence-permit", fees: missing: fee_kind is “listed”, so list at least one fee',
    ),
    (
        "an amount that is not money",
        lambda o, g: g["procedures"][1]["fees"][0].update(amount="400.005"),
        r"fees\[0\].amount: “400.005” has more than 2 decimal places",
    ),
    (
        "an office without its Chinese address",
        lambda o, g: o["offices"][0]["address"].pop("zh-hans"),
        r'offices.yaml: office "eea-andingmen", address.zh-hans: missing',
    ),
    (
        "a time YAML reads as a number",
        lambda o, g: o["offices"][1]["hours"][0].update(opens=540),
        r'office "police-station", hours\[0\].opens: write the time in quotes, e.g. "09:00"',
    ),
    (
        "overlapping opening periods",
        lambda o, g: o["offices"][1]["hours"][1].update(opens="11:00"),
        r'office "police-station", hours\[1\]: overlaps another period on mon',
    ),
    (
        "a position outside China",
        lambda o, g: o["offices"][0].update(latitude=48.8566, longitude=2.3522),
        r'office "eea-andingmen", longitude: 2.3522 is less than 73',
    ),
    (
        "an unknown field",
        lambda o, g: g["procedures"][0].update(fee="none"),
        r'procedure "accommodation-registration", fee: unknown field',
    ),
    (
        "a guide given twice",
        lambda o, g: g["procedures"].append(g["procedures"][0]),
        r"item_code: the procedure “accommodation-registration” is also given in guides.yaml",
    ),
]


@pytest.mark.parametrize("change, message", [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_broken_catalogues_are_refused_naming_file_record_and_field(index, tmp_path, change, message):
    before = state()
    with pytest.raises(CommandError, match=message):
        run_import(*catalogue_with(tmp_path, change))
    assert state() == before


def test_a_key_given_twice_is_refused_not_silently_overwritten(index, tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("format: cityportal-procedures/1\nformat: cityportal-procedures/1\n", encoding="utf-8")
    with pytest.raises(
        CommandError,
        match=r"twice.yaml: line 2, column 1: not valid YAML \(the key “format” is given twice\)",
    ):
        run_import(path)


def test_the_models_own_checks_refuse_a_guide_and_roll_back_the_whole_import(index, tmp_path):
    # The finder already has the address /guides/finder/, so no guide may take it.
    FinderPageFactory(parent=index)

    def clash(offices, guides):
        guides["procedures"][1]["item_code"] = "finder"
        guides["procedures"][0]["related"] = ["finder"]

    before = state()
    with pytest.raises(CommandError) as raised:
        run_import(*catalogue_with(tmp_path, clash))
    assert re.search(r'guides.yaml: procedure "finder", slug: .*finder', str(raised.value))
    assert state() == before  # the departments and offices written before it are rolled back too


def test_new_guides_need_the_guides_index_page(portal):
    with pytest.raises(CommandError, match="There is no guides index page in Chinese"):
        run_import(*CATALOGUE)
    assert not Department.objects.filter(code="psb-exit-entry").exists()


def test_a_json_catalogue_imports_like_yaml(index, tmp_path):
    documents = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in CATALOGUE]
    paths = []
    for name, document in zip(("offices.json", "guides.json"), documents, strict=True):
        paths.append(tmp_path / name)
        paths[-1].write_text(json.dumps(document, default=str, ensure_ascii=False), encoding="utf-8")
    run_import(*paths)
    assert page_of("accommodation-registration", "en").title == "Registering your place of stay"
    assert "2 guides (0 created, 0 updated, 2 unchanged)" in run_import(*CATALOGUE)


def test_each_imported_page_is_queued_for_indexing_once(index):
    DBTaskResult.objects.all().delete()
    run_import(*CATALOGUE)
    guides = ProcedurePage.objects.filter(
        item_code__in=["accommodation-registration", "work-residence-permit"]
    )
    queued = [
        tuple(task.args_kwargs["args"])
        for task in DBTaskResult.objects.filter(task_path__endswith="insert_or_update_object_task")
    ]
    assert sorted(queued) == sorted(("procedures", "procedurepage", str(page.pk)) for page in guides)
    assert (
        DBTaskResult.objects.filter(task_path__endswith="update_reference_index_task").count()
        >= guides.count()
    )


def test_a_field_left_out_of_the_file_keeps_what_the_office_has(index):
    # E.g. sample opening hours and their note, added by another demo to an office the catalogue
    # lists without them, survive a re-import.
    run_import(*CATALOGUE)
    office = Office.objects.get(code="police-station")
    office.hours_note_en = "Sample hours for the demo."
    office.save()
    before = state()
    assert "office police-station: unchanged" in run_import(*CATALOGUE)
    assert state() == before
    assert Office.objects.get(code="police-station").hours_note_en == "Sample hours for the demo."


def test_a_guide_may_name_a_related_guide_already_on_the_site(index, tmp_path):
    run_import(*CATALOGUE)

    def only_the_permit(offices, guides):
        guides["procedures"] = [guide(guides, "work-residence-permit")]

    run_import(*catalogue_with(tmp_path, only_the_permit))
    related = page_of("work-residence-permit", "zh-hans").related
    assert [block.value.specific.item_code for block in related] == ["accommodation-registration"]


def test_a_generator_imports_documents_it_built_in_memory(index):
    documents = {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in CATALOGUE}
    report = import_documents(documents)
    assert report.counts("procedure") == {"created": 2}
    assert page_of("work-residence-permit", "fr").title == "Titre de séjour pour travail"
    documents["guides.yaml"]["procedures"][0]["department"] = "nowhere"
    with pytest.raises(
        CatalogueError, match='guides.yaml: procedure "accommodation-registration", department'
    ):
        import_documents(documents)
