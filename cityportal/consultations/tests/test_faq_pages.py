"""The public FAQ pages: /<lang>/faq/ by section, one section, search, JSON-LD, sitemap, freshness."""

import json
import re
from urllib.parse import urlencode

import pytest
from defusedxml import ElementTree
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from wagtail.models import Locale

from cityportal.core.sections import Section
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.home.tests.factories import PageFactory, translate

from ..models import FAQEntry, FAQIndexPage
from ..services import FAQText, publish_faq
from .factories import FAQEntryFactory, QuestionFactory, staff_user

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
ROOT = "http://localhost"  # the test site (home.tests.factories.make_site)
WAGTAIL_PURGE_TASK = "wagtail.contrib.frontend_cache.tasks.purge_urls_from_cache_task"


class FAQIndexPageFactory(PageFactory):
    class Meta:
        model = FAQIndexPage

    title = "问答"
    slug = "faq"
    intro = "<p>常见问题的解答。</p>"


def faq_pages(portal, languages=None) -> dict[str, FAQIndexPage]:
    """The FAQ page under each home page: the Chinese one and its translations, as editors make them."""
    source = FAQIndexPageFactory(parent=portal.homes[settings.LANGUAGE_CODE])
    pages = {settings.LANGUAGE_CODE: source}
    titles = {"en": "Questions and answers", "ko": "묻고 답하기", "ar": "أسئلة وأجوبة"}
    for code in languages or [code for code in portal.homes if code != settings.LANGUAGE_CODE]:
        pages[code] = translate(
            source, code, title=titles.get(code, f"FAQ {code}"), intro=f"<p>Intro {code}.</p>"
        )
    return pages


def entry(language: str, **fields) -> FAQEntry:
    return FAQEntryFactory(locale=Locale.objects.get(language_code=language), **fields)


@pytest.fixture
def faq(portal):
    return faq_pages(portal, ["en", "ko", "ar"])


