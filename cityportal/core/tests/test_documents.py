"""Document links say the file's type, size and language in the visitor's language, with hreflang and type."""

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.utils import translation
from wagtail.documents import get_document_model

from cityportal.core.blocks import DocumentLinkBlock
from cityportal.core.templatetags.media_tags import document_meta, file_size

Document = get_document_model()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def make_document(name="guide.pdf", size=240_000, language="zh-hans"):
    return Document.objects.create(
        title="外国人工作许可指南",
        file=ContentFile(b"%PDF-1.7\n" + b"0" * (size - 9), name=name),
        language=language,
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "PDF, 240 kB, Chinese"),
        ("zh-hans", "中文"),
        ("fr", "PDF, 240\u202fko, chinois"),  # French puts a narrow no-break space before units
        ("ru", "PDF, 240 кБ, китайский"),
        ("ar", "الصينية"),
    ],
)
def test_meta_names_type_size_and_language_in_the_visitors_language(db, language, expected):
    document = make_document()
    with translation.override(language):
        assert expected in document_meta(document)


def test_sizes_switch_to_megabytes_with_the_locales_decimal_mark():
    with translation.override("en"):
        assert file_size(1_540_000) == "1.5 MB"
        assert file_size(300) == "1 kB"
    with translation.override("de"):
        assert file_size(1_540_000) == "1,5 MB"


def test_office_files_get_a_type_name_not_an_extension(db):
    with translation.override("en"):
        assert document_meta(make_document("table.xlsx", size=12_000, language="ar")) == (
            "Excel spreadsheet, 12 kB, Arabic"
        )


def test_block_link_carries_hreflang_and_type(db):
    document = make_document(language="en")
    with translation.override("ar"):
        html = DocumentLinkBlock().render(
            DocumentLinkBlock().to_python({"document": document.pk, "title": ""})
        )
    assert f'href="{document.url}"' in html
    assert 'hreflang="en"' in html and 'type="application/pdf"' in html
    assert "外国人工作许可指南" in html  # the document's title when the block gives none
    assert "الإنجليزية" in html  # "English", in Arabic


def test_tag_usable_in_any_template_with_a_chinese_document(db):
    document = make_document()
    with translation.override("en"):
        html = Template("{% load media_tags %}{% document_link doc 'Work permit guide' %}").render(
            Context({"doc": document})
        )
    assert 'hreflang="zh-Hans"' in html
    assert ">Work permit guide</a>" in html
    assert "(PDF, 240 kB, Chinese)" in html


def test_missing_file_still_renders_without_a_size(db):
    document = make_document()
    document.file.storage.delete(document.file.name)
    document.file_size = None
    with translation.override("en"):
        assert document_meta(document) == "PDF, Chinese"
