"""The review workflow over time: scheduled publishing and expiry, revisions, translations sent for review."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, PageLogEntry, WorkflowState
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.operations import TranslationCreator

from cityportal.core.services.publishing import publish_scheduled
from cityportal.news.models import NewsArticle
from cityportal.news.tests.factories import NewsArticleFactory, news_index
from cityportal.publishing.roles import EDITORS, sync_editorial_roles

from .editorial import (
    add_article,
    admin_datetime,
    edit,
    fresh,
    member,
    page_form,
    review,
    segments,
    translate_segment,
)


@pytest.fixture
def roles(portal):
    return sync_editorial_roles()


@pytest.fixture
def editor(django_user_model, roles):
    return member(django_user_model, "wang", EDITORS)


@pytest.fixture
def reviewer(django_user_model, roles):
    return member(django_user_model, "zhao", "Reviewers (zh-hans)")


@pytest.fixture
def later(monkeypatch):
    """Move the clock forward (for Wagtail's publish_scheduled and everything else that asks)."""

    def travel(delta: timedelta):
        moment = timezone.now() + delta
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return travel


@pytest.fixture
def synced_draft_translations(settings):
    # The portal's setting: a new translation starts as a draft, so it goes live through its reviewer.
    settings.WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False


def test_an_approved_article_with_a_go_live_time_waits_for_the_scheduled_job(
    client, portal, editor, reviewer, later
):
    go_live = timezone.now() + timedelta(hours=1)
    client.force_login(editor)
    add_article(
        client,
        news_index(portal.homes["zh-hans"]),
        title="地铁延长运营时间",
        slug="metro-hours",
        paragraphs=["<p>地铁延长运营。</p>"],
        go_live_at=admin_datetime(go_live),
    )
    article = NewsArticle.objects.get(slug="metro-hours")
    client.force_login(reviewer)
    review(client, article)

    assert not fresh(article).live
    assert article.revisions.filter(approved_go_live_at__isnull=False).exists()
    publish_scheduled()
    assert not fresh(article).live

    later(timedelta(hours=2))
    publish_scheduled()
    assert fresh(article).live


def test_an_approved_expiry_time_unpublishes_the_article_when_it_passes(
    client, portal, editor, reviewer, later
):
    article = NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), slug="trade-fair")
    client.force_login(editor)
    edit(client, article, "submit", expire_at=admin_datetime(timezone.now() + timedelta(hours=1)))
    client.force_login(reviewer)
    review(client, article)
    publish_scheduled()
    assert fresh(article).live

    later(timedelta(hours=2))
    publish_scheduled()
    page = fresh(article)
    assert not page.live and page.expired


