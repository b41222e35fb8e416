"""Translations flagged out of date when their Chinese source changes, in the report and on the pages."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale
from wagtail_localize.models import Translation

from cityportal.core.localize_sync import source_for, translate_page
from cityportal.home.tests.factories import ContentPageFactory
from cityportal.news.models import NewsArticle
from cityportal.news.tests.factories import NewsArticleFactory, news_index, translate
from cityportal.publishing.models import TranslationStatus
from cityportal.publishing.roles import EDITORS, sync_editorial_roles
from cityportal.publishing.translation_report import language_counts
from cityportal.publishing.translation_status import fingerprint

from .editorial import add_article, admin_datetime, edit, fresh, member, review, segments, translate_segment

NOTICE = 'class="notice translation-notice"'

ARTICLE = {
    "title": "暴雨期间政务服务大厅调整开放时间",
    "summary": "部分大厅今天提前闭厅。",
    "first": "<p>受暴雨影响，部分大厅下午四点闭厅。</p>",
    "second": "<p>网上办事不受影响。</p>",
    "second_changed": "<p>网上办事和12345热线不受影响。</p>",
}
ARABIC = {
    ARTICLE["title"]: "تعديل مواعيد قاعات الخدمات الحكومية خلال الأمطار الغزيرة",
    ARTICLE["summary"]: "تغلق بعض القاعات اليوم مبكرا.",
    "受暴雨影响，部分大厅下午四点闭厅。": "بسبب الأمطار تغلق بعض القاعات في الرابعة عصرا.",
    "网上办事不受影响。": "لا تتأثر الخدمات عبر الإنترنت.",
    "网上办事和12345热线不受影响。": "لا تتأثر الخدمات عبر الإنترنت ولا الخط الساخن 12345.",
}
SPANISH = {
    ARTICLE["title"]: "Cambio de horario de las salas de servicios durante las lluvias",
    ARTICLE["summary"]: "Algunas salas cierran hoy antes.",
    "受暴雨影响，部分大厅下午四点闭厅。": "Por las lluvias, algunas salas cierran a las 16:00.",
    "网上办事不受影响。": "Los trámites en línea no se ven afectados.",
}


def counts(language: str):
    return next(row for row in language_counts() if row.language == language)


def status(page) -> TranslationStatus:
    return TranslationStatus.objects.get(page_id=page.pk)


def translate_all(client, source, translation, texts: dict[str, str]) -> None:
    """The translator fills every untranslated segment in wagtail-localize's translation editor."""
    for segment in segments(source):
        if segment.string.data in texts:
            assert translate_segment(
                client, translation, segment, texts[segment.string.data]
            ).status_code in (
                200,
                201,
            )


