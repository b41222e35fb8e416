"""The news listing: the language's own live articles, newest first, paged by (date, id) without OFFSET."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from cityportal.news.listings import (
    AFTER,
    BEFORE,
    FIRST_PAGE,
    PER_PAGE,
    Cursor,
    Window,
    format_cursor,
    keyset_page,
    parse_cursor,
    parse_policy_filters,
    requested_window,
)
from cityportal.news.models import NewsArticle
from cityportal.news.tests.factories import NewsArticleFactory, article_in, news_index

TITLE = re.compile(r'<a class="news-list__title" href="[^"]+">([^<]+)</a>')
OLDER = re.compile(r'<a href="([^"]+)" rel="next">')
NEWER = re.compile(r'<a href="([^"]+)" rel="prev">')


def titles(html: str) -> list[str]:
    return TITLE.findall(html)


def link(pattern, html: str) -> str | None:
    found = pattern.search(html)
    return found.group(1).replace("&amp;", "&") if found else None


# --- Cursors: plain functions --------------------------------------------------------------------


def test_a_datetime_cursor_survives_the_round_trip_in_utc_with_microseconds():
    moment = datetime(2024, 12, 17, 10, 0, 0, 123456, tzinfo=timezone.get_default_timezone())
    text = format_cursor(moment, 42)
    assert text == "2024-12-17T02:00:00.123456Z~42"
    assert parse_cursor(text, datetime) == Cursor(moment, 42)


def test_a_date_cursor_survives_the_round_trip():
    assert format_cursor(date(2019, 3, 15), 7) == "2019-03-15~7"
    assert parse_cursor("2019-03-15~7", date) == Cursor(date(2019, 3, 15), 7)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "garbage",
        "2024-12-17T02:00:00Z",  # no id
        "2024-12-17T02:00:00Z~",  # empty id
        "2024-12-17T02:00:00Z~0",
        "2024-12-17T02:00:00Z~-3",
        "2024-12-17T02:00:00Z~4~2",
        "2024-12-17T02:00:00Z~99999999999999999999",  # beyond a primary key
        "2024-12-17T02:00:00~4",  # a naive time: which zone?
        "2024-12-17~4",  # a date where a time is expected
        "2024-13-40T02:00:00Z~4",
        "2024-12-17T02:00:00Z~４",  # a full-width digit
        "2024-12-17T02:00:00Z~1" + "0" * 80,
        "<script>~1",
    ],
)
def test_anything_but_a_cursor_is_refused(raw):
    assert parse_cursor(raw, datetime) is None


def test_a_policy_cursor_needs_a_plain_date():
    assert parse_cursor("2019-03-15T00:00:00Z~7", date) is None


def test_the_query_string_chooses_the_window_and_a_contradiction_means_the_first_page():
    assert requested_window({}, datetime) == FIRST_PAGE
    assert requested_window({"before": "2019-03-15~7"}, date) == Window(BEFORE, Cursor(date(2019, 3, 15), 7))
    assert requested_window({"after": "2019-03-15~7"}, date) == Window(AFTER, Cursor(date(2019, 3, 15), 7))
    assert requested_window({"before": "2019-03-15~7", "after": "2019-03-15~8"}, date) == FIRST_PAGE
    assert requested_window({"before": "yesterday"}, date) == FIRST_PAGE


def test_policy_filters_keep_known_values_and_name_the_ignored_ones():
    known = {"authorities": {"npc", "moc"}, "years": {2019, 2024}, "statuses": {"in-force", "withdrawn"}}
    filters, ignored = parse_policy_filters(
        {"authority": "npc", "year": "2019", "status": "withdrawn"}, **known
    )
    assert (filters.authority, filters.year, filters.status, ignored) == ("npc", 2019, "withdrawn", [])
    assert filters.as_params() == {"authority": "npc", "year": "2019", "status": "withdrawn"}
    filters, ignored = parse_policy_filters({"authority": "x", "year": "１９", "status": "gone"}, **known)
    assert not filters and ignored == ["authority", "year", "status"]
    filters, ignored = parse_policy_filters({"year": "2020"}, **known)  # a year without policies
    assert filters.year is None and ignored == ["year"]


# --- keyset_page over the database ----------------------------------------------------------------


@pytest.fixture
def english_index(portal):
    return news_index(portal.homes["en"])


def english_articles(index, count: int, *, step=timedelta(hours=1)) -> list[NewsArticle]:
    """`count` English articles, the first the newest; written directly in English (no Chinese source),
    which the listing does not care about."""
    start = timezone.now()
    return [
        NewsArticleFactory(parent=index, title=f"Article {n:02d}", date=start - n * step)
        for n in range(count)
    ]


def test_pages_follow_one_another_without_overlap_or_gap_and_come_back(english_index):
    articles = english_articles(english_index, 8)
    # Three share one date: the id decides their order, and no page boundary loses one.
    same_moment = articles[3].date
    for article in articles[4:6]:
        NewsArticle.objects.filter(pk=article.pk).update(date=same_moment)
    expected = list(english_index.articles().values_list("pk", flat=True))
    assert len(expected) == 8

    seen, pages, window = [], [], FIRST_PAGE
    while True:
        page = keyset_page(english_index.articles(), window, field_name="date", per_page=3)
        pages.append(page)
        seen += [item.pk for item in page.items]
        if page.older is None:
            break
        window = Window(BEFORE, page.older)
    assert seen == expected
    assert [len(page.items) for page in pages] == [3, 3, 2]
    assert pages[0].is_first and pages[0].newer is None

    back = keyset_page(english_index.articles(), Window(AFTER, pages[2].newer), field_name="date", per_page=3)
    assert [item.pk for item in back.items] == [item.pk for item in pages[1].items]
    top = keyset_page(english_index.articles(), Window(AFTER, back.newer), field_name="date", per_page=3)
    assert [item.pk for item in top.items] == expected[:3]
    assert top.is_first and top.newer is None


def test_a_short_newest_page_is_replaced_by_the_first_page(english_index):
    articles = english_articles(english_index, 5)
    # A cursor just below the newest article (as if the ones between had been unpublished).
    made_up = Cursor(articles[1].date, articles[1].pk)
    page = keyset_page(english_index.articles(), Window(AFTER, made_up), field_name="date", per_page=3)
    assert [item.pk for item in page.items] == [article.pk for article in articles[:3]]
    assert page.is_first


def test_a_cursor_past_the_end_gives_an_empty_page_with_no_older_link(english_index):
    english_articles(english_index, 2)
    past_the_end = Cursor(datetime(2000, 1, 1, tzinfo=UTC), 1)
    page = keyset_page(english_index.articles(), Window(BEFORE, past_the_end), field_name="date")
    assert page.items == [] and page.older is None and page.newer is None and not page.is_first


# --- The listing pages ----------------------------------------------------------------------------


def test_the_listing_pages_twenty_at_a_time_with_older_and_newer_links(client, english_index):
    english_articles(english_index, PER_PAGE * 2 + 5)
    html = client.get("/en/news/").content.decode()
    first = titles(html)
    assert first == [f"Article {n:02d}" for n in range(PER_PAGE)]
    assert link(NEWER, html) is None

    older_url = link(OLDER, html)
    assert older_url.startswith("/en/news/?before=")
    html = client.get(older_url).content.decode()
    assert titles(html) == [f"Article {n:02d}" for n in range(PER_PAGE, PER_PAGE * 2)]

    deep = client.get(link(OLDER, html)).content.decode()  # the third, last page
    assert titles(deep) == [f"Article {n:02d}" for n in range(PER_PAGE * 2, PER_PAGE * 2 + 5)]
    assert link(OLDER, deep) is None
    assert '<meta name="robots" content="noindex, follow">' in deep  # only the first page is indexed

    back = client.get(link(NEWER, deep)).content.decode()
    assert titles(back) == [f"Article {n:02d}" for n in range(PER_PAGE, PER_PAGE * 2)]
    assert titles(client.get(link(NEWER, back)).content.decode()) == first


@pytest.mark.parametrize(
    "query",
    [
        "?before=garbage",
        "?after=2024-12-17T02:00:00~4",
        "?before=2024-12-17T02:00:00Z~4&after=2024-12-17T02:00:00Z~5",
        "?before=%00%ff",
        "?before=" + "9" * 500,
    ],
)
def test_a_bad_cursor_shows_the_first_page(client, english_index, query):
    english_articles(english_index, 3)
    response = client.get("/en/news/" + query)
    assert response.status_code == 200
    assert titles(response.content.decode()) == ["Article 00", "Article 01", "Article 02"]


def test_the_listing_shows_only_live_articles_of_its_language_newest_first(client, portal):
    homes, now = portal.homes, timezone.now()
    older = article_in(homes, ("en", "ko"), titles={"en": "Older news"}, date=now - timedelta(days=2))
    newer = article_in(homes, ("en",), titles={"en": "Newer news"}, date=now - timedelta(days=1))
    chinese_only = article_in(homes, (), title="只有中文的新闻", date=now)
    draft = article_in(homes, ("en",), titles={"en": "Unpublished translation"}, date=now)
    draft["en"].unpublish()

    english = client.get("/en/news/").content.decode()
    assert titles(english) == ["Newer news", "Older news"]
    chinese = titles(client.get("/zh-hans/news/").content.decode())
    assert len(chinese) == 4 and chinese[0] in {chinese_only["zh-hans"].title, draft["zh-hans"].title}
    korean = client.get("/ko/news/").content.decode()
    assert titles(korean) == [older["ko"].title]
    assert newer["en"].title not in korean


def test_a_listing_in_another_language_points_to_the_chinese_and_english_listings(client, portal):
    article_in(portal.homes, ("en", "ko", "ar"), sections=["work"])
    korean = client.get("/ko/news/").content.decode()
    note = re.search(r'<p class="listing-elsewhere">(.*?)</p>', korean, re.S).group(1)
    assert '<a href="/zh-hans/news/" hreflang="zh-Hans" lang="zh-Hans">简体中文</a>' in note
    assert '<a href="/en/news/" hreflang="en" lang="en">English</a>' in note
    arabic_section = client.get("/ar/news/work/").content.decode()
    note = re.search(r'<p class="listing-elsewhere">(.*?)</p>', arabic_section, re.S).group(1)
    assert 'href="/zh-hans/news/work/"' in note and 'href="/en/news/work/"' in note
    for language in ("en", "zh-hans"):
        assert 'class="listing-elsewhere"' not in client.get(f"/{language}/news/").content.decode()


def test_a_section_listing_shows_only_that_section_and_unknown_sections_are_not_found(client, portal):
    article_in(portal.homes, titles={"en": "Work news"}, sections=["work"])
    article_in(portal.homes, titles={"en": "Study news"}, sections=["study"])
    article_in(portal.homes, titles={"en": "Work and study news"}, sections=["work", "study"])
    response = client.get("/en/news/work/")
    html = response.content.decode()
    assert titles(html) == ["Work news", "Work and study news"]  # the factory dates each one an hour older
    assert '<a href="/en/news/work/" aria-current="page">' in html
    assert '<link rel="canonical" href="http://testserver/en/news/work/">' in html
    assert '<li aria-current="page">Work</li>' in html  # breadcrumbs: … › News › Work
    assert client.get("/en/news/parking/").status_code == 404
    assert client.get("/en/news/work/extra/").status_code == 404


def test_an_article_cannot_take_the_slug_of_a_section_listing(portal):
    from django.core.exceptions import ValidationError

    article = NewsArticleFactory.build(slug="work", title="x", body=[], date=timezone.now())
    article.locale = portal.homes["en"].locale
    with pytest.raises(ValidationError) as error:
        article.clean()
    assert "slug" in error.value.message_dict


def test_the_listing_works_and_stays_cookie_free_and_cacheable(client, english_index):
    english_articles(english_index, 1)
    response = client.get("/en/news/")
    assert response.status_code == 200 and not response.cookies
    assert response["Cache-Control"] == "public, max-age=60, s-maxage=60"
