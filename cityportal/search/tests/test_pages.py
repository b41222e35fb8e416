"""The search pages as a visitor meets them: /<lang>/search/ with its filters, page numbers and
notices, the box in every page's header, the suggestions as JSON, and the FAQ page's own search,
which goes through the same index."""

import json
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Locale

from cityportal.appointments.tests.factories import AppointmentServiceFactory
from cityportal.consultations.tests.factories import FAQEntryFactory
from cityportal.consultations.tests.test_faq_pages import faq_pages
from cityportal.core.sections import Section
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.news.tests.factories import article_in
from cityportal.procedures.tests.sample_guides import build_guides
from cityportal.search import engine
from cityportal.search.models import ZeroResultQuery

HIT_LINK = re.compile(r'<h3 class="search-hit__title"><a href="([^"]+)">(.*?)</a></h3>', re.S)


@pytest.fixture
def guides(portal):
    """The work and residence permit guides in Chinese, English, Arabic and Japanese, indexed."""
    built = build_guides(portal, ("en", "ar", "ja"))
    run_queued_tasks()  # the index is written by the queued task, as after an editor publishes
    return built


@pytest.fixture
def faq(portal):
    return faq_pages(portal, ["en", "ja"])


def entry(language: str, **fields):
    return FAQEntryFactory(locale=Locale.objects.get(language_code=language), **fields)


def search(client, language: str = "en", **params) -> str:
    response = client.get(f"/{language}/search/?" + urlencode(params))
    assert response.status_code == 200
    return response.content.decode()


def facet_link(url: str, label: str, count: int) -> str:
    return f'<a href="{url}">{label} <span class="search-facet__count">({count})</span></a>'


def hits(html: str) -> list[tuple[str, str]]:
    """(address, title without its marks) of each result, in order."""
    return [(url, re.sub(r"</?mark>", "", title)) for url, title in HIT_LINK.findall(html)]


# --- Finding ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "query"),
    [("en", "residence permit"), ("zh-hans", "居留许可"), ("ar", "تصريح الإقامة"), ("ja", "居留許可")],
)
def test_the_residence_permit_guide_comes_first_in_each_language(client, guides, language, query):
    html = search(client, language, q=query)

    guide = guides.residence[language]
    assert hits(html)[0] == (guide.url, guide.title)
    assert f'<html lang="{"zh-Hans" if language == "zh-hans" else language}"' in html


def test_a_result_shows_its_type_sections_and_the_matched_words(client, guides):
    html = search(client, q="residence permits")

    first = html[html.index('<li class="search-hit') :].split("</li>")[0]
    assert "<mark>Residence</mark> <mark>permit</mark> for work" in first  # "permits" finds "permit"
    assert '<span class="search-hit__kind">Procedure guide</span>' in first
    assert (
        '<span class="search-hit__section">Work</span><span class="search-hit__section">Live</span>' in first
    )
    assert "<time" not in first  # only news and policies are dated


def test_a_guide_shows_its_appointment_services_instead_of_listing_them_apart(client, guides):
    service = AppointmentServiceFactory(name_en="Residence permit appointment")
    service.procedures.set([guides.residence["zh-hans"]])
    service.save()
    run_queued_tasks()

    html = search(client, q="residence permit")

    first = html[html.index('<li class="search-hit') :].split("</li>")[0]
    assert hits(html)[0][0] == guides.residence["en"].url
    booking = f'<a href="/en/appointments/{service.pk}/">Residence permit appointment</a>'
    assert f"Book an appointment: {booking}" in first
    assert "Residence permit appointment" not in [title for _url, title in hits(html)]


def test_news_shows_its_date(client, guides, portal):
    article_in(portal.homes, ("en",), titles={"en": "New residence permit hall opens"})
    run_queued_tasks()

    html = search(client, q="residence hall")

    news = html[html.index('<li class="search-hit search-hit--news') :].split("</li>")[0]
    assert '<span class="search-hit__kind">News</span>' in news
    assert re.search(r'<time class="search-hit__date" datetime="\d{4}-\d\d-\d\d">', news)


