"""load_demo builds translated pages through wagtail-localize, idempotently, and refuses broken files."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from cityportal.home.demo.loader import DemoContentError, DemoLoader, read_pages
from cityportal.home.models import ContentPage

CHECKED_PAGES = "work,contact"  # a small part of the demo keeps the test quick


@pytest.fixture
def empty_site(db):
    Page.objects.filter(depth__gte=2).delete()  # the suite's shared tree; rolled back after the test


@pytest.fixture
def load(django_capture_on_commit_callbacks):
    def load_pages(only=CHECKED_PAGES) -> str:
        out = StringIO()
        # wagtail-localize publishes translations on commit: run those callbacks as a commit would.
        with django_capture_on_commit_callbacks(execute=True):
            call_command("load_demo", only=only, stdout=out)
        return out.getvalue()

    return load_pages


def counts():
    return (Page.objects.count(), Revision.objects.count(), StringTranslation.objects.count())


def test_load_demo_twice_changes_nothing(empty_site, load):
    load()
    first = counts()
    output = load()
    assert counts() == first
    assert "0 pages created, 0 updated, 0 translations written" in output


def test_demo_pages_exist_in_every_language_as_localize_translations(empty_site, load, client):
    load()
    contact = ContentPage.objects.get(slug="contact", locale__language_code="zh-hans")
    source = TranslationSource.objects.get_for_instance(contact)
    languages = set(
        Translation.objects.filter(source=source).values_list("target_locale__language_code", flat=True)
    )
    assert languages == {"en", "ko", "ja", "de", "fr", "es", "ru", "ar"}
    for language in languages:
        assert client.get(f"/{language}/contact/").status_code == 200


def test_sync_keeps_unchanged_translated_segments(
    empty_site, load, client, django_capture_on_commit_callbacks
):
    load()
    source_page = ContentPage.objects.get(slug="contact", locale__language_code="zh-hans")
    heading = next(i for i, block in enumerate(source_page.body) if block.block_type == "heading")
    paragraph = next(i for i, block in enumerate(source_page.body) if block.block_type == "paragraph")
    arabic_page = ContentPage.objects.get(slug="contact", locale__language_code="ar")
    assert arabic_page.body[heading].value in client.get("/ar/contact/").content.decode()
    arabic_paragraphs = arabic_page.body[paragraph].value.source

    # An editor changes the Chinese heading only, publishes, and syncs the translations.
    source_page.body[heading].value = source_page.body[heading].value + "（已更新）"
    source_page.save_revision().publish()
    source = TranslationSource.objects.get_for_instance(source_page)
    source.update_from_db()
    translation = Translation.objects.get(source=source, target_locale__language_code="ar")
    total, translated = translation.get_progress()
    assert translated == total - 1, "only the edited segment needs translating again"

    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    body_ar = ContentPage.objects.get(slug="contact", locale__language_code="ar").body
    # The edited segment shows the new source text until it is translated; the others keep their Arabic.
    assert body_ar[heading].value == source_page.body[heading].value
    assert body_ar[paragraph].value.source == arabic_paragraphs
    assert any("\u0600" <= char <= "\u06ff" for char in arabic_paragraphs)


def write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


HOME = (
    'slug = "home"\ntype = "home"\n'
    '[zh-hans]\ntitle = "首页"\nportal_name = "门户"\nhost_organisation = "示例"\n'
)


def test_a_broken_file_is_refused_and_nothing_is_written(empty_site, tmp_path):
    write(tmp_path, "home.toml", HOME)
    write(
        tmp_path,
        "page.toml",
        'slug = "page"\nparent = "home"\n'
        '[zh-hans]\ntitle = "页"\nbody = [["paragraph", "<p>一</p><p>二</p>"]]\n'
        '[en]\ntitle = "Page"\nbody = [["paragraph", "<p>One and two</p>"]]\n',
    )
    before = counts()
    with pytest.raises(
        DemoContentError, match=r"page.toml: \[en\] has 2 text segments where the Chinese source has 3"
    ):
        DemoLoader().load(read_pages(tmp_path))
    assert counts() == before


def test_a_file_without_chinese_source_is_named(tmp_path):
    write(tmp_path, "home.toml", 'slug = "home"\ntype = "home"\n[en]\ntitle = "Home"\n')
    with pytest.raises(DemoContentError, match="home.toml: no \\[zh-hans\\] table"):
        read_pages(tmp_path)


def test_command_reports_an_unknown_page_and_what_to_do(db):
    with pytest.raises(CommandError, match="No demo page has the slug nowhere"):
        call_command("load_demo", only="nowhere", stdout=StringIO())
