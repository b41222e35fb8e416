"""Site-wide notices: the banner on every page, its languages, its cache, the timer job, the admin."""

from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from cityportal.core.scheduling import registered_jobs
from cityportal.core.site_version import site_version
from cityportal.core.templatetags.core_tags import BEIJING
from cityportal.news import notices
from cityportal.news.models import Notice
from cityportal.news.templatetags.notice_tags import notice_until
from cityportal.news.tests.factories import NoticeFactory
from cityportal.procedures.tests.sample_guides import build_guides

pytestmark = pytest.mark.django_db


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def banner(page: str) -> str:
    """The banner's HTML ("" without one)."""
    start = page.find('<div class="site-notices">')
    if start < 0:
        return ""
    ends = [
        page.find(marker, start)
        for marker in ('<details class="languages"', '<nav class="breadcrumbs"', "<main")
    ]
    return page[start : min(end for end in ends if end > 0)]


def notice_boundaries(now: datetime) -> str:
    """Run the job as the scheduler does: found in the registry (every app's jobs.py, in app order)."""
    job = {job.name: job for job in registered_jobs()}["notice-boundaries"]
    assert job.every == timedelta(minutes=1)
    return job.function(now)


def translation_of(source: Notice, code: str, **fields) -> Notice:
    fields.setdefault("message", f"The message in {code}.")
    return NoticeFactory(
        locale=locale(code),
        translation_key=source.translation_key,
        starts_at=source.starts_at,
        ends_at=source.ends_at,
        kind=source.kind,
        severity=source.severity,
        **fields,
    )


# --- What shows, when and where -------------------------------------------------------------------


def test_a_notice_shows_only_inside_its_window(client, portal):
    now = timezone.now()
    en = locale("en")
    NoticeFactory(locale=en, title="Heavy rain tonight")
    NoticeFactory(
        locale=en, title="Old closure", starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=1)
    )
    NoticeFactory(
        locale=en, title="Future outage", starts_at=now + timedelta(hours=2), ends_at=now + timedelta(hours=5)
    )

    page = html(client.get("/en/"))

    assert "Heavy rain tonight" in page
    assert "Old closure" not in page
    assert "Future outage" not in page


def test_a_notice_shows_on_content_pages_and_guide_pages(client, portal):
    guides = build_guides(portal, ("en",))
    NoticeFactory(locale=locale("en"), title="Service halls close at 15:00")

    for url in ("/en/work/", "/en/work/work-permit/", guides.permit["en"].url):
        assert "Service halls close at 15:00" in banner(html(client.get(url))), url


def test_a_notice_shows_in_its_own_language_only(client, portal):
    NoticeFactory(locale=locale("ko"), title="폭우 경보")
    NoticeFactory(locale=locale("fr"), title="Alerte aux fortes pluies")

    korean = banner(html(client.get("/ko/")))
    assert "폭우 경보" in korean and "Alerte aux fortes pluies" not in korean
    # Only English and Chinese stand in for a missing translation.
    assert banner(html(client.get("/en/"))) == ""


def test_without_a_translation_the_english_then_the_chinese_notice_shows_labelled(client, portal):
    source = NoticeFactory(locale=locale("zh-hans"), title="暴雨预警")
    translation_of(source, "ar", title="تحذير من أمطار غزيرة")

    arabic = banner(html(client.get("/ar/")))
    assert "تحذير من أمطار غزيرة" in arabic and "暴雨预警" not in arabic
    assert 'lang="zh-Hans"' not in arabic  # in the page's own language: no lang of its own

    german = banner(html(client.get("/de/")))
    assert "暴雨预警" in german
    assert '<div class="site-notice__text" lang="zh-Hans" dir="ltr">' in german

    translation_of(source, "en", title="Heavy rain warning")  # saving bumps the site version
    german = banner(html(client.get("/de/")))
    assert "Heavy rain warning" in german and "暴雨预警" not in german
    assert '<div class="site-notice__text" lang="en" dir="ltr">' in german


def test_a_translation_still_holding_the_chinese_message_is_not_shown_as_translated(client, portal):
    source = NoticeFactory(locale=locale("zh-hans"), title="暴雨预警")
    translation_of(source, "en", title="Heavy rain warning", message=source.message)

    english = banner(html(client.get("/en/")))

    assert "Heavy rain warning" not in english
    assert '<div class="site-notice__text" lang="zh-Hans" dir="ltr">' in english


