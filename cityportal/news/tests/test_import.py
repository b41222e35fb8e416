"""import_news and import_policies: articles and policies from archive files, through wagtail-localize,
idempotent, with their images, attachments and old addresses."""

import datetime
import json
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.core.management import call_command
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from cityportal.core.models import Department
from cityportal.news.models import NewsArticle, PolicyDocument, Topic
from cityportal.news.services import import_archive_documents
from cityportal.news.tests.factories import news_index, policy_index
from cityportal.procedures.tests.factories import ProcedureIndexPageFactory, ProcedurePageFactory

pytestmark = pytest.mark.django_db

ARCHIVE = Path(__file__).parent / "fixtures" / "archive"
NEWS = ARCHIVE / "news.yaml"
POLICIES = ARCHIVE / "policies.yaml"
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def listings(portal):
    """The news listing and policy library in Chinese, English and Arabic."""
    for language in ("zh-hans", "en", "ar"):
        news_index(portal.homes[language])
        policy_index(portal.homes[language])
    return portal


@pytest.fixture
def guide(portal):
    """The Chinese guide the law names as a related procedure."""
    index = ProcedureIndexPageFactory(parent=portal.homes["zh-hans"])
    return ProcedurePageFactory(parent=index, item_code="fie-registration")


def run(command: str, *paths, **options) -> str:
    out = StringIO()
    call_command(command, *[str(path) for path in paths], stdout=out, **options)
    return out.getvalue()


def state():
    """Everything an import writes, with each page's latest revision time: equal means nothing changed."""
    return {
        "pages": sorted(
            Page.objects.values_list("pk", "latest_revision_created_at", "live", "last_published_at")
        ),
        "revisions": Revision.objects.count(),
        "strings": sorted(StringTranslation.objects.values_list("pk", "data")),
        "departments": sorted(Department.objects.values_list()),
        "topics": sorted(Topic.objects.values_list()),
        "documents": sorted(get_document_model().objects.values_list("pk", "file")),
        "images": sorted(get_image_model().objects.values_list("pk", "file")),
        "redirects": sorted(Redirect.objects.values_list("old_path", "redirect_page_id", "is_permanent")),
    }


def article(key: str, language: str) -> NewsArticle:
    return NewsArticle.objects.get(slug=key, locale__language_code=language)


def policy(key: str, language: str) -> PolicyDocument:
    return PolicyDocument.objects.get(slug=key, locale__language_code=language)


def changed_archive(tmp_path: Path, source: Path, change) -> Path:
    """The fixture file with `change(document)` applied, written beside copies of its files."""
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / source.name
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    for folder in ("images", "files"):
        if not (tmp_path / folder).exists():
            (tmp_path / folder).symlink_to(ARCHIVE / folder)
    return path


def test_import_news_creates_articles_in_every_language_given(listings):
    output = run("import_news", NEWS)

    assert "2 articles (2 created, 0 updated, 0 unchanged)" in output
    assert "1 redirects (1 created" in output
    english = article("visa-free-transit-240-hours", "en")
    assert english.url == "/en/news/visa-free-transit-240-hours/"
    assert english.live and english.title == "Visa-free transit extended to 240 hours"
    assert english.summary.startswith("Eligible foreigners transiting")
    assert [block.block_type for block in english.body] == ["paragraph", "heading", "paragraph"]
    assert english.body[1].value == "Ports of entry"
    assert "<b>240 hours</b>" in english.body[0].value.source
    assert english.date == datetime.datetime(2024, 12, 17, 10, tzinfo=BEIJING)
    assert english.source_name == "National Immigration Administration"
    assert english.lead_image_alt == "Self-service gates in an airport arrivals hall"
    assert english.department.code == "nia"
    assert [tag.code for tag in english.sections.all()] == ["travel"]
    assert [topic.slug for topic in english.topics.all()] == ["visas"]
    assert english.change_notes[0].value["note"] == "Added the ports of entry."
    assert english.change_notes[0].value["date"] == datetime.date(2024, 12, 18)

    arabic = article("visa-free-transit-240-hours", "ar")
    assert arabic.url == "/ar/news/visa-free-transit-240-hours/"
    assert arabic.title == "تمديد العبور دون تأشيرة إلى 240 ساعة"
    assert (
        arabic.lead_image_id
        == english.lead_image_id
        == article("visa-free-transit-240-hours", "zh-hans").lead_image_id
    )
    # "strong" is written as the "b" Wagtail's editor writes.
    assert "<b>240小时</b>" in article("visa-free-transit-240-hours", "zh-hans").body[0].value.source

    # An article given in Chinese and English only exists in those two.
    assert NewsArticle.objects.filter(slug="individual-income-tax-filing-2025").count() == 2
    tax = article("individual-income-tax-filing-2025", "en")
    assert tax.date == datetime.datetime(2025, 3, 1, 9, tzinfo=BEIJING)  # no zone given: Beijing time
    assert sorted(tag.code for tag in tax.sections.all()) == ["live", "work"]
    assert Topic.objects.get(slug="visas").name_ar == "التأشيرات والدخول"
    assert Department.objects.get(code="nia").name_en == "National Immigration Administration"