def html_of(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def json_ld(html: str) -> dict:
    return json.loads(JSON_LD.search(html).group(1))


def test_the_faq_page_lists_its_language_s_entries_by_section_in_section_order(client, faq):
    entry("en", section=Section.WORK, question="How do I get a work permit?")
    entry("en", section=Section.INVEST, question="Can I open a company alone?")
    entry("ko", section=Section.WORK, question="취업 허가는 어떻게 받나요?")
    entry("en", section=Section.LIVE, question="An unpublished one", live=False)

    html = html_of(client, "/en/faq/")

    assert "Intro en." in html
    headings = re.findall(r'<h2 id="faq-section-(\w+)">', html)
    assert headings == ["invest", "work"]  # section order; Live has no live entry, so no heading
    assert "How do I get a work permit?" in html
    assert "취업 허가" not in html
    assert "An unpublished one" not in html
    assert re.search(r'<details class="faq-entry" id="faq-\d+">', html)
    assert 'href="/en/ask/"' in html and 'href="/en/faq/figures/"' in html


def test_the_korean_page_speaks_korean(client, faq):
    entry(
        "ko",
        section=Section.STUDY,
        question="학생 비자는 어떻게 연장하나요?",
        answer="출입국 관리소에서 연장합니다.",
    )
    html = html_of(client, "/ko/faq/")
    assert '<html lang="ko" dir="ltr">' in html
    assert "학생 비자는 어떻게 연장하나요?" in html
    assert "<p>출입국 관리소에서 연장합니다.</p>" in html


def test_the_arabic_page_is_right_to_left(client, faq):
    entry("ar", section=Section.TRAVEL, question="كيف أحصل على تأشيرة؟")
    html = html_of(client, "/ar/faq/")
    assert '<html lang="ar" dir="rtl">' in html
    assert "كيف أحصل على تأشيرة؟" in html


def test_a_section_route_shows_that_section_only(client, faq):
    entry("en", section=Section.WORK, question="Work question")
    entry("en", section=Section.LIVE, question="Live question")

    html = html_of(client, "/en/faq/work/")

    assert "Work question" in html and "Live question" not in html
    assert '<a href="/en/faq/work/" aria-current="page">' in html
    assert '<link rel="canonical" href="http://testserver/en/faq/work/">' in html
    html_of(client, "/en/faq/nowhere/", status=404)


def test_a_section_without_entries_says_so_and_is_not_indexed(client, faq):
    entry("en", section=Section.WORK)
    html = html_of(client, "/en/faq/consume/")
    assert "No answers have been published in this section in this language yet." in html
    assert '<meta name="robots" content="noindex, follow">' in html
    assert 'href="/en/faq/consume/"' not in html  # not among the section links


def test_answers_are_escaped_and_keep_their_paragraphs(client, faq):
    entry(
        "en",
        question="<b>Bold?</b>",
        answer='First <script>alert("x")</script> paragraph.\n\nSecond paragraph.',
    )
    html = html_of(client, "/en/faq/")
    assert "<b>Bold?</b>" not in html and "&lt;b&gt;Bold?&lt;/b&gt;" in html
    assert '<script>alert("x")</script>' not in html
    assert "<p>First &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; paragraph.</p>" in html
    assert "<p>Second paragraph.</p>" in html


# --- Search ---------------------------------------------------------------------------------------------


def test_search_finds_an_english_entry_by_a_word_of_its_answer(client, faq):
    entry("en", question="Where do I register?", answer="Go to the police station with your passport.")
    entry("en", question="Where can I study Chinese?", answer="Many universities teach it.")
    entry("ko", question="Passport 분실", answer="passport police")
    run_queued_tasks()  # Wagtail's search index is updated by the task worker

    html = html_of(client, "/en/faq/?q=passport")

    assert "One answer matches “passport”" in html
    assert "Where do I register?" in html
    assert "Where can I study Chinese?" not in html
    assert "Passport 분실" not in html  # another language's entry
    assert '<meta name="robots" content="noindex, follow">' in html
    assert not JSON_LD.search(html)


def test_search_finds_a_korean_entry_by_a_korean_word(client, faq):
    entry("ko", question="체류 등록은 어디에서 하나요?", answer="가까운 경찰서 에서 등록 합니다.")
    entry("ko", question="학생 비자 연장", answer="출입국 관리소 에서 연장 합니다.")
    run_queued_tasks()

    html = html_of(client, "/ko/faq/?q=경찰서")

    assert "체류 등록은 어디에서 하나요?" in html
    assert "학생 비자 연장" not in html


def test_a_search_without_matches_offers_to_ask(client, faq):
    entry("en", question="Where do I register?")
    run_queued_tasks()
    html = html_of(client, "/en/faq/?q=%3Cscript%3Ezebra")
    assert "No answers match “&lt;script&gt;zebra”" in html
    assert '<a href="/en/ask/">' in html


@pytest.mark.parametrize(
    ("query", "found"),
    [('"register', True), ("register?*", True), ("(register)", True), ('"', False), ("*", False)]
    + [("AND OR NOT", False), ("a'b\"c(", False), ("NEAR(x y)", True), ("x" * 500, False)],
)
def test_search_syntax_is_read_as_plain_words(client, faq, query, found):
    # "NEAR" is an English word: read as one, it finds the answer "…near where you stay…".
    entry("en", question="Where do I register?")
    run_queued_tasks()
    html = html_of(client, "/en/faq/?" + urlencode({"q": query}))
    assert ("Where do I register?" in html) is found
    assert ("No answers match" in html) is not found


def test_search_within_a_section_stays_in_it(client, faq):
    entry("en", section=Section.WORK, question="Work visa and passport")
    entry("en", section=Section.TRAVEL, question="Travel with a passport")
    run_queued_tasks()
    html = html_of(client, "/en/faq/travel/?q=passport")
    assert "Travel with a passport" in html and "Work visa and passport" not in html


# --- Queries ---------------------------------------------------------------------------------------------


def test_a_warm_faq_page_costs_the_same_few_queries_however_many_entries(
    client, faq, django_assert_max_num_queries
):
    for n in range(6):
        entry("en", section=Section.values[n % 6], question=f"Question {n}")
    for _warm_up in range(2):  # the first view may create the site's settings row, changing the site version
        client.get("/en/faq/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/faq/").status_code == 200
    few = len(queries)
    for n in range(60):
        entry("en", section=Section.values[n % 6], question=f"Question {n}")
    client.get("/en/faq/")
    # Routing (the locale, the home page, the FAQ page found under it), the rest from the cache.
    with django_assert_max_num_queries(few):
        html = html_of(client, "/en/faq/")
    assert html.count('class="faq-entry"') == 66
    assert few <= 5
    for _warm_up in range(2):
        client.get("/en/faq/work/")
    with django_assert_max_num_queries(few + 1):  # a sub-route misses the home page's one-query lookup
        html_of(client, "/en/faq/work/")


# --- JSON-LD ------------------------------------------------------------------------------------------------


def test_json_ld_lists_the_page_s_entries_as_a_faq_page(client, faq):
    first = entry("en", section=Section.WORK, question="Work permit?", answer="Apply online.")
    entry("en", section=Section.LIVE, question="Housing?", answer="Register within 24 hours.")

    data = json_ld(html_of(client, "/en/faq/"))
    assert data["@type"] == "FAQPage"
    assert data["inLanguage"] == "en"
    assert [item["name"] for item in data["mainEntity"]] == ["Work permit?", "Housing?"]
    assert data["mainEntity"][0] == {
        "@type": "Question",
        "name": "Work permit?",
        "url": f"http://testserver/en/faq/#faq-{first.pk}",
        "acceptedAnswer": {"@type": "Answer", "text": "Apply online."},
    }
    section = json_ld(html_of(client, "/en/faq/live/"))
    assert [item["name"] for item in section["mainEntity"]] == ["Housing?"]


def test_script_in_an_answer_cannot_close_the_json_ld(client, faq):
    entry("en", question="Q & A", answer='</script><script>alert("x")</script><!--')
    html = html_of(client, "/en/faq/")
    script = JSON_LD.search(html).group(1)
    assert "</script" not in script and "<!--" not in script
    assert json.loads(script)["mainEntity"][0]["acceptedAnswer"]["text"] == (
        '</script><script>alert("x")</script><!--'
    )
    assert '<script>alert("x")' not in html


def test_chinese_json_ld_is_readable_not_escaped(client, faq, portal):
    entry("zh-hans", question="如何办理工作许可？", answer="在网上申请。")
    data_text = JSON_LD.search(html_of(client, "/zh-hans/faq/")).group(1)
    assert "如何办理工作许可？" in data_text
    assert json.loads(data_text)["inLanguage"] == "zh-Hans"


# --- Sitemap and purging ------------------------------------------------------------------------------------


def sitemap_urls(client) -> dict[str, set[tuple[str, str]]]:
    root = ElementTree.fromstring(client.get("/sitemap-pages.xml").content)
    found = {}
    for url in root.findall("sm:url", SITEMAP):
        location = url.find("sm:loc", SITEMAP).text
        found[location] = {
            (link.get("hreflang"), link.get("href")) for link in url.findall("xhtml:link", SITEMAP)
        }
    return found


def test_the_sitemap_lists_the_faq_page_and_its_sections_with_entries_with_alternates(client, faq):
    entry("en", section=Section.WORK)
    entry("ko", section=Section.WORK)
    entry("en", section=Section.LIVE)

    urls = sitemap_urls(client)

    base = "http://testserver"
    assert f"{base}/en/faq/" in urls
    assert ("ko", f"{base}/ko/faq/") in urls[f"{base}/en/faq/"]
    assert urls[f"{base}/en/faq/work/"] == {("en", f"{base}/en/faq/work/"), ("ko", f"{base}/ko/faq/work/")}
    assert urls[f"{base}/en/faq/live/"] == {("en", f"{base}/en/faq/live/")}
    assert f"{base}/ko/faq/live/" not in urls  # Korean has no Live entries
    assert f"{base}/en/faq/travel/" not in urls
    assert f"{base}/ar/faq/figures/" in urls


def test_wagtail_s_sitemap_entries_of_a_faq_page_list_its_routes_with_alternates(faq):
    entry("en", section=Section.WORK)
    entry("ko", section=Section.WORK)
    entry("en", section=Section.STUDY)

    urls = {url["location"]: url for url in faq["en"].get_sitemap_urls()}

    assert list(urls) == [
        f"{ROOT}/en/faq/",
        f"{ROOT}/en/faq/figures/",
        f"{ROOT}/en/faq/work/",  # in the sections' order
        f"{ROOT}/en/faq/study/",
    ]
    assert {alternate["lang_code"] for alternate in urls[f"{ROOT}/en/faq/"]["alternates"]} == {
        "zh-Hans",
        "en",
        "ko",
        "ar",
    }
    assert {alternate["location"] for alternate in urls[f"{ROOT}/en/faq/work/"]["alternates"]} == {
        f"{ROOT}/en/faq/work/",
        f"{ROOT}/ko/faq/work/",
    }
    assert urls[f"{ROOT}/en/faq/work/"]["lastmod"] is not None


def test_faq_pages_name_every_route_for_purging(faq):
    assert set(faq["en"].get_cached_paths()) == {"/", "/figures/", *(f"/{code}/" for code in Section.values)}


@pytest.fixture
def frontend_cache(settings):
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:9",  # nothing is sent: the test reads the queued task
        }
    }


