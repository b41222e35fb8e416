"""The news demo (cityportal/news/demo/): what the archive promises, and the loader on the test tree
with the real demo files (a few of them, to stay quick; load_demo loads them all, crawled by
home/tests/test_demo_crawl.py)."""

import io
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader
from wagtail.documents import get_document_model
from wagtail.models import Page, Revision
from wagtail_localize.models import SegmentOverride, StringTranslation

from cityportal.core import i18n
from cityportal.news.demo import pdfs
from cityportal.news.demo.archive import ARCHIVE_DIR
from cityportal.news.demo.loader import NewsDemoLoader
from cityportal.news.models import NewsArticle, NewsIndexPage, Notice, PolicyDocument, PolicyIndexPage
from cityportal.news.tests.factories import DepartmentFactory
from cityportal.procedures.importing.problems import CatalogueError
from cityportal.procedures.tests.factories import ProcedureIndexPageFactory, ProcedurePageFactory
from cityportal.publishing.models import TranslationStatus

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
SOURCE = settings.LANGUAGE_CODE
# The items the loader test takes from the real demo files: a policy left out of date in French and
# Russian, the policy it replaced, a policy in four languages, and an article left out of date.
POLICY_KEYS = [
    "visa-free-transit-240-hours",
    "visa-free-transit-144-hours-beijing-tianjin-hebei",
    "individual-income-tax-annual-reconciliation",
]
ARTICLE_FILE, ARTICLE_KEY = "articles-travel-consume.yaml", "transit-stay-extended-to-240-hours"
needs_pdfs = pytest.mark.skipif(bool(pdfs.unavailable()), reason=pdfs.unavailable() or "PDFs can be made")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def read_file(name: str) -> dict:
    return yaml.safe_load((ARCHIVE_DIR / name).read_text(encoding="utf-8"))