def test_imported_pages_are_dated_as_the_archive_dates_them(listings):
    run("import_news", NEWS)
    published = datetime.datetime(2024, 12, 17, 10, tzinfo=BEIJING)
    for language in ("zh-hans", "en", "ar"):
        page = article("visa-free-transit-240-hours", language)
        assert (page.first_published_at, page.last_published_at) == (published, published)


def test_translations_are_wagtail_localize_translations_with_every_segment_translated(listings):
    run("import_news", NEWS)
    source = TranslationSource.objects.get_for_instance(article("visa-free-transit-240-hours", "zh-hans"))
    for language in ("en", "ar"):
        translation = Translation.objects.get(source=source, target_locale__language_code=language)
        total, translated = translation.get_progress()
        assert total >= 10 and translated == total


def test_an_edited_source_segment_is_the_only_one_untranslated_after_a_sync(
    listings, django_capture_on_commit_callbacks
):
    run("import_news", NEWS)
    source_page = article("visa-free-transit-240-hours", "zh-hans")

    # An editor changes the heading in Chinese, publishes, and syncs the translations.
    source_page.body[1].value = "适用口岸（更新）"
    source_page.save_revision().publish()
    source = TranslationSource.objects.get_for_instance(source_page)
    source.update_from_db()
    translation = Translation.objects.get(source=source, target_locale__language_code="ar")
    total, translated = translation.get_progress()
    assert translated == total - 1, "only the edited heading needs translating again"

    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    arabic = article("visa-free-transit-240-hours", "ar")
    assert arabic.body[1].value == "适用口岸（更新）"
    assert arabic.title == "تمديد العبور دون تأشيرة إلى 240 ساعة"


def test_importing_twice_changes_nothing(listings, guide):
    run("import_news", NEWS)
    run("import_policies", POLICIES)
    before = state()

    news = run("import_news", NEWS)
    policies = run("import_policies", POLICIES)

    assert state() == before
    assert "2 articles (0 created, 0 updated, 2 unchanged)" in news
    assert "2 policies (0 created, 0 updated, 2 unchanged)" in policies
    assert "1 topics (0 created, 0 updated, 1 unchanged)" in policies


def test_dry_run_reports_what_would_change_and_writes_nothing(listings, media):
    before = state()
    output = run("import_news", NEWS, dry_run=True)
    assert "article visa-free-transit-240-hours: created (zh-hans, en, ar)" in output
    assert "Nothing was written." in output
    assert state() == before
    assert not any(path.is_file() for path in Path(media).rglob("*")), "the stored image is deleted again"


def test_a_changed_translation_writes_one_revision_of_that_language_only(listings, tmp_path):
    run("import_news", NEWS)
    revisions = {
        language: article("visa-free-transit-240-hours", language).revisions.count()
        for language in ("zh-hans", "en", "ar")
    }

    def retitle(document):
        document["articles"][0]["translations"]["en"]["title"] = "Visa-free transit now 240 hours"

    output = run("import_news", changed_archive(tmp_path, NEWS, retitle))

    assert "article visa-free-transit-240-hours: updated (en)" in output
    english = article("visa-free-transit-240-hours", "en")
    assert english.live and english.title == "Visa-free transit now 240 hours"
    assert english.revisions.count() == revisions["en"] + 1
    assert article("visa-free-transit-240-hours", "zh-hans").revisions.count() == revisions["zh-hans"]
    assert article("visa-free-transit-240-hours", "ar").revisions.count() == revisions["ar"]


def test_a_changed_source_text_republishes_the_source_and_its_translations(listings, tmp_path):
    run("import_news", NEWS)

    def redate(document):
        document["articles"][1]["translations"]["zh-hans"]["summary"] = "在京工作的外国人可在线办理年度汇算。"

    output = run("import_news", changed_archive(tmp_path, NEWS, redate))

    assert "article individual-income-tax-filing-2025: updated (zh-hans" in output
    assert (
        article("individual-income-tax-filing-2025", "zh-hans").summary
        == "在京工作的外国人可在线办理年度汇算。"
    )
    assert "1 unchanged" in output


