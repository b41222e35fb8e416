"""Whatever is typed into the box or into the address, the search answers with a normal page (or,
for suggestions, normal JSON): never an error, never the input unescaped, never a change to the data.
Queries reach the full-text index only as analysed terms (search/query.py), so full-text and SQL
syntax are just text; these tests run on SQLite and on PostgreSQL alike."""

import json
from urllib.parse import quote, urlencode

import pytest
from wagtail.models import Locale

from cityportal.consultations.tests.factories import FAQEntryFactory
from cityportal.consultations.tests.test_faq_pages import faq_pages
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.search.models import SearchDocument

QUESTION = "Where do I get a residence permit?"

QUERIES = {
    "empty": "",
    "spaces": "   \t  ",
    "over 1,000 characters": "permit " * 200,
    "one 1,500-character word": "居" * 1500,
    "markup": "<script>alert('x')</script>",
    "markup in an attribute": '"><img src=x onerror=alert(1)>',
    "control characters": "\x00permit\x07\x1b[31m",
    "direction overrides": "\u202epermit\u202c",
    "line breaks": "residence\r\npermit",
    "only punctuation": "?!.,;:…",
    "only CJK punctuation": "。，、？！",
    "only Arabic punctuation": "؟،؛",
    "a lone double quote": '"',
    "an unclosed quote": '"residence permit',
    "a star": "*",
    "a prefix star": "perm*",
    "NEAR": "NEAR(residence permit)",
    "OR": "residence OR permit",
    "AND NOT": "AND NOT OR",
    "parentheses": "((permit",
    "a column filter": "terms_title:permit",
    "a column set": "{terms_title terms_body}: permit",
    "a caret and a minus": "^permit -residence +visa",
    "SQL in quotes": "' OR 1=1 --",
    "SQL that drops a table": "'; DROP TABLE search_searchdocument; --",
    "a tsquery": "permit & !residence | visa:*",
    "LIKE wildcards": "%_%",
    "a backslash": "\\",
    "an emoji": "🛂 permit",
}


@pytest.fixture
def answers(portal):
    faq_pages(portal, ["en"])
    FAQEntryFactory(locale=Locale.objects.get(language_code="en"), question=QUESTION)
    run_queued_tasks()


def assert_normal_page(response, typed: str) -> str:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<form class="search-form" role="search"' in html
    if len(typed) > 3 and set(typed) & set("<>\"'&"):  # (a lone quote is in every page's markup)
        assert typed not in html, "the query must never be echoed unescaped"
    assert "<script>alert" not in html and "<img src=x" not in html
    return html


@pytest.mark.parametrize("typed", QUERIES.values(), ids=QUERIES.keys())
def test_any_query_gives_a_normal_page(client, answers, typed):
    documents = SearchDocument.objects.count()

    assert_normal_page(client.get("/en/search/?" + urlencode({"q": typed})), typed)

    assert SearchDocument.objects.count() == documents


@pytest.mark.parametrize("typed", QUERIES.values(), ids=QUERIES.keys())
def test_any_query_gives_normal_suggestions(client, answers, typed):
    response = client.get("/en/search/suggest/?" + urlencode({"q": typed}))

    assert response.status_code == 200
    assert isinstance(json.loads(response.content)["suggestions"], list)


@pytest.mark.parametrize(
    "typed",
    ['"residence permit', "residence OR permit", "((permit", "terms_title:permit", "' OR 1=1 -- permit"],
)
def test_syntax_around_real_words_still_finds_them(client, answers, typed):
    html = assert_normal_page(client.get("/en/search/?" + urlencode({"q": typed})), typed)
    assert QUESTION.replace("?", "") in html.replace("<mark>", "").replace("</mark>", "")


def test_a_query_over_the_limit_is_searched_by_its_start_and_said_so(client, answers):
    html = assert_normal_page(client.get("/en/search/?" + urlencode({"q": "residence " * 150})), "")
    assert "only its first 200 characters were searched" in html
    assert "residence" in html


def test_bytes_that_are_not_utf8_give_a_normal_page(client, answers):
    assert_normal_page(client.get("/en/search/?q=%FF%FEpermit%C3"), "")


@pytest.mark.parametrize(
    "page", ["abc", "-1", "0", "1.5", "2e3", "９", "99999999999999999999999", "", "1 OR 1=1"]
)
def test_an_invalid_page_number_gives_a_normal_page(client, answers, page):
    html = assert_normal_page(client.get("/en/search/?" + urlencode({"q": "permit", "page": page})), page)
    assert "residence permit" in html.replace("<mark>", "").replace("</mark>", "").lower()


@pytest.mark.parametrize(
    ("kind", "section"),
    [("unknown", ""), ("GUIDE", ""), ("<script>", ""), ("faq'", "work'"), ("", "nowhere"), ("", "<b>x</b>")],
)
def test_an_unknown_filter_is_ignored(client, answers, kind, section):
    params = {"q": "permit", "kind": kind, "section": section}
    html = assert_normal_page(client.get("/en/search/?" + urlencode(params)), kind + section)

    assert "residence permit" in html.replace("<mark>", "").replace("</mark>", "").lower()
    assert "Only some types or sections are shown." not in html


def test_a_query_given_twice_uses_one_of_them(client, answers):
    assert_normal_page(client.get("/en/search/?q=zebra&q=permit&page=1&page=x"), "")


def test_a_percent_encoded_null_in_the_path_s_query_gives_a_normal_page(client, answers):
    assert_normal_page(client.get("/en/search/?q=" + quote("\x00")), "")
