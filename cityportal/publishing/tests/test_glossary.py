"""The glossary: official terms in Chinese text, checking translations, the CSV import, the admin."""

import csv
import io
from io import StringIO

import factory
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cityportal.publishing.glossary import missing_terms, terms_in
from cityportal.publishing.models import GlossaryTerm


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    """A term with its Chinese and English; pass term_ar="…" and so on for other languages."""

    class Meta:
        model = GlossaryTerm

    term_zh_hans = factory.Sequence(lambda n: f"术语{n}号")
    term_en = factory.Sequence(lambda n: f"term {n}")
    category = GlossaryTerm.Category.PERMIT


class Term:
    """An unsaved stand-in for the pure functions (they read only term_<language> attributes)."""

    def __init__(self, **renderings):
        for language, text in renderings.items():
            setattr(self, f"term_{language}", text)


WORK_PERMIT = Term(
    zh_hans="外国人工作许可证", en="Foreigner's Work Permit", ru="Разрешение на работу", ar="تصريح العمل"
)
WORK_PERMISSION = Term(zh_hans="外国人工作许可", en="work authorisation for foreigners")
EXIT_ENTRY = Term(zh_hans="出入境管理总队", en="Exit and Entry Administration")


# --- terms_in ---------------------------------------------------------------------------------------


def test_the_longest_term_wins_where_two_overlap():
    found = terms_in("申请外国人工作许可证需要护照。", [WORK_PERMISSION, WORK_PERMIT])
    assert found == [WORK_PERMIT]


def test_a_shorter_term_is_found_where_it_stands_alone():
    text = "外国人工作许可证与外国人工作许可不同。"
    assert terms_in(text, [WORK_PERMISSION, WORK_PERMIT]) == [WORK_PERMIT, WORK_PERMISSION]


def test_tags_are_stripped_so_a_term_split_by_formatting_is_found():
    html = '<p>请向<a id="a1">出入境</a><b>管理总队</b>咨询。</p>'
    assert terms_in(html, [EXIT_ENTRY, WORK_PERMIT]) == [EXIT_ENTRY]


def test_each_term_is_reported_once_and_text_without_terms_finds_none():
    assert terms_in("外国人工作许可证；外国人工作许可证。", [WORK_PERMIT]) == [WORK_PERMIT]
    assert terms_in("今天天气很好。", [WORK_PERMIT]) == []
    assert terms_in("外国人工作许可证", []) == []


def test_full_width_characters_match_after_nfkc():
    apec = Term(zh_hans="APEC商务旅行卡", en="APEC Business Travel Card")
    assert terms_in("申请ＡＰＥＣ商务旅行卡", [apec]) == [apec]


# --- missing_terms -----------------------------------------------------------------------------------


def test_a_translation_with_the_glossary_rendering_misses_nothing_whatever_the_case():
    source = "<p>申请外国人工作许可证。</p>"
    assert missing_terms(source, "Apply for the FOREIGNER'S WORK PERMIT.", "en", [WORK_PERMIT]) == []
    assert missing_terms(source, "Подайте <b>разрешение на работу</b>.", "ru", [WORK_PERMIT]) == []


def test_a_translation_using_another_word_misses_the_term():
    source = "<p>申请外国人工作许可证。</p>"
    assert missing_terms(source, "Apply for a work visa.", "en", [WORK_PERMIT]) == [WORK_PERMIT]
    assert missing_terms(source, "قدّم طلب تأشيرة عمل.", "ar", [WORK_PERMIT]) == [WORK_PERMIT]


def test_entities_in_the_translation_are_decoded_before_comparing():
    source = "申请外国人工作许可证"
    assert missing_terms(source, "the Foreigner&#x27;s Work Permit", "en", [WORK_PERMIT]) == []


def test_a_term_without_rendering_in_the_language_is_not_reported_missing():
    assert missing_terms("出入境管理总队", "Отдел въезда", "ru", [EXIT_ENTRY]) == []


# --- import_glossary ---------------------------------------------------------------------------------


def write_csv(tmp_path, rows, name="glossary.csv", encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding=encoding)
    return path


HEADER = ["zh-hans", "en", "ko", "ja", "de", "fr", "es", "ru", "ar", "category", "note"]