def test_the_most_severe_notice_comes_first_with_its_kind_and_severity_in_words(client, portal):
    en = locale("en")
    NoticeFactory(
        locale=en, title="Website maintenance", severity=Notice.Severity.INFO, kind=Notice.Kind.OUTAGE
    )
    NoticeFactory(
        locale=en, title="Red rainstorm alert", severity=Notice.Severity.URGENT, kind=Notice.Kind.WEATHER
    )
    NoticeFactory(locale=en, title="Hall closed", severity=Notice.Severity.WARNING, kind=Notice.Kind.CLOSURE)

    page = banner(html(client.get("/en/")))

    positions = [page.index(title) for title in ("Red rainstorm alert", "Hall closed", "Website maintenance")]
    assert positions == sorted(positions)
    assert page.count('role="alert"') == 1  # only the urgent one interrupts
    assert page.count('role="region"') == 2
    assert "Urgent" in page and "Weather" in page
    assert "Information" in page and "Service outage" in page


def test_notice_text_is_escaped(client, portal):
    NoticeFactory(locale=locale("en"), title="<b>Closed</b>", message="<script>alert(1)</script>")

    page = html(client.get("/en/"))

    assert "&lt;b&gt;Closed&lt;/b&gt;" in page
    assert "<b>Closed</b>" not in page
    assert "<script>alert(1)</script>" not in page


def test_the_more_information_link_leads_to_the_page_in_the_visitors_language(client, portal):
    source = NoticeFactory(locale=locale("zh-hans"), link_page=portal.guide["zh-hans"])
    translation_of(source, "en", title="Heavy rain", link_page=portal.guide["zh-hans"])
    translation_of(source, "fr", title="Fortes pluies", link_page=portal.guide["zh-hans"])

    assert 'href="/en/work/work-permit/"' in banner(html(client.get("/en/")))
    # The guide has no French version: the link keeps to the Chinese page rather than break.
    assert 'href="/zh-hans/work/work-permit/"' in banner(html(client.get("/fr/")))


def test_the_end_is_written_in_beijing_time_the_visitors_way():
    this_year = timezone.now().astimezone(BEIJING).year
    ends = datetime(this_year, 11, 26, 18, 0, tzinfo=BEIJING)
    with translation.override("de"):
        assert "26. November, 18:00" in notice_until(ends)
    with translation.override("zh-hans"):
        assert "11月26日 18:00" in notice_until(ends)
    with translation.override("en"):
        assert "November 26, 6:00" in notice_until(ends)
        assert str(this_year + 1) in notice_until(ends.replace(year=this_year + 1))


# --- Cost and freshness ---------------------------------------------------------------------------


def test_a_warm_page_with_a_notice_costs_no_extra_query(client, portal, django_assert_num_queries):
    NoticeFactory(locale=locale("en"), title="Heavy rain", link_page=portal.guide["en"])
    client.get("/en/work/")
    client.get("/en/work/")
    with django_assert_num_queries(5):  # as without a notice (home/tests/test_query_counts.py)
        assert "Heavy rain" in html(client.get("/en/work/"))


def test_the_cached_list_expires_at_the_next_start_or_end():
    now = timezone.now()
    assert notices.cache_seconds(now, None) == notices.MAX_CACHE_SECONDS
    assert notices.cache_seconds(now, now + timedelta(seconds=12.2)) == 13
    assert notices.cache_seconds(now, now + timedelta(hours=3)) == notices.MAX_CACHE_SECONDS
    assert notices.cache_seconds(now, now + timedelta(milliseconds=1)) == 1


def test_the_next_boundary_is_the_nearest_start_or_end(portal):
    now = timezone.now()
    NoticeFactory(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(minutes=30))
    NoticeFactory(starts_at=now + timedelta(minutes=10), ends_at=now + timedelta(hours=2))
    assert notices.next_boundary(now) == now + timedelta(minutes=10)


def test_saving_or_deleting_a_notice_refreshes_the_banner(client, portal):
    client.get("/en/")  # the list (empty) is cached
    before = site_version()
    notice = NoticeFactory(locale=locale("en"), title="Heavy rain")
    assert site_version() != before
    assert "Heavy rain" in html(client.get("/en/"))
    notice.delete()
    assert "Heavy rain" not in html(client.get("/en/"))