def test_two_revisions_of_an_article_can_be_compared(client, portal, reviewer):
    article = NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), title="展会开幕", slug="fair")
    client.force_login(reviewer)
    edit(client, article, "publish", title="展会今日开幕")
    first, second = article.revisions.order_by("created_at")[:2]

    response = client.get(
        reverse("wagtailadmin_pages:revisions_compare", args=[article.pk, first.pk, second.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "展会开幕" in html and "展会今日开幕" in html


def test_reverting_to_an_old_revision_restores_its_title_in_a_new_draft(client, portal, reviewer):
    article = NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), title="展会开幕", slug="fair")
    old = article.get_latest_revision()
    client.force_login(reviewer)
    edit(client, article, "publish", title="展会今日开幕")
    url = reverse("wagtailadmin_pages:revisions_revert", args=[article.pk, old.pk])

    opened = client.get(url)
    # The editor opens prefilled with the old revision; saving it posts that back to the same address.
    saved = edit_via(client, url, old.as_object())

    assert opened.status_code == 200 and "展会开幕" in opened.content.decode()
    assert saved.status_code == 302
    page = fresh(article)
    assert page.title == "展会今日开幕"  # still live as published
    assert page.get_latest_revision().as_object().title == "展会开幕"  # the old title, in a new draft
    assert PageLogEntry.objects.filter(page=article, action="wagtail.revert").exists()


def edit_via(client, url, page):
    return client.post(url, page_form(page))


@pytest.fixture
def arabic_translation(portal, editor, synced_draft_translations):
    """A Chinese article with a synced Arabic translation, created by an editor, not yet translated."""
    news_index(portal.homes["ar"])
    source = NewsArticleFactory(
        parent=news_index(portal.homes["zh-hans"]),
        title="签证便利措施",
        slug="visa-measures",
        body=[("paragraph", "<p>第一条措施。</p>"), ("paragraph", "<p>第二条措施。</p>")],
    )
    arabic_locale = Locale.objects.get(language_code="ar")
    TranslationCreator(editor, [arabic_locale]).create_translations(source)
    translation = Translation.objects.get(
        source__object_id=source.translation_key, target_locale=arabic_locale
    )
    return source, source.get_translation(arabic_locale), translation


ARABIC = {
    "签证便利措施": "تدابير تيسير التأشيرات",
    "新闻摘要。": "ملخص الخبر.",
    "第一条措施。": "الإجراء الأول.",
    "第二条措施。": "الإجراء الثاني.",
}


def test_an_incomplete_translation_is_refused_for_review_then_accepted_once_complete(
    client, django_user_model, arabic_translation
):
    source, arabic, translation = arabic_translation
    assert not arabic.live  # created as a draft: only the reviewer puts it live
    client.force_login(member(django_user_model, "layla", "Translators (ar)"))
    url = reverse("publishing_translations:submit_for_review", args=[arabic.pk])
    # Offered in the page's "More" menu of the page explorer.
    assert url in client.get(reverse("wagtailadmin_explore", args=[arabic.get_parent().pk])).content.decode()
    by_text = {segment.string.data: segment for segment in segments(source)}
    translate_segment(client, translation, by_text["签证便利措施"], ARABIC["签证便利措施"])
    revisions = arabic.revisions.count()

    refused = client.post(url)

    assert refused.status_code == 400
    assert "not translated yet" in refused.content.decode()
    assert not WorkflowState.objects.filter(object_id=str(arabic.pk)).exists()
    assert arabic.revisions.count() == revisions

    for segment in segments(source):
        translate_segment(client, translation, segment, ARABIC[segment.string.data])
    assert client.get(url).status_code == 200
    submitted = client.post(url)
    assert submitted.status_code == 302
    assert fresh(arabic).workflow_in_progress and not fresh(arabic).live

    client.force_login(member(django_user_model, "omar", "Reviewers (ar)"))
    review(client, arabic)
    page = fresh(arabic)
    assert page.live and page.title == "تدابير تيسير التأشيرات"
    assert [block.value.source for block in page.body] == ["<p>الإجراء الأول.</p>", "<p>الإجراء الثاني.</p>"]


def test_syncing_translated_pages_does_not_publish_them_past_their_reviewers(
    client, django_user_model, editor, arabic_translation, django_capture_on_commit_callbacks
):
    source, arabic, translation = arabic_translation
    client.force_login(member(django_user_model, "layla", "Translators (ar)"))
    for segment in segments(source):
        translate_segment(client, translation, segment, ARABIC[segment.string.data])
    client.post(reverse("publishing_translations:submit_for_review", args=[arabic.pk]))
    client.force_login(member(django_user_model, "omar", "Reviewers (ar)"))
    review(client, arabic)
    live_revision = fresh(arabic).live_revision_id
    source.body = [("paragraph", "<p>第一条措施。</p>"), ("paragraph", "<p>第三条措施。</p>")]
    source.save_revision().publish()

    client.force_login(editor)
    source_id = TranslationSource.objects.get(object_id=source.translation_key, locale=source.locale_id).pk
    # wagtail-localize publishes when the transaction commits: run those callbacks.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:update_translations", args=[source_id]), {"publish_translations": "on"}
        )

    assert response.status_code == 302
    assert fresh(arabic).live_revision_id == live_revision
    assert any("Not published in" in str(message) for message in get_messages(response.wsgi_request))
    assert fresh(arabic).get_latest_revision().as_object().body[1].value.source == "<p>الإجراء الثاني.</p>"


def test_a_translation_sent_back_by_its_reviewer_is_submitted_again(
    client, django_user_model, arabic_translation
):
    source, arabic, translation = arabic_translation
    translator = member(django_user_model, "layla", "Translators (ar)")
    arabic_reviewer = member(django_user_model, "omar", "Reviewers (ar)")
    url = reverse("publishing_translations:submit_for_review", args=[arabic.pk])
    client.force_login(translator)
    for segment in segments(source):
        translate_segment(client, translation, segment, ARABIC[segment.string.data])
    client.post(url)
    client.force_login(arabic_reviewer)
    review(client, arabic, "reject")
    assert fresh(arabic).current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES

    client.force_login(translator)
    title = next(segment for segment in segments(source) if segment.string.data == "签证便利措施")
    translate_segment(client, translation, title, "تسهيلات التأشيرة")
    assert client.post(url).status_code == 302
    client.force_login(arabic_reviewer)
    review(client, arabic)

    page = fresh(arabic)
    assert page.live and page.title == "تسهيلات التأشيرة"
    assert WorkflowState.objects.filter(object_id=str(arabic.pk)).count() == 1  # the same review, resumed