@pytest.mark.django_db
def test_import_adds_terms_with_every_language(tmp_path):
    path = write_csv(
        tmp_path,
        [
            HEADER,
            [
                "外国人工作许可证",
                "Foreigner's Work Permit",
                "외국인 취업허가증",
                "外国人就労許可証",
                "Arbeitserlaubnis für Ausländer",
                "permis de travail pour étrangers",
                "permiso de trabajo para extranjeros",
                "разрешение на работу для иностранцев",
                "تصريح عمل الأجانب",
                "permit",
                "Issued by the municipal science and technology commission.",
            ],
            [
                "北京市公安局出入境管理总队",
                "Exit and Entry Administration",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "department",
                "",
            ],
        ],
    )
    out = StringIO()
    call_command("import_glossary", str(path), stdout=out)
    assert "2 terms added, 0 updated, 0 unchanged." in out.getvalue()
    permit = GlossaryTerm.objects.get(term_zh_hans="外国人工作许可证")
    assert permit.term_ar == "تصريح عمل الأجانب"
    assert permit.category == GlossaryTerm.Category.PERMIT
    assert permit.note.startswith("Issued by")
    assert GlossaryTerm.objects.get(term_zh_hans="北京市公安局出入境管理总队").category == "department"


@pytest.mark.django_db
def test_import_updates_by_chinese_term_and_leaves_absent_columns_alone(tmp_path):
    GlossaryTermFactory(term_zh_hans="外国人居留许可", term_en="residence permit", term_fr="titre de séjour")
    path = write_csv(tmp_path, [["zh-hans", "en"], ["外国人居留许可", "Residence Permit for Foreigners"]])
    out = StringIO()
    call_command("import_glossary", str(path), stdout=out)
    assert "0 terms added, 1 updated, 0 unchanged." in out.getvalue()
    term = GlossaryTerm.objects.get(term_zh_hans="外国人居留许可")
    assert term.term_en == "Residence Permit for Foreigners"
    assert term.term_fr == "titre de séjour"  # no fr column: untouched
    call_command("import_glossary", str(path), stdout=(out := StringIO()))
    assert "0 terms added, 0 updated, 1 unchanged." in out.getvalue()


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing(tmp_path):
    path = write_csv(tmp_path, [["zh-hans", "en"], ["永久居留身份证", "Permanent Residence ID Card"]])
    out = StringIO()
    call_command("import_glossary", str(path), "--dry-run", stdout=out)
    assert "1 terms added" in out.getvalue() and "Dry run: nothing was written." in out.getvalue()
    assert not GlossaryTerm.objects.exists()


@pytest.mark.django_db
def test_bad_rows_are_listed_with_their_line_numbers_and_nothing_is_written(tmp_path):
    path = write_csv(
        tmp_path,
        [
            ["zh-hans", "en", "category"],
            ["永久居留身份证", "Permanent Residence ID Card", "permit"],
            ["", "no Chinese", "permit"],
            ["Work permit", "Work permit", "permit"],
            ["外国人居留许可", "Residence permit", "visa"],
            ["永久居留身份证", "again", "permit"],
            ["境外旅客购物离境退税", "x" * 201, "other"],
        ],
    )
    with pytest.raises(CommandError) as raised:
        call_command("import_glossary", str(path), stdout=StringIO())
    message = str(raised.value)
    assert "Nothing was imported: the file has 5 errors." in message
    assert "Line 3: the Chinese term (column zh-hans) is empty." in message
    assert "Line 4: the Chinese term “Work permit” has no Chinese characters." in message
    assert "Line 5: unknown category “visa”." in message
    assert "Line 6: the term “永久居留身份证” is already on line 2." in message
    assert "Line 7: the en term is longer than 200 characters." in message
    assert not GlossaryTerm.objects.exists()


@pytest.mark.django_db
def test_a_quoted_cell_over_two_lines_keeps_the_numbering_right(tmp_path):
    path = write_csv(
        tmp_path, [["zh-hans", "note"], ["永久居留身份证", "first line\nsecond line"], ["", "empty term"]]
    )
    with pytest.raises(CommandError, match="Line 4: the Chinese term"):
        call_command("import_glossary", str(path), stdout=StringIO())