def test_the_timer_job_purges_when_a_notice_starts_or_ends(portal):
    now = timezone.now()
    NoticeFactory(starts_at=now - timedelta(seconds=20), ends_at=now + timedelta(hours=1))
    before = site_version()

    summary = notice_boundaries(now)

    assert site_version() != before
    assert "1 notice started or ended" in summary


def test_the_timer_job_does_nothing_between_boundaries(portal):
    now = timezone.now()
    NoticeFactory(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    cache.clear()
    before = site_version()

    assert notice_boundaries(now) == "No notice started or ended."
    assert site_version() == before


def test_the_timer_job_catches_up_after_missed_ticks(portal):
    from cityportal.core.models import ScheduledJobRun

    now = timezone.now().replace(second=0, microsecond=0)
    ScheduledJobRun.objects.create(job="notice-boundaries", tick=now - timedelta(minutes=10))
    NoticeFactory(starts_at=now - timedelta(hours=1), ends_at=now - timedelta(minutes=5))
    before = site_version()

    notice_boundaries(now)

    assert site_version() != before


# --- The database and the admin -------------------------------------------------------------------


@pytest.mark.parametrize("length", [timedelta(0), timedelta(hours=-1)])
def test_the_database_refuses_a_notice_that_ends_before_it_starts(portal, length):
    now = timezone.now()
    with pytest.raises(IntegrityError):
        Notice.objects.create(
            title="Bad", message="Bad", locale=locale("zh-hans"), starts_at=now, ends_at=now + length
        )


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


def test_the_admin_lists_notices_with_their_status_and_filters_by_it(admin_client, portal):
    now = timezone.now()
    NoticeFactory(title="Showing notice")
    NoticeFactory(title="Ended notice", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    NoticeFactory(
        title="Scheduled notice", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2)
    )
    url = reverse("wagtailsnippets_news_notice:list")

    page = html(admin_client.get(url))
    assert "Showing notice" in page and "Ended notice" in page and "Scheduled notice" in page
    assert "scheduled" in page and "showing" in page and "ended" in page

    page = html(admin_client.get(url, {"status": "ended"}))
    assert "Ended notice" in page and "Showing notice" not in page and "Scheduled notice" not in page

    page = html(admin_client.get(url, {"locale": "en"}))
    assert "Showing notice" not in page  # the factory writes Chinese notices


def test_a_chinese_notice_is_translated_with_wagtail_localize_and_shows_once_finished(
    admin_client, client, portal
):
    source = NoticeFactory(title="暴雨预警", message="今晚有暴雨。")
    page = html(admin_client.get(reverse("wagtailsnippets_news_notice:list")))
    submit = reverse("wagtail_localize:submit_snippet_translation", args=["news", "notice", source.pk])
    assert submit in page  # the "Translate" button of the listing

    response = admin_client.post(submit, {"locales": [locale("en").pk, locale("ar").pk]})

    assert response.status_code == 302
    assert set(source.get_translations().values_list("locale__language_code", flat=True)) == {"en", "ar"}
    english = source.get_translation(locale("en"))
    # The times are synchronised from the source (wagtail-localize keeps milliseconds).
    assert abs(english.starts_at - source.starts_at) < timedelta(seconds=1)
    assert abs(english.ends_at - source.ends_at) < timedelta(seconds=1)
    # Until it is translated, the English row holds the Chinese text: the banner shows the Chinese
    # notice, marked as Chinese, not that row.
    assert '<div class="site-notice__text" lang="zh-Hans" dir="ltr">' in banner(html(client.get("/en/")))

    translate_notice(source, "en", {"暴雨预警": "Heavy rain warning", "今晚有暴雨。": "Heavy rain tonight."})

    english = banner(html(client.get("/en/")))
    assert "Heavy rain warning" in english and "暴雨预警" not in english
    assert 'lang="zh-Hans"' not in english


def translate_notice(source: Notice, language: str, texts: dict[str, str]) -> None:
    """What a translator does in wagtail-localize's editor: translate every segment, then publish."""
    target = locale(language)
    record = TranslationSource.objects.get_for_instance(source)
    for segment in StringSegment.objects.filter(source=record).select_related("string", "context"):
        StringTranslation.objects.create(
            translation_of=segment.string,
            context=segment.context,
            locale=target,
            data=texts[segment.string.data],
        )
    Translation.objects.get(source=record, target_locale=target).save_target(publish=True)
