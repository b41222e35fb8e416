"""The public service figures: per Beijing month, received, answered, median answer time, the share
answered by the due day, and satisfaction from the helpful votes."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from wagtail.models import Locale

from ..figures import month_starts, monthly_figures
from ..models import FAQVoteCount, QuestionStatus
from ..services import anonymise_question
from .factories import FAQEntryFactory, QuestionFactory
from .test_faq_pages import faq_pages

BEIJING = dt.timezone(dt.timedelta(hours=8))
MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


def asked(received, due, answered=None, **fields):
    if answered is None:
        return QuestionFactory(received_at=received, due_on=due, **fields)
    return QuestionFactory(
        received_at=received, due_on=due, status=QuestionStatus.ANSWERED, first_answered_at=answered, **fields
    )


@pytest.fixture
def march(db):
    """Questions around March 2026 (Beijing time), with known answer times."""
    asked(at(2026, 3, 2, 9), dt.date(2026, 3, 9), at(2026, 3, 3, 9))  # 24 h, in time
    asked(at(2026, 3, 10, 10), dt.date(2026, 3, 17), at(2026, 3, 20, 10))  # 240 h, late
    anonymised = asked(at(2026, 3, 16, 8), dt.date(2026, 3, 23), at(2026, 3, 18, 8))  # 48 h, in time
    anonymise_question(anonymised)
    asked(at(2026, 3, 31, 23, 30), dt.date(2026, 4, 8), at(2026, 4, 1, 1, 30))  # answered in April: 2 h
    asked(at(2026, 2, 28, 20), dt.date(2026, 3, 6), at(2026, 3, 1, 10))  # asked in February: 14 h
    asked(at(2026, 3, 5, 12), dt.date(2026, 3, 12))  # not answered yet
    # 00:30 on 1 March in Beijing is still 28 February in UTC: it counts in March. Spam, closed.
    asked(
        at(2026, 3, 1, 0, 30), dt.date(2026, 3, 6), status=QuestionStatus.CLOSED, closed_at=at(2026, 3, 1, 9)
    )

    english = FAQEntryFactory()
    korean = FAQEntryFactory(locale=Locale.objects.get(language_code="ko"))
    FAQVoteCount.objects.create(entry=english, month=MARCH, helpful=3, not_helpful=1)
    FAQVoteCount.objects.create(entry=korean, month=MARCH, helpful=1, not_helpful=1)
    FAQVoteCount.objects.create(entry=english, month=dt.date(2026, 2, 1), helpful=0, not_helpful=2)


@pytest.fixture
def april_15(monkeypatch):
    moment = at(2026, 4, 15, 12)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment.date()


def by_month(figures):
    return {month.month: month for month in figures}


def test_the_months_are_the_last_twelve_up_to_this_one():
    months = month_starts(dt.date(2026, 1, 20))
    assert len(months) == 12
    assert months[0] == dt.date(2025, 2, 1) and months[-1] == dt.date(2026, 1, 1)


def test_march_counts_what_arrived_and_what_was_first_answered_in_march(march, django_assert_num_queries):
    with django_assert_num_queries(3):
        figures = monthly_figures(today=dt.date(2026, 4, 15))

    assert [month.month for month in figures][:3] == [APRIL, MARCH, dt.date(2026, 2, 1)]
    assert len(figures) == 12
    march_figures = by_month(figures)[MARCH]
    assert march_figures.received == 6  # including the anonymised one and the spam
    assert march_figures.answered == 4  # 24 h, 240 h, 48 h (anonymised) and February's 14 h
    assert march_figures.median_hours == 36
    assert march_figures.within_deadline == 3
    assert march_figures.share_within_deadline == 0.75
    assert (march_figures.helpful, march_figures.not_helpful) == (4, 2)  # both languages
    assert march_figures.satisfaction == pytest.approx(4 / 6)


def test_april_so_far_and_quiet_months(march):
    figures = by_month(monthly_figures(today=dt.date(2026, 4, 15)))
    april = figures[APRIL]
    assert (april.received, april.answered, april.median_hours, april.share_within_deadline) == (0, 1, 2, 1)
    assert april.current and not figures[MARCH].current
    assert april.satisfaction is None  # nobody voted
    february = figures[dt.date(2026, 2, 1)]
    assert (february.received, february.answered, february.median_hours) == (1, 0, None)
    assert february.share_within_deadline is None
    assert february.satisfaction == 0
    assert figures[dt.date(2025, 5, 1)].received == 0


def cells(html: str, month_label: str) -> list[str]:
    row = re.search(rf"<tr>\s*<th scope=\"row\">{re.escape(month_label)}</th>(.*?)</tr>", html, re.S).group(1)
    return [re.sub(r"<[^>]+>", " ", cell).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_figures_page_shows_march_in_english(client, portal, march, april_15):
    faq_pages(portal, ["en"])
    response = client.get("/en/faq/figures/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<caption id="faq-figures-caption">' in html
    assert html.count('<th scope="col">') == 6
    assert cells(html, "March 2026") == [
        ["6"],
        ["4"],
        ["36", "hours"],
        ["75%"],
        ["67%", "(6", "votes)"],
    ]
    assert cells(html, "April 2026 (so far)")[3:] == [["100%"], ["—", "no", "votes"]]
    assert "first answer was sent in the month" in html  # the definitions are on the page
    assert '<link rel="canonical" href="http://testserver/en/faq/figures/">' in html


def test_the_figures_speak_the_visitor_s_language(client, portal, march, april_15):
    faq_pages(portal, ["de", "ko"])
    german = client.get("/de/faq/figures/").content.decode()
    assert cells(german, "März 2026")[3] == ["75", "%"]
    assert cells(german, "März 2026")[4][:2] == ["67", "%"]
    korean = client.get("/ko/faq/figures/").content.decode()
    assert cells(korean, "2026년 3월")[2] == ["36시간"]


def test_the_figures_page_is_cached_for_the_hour(
    client, portal, march, april_15, django_assert_max_num_queries
):
    faq_pages(portal, ["en"])
    for _warm_up in range(2):
        client.get("/en/faq/figures/")
    with django_assert_max_num_queries(6):  # routing only: the figures come from the cache
        assert client.get("/en/faq/figures/").status_code == 200
    asked(at(2026, 4, 2, 9), dt.date(2026, 4, 9))
    # A new question shows within the hour, not at once (the page says so).
    assert cells(client.get("/en/faq/figures/").content.decode(), "April 2026 (so far)")[0] == ["0"]


def test_the_first_vote_of_a_month_shows_at_once(client, portal, march, april_15):
    faq_pages(portal, ["en"])
    client.get("/en/faq/figures/")
    FAQVoteCount.objects.create(entry=FAQEntryFactory(), month=APRIL, helpful=1)
    assert cells(client.get("/en/faq/figures/").content.decode(), "April 2026 (so far)")[4][0] == "100%"