@pytest.mark.django_db
def test_unknown_and_missing_columns_are_refused(tmp_path):
    path = write_csv(tmp_path, [["en", "pt"], ["Work permit", "Autorização de trabalho"]])
    with pytest.raises(CommandError) as raised:
        call_command("import_glossary", str(path), stdout=StringIO())
    assert "Line 1: unknown column “pt”." in str(raised.value)
    assert "Line 1: the column “zh-hans” (the Chinese term) is required." in str(raised.value)


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused_plainly(tmp_path):
    path = write_csv(
        tmp_path, [["zh-hans", "en"], ["外国人居留许可", "Residence permit"]], encoding="gb18030"
    )
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        call_command("import_glossary", str(path), stdout=StringIO())
    assert not GlossaryTerm.objects.exists()


# --- the admin ----------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.org", "pw"))
    return client


@pytest.mark.django_db
def test_the_edit_form_has_a_tab_per_language(admin_client):
    html = admin_client.get(reverse("wagtailsnippets_publishing_glossaryterm:add")).content.decode()
    for language_name in (
        "简体中文",
        "English",
        "한국어",
        "日本語",
        "Deutsch",
        "Français",
        "Español",
        "Русский",
        "العربية",
    ):
        assert language_name in html
    assert 'name="term_zh_hans"' in html and 'name="term_ar"' in html


@pytest.mark.django_db
def test_a_term_is_added_in_the_admin_and_a_duplicate_is_refused(admin_client):
    url = reverse("wagtailsnippets_publishing_glossaryterm:add")
    form = {
        "term_zh_hans": "外国人工作许可证",
        "term_en": "Work permit",
        "term_ar": "تصريح العمل",
        "category": "permit",
    }
    assert admin_client.post(url, form).status_code == 302
    assert GlossaryTerm.objects.get().term_ar == "تصريح العمل"
    response = admin_client.post(url, form | {"term_en": "Another"})
    assert response.status_code == 200
    assert "This Chinese term is already in the glossary." in response.content.decode()
    assert GlossaryTerm.objects.count() == 1


@pytest.mark.django_db
def test_a_term_without_chinese_characters_is_refused(admin_client):
    url = reverse("wagtailsnippets_publishing_glossaryterm:add")
    response = admin_client.post(url, {"term_zh_hans": "Work permit", "category": "permit"})
    assert "The Chinese term must contain Chinese characters" in response.content.decode()
    assert not GlossaryTerm.objects.exists()


@pytest.mark.django_db
def test_the_listing_shows_chinese_english_and_how_many_languages_are_filled(admin_client):
    GlossaryTermFactory(
        term_zh_hans="外国人工作许可证", term_en="Work permit", term_ar="تصريح العمل", term_ru=""
    )
    html = admin_client.get(reverse("wagtailsnippets_publishing_glossaryterm:list")).content.decode()
    assert "外国人工作许可证" in html and "Work permit" in html
    assert "2 / 8" in html


@pytest.mark.django_db
def test_the_listing_searches_every_language(admin_client):
    GlossaryTermFactory(term_zh_hans="外国人工作许可证", term_ar="تصريح العمل")
    GlossaryTermFactory(term_zh_hans="永久居留身份证", term_ar="بطاقة الإقامة الدائمة")
    url = reverse("wagtailsnippets_publishing_glossaryterm:list")
    html = admin_client.get(url, {"q": "تصريح"}).content.decode()
    assert "外国人工作许可证" in html and "永久居留身份证" not in html


@pytest.mark.django_db
def test_the_listing_says_plainly_when_no_machine_translation_is_configured(admin_client, settings):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None
    html = admin_client.get(reverse("wagtailsnippets_publishing_glossaryterm:list")).content.decode()
    assert "No machine translation is configured; see docs/glossary-and-machine-translation.md." in html


@pytest.mark.django_db
def test_the_csv_download_can_be_imported_again(admin_client, tmp_path):
    GlossaryTermFactory(
        term_zh_hans="外国人工作许可证", term_en="Work permit", term_ar="تصريح العمل", note="a & b"
    )
    response = admin_client.get(reverse("wagtailsnippets_publishing_glossaryterm:list"), {"export": "csv"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == HEADER
    assert rows[1][HEADER.index("ar")] == "تصريح العمل"
    GlossaryTerm.objects.all().delete()
    (tmp_path / "export.csv").write_text(content, encoding="utf-8")
    call_command("import_glossary", str(tmp_path / "export.csv"), stdout=StringIO())
    term = GlossaryTerm.objects.get()
    assert (term.term_en, term.term_ar, term.note, term.category) == (
        "Work permit",
        "تصريح العمل",
        "a & b",
        "permit",
    )