def test_the_query_stays_in_the_box_and_is_escaped_everywhere(client, guides):
    html = search(client, q='permit "<b>bold</b>')

    assert 'value="permit &quot;&lt;b&gt;bold&lt;/b&gt;"' in html
    assert "<b>bold</b>" not in html
    assert "“permit &quot;&lt;b&gt;bold&lt;/b&gt;”" in html  # the heading and the title say what was searched


def test_a_misspelt_word_is_corrected_and_said_so(client, guides):
    html = search(client, q="residense permit")

    assert (
        "Nothing was found for “residense permit”. Showing results for <strong>residence permit</strong>."
        in html
    )
    assert hits(html)[0][0] == guides.residence["en"].url


def test_results_with_only_some_of_the_words_say_so(client, guides):
    html = search(client, q="residence zebra")

    assert "No result contains all of your words. These results contain some of them." in html
    assert hits(html)[0][0] == guides.residence["en"].url


def test_an_editors_recommendation_comes_first_in_the_visitor_s_language(client, guides):
    SearchPromotion.objects.create(
        query=Query.get("visa"), page=guides.permit["zh-hans"], sort_order=0, description="Start here."
    )

    html = search(client, q="visa")

    recommended, below = html[html.index('class="search-hits search-hits--recommended"') :].split("</ul>", 1)
    assert '<p class="search-hit__badge">Recommended</p>' in recommended
    assert f'<a href="{guides.permit["en"].url}">Work permit for foreigners</a>' in recommended
    assert "Start here." in recommended
    # Not repeated among the results below it.
    assert guides.permit["en"].url not in [url for url, _title in hits(below)]


# --- Filters and pages --------------------------------------------------------------------------------------


def test_filters_by_type_and_section_keep_the_query_and_count(client, guides, faq):
    entry("en", section=Section.TRAVEL, question="Do I need a permit to drive?", answer="Yes, a local one.")
    run_queued_tasks()

    html = search(client, q="permit")

    assert facet_link("/en/search/?q=permit&amp;kind=guide", "Procedure guides", 2) in html
    assert facet_link("/en/search/?q=permit&amp;kind=faq", "Questions and answers", 1) in html
    assert facet_link("/en/search/?q=permit&amp;section=travel", "Travel", 1) in html
    assert '<a href="/en/search/?q=permit" aria-current="true">All types</a>' in html

    answers_only = search(client, q="permit", kind="faq")
    assert [title for _url, title in hits(answers_only)] == ["Do I need a permit to drive?"]
    assert '<a href="/en/search/?q=permit&amp;kind=faq" aria-current="true">' in answers_only
    assert "Only some types or sections are shown." in answers_only

    live_only = search(client, q="permit", section="live")
    assert [url for url, _title in hits(live_only)] == [
        guides.residence["en"].url
    ]  # the work permit is Work only
    # With a section chosen, each type counts within that section: the number its link gives.
    assert (
        facet_link("/en/search/?q=permit&amp;kind=guide&amp;section=live", "Procedure guides", 1) in live_only
    )
    assert "kind=faq&amp;section=live" not in live_only  # the FAQ entry is in Travel: no link to nothing


def test_counts_beyond_the_ranked_limit_read_as_a_minimum(client, faq, monkeypatch):
    for n in range(4):
        entry("en", question=f"Parking card question {n}")
    run_queued_tasks()
    monkeypatch.setattr(engine, "CANDIDATE_LIMIT", 3)

    html = search(client, q="parking")

    assert "3+ results for “parking”" in html
    assert 'Questions and answers <span class="search-facet__count">(4+)</span>' in html