def test_an_article_goes_through_review_translation_and_an_update_of_its_source(
    client, portal, django_user_model, settings
):
    """The issue's "done when": write, review, translate into Arabic and Spanish, change the source."""
    settings.WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False  # new translations start as drafts
    sync_editorial_roles()
    editor = member(django_user_model, "wang", EDITORS)
    reviewers = {
        code: member(django_user_model, f"reviewer-{code}", f"Reviewers ({code})")
        for code in ("zh-hans", "ar", "es")
    }
    translators = {
        code: member(django_user_model, f"translator-{code}", f"Translators ({code})")
        for code in ("ar", "es")
    }
    locales = {code: Locale.objects.get(language_code=code) for code in ("ar", "es")}
    for code in locales:
        news_index(portal.homes[code])
    before = {code: counts(code) for code in locales}

    # An editor writes the Chinese article and sends it to review; the Chinese reviewer publishes it.
    client.force_login(editor)
    add_article(
        client,
        news_index(portal.homes["zh-hans"]),
        "submit",
        title=ARTICLE["title"],
        slug="hall-hours",
        summary=ARTICLE["summary"],
        paragraphs=[ARTICLE["first"], ARTICLE["second"]],
    )
    article = NewsArticle.objects.get(slug="hall-hours", locale__language_code="zh-hans")
    assert not article.live and article.workflow_in_progress
    client.force_login(reviewers["zh-hans"])
    review(client, article)
    assert fresh(article).live

    # The editor has it translated (wagtail-localize's "Translate this page") into Arabic and Spanish.
    client.force_login(editor)
    client.post(
        reverse("wagtail_localize:submit_page_translation", args=[article.pk]),
        {"locales": [locales["ar"].pk, locales["es"].pk]},
    )
    pages = {code: article.get_translation(locale) for code, locale in locales.items()}
    assert not any(page.live for page in pages.values())

    # Each translator translates every segment and submits; only their language's reviewer publishes.
    for code, texts in (("ar", ARABIC), ("es", SPANISH)):
        translation = Translation.objects.get(
            source__object_id=article.translation_key, target_locale=locales[code]
        )
        client.force_login(translators[code])
        translate_all(client, article, translation, texts)
        assert (
            client.post(
                reverse("publishing_translations:submit_for_review", args=[pages[code].pk])
            ).status_code
            == 302
        )
        client.force_login(reviewers[code])
        review(client, pages[code])
        assert fresh(pages[code]).live
        assert status(pages[code]).out_of_date_since is None
    assert fresh(pages["ar"]).title == ARABIC[ARTICLE["title"]]
    for code in locales:
        assert (counts(code).up_to_date, counts(code).out_of_date) == (
            before[code].up_to_date + 1,
            before[code].out_of_date,
        )

    # The editor changes one paragraph of the Chinese source; it is published through the workflow.
    client.force_login(editor)
    edit(client, article, "submit", paragraphs=[ARTICLE["first"], ARTICLE["second_changed"]])
    client.force_login(reviewers["zh-hans"])
    review(client, article)

    for code in locales:
        assert status(pages[code]).out_of_date_since is not None
        assert counts(code).out_of_date == before[code].out_of_date + 1
    client.force_login(editor)
    report = client.get(reverse("translation_status_report:index"), {"language": "ar"}).content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[pages["ar"].pk]) in report
    for code in locales:
        html = client.get(f"/{code}/news/hall-hours/").content.decode()
        assert NOTICE in html
        assert 'href="/zh-hans/news/hall-hours/"' in html
    assert NOTICE not in client.get("/zh-hans/news/hall-hours/").content.decode()
    assert NOTICE not in client.get("/ko/live/").content.decode()  # a language the change did not touch

    # The Arabic translator sees only the changed paragraph to translate, and updates it.
    arabic = Translation.objects.get(source__object_id=article.translation_key, target_locale=locales["ar"])
    total, translated = arabic.get_progress()
    assert total - translated == 1
    client.force_login(translators["ar"])
    translate_all(
        client, article, arabic, {"网上办事和12345热线不受影响。": ARABIC["网上办事和12345热线不受影响。"]}
    )
    client.post(reverse("publishing_translations:submit_for_review", args=[pages["ar"].pk]))
    client.force_login(reviewers["ar"])
    review(client, pages["ar"])

    assert status(pages["ar"]).out_of_date_since is None
    assert status(pages["es"]).out_of_date_since is not None
    assert counts("ar").out_of_date == before["ar"].out_of_date
    assert counts("es").out_of_date == before["es"].out_of_date + 1
    assert NOTICE not in client.get("/ar/news/hall-hours/").content.decode()
    spanish_page = client.get("/es/news/hall-hours/").content.decode()
    assert NOTICE in spanish_page
    # The newest up-to-date translation is offered, named in its own language.
    assert 'href="/ar/news/hall-hours/" hreflang="ar" lang="ar" dir="rtl">العربية</a>' in spanish_page


@pytest.fixture
def article(portal):
    for code in ("ar", "es", "en"):
        news_index(portal.homes[code])
    return NewsArticleFactory(
        parent=news_index(portal.homes["zh-hans"]),
        slug="metro-night",
        title="地铁夜间延长运营",
        body=[("paragraph", "<p>周末地铁延长运营一小时。</p>")],
    )


