"""export_procedures writes the import format from the database: importing its output changes nothing."""

import dataclasses
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cityportal.procedures.importing import read_catalogue
from cityportal.procedures.models import ProcedurePage
from cityportal.procedures.tests.factories import ProcedureIndexPageFactory, translate
from cityportal.procedures.tests.test_import import CATALOGUE, run_import, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(portal):
    index = ProcedureIndexPageFactory(parent=portal.homes["zh-hans"])
    translate(index, "en", title="Procedure guides")
    translate(index, "fr", title="Guides des démarches")
    run_import(*CATALOGUE)


def export(path: Path) -> str:
    out = StringIO()
    call_command("export_procedures", str(path), stdout=out)
    return out.getvalue()


def entries(paths: list[Path]) -> dict:
    """The catalogue as read from files, without where each record was found."""
    catalogue, problems = read_catalogue(paths)
    assert problems.items == []

    def plain(entry):
        data = dataclasses.asdict(entry)
        data.pop("where")
        for name in ("audiences", "sections", "offices"):
            if name in data:
                data[name] = sorted(data[name])  # a set on the page: the file's order is not kept
        return data

    return {
        kind: sorted((plain(entry) for entry in getattr(catalogue, kind)), key=str)
        for kind in ("departments", "offices", "guides")
    }


@pytest.mark.parametrize("name", ["catalogue.yaml", "catalogue.json"])
def test_export_reads_back_as_the_imported_catalogue_and_reimports_unchanged(imported, tmp_path, name):
    path = tmp_path / name
    output = export(path)
    assert "Wrote 2 departments, 2 offices and 2 guides" in output

    assert entries([path]) == entries(CATALOGUE)
    before = state()
    assert "2 guides (0 created, 0 updated, 2 unchanged)" in run_import(path)
    assert state() == before


def test_export_gives_the_text_each_language_shows(imported, tmp_path):
    # A translator corrects the French title in the admin; the export follows the page.
    french = ProcedurePage.objects.get(item_code="accommodation-registration", locale__language_code="fr")
    french.title = "Déclarer son lieu d'hébergement"
    french.save_revision().publish()

    export(tmp_path / "catalogue.yaml")
    catalogue, _problems = read_catalogue([tmp_path / "catalogue.yaml"])
    texts = next(entry for entry in catalogue.guides if entry.item_code == "accommodation-registration").texts
    assert texts["fr"]["title"] == "Déclarer son lieu d'hébergement"
    assert texts["en"]["title"] == "Registering your place of stay"
    assert sorted(texts) == ["en", "fr", "zh-hans"]


def test_export_lists_opening_days_together(imported, tmp_path):
    export(tmp_path / "catalogue.yaml")
    text = (tmp_path / "catalogue.yaml").read_text(encoding="utf-8")
    assert "days: [mon, tue, wed, thu, fri]" in text
    assert 'opens: "13:30"' in text
