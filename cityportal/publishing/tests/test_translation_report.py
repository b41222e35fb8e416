"""The admin's translation status report: counts per language, out-of-date and missing pages, links."""

from html import escape

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.menu import admin_menu
from wagtail.models import Locale

from cityportal.news.tests.factories import NewsArticleFactory, news_index, translate
from cityportal.publishing.roles import EDITORS, sync_editorial_roles
from cityportal.publishing.translation_report import language_counts

from .editorial import member

REPORT = reverse("translation_status_report:index")


@pytest.fixture
def roles(portal):
    return sync_editorial_roles()


@pytest.fixture
def indexes(portal):
    for code in ("ar", "es"):
        news_index(portal.homes[code])
    return news_index(portal.homes["zh-hans"])


def article(index, slug: str, title: str):
    return NewsArticleFactory(parent=index, slug=slug, title=title)


def make_out_of_date(source, language: str, title: str):
    translated = translate(source, language, title=title)
    source.body = [("paragraph", f"<p>{source.title}：更新。</p>")]
    source.save_revision().publish()
    return translated


def counts_by_language() -> dict[str, tuple[int, int, int]]:
    return {row.language: (row.up_to_date, row.out_of_date, row.missing) for row in language_counts()}


def test_the_counts_follow_translations_of_live_chinese_pages(indexes):
    before = counts_by_language()
    stale = article(indexes, "stale", "旧译文")
    current = article(indexes, "current", "新译文")
    draft_only = article(indexes, "draft-only", "只有草稿")
    make_out_of_date(stale, "ar", "ترجمة قديمة")
    translate(current, "ar", title="ترجمة حديثة")
    draft_only.copy_for_translation(Locale.objects.get(language_code="ar"))  # a draft, not live

    after = counts_by_language()

    up, out, missing = before["ar"]
    assert after["ar"] == (up + 1, out + 1, missing + 1)
    up, out, missing = before["es"]
    assert after["es"] == (up, out, missing + 3)
    assert set(after) == {"en", "ko", "ja", "de", "fr", "es", "ru", "ar"}


def test_a_language_lists_its_out_of_date_and_missing_pages_with_links_to_fix_them(
    client, django_user_model, roles, indexes
):
    stale = article(indexes, "stale", "旧译文")
    untranslated = article(indexes, "untranslated", "未翻译")
    draft_only = article(indexes, "draft-only", "只有草稿")
    arabic_stale = make_out_of_date(stale, "ar", "ترجمة قديمة")
    draft = draft_only.copy_for_translation(Locale.objects.get(language_code="ar"))
    client.force_login(member(django_user_model, "layla", "Translators (ar)"))

    html = client.get(REPORT, {"language": "ar"}).content.decode()

    out_of_date, missing = html.split('id="missing"')
    assert reverse("wagtailadmin_pages:edit", args=[arabic_stale.pk]) in out_of_date
    assert "ترجمة قديمة" in out_of_date and "旧译文" in out_of_date
    translate_url = reverse("wagtail_localize:submit_page_translation", args=[untranslated.pk])
    assert f"{translate_url}?select_locale=ar" in missing
    assert reverse("wagtailadmin_pages:edit", args=[draft.pk]) in missing  # continue the draft instead
    assert "旧译文" not in missing


def test_a_translator_sees_their_own_language_without_choosing_it(client, django_user_model, roles, indexes):
    untranslated = article(indexes, "untranslated", "未翻译")
    client.force_login(member(django_user_model, "lucia", "Translators (es)"))

    html = client.get(REPORT).content.decode()

    translate_url = reverse("wagtail_localize:submit_page_translation", args=[untranslated.pk])
    assert f"{translate_url}?select_locale=es" in html


def report_queries(client, language: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(REPORT, {"language": language}).status_code == 200
    return len(queries)


def test_the_report_costs_the_same_queries_for_three_pages_or_thirty(
    client, django_user_model, roles, indexes
):
    client.force_login(member(django_user_model, "wang", EDITORS))
    for number in range(3):
        make_out_of_date(article(indexes, f"few-{number}", f"少量 {number}"), "ar", f"قليل {number}")
    few = report_queries(client, "ar")
    for number in range(27):
        make_out_of_date(article(indexes, f"many-{number}", f"大量 {number}"), "ar", f"كثير {number}")
    many = report_queries(client, "ar")

    assert few == many
    # The report's own: the counts (2), each list (its count and its page: 4), the drafts (1); the
    # rest is the admin's frame (session, user, permissions, profile, menu).
    assert many <= 18


def test_titles_are_escaped(client, django_user_model, roles, indexes):
    title = '<script>alert("x")</script>'
    article(indexes, "escaped", title)
    client.force_login(member(django_user_model, "wang", EDITORS))

    html = client.get(REPORT, {"language": "ar"}).content.decode()

    assert title not in html
    assert escape(title, quote=False) in html or escape(title) in html


def test_only_page_editors_see_the_report(client, django_user_model, roles):
    staff = member(django_user_model, "clerk", "Appointment staff")
    translator = member(django_user_model, "layla", "Translators (ar)")

    def menu_names(user) -> set[str]:
        request = RequestFactory().get("/admin/")
        request.user = user
        names = set()

        def walk(items):
            for item in items:
                names.add(item.name)
                if hasattr(item, "menu"):  # a submenu such as Reports
                    walk(item.menu.menu_items_for_request(request))

        walk(admin_menu.menu_items_for_request(request))
        return names

    client.force_login(staff)
    refused = client.get(REPORT)
    client.force_login(translator)
    allowed = client.get(REPORT)

    assert refused.status_code == 403 or (
        refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    )
    assert allowed.status_code == 200
    assert "translation-status" not in menu_names(staff)
    assert "translation-status" in menu_names(translator)