def test_import_policies_with_attachments_related_procedures_and_replacement(listings, guide):
    output = run("import_policies", POLICIES)

    assert "2 policies (2 created, 0 updated, 0 unchanged)" in output
    law = policy("foreign-investment-law", "en")
    assert law.url == "/en/policies/foreign-investment-law/"
    assert law.title == "Foreign Investment Law of the People's Republic of China"
    assert law.document_number == "中华人民共和国主席令第二十六号"
    assert (law.date_issued, law.effective_date, law.expiry_date) == (
        datetime.date(2019, 3, 15),
        datetime.date(2020, 1, 1),
        None,
    )
    assert law.issuing_authority.name_en == "National People's Congress"
    assert law.interpretation[0].value.source.startswith("<p>Outside the negative list")
    assert law.body[0].value == "Chapter I General Provisions"
    # Related guides are the Chinese pages in every language (procedures/guide_links.py resolves them).
    assert [block.value.pk for block in law.related_procedures] == [guide.pk]
    assert [block.value.pk for block in policy("foreign-investment-law", "ar").related_procedures] == [
        guide.pk
    ]
    documents = [block.value["document"] for block in law.attachments]
    assert [(document.language, document.title) for document in documents] == [
        ("zh-hans", "中华人民共和国外商投资法（全文）"),
        ("en", "Foreign Investment Law (full text, English translation)"),
    ]

    old = policy("sino-foreign-equity-joint-ventures-law", "en")
    assert old.replaced_by == policy("foreign-investment-law", "zh-hans")
    assert old.withdrawn_on == datetime.date(2020, 1, 1)
    assert old.withdrawal_note == "Repealed on 1 January 2020 and replaced by the Foreign Investment Law."
    assert old.status_on(datetime.date(2026, 1, 1)) == "withdrawn"
    assert old.first_published_at == datetime.datetime(1979, 7, 8, tzinfo=BEIJING)


def test_an_attached_file_is_stored_once(listings, guide):
    run("import_policies", POLICIES)
    # Both laws attach the Chinese text of the Foreign Investment Law: one document.
    assert get_document_model().objects.count() == 2
    law = policy("foreign-investment-law", "zh-hans")
    old = policy("sino-foreign-equity-joint-ventures-law", "zh-hans")
    assert old.attachments[0].value["document"] == law.attachments[0].value["document"]


def test_import_news_leaves_policies_to_import_policies(listings, guide):
    output = run("import_news", NEWS, POLICIES)
    assert not PolicyDocument.objects.exists()
    assert "2 policies left for import_policies." in output
    # The departments and topics of both files are imported.
    assert "2 departments (2 created, 0 updated, 0 unchanged); 3 topics (3 created" in output


def test_the_demo_loader_imports_documents_in_memory(listings):
    document = yaml.safe_load(NEWS.read_text(encoding="utf-8"))
    report = import_archive_documents({NEWS: document}, kinds=frozenset({"articles"}))
    assert report.counts("article")["created"] == 2
    assert article("visa-free-transit-240-hours", "en").lead_image is not None


def test_a_json_archive_imports_like_yaml(listings, tmp_path):
    document = yaml.safe_load(NEWS.read_text(encoding="utf-8"))
    path = changed_archive(tmp_path, NEWS, lambda document: None).with_suffix(".json")
    path.write_text(json.dumps(document, default=str, ensure_ascii=False), encoding="utf-8")

    run("import_news", path)

    assert article("visa-free-transit-240-hours", "ar").date == datetime.datetime(
        2024, 12, 17, 10, tzinfo=BEIJING
    )
    assert "2 articles (0 created, 0 updated, 2 unchanged)" in run("import_news", NEWS)


def test_an_imported_archive_sends_no_alerts_and_pings_no_search_engine(listings, settings):
    """Publishing an old archive is not news: subscribers and search engines hear of new items only."""
    from cityportal.core.models import OutboundEmail
    from cityportal.core.taskqueue import run_queued_tasks
    from cityportal.news.tests.factories import AlertSubscriptionFactory
    from cityportal.publishing import search_engines

    settings.SEARCH_ENGINE_NOTIFIERS = ["recording"]
    for section in ("work", "invest", "travel", "live", "study", "consume"):
        AlertSubscriptionFactory(language="en", section=section)
    search_engines.outbox.clear()

    run("import_news", NEWS)
    run_queued_tasks()

    assert NewsArticle.objects.filter(locale__language_code="en").exists()
    assert not OutboundEmail.objects.filter(purpose="alert").exists()
    assert search_engines.outbox == []