def write_file(directory: Path, name: str, data: dict) -> None:
    (directory / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def demo_dir(tmp_path) -> Path:
    """The departments, topics and notices of the demo, and a few of its policies and articles."""
    directory = tmp_path / "archive"
    directory.mkdir()
    for name in ("departments.yaml", "topics.yaml", "notices.yaml"):
        write_file(directory, name, read_file(name))
    policies = read_file("policies.yaml")
    policies["policies"] = [item for item in policies["policies"] if item["key"] in POLICY_KEYS]
    write_file(directory, "policies.yaml", policies)
    articles = read_file(ARTICLE_FILE)
    articles["articles"] = [item for item in articles["articles"] if item["key"] == ARTICLE_KEY]
    write_file(directory, ARTICLE_FILE, articles)
    return directory


@pytest.fixture
def site(portal):
    """What the news demo builds on: the guides its policies name, and the departments of the
    procedures demo that these items name."""
    guides = ProcedureIndexPageFactory(parent=portal.homes[SOURCE])
    for code in (
        "visa-free-transit-240h",
        "transit-24h",
        "accommodation-registration",
        "individual-income-tax-reconciliation",
    ):
        ProcedurePageFactory(parent=guides, item_code=code)
    DepartmentFactory(
        code="nia", name_zh_hans="国家移民管理局", name_en="National Immigration Administration"
    )
    return portal


def load(directory: Path, capture) -> NewsDemoLoader:
    loader = NewsDemoLoader(archive_dir=directory)
    # wagtail-localize publishes some translations on commit: run those callbacks as a commit would.
    with capture(execute=True):
        loader.load()
    return loader


def state() -> dict:
    """What a load writes: equal before and after a second load means it changed nothing."""
    return {
        "pages": sorted(Page.objects.values_list("pk", "latest_revision_created_at", "live")),
        "revisions": Revision.objects.count(),
        "strings": sorted(StringTranslation.objects.values_list("pk", "data")),
        "documents": sorted(get_document_model().objects.values_list("pk", "file_hash")),
        "overrides": sorted(SegmentOverride.objects.values_list("pk", "data_json")),
        "notices": sorted(Notice.objects.values_list("pk", "title", "starts_at", "ends_at")),
    }


def pdf_text(document) -> tuple[str, PdfReader]:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join(page.extract_text() for page in reader.pages), reader


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- the archive's content ------------------------------------------------------------------------


def test_the_demo_archive_holds_the_promised_articles_policies_and_notices():
    demo = NewsDemoLoader().read(with_procedures_demo=True)  # checks every file as the importer does
    archive = demo.archive.archive
    for kind, entries, at_least, in_nine in (
        ("articles", archive.articles, 30, 24),
        ("policies", archive.policies, 12, 10),
    ):
        assert len(entries) >= at_least, kind
        assert all({SOURCE, "en"} <= set(entry.languages) for entry in entries), kind
        assert sum(entry.languages == LANGUAGES for entry in entries) >= in_nine, kind
    stale = [kind for kind, _key in demo.archive.staleness]
    assert stale.count("articles") >= 3 and stale.count("policies") >= 2
    policies = archive.policies
    assert any(entry.withdrawn_on and entry.replaced_by for entry in policies)
    assert any((entry.expiry_date or entry.withdrawn_on) and not entry.replaced_by for entry in policies)
    now = timezone.now()
    showing = [notice for notice in demo.notices if notice.starts_at <= now < notice.ends_at]
    assert len(showing) == 1 and set(showing[0].texts) == set(LANGUAGES)
    assert any(notice.ends_at < now for notice in demo.notices)
    assert all("sample" in notice.texts["en"]["title"].lower() for notice in demo.notices)


def test_a_stale_language_that_is_not_a_translation_is_refused_naming_the_file_and_item(tmp_path):
    policies = read_file("policies.yaml")
    policies["policies"] = [
        item for item in policies["policies"] if item["key"] == "visa-free-transit-72-hours-beijing"
    ]
    policies["policies"][0] |= {
        "stale": ["fr"],
        "update": {"zh-hans": "<p>更新。</p>"},
    }  # in Chinese and English only
    write_file(tmp_path, "policies.yaml", policies)
    for name in ("departments.yaml", "topics.yaml"):
        write_file(tmp_path, name, read_file(name))
    with pytest.raises(CatalogueError) as error:
        NewsDemoLoader(archive_dir=tmp_path).read()
    problems = str(error.value)
    assert (
        'policies.yaml: policy "visa-free-transit-72-hours-beijing", stale[0]: “fr” is not one of' in problems
    )
    assert 'policy "visa-free-transit-72-hours-beijing", update.en: missing' in problems
    assert not PolicyDocument.objects.exists()


# --- loading --------------------------------------------------------------------------------------


@needs_pdfs
def test_the_news_demo_loads_in_nine_languages_with_pdfs_stale_translations_and_a_notice(
    site, demo_dir, django_capture_on_commit_callbacks
):
    loader = load(demo_dir, django_capture_on_commit_callbacks)

    for model in (NewsIndexPage, PolicyIndexPage):
        listings = model.objects.live()
        assert sorted(page.locale.language_code for page in listings) == sorted(LANGUAGES)
        assert len({page.translation_key for page in listings}) == 1
    transit = {page.locale.language_code: page for page in PolicyDocument.objects.filter(slug=POLICY_KEYS[0])}
    assert sorted(transit) == sorted(LANGUAGES)
    replaced = PolicyDocument.objects.get(slug=POLICY_KEYS[1], locale__language_code=SOURCE)
    assert replaced.replaced_by == transit[SOURCE] and replaced.withdrawn_on is not None
    tax = PolicyDocument.objects.filter(slug=POLICY_KEYS[2])
    assert sorted(page.locale.language_code for page in tax) == sorted([SOURCE, "en", "ko", "ja"])

    # Every language's page links its own language's PDF, whose text and tags are that language's.
    for language, page in [*transit.items(), *((page.locale.language_code, page) for page in tax)]:
        documents = [block.value["document"] for block in page.attachments]
        assert [document.language for document in documents] == [language], (page, language)
        text, reader = pdf_text(documents[0])
        words = page.title.split() if i18n.is_rtl(language) else [squeezed(page.title)]
        assert all(word in squeezed(text) for word in words), (language, text[:200])
        assert reader.trailer["/Root"]["/Lang"] == i18n.bcp47(language)
        assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
        assert reader.metadata.title == documents[0].title
    assert loader.report.pdfs_rendered == 9 + 9 + 4

    # The update reached Chinese and the languages kept up to date; French and Russian stay behind.
    update = read_file("policies.yaml")["policies"]
    update = next(item for item in update if item["key"] == POLICY_KEYS[0])["update"]
    for language, page in transit.items():
        has_update = squeezed(re.sub("<[^>]+>", "", update.get(language, update[SOURCE]))) in squeezed(
            re.sub("<[^>]+>", "", str(page.body))
        )
        assert has_update == (language not in ("fr", "ru")), language
        if language != SOURCE:
            status = TranslationStatus.objects.get(page=page)
            assert status.out_of_date == (language in ("fr", "ru")), language
    article = {page.locale.language_code: page for page in NewsArticle.objects.filter(slug=ARTICLE_KEY)}
    stale = next(item for item in read_file(ARTICLE_FILE)["articles"] if item["key"] == ARTICLE_KEY)["stale"]
    for language, page in article.items():
        if language != SOURCE:
            assert TranslationStatus.objects.get(page=page).out_of_date == (language in stale), language

    now = timezone.now()
    showing = Notice.objects.filter(starts_at__lte=now, ends_at__gt=now)
    assert sorted(showing.values_list("locale__language_code", flat=True)) == sorted(LANGUAGES)
    assert len(set(showing.values_list("translation_key", flat=True))) == 1
    assert Notice.objects.filter(ends_at__lte=now).exists()

    before = state()
    again = load(demo_dir, django_capture_on_commit_callbacks)
    assert state() == before
    assert again.report.pdfs_rendered == 0 and again.report.pdfs_attached == 0


def test_without_pdf_support_the_demo_loads_without_pdfs_and_says_what_to_install(
    site, demo_dir, django_capture_on_commit_callbacks, monkeypatch
):
    policies = read_file("policies.yaml")
    policies["policies"] = [item for item in policies["policies"] if item["key"] == POLICY_KEYS[2]]
    write_file(demo_dir, "policies.yaml", policies)
    (demo_dir / ARTICLE_FILE).unlink()
    monkeypatch.setattr(pdfs.shutil, "which", lambda name: None)  # no fontconfig, so no fonts found

    loader = load(demo_dir, django_capture_on_commit_callbacks)

    assert "fonts-noto-core fonts-noto-cjk" in loader.report.pdf_problem
    assert "make demo-deps" in loader.report.summary()
    pages = PolicyDocument.objects.filter(slug=POLICY_KEYS[2])
    assert pages.count() == 4 and all(len(page.attachments) == 0 for page in pages)
