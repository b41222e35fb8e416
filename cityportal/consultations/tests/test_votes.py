"""“Was this answer helpful?”: votes counted per entry and month, protected, and keeping nothing
about the voter."""

import datetime as dt

import pytest
from django.utils import timezone

from cityportal.core.sections import Section

from ..models import FAQVoteCount
from .test_faq_pages import entry, faq_pages

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def faq(portal):
    return faq_pages(portal, ["en", "ko"])


@pytest.fixture
def answer(faq):
    return entry("en", section=Section.WORK, question="How do I get a work permit?")


def vote(client, entry_id, *, language="en", helpful="yes", ip="203.0.113.7", headers=SAME_ORIGIN, **extra):
    data = {"helpful": helpful, "listing": "all", "website": "", **extra}
    return client.post(f"/{language}/faq-vote/{entry_id}/", data, headers=headers, REMOTE_ADDR=ip)


def counts(answer) -> list[tuple[dt.date, int, int]]:
    return list(FAQVoteCount.objects.filter(entry=answer).values_list("month", "helpful", "not_helpful"))


def test_the_faq_page_offers_a_vote_under_each_answer(client, answer):
    html = client.get("/en/faq/").content.decode()
    assert f'<form class="faq-vote__form" method="post" action="/en/faq-vote/{answer.pk}/">' in html
    assert "Was this answer helpful?" in html
    assert 'name="helpful" value="yes"' in html and 'name="helpful" value="no"' in html
    assert "csrfmiddlewaretoken" not in html  # the page stays cookie-free


def test_a_vote_without_javascript_returns_to_the_answer_with_thanks(client, answer):
    response = vote(client, answer.pk, helpful="yes")

    assert response.status_code == 303
    assert response["Location"] == f"/en/faq/?voted={answer.pk}#faq-{answer.pk}"
    html = client.get(response["Location"]).content.decode()
    assert f'<details class="faq-entry" id="faq-{answer.pk}" open>' in html
    assert "Thank you for your answer." in html
    assert f'action="/en/faq-vote/{answer.pk}/"' not in html  # the thanks replaces this answer's form


def test_a_vote_from_a_section_page_returns_to_that_section(client, answer):
    response = vote(client, answer.pk, helpful="no", listing="section")
    assert response["Location"] == f"/en/faq/work/?voted={answer.pk}#faq-{answer.pk}"


def test_votes_are_counted_in_this_month_s_row(client, answer, monkeypatch):
    moment = dt.datetime(2026, 3, 31, 17, 0, tzinfo=dt.UTC)  # 1 April, 01:00 in Beijing
    monkeypatch.setattr(timezone, "now", lambda: moment)

    vote(client, answer.pk, helpful="yes")
    vote(client, answer.pk, helpful="no", ip="203.0.113.8")
    vote(client, answer.pk, helpful="yes", ip="203.0.113.9")

    assert counts(answer) == [(dt.date(2026, 4, 1), 2, 1)]


def test_a_vote_with_javascript_gets_the_thanks_as_json(client, answer):
    response = client.post(
        f"/en/faq-vote/{answer.pk}/",
        {"helpful": "no"},
        headers={**SAME_ORIGIN, "Accept": "application/json"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 200
    assert response.json() == {"message": "Thank you for your answer. It helps us improve our answers."}
    assert counts(answer)[0][1:] == (0, 1)


def test_nothing_about_the_voter_is_stored_and_no_cookie_is_set(client, answer):
    response = vote(client, answer.pk)
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert [field.name for field in FAQVoteCount._meta.concrete_fields] == [
        "id",
        "entry",
        "month",
        "helpful",
        "not_helpful",
    ]


def test_only_the_entry_s_own_language_accepts_its_votes(client, answer, faq):
    assert vote(client, answer.pk, language="ko").status_code == 404
    assert vote(client, answer.pk, language="en").status_code == 303
    assert counts(answer)[0][1:] == (1, 0)


def test_unknown_and_unpublished_entries_answer_404(client, answer):
    hidden = entry("en", live=False)
    assert vote(client, hidden.pk).status_code == 404
    assert vote(client, 999_999_999).status_code == 404
    assert FAQVoteCount.objects.count() == 0


def test_a_vote_without_a_choice_is_refused_and_not_counted(client, answer):
    response = vote(client, answer.pk, helpful="maybe")
    assert response.status_code == 400
    assert "Your answer was not counted" in response.content.decode()
    assert FAQVoteCount.objects.count() == 0


def test_the_honeypot_and_cross_site_posts_are_refused(client, answer):
    assert vote(client, answer.pk, website="http://spam.example").status_code == 400
    assert vote(client, answer.pk, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert FAQVoteCount.objects.count() == 0


def test_a_visitor_voting_too_often_is_refused_with_429(client, faq):
    answers = [entry("en", question=f"Question {n}") for n in range(11)]
    statuses = [vote(client, answers[n].pk).status_code for n in range(10) for _ in range(3)]
    assert statuses == [303] * 30  # 30 an hour from one address
    response = vote(client, answers[10].pk)
    assert response.status_code == 429
    assert "sent too often" in response.content.decode()
    assert vote(client, answers[10].pk, ip="198.51.100.1").status_code == 303  # another address


def test_one_answer_takes_three_votes_an_hour_from_one_address(client, answer):
    assert [vote(client, answer.pk).status_code for _ in range(4)] == [303, 303, 303, 429]
    json_refusal = client.post(
        f"/en/faq-vote/{answer.pk}/",
        {"helpful": "yes"},
        headers={**SAME_ORIGIN, "Accept": "application/json"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert json_refusal.status_code == 429
    assert "sent too often" in json_refusal.json()["message"]
    assert counts(answer)[0][1:] == (3, 0)


def test_the_vote_address_takes_posts_only(client, answer):
    assert client.get(f"/en/faq-vote/{answer.pk}/").status_code == 405