def test_publishing_the_source_with_only_a_new_go_live_date_flags_nothing(client, django_user_model, article):
    sync_editorial_roles()
    arabic = translate(article, "ar", title="تمديد ساعات المترو ليلا")
    fingerprint_before = status(arabic).source_fingerprint
    client.force_login(member(django_user_model, "wang", EDITORS))
    edit(client, article, "submit", go_live_at=admin_datetime(timezone.now() - timedelta(minutes=5)))
    client.force_login(member(django_user_model, "zhao", "Reviewers (zh-hans)"))
    review(client, article)

    assert fresh(article).go_live_at is not None  # the change was published
    assert status(arabic).out_of_date_since is None
    assert status(arabic).source_fingerprint == fingerprint_before


def with_body(article, html: str, block_id: str | None = None) -> NewsArticle:
    """The article with one paragraph, as saved pages hold it (each block has an id)."""
    copy = NewsArticle.objects.get(pk=article.pk)
    copy.body = [{"type": "paragraph", "value": html, "id": block_id or article.body[0].id}]
    return copy


def test_the_fingerprint_follows_the_text_not_block_ids_or_link_targets(article):
    same_text = with_body(article, "<p>周末地铁延长运营一小时。</p>", block_id=str(uuid.uuid4()))
    one_link = with_body(article, '<p>周末地铁<a href="https://example.org/a">延长运营</a>一小时。</p>')
    other_link = with_body(article, '<p>周末地铁<a href="https://example.org/b">延长运营</a>一小时。</p>')
    changed = with_body(article, "<p>周末地铁延长运营两小时。</p>")

    assert fingerprint(same_text) == fingerprint(article)
    assert fingerprint(one_link) == fingerprint(other_link)
    assert fingerprint(changed) != fingerprint(article)


def test_a_translation_written_through_localize_sync_gets_a_status_when_published(article):
    """The demo loaders and imports publish translations through core.localize_sync."""
    translated = with_body(article, "<p>The metro runs an hour longer at weekends.</p>")
    translated.title = "Metro runs longer at night"
    translated.summary = "News summary."
    locale = Locale.objects.get(language_code="en")

    translate_page(source_for(article), article, translated, locale)

    english = article.get_translation(locale)
    assert english.live and status(english).out_of_date_since is None
    assert status(english).source_fingerprint == fingerprint(article)


def test_a_translation_published_with_untranslated_segments_is_out_of_date(
    article, django_capture_on_commit_callbacks, settings
):
    from wagtail_localize.operations import TranslationCreator

    # wagtail-localize's default, which the portal turns off: a translation of a live page is
    # published at once, in Chinese.
    settings.WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = True
    with django_capture_on_commit_callbacks(execute=True):
        TranslationCreator(None, [Locale.objects.get(language_code="es")]).create_translations(article)

    spanish = article.get_translation(Locale.objects.get(language_code="es"))
    assert spanish.live and status(spanish).out_of_date_since is not None


def test_the_notice_costs_no_query_on_a_warm_page_and_none_at_all_in_chinese(client, portal):
    source = ContentPageFactory(
        parent=portal.sections["live"]["zh-hans"], slug="metro-night", title="地铁夜间运营"
    )
    english = translate(source, "en", title="Metro runs longer at night")
    translate(source, "es", title="El metro amplía su horario nocturno")
    source.body = [("paragraph", "<p>周末和节假日地铁延长运营一小时。</p>")]
    source.save_revision().publish()
    english.title = "Metro runs longer at night and on holidays"
    english.save_revision().publish()  # an up-to-date English translation, by hand

    url = "/es/live/metro-night/"
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        html = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as current:
        client.get("/en/live/metro-night/")  # a first view: the shared list of out-of-date pages is warm
    with CaptureQueriesContext(connection) as chinese:
        client.get("/zh-hans/live/metro-night/")

    assert NOTICE in html
    assert 'href="/zh-hans/live/metro-night/" hreflang="zh-Hans">' in html
    assert 'href="/en/live/metro-night/" hreflang="en" lang="en" dir="ltr">English</a>' in html
    for queries in (warm, current, chinese):
        assert not [
            query for query in queries.captured_queries if "publishing_translationstatus" in query["sql"]
        ]