def test_many_results_are_paged_with_numbers_and_previous_and_next(client, faq):
    for n in range(25):
        entry("en", question=f"Parking card question {n}")
    run_queued_tasks()

    first = search(client, q="parking")
    assert "25 results for “parking”" in first
    assert len(hits(first)) == 10
    assert '<a href="/en/search/?q=parking" aria-label="Page 1" aria-current="page">1</a>' in first
    assert '<a href="/en/search/?q=parking&amp;page=3" aria-label="Page 3">3</a>' in first
    assert 'rel="prev"' not in first
    assert '<a href="/en/search/?q=parking&amp;page=2" rel="next">Next page</a>' in first

    middle = search(client, q="parking", page=2)
    assert '<a href="/en/search/?q=parking" rel="prev">Previous page</a>' in middle
    assert 'rel="next"' in middle
    assert not set(hits(middle)) & set(hits(first))

    last = search(client, q="parking", page=3)
    assert len(hits(last)) == 5 and 'rel="next"' not in last
    assert "Search results for “parking” – page 3</title>" in last

    beyond = search(client, q="parking", page=99)
    assert hits(beyond) == hits(last)


# --- Nothing found, nothing typed ---------------------------------------------------------------------------


def test_nothing_found_offers_tips_the_sections_the_faq_and_asking(client, guides, faq):
    html = search(client, q="zebraquux")

    assert "No results for “zebraquux”" in html
    assert "check the spelling of your words" in html
    assert '<a href="/en/ask/">Ask a question</a>' in html
    assert '<a href="/en/faq/">Read the answers to questions others asked</a>' in html
    for section in Section.values:
        assert f'<a href="/en/{section}/">{section.title()} (en)</a>' in html
    assert "search-facets" not in html
    assert ZeroResultQuery.objects.get(language="en", query="zebraquux").count == 1


def test_an_empty_search_shows_the_box_and_what_can_be_searched(client, guides):
    html = search(client, q="   ")

    assert '<input class="search-form__input" type="search" id="search-query" name="q" value=""' in html
    assert "Search the procedure guides, appointment services, news, policies" in html
    assert "search-hit" not in html and "No results" not in html
    assert not ZeroResultQuery.objects.exists()


# --- The page as a whole ------------------------------------------------------------------------------------


def test_results_are_never_kept_by_an_http_cache_nor_indexed(client, guides):
    response = client.get("/en/search/?q=permit")

    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control and "public" not in cache_control
    assert not response.cookies
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_the_page_carries_no_inline_script_or_style(client, guides):
    html = search(client, q="permit")
    assert "<style" not in html and " style=" not in html and " on" + "click=" not in html
    for chunk in html.split("<script")[1:]:
        assert chunk.lstrip().startswith("src=")
    assert '<link rel="stylesheet" href="/static/css/search.css">' in html


def test_the_arabic_page_is_right_to_left_with_its_own_words(client, guides):
    html = search(client, "ar", q="تصريح")
    assert '<html lang="ar" dir="rtl">' in html
    assert hits(html)[0][1] in {"تصريح العمل للأجانب", "تصريح الإقامة للعمل"}


def test_the_language_switcher_repeats_the_search_in_each_language(client, guides):
    html = search(client, q="permit", kind="guide")
    assert 'href="/ar/search/?q=permit&amp;kind=guide" hreflang="ar"' in html
    assert 'href="/zh-hans/search/?q=permit&amp;kind=guide" hreflang="zh-Hans"' in html


def test_breadcrumbs_lead_home(client, guides):
    html = search(client, q="permit")
    assert '<li><a href="/en/">Home</a></li>' in html and '<li aria-current="page">Search</li>' in html


def test_a_results_page_costs_a_few_queries(client, guides, faq, django_assert_max_num_queries):
    for n in range(30):
        entry("en", section=Section.values[n % 6], question=f"Permit question {n}")
    run_queued_tasks()
    for _warm_up in range(2):  # the header, the footer and the site come from the cache afterwards
        search(client, q="permit")
    # The full-text match (on SQLite two: the ranking, then the ranked rows' columns), the documents
    # shown, the editors' recommendations.
    with django_assert_max_num_queries(4):
        search(client, q="permit")
    # A filter narrows the same matches (or, past the ranked limit, asks the index again).
    with django_assert_max_num_queries(5):
        search(client, q="permit", kind="faq", section="work", page="2")
    with CaptureQueriesContext(connection) as queries:
        search(client, q="permit")
    assert not any(" LIKE " in query["sql"].upper() for query in queries.captured_queries)


