"""generate_procedures: synthetic guides for scale tests, in nine languages, through the catalogue import."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from cityportal.core.models import Office
from cityportal.procedures.demo import generated_texts
from cityportal.procedures.models import ProcedurePage
from cityportal.procedures.tests.factories import ProcedureIndexPageFactory, translate

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def index(portal):
    index = ProcedureIndexPageFactory(parent=portal.homes["zh-hans"])
    translate(index, "en", title="Procedure guides")
    return index


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_procedures", stdout=out, **options)
    return out.getvalue()


def state():
    return {
        "pages": sorted(Page.objects.values_list("pk", "latest_revision_created_at", "live")),
        "revisions": Revision.objects.count(),
        "strings": sorted(StringTranslation.objects.values_list("pk", "data")),
        "offices": sorted(Office.objects.values_list()),
    }


def test_generates_guides_in_nine_languages_that_render(index, client):
    output = generate(count=2)

    assert "2 guides (2 created, 0 updated, 0 unchanged)" in output
    guides = ProcedurePage.objects.filter(item_code__startswith="generated-")
    assert sorted(guides.values_list("item_code", "locale__language_code")) == sorted(
        (f"generated-000{n}", language) for n in (1, 2) for language in LANGUAGES
    )
    assert all(guide.live for guide in guides)
    for language in LANGUAGES:
        assert client.get(f"/{language}/guides/generated-0002/").status_code == 200
    english = guides.get(item_code="generated-0002", locale__language_code="en")
    assert english.title.startswith("Sample procedure 0002: ") and english.title.endswith("(generated)")
    assert 3 <= len(english.materials) <= 12 and 3 <= len(english.steps) <= 8
    assert english.offices.exists() and english.sections.exists() and english.audiences.exists()
    assert english.materials[0].value["name"] in client.get("/en/guides/generated-0002/").content.decode()
    assert "Démarche exemple 0002" in client.get("/fr/guides/generated-0002/").content.decode()

    # Real wagtail-localize translations: the translation editor shows every segment translated.
    source = TranslationSource.objects.get_for_instance(
        guides.get(item_code="generated-0001", locale=index.locale)
    )
    arabic = Translation.objects.get(source=source, target_locale__language_code="ar")
    total, translated = arabic.get_progress()
    assert total > 10 and translated == total


def test_running_twice_changes_nothing_and_a_larger_count_only_adds(index):
    generate(count=2)
    before = state()

    output = generate(count=2)

    assert state() == before
    assert "2 guides (0 created, 0 updated, 2 unchanged)" in output

    output = generate(count=3)

    assert "3 guides (1 created, 0 updated, 2 unchanged)" in output
    assert ProcedurePage.objects.filter(item_code="generated-0003").count() == len(LANGUAGES)
    after = state()
    assert [page for page in after["pages"] if page[0] in {pk for pk, *_rest in before["pages"]}] == before[
        "pages"
    ]


def test_dry_run_writes_nothing(index):
    before = state()
    output = generate(count=1, dry_run=True)
    assert "1 guides (1 created, 0 updated, 0 unchanged)" in output
    assert "Nothing was written" in output
    assert state() == before


def test_without_a_guides_index_it_says_to_load_the_demo_first(portal):
    with pytest.raises(CommandError, match="load_demo"):
        generate(count=1)
    assert not ProcedurePage.objects.exists()


def test_every_phrase_is_given_in_the_nine_languages():
    assert list(generated_texts.LANGUAGES) == LANGUAGES

    def phrases(value):
        if isinstance(value, tuple) and all(isinstance(item, str) for item in value):
            yield value
        elif isinstance(value, list | tuple):
            for item in value:
                yield from phrases(item)

    found = [
        phrase
        for name, value in vars(generated_texts).items()
        if name.isupper() and name != "LANGUAGES"
        for phrase in phrases(value)
    ]
    assert len(found) > 80
    assert all(len(phrase) == len(LANGUAGES) and all(phrase) for phrase in found)