def queued_purges() -> set[str]:
    urls = set()
    for row in DBTaskResult.objects.filter(task_path=WAGTAIL_PURGE_TASK):
        urls.update(row.args_kwargs["args"][0])
    return urls


def test_saving_an_entry_purges_its_language_s_faq_addresses(
    faq, frontend_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry("ko", section=Section.WORK)

    urls = queued_purges()
    assert {f"{ROOT}/ko/faq/", f"{ROOT}/ko/faq/work/", f"{ROOT}/ko/faq/figures/"} <= urls
    assert {f"{ROOT}/sitemap.xml", f"{ROOT}/sitemap-pages.xml"} <= urls
    assert not any("/en/faq/" in url for url in urls)


def test_a_new_entry_shows_at_once_on_a_cached_page(client, faq, django_capture_on_commit_callbacks):
    first = entry("en", question="The first question")
    assert "The first question" in html_of(client, "/en/faq/")
    with django_capture_on_commit_callbacks(execute=True):
        publish_faq(
            by=None,
            section=Section.LIVE,
            texts={"en": FAQText("A second question", "An answer."), "ko": FAQText("두 번째", "답")},
            source=QuestionFactory(),
        )
    html = html_of(client, "/en/faq/")
    assert "The first question" in html and "A second question" in html

    with django_capture_on_commit_callbacks(execute=True):
        FAQEntry.objects.get(pk=first.pk).delete()
    assert "The first question" not in html_of(client, "/en/faq/")

    changed = FAQEntry.objects.get(question="A second question")
    changed.live = False
    with django_capture_on_commit_callbacks(execute=True):
        changed.save()
    assert "A second question" not in html_of(client, "/en/faq/")


def test_anonymous_faq_pages_set_no_cookie_and_may_be_cached(client, faq):
    entry("en")
    response = client.get("/en/faq/")
    assert not response.cookies
    assert "public" in response["Cache-Control"]


# --- The admin's FAQ entries ------------------------------------------------------------------------------

ADMIN = "/admin/questions/faq-entries/"


@pytest.fixture
def supervisor(client, db):
    user = staff_user("supervisor", supervisor=True)
    client.force_login(user)
    return user


def test_supervisors_list_and_filter_entries_without_the_question_s_personal_data(client, faq, supervisor):
    source = QuestionFactory(
        name="Zhang Wei Private",
        email="zhang.private@example.org",
        text="My passport E12345678",
    )
    work = entry("en", section=Section.WORK, question="Work permit question", source=source)
    entry("ko", section=Section.LIVE, question="Korean live question")
    entry("en", section=Section.LIVE, question="Unpublished live question", live=False)

    listing = client.get(ADMIN)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Work permit question" in html and "Korean live question" in html
    for private in ("Zhang Wei Private", "zhang.private@example.org", "E12345678", source.reference):
        assert private not in html

    by_section = client.get(ADMIN, {"section": "live"}).content.decode()
    assert "Korean live question" in by_section and "Work permit question" not in by_section
    by_language = client.get(ADMIN, {"locale": "en"}).content.decode()  # Wagtail's locale switcher
    assert "Work permit question" in by_language and "Korean live question" not in by_language
    run_queued_tasks()
    searched = client.get(ADMIN, {"q": "permit"}).content.decode()
    assert "Work permit question" in searched and "Korean live question" not in searched
    unpublished = client.get(ADMIN, {"live": "false"}).content.decode()
    assert "Unpublished live question" in unpublished and "Work permit question" not in unpublished

    edit = client.get(f"{ADMIN}edit/{work.pk}/").content.decode()
    assert "Work permit question" in edit
    for private in ("Zhang Wei Private", "zhang.private@example.org", "E12345678", source.reference):
        assert private not in edit


def test_a_supervisor_unpublishes_an_entry_and_the_page_drops_it_at_once(
    client, faq, supervisor, django_capture_on_commit_callbacks
):
    work = entry("en", section=Section.WORK, question="Work permit question", answer="Apply online.")
    assert "Work permit question" in html_of(client, "/en/faq/")
    form = {
        "section": "work",
        "question": "Work permit question",
        "answer": "Apply online.",
    }  # "live" unticked
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ADMIN}edit/{work.pk}/", form)
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.live is False
    assert "Work permit question" not in html_of(client, "/en/faq/")


def test_an_edit_that_adds_personal_data_is_refused(client, faq, supervisor):
    work = entry("en", question="Work permit question", answer="Apply online.")
    form = {
        "section": "work",
        "question": "Work permit question",
        "answer": "Call +86 138 0013 8000.",
        "live": "on",
    }
    response = client.post(f"{ADMIN}edit/{work.pk}/", form)
    assert response.status_code == 200
    assert "remove it before publishing" in response.content.decode()
    work.refresh_from_db()
    assert work.answer == "Apply online."


def test_consultation_staff_do_not_manage_faq_entries(client, faq):
    work = entry("en", question="Work permit question")
    client.force_login(staff_user("staff"))
    assert client.get(f"{ADMIN}edit/{work.pk}/").status_code in (302, 403)