# --- The box on every page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_every_page_has_a_labelled_search_box_that_works_without_javascript(client, portal, language):
    html = client.get(f"/{language}/work/").content.decode()

    form = re.search(r'<form class="site-search" role="search" method="get" action="([^"]+)"', html)
    assert form and form.group(1) == f"/{language}/search/"
    assert '<label class="visually-hidden" for="site-search-query">' in html
    assert 'id="site-search-query" name="q"' in html
    assert f'data-suggest-url="/{language}/search/suggest/"' in html
    assert '<script src="/static/js/search.js" defer></script>' in html


# --- Suggestions --------------------------------------------------------------------------------------------


def test_suggestions_give_titles_and_addresses_as_the_visitor_types(client, guides):
    response = client.get("/en/search/suggest/?q=resid")

    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"]  # titles only: cacheable for a minute
    suggestions = json.loads(response.content)["suggestions"]
    assert {
        "title": "Residence permit for work",
        "url": guides.residence["en"].url,
        "kind": "Procedure guide",
    } in suggestions

    chinese = json.loads(client.get("/zh-hans/search/suggest/?q=居留").content)["suggestions"]
    assert chinese[0]["title"] == "工作类居留许可"


@pytest.mark.parametrize("query", ["", "r", "   ", "\x00\x01"])
def test_suggestions_for_too_little_are_empty(client, guides, query):
    response = client.get("/en/search/suggest/?" + urlencode({"q": query}))
    assert response.status_code == 200
    assert json.loads(response.content) == {"suggestions": []}


def test_a_suggestion_of_another_language_is_never_offered(client, guides):
    suggestions = json.loads(client.get("/ar/search/suggest/?q=resid").content)["suggestions"]
    assert all(item["url"].startswith("/ar/") for item in suggestions)


# --- The FAQ page's search ----------------------------------------------------------------------------------


def test_the_faq_page_finds_chinese_answers_by_words_without_spaces(client, faq):
    entry(
        settings.LANGUAGE_CODE,
        section=Section.LIVE,
        question="外国人如何办理居留许可？",
        answer="到出入境管理局办理。",
    )
    entry(
        settings.LANGUAGE_CODE,
        section=Section.TRAVEL,
        question="地铁票怎么买？",
        answer="在车站自动售票机购买。",
    )
    run_queued_tasks()

    html = client.get("/zh-hans/faq/?" + urlencode({"q": "居留许可"})).content.decode()

    assert "外国人如何办理居留许可？" in html
    assert "地铁票怎么买？" not in html


def test_the_faq_page_finds_japanese_answers_within_its_section(client, faq):
    entry("ja", section=Section.LIVE, question="在留カードをなくしました", answer="警察に届けてください。")
    entry("ja", section=Section.TRAVEL, question="空港で在留カードは必要ですか", answer="はい。")
    run_queued_tasks()

    everywhere = client.get("/ja/faq/?" + urlencode({"q": "在留カード"})).content.decode()
    assert "在留カードをなくしました" in everywhere and "空港で在留カードは必要ですか" in everywhere

    live = client.get("/ja/faq/live/?" + urlencode({"q": "在留カード"})).content.decode()
    assert "在留カードをなくしました" in live and "空港で在留カードは必要ですか" not in live


def test_the_faq_page_leaves_out_an_entry_unpublished_before_the_index_caught_up(client, faq):
    kept = entry("en", question="Where do I renew my residence card?")
    hidden = entry("en", question="Where do I replace my residence card?")
    run_queued_tasks()
    type(hidden).objects.filter(pk=hidden.pk).update(live=False)  # as if the index task had not run yet

    html = client.get("/en/faq/?q=residence+card").content.decode()

    assert kept.question in html and hidden.question not in html
